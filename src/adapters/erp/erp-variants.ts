import { businessCentralVariant } from './dynamics365-bc/index.js';
import type { ErpVariantDefinition } from './erp-variant.js';
import { netSuiteVariant } from './netsuite/index.js';

/** Every ERP variant the hub speaks: adding one is its adapter folder and a line here. */
export const ERP_VARIANTS: readonly ErpVariantDefinition[] = [netSuiteVariant, businessCentralVariant];

const byCode = new Map(ERP_VARIANTS.map((definition) => [definition.variant, definition]));

export function erpVariant(code: string): ErpVariantDefinition | undefined {
  return byCode.get(code);
}

export const ERP_VARIANT_CODES: readonly string[] = ERP_VARIANTS.map((definition) => definition.variant);
