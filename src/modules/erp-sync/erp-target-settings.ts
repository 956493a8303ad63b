import { ErpConfigError } from '../../adapters/erp/erp-variant.js';
import { erpVariant } from '../../adapters/erp/erp-variants.js';
import { ApiError } from '../../platform/http/api-error.js';

/**
 * A target's non-secret settings: how this ERP account is set up (its currency records,
 * which items carry discounts and shipping, the company's local currency). Unlike
 * credentials they are shown back, so an operator can see why a document looks as it does.
 * Each variant declares the settings it knows (src/adapters/erp/<variant>/variant.ts).
 */
export type ErpTargetSettings = Readonly<Record<string, unknown>>;

function bad(field: string, message: string): never {
  throw new ApiError(400, 'VALIDATION_FAILED', message, field);
}

/** Checks each setting the variant knows; an unknown one is refused, not ignored, so a typo is seen. */
export function parseTargetSettings(variant: string, input: unknown): ErpTargetSettings {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) bad('settings', 'settings must be an object');
  const known = erpVariant(variant)?.settings ?? {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    // Own keys only: `toString` or `__proto__` must not find Object.prototype's.
    const check = Object.hasOwn(known, name) ? known[name] : undefined;
    if (!check) bad(`settings.${name}`, `settings.${name} is not a ${variant} setting; known: ${Object.keys(known).join(', ')}`);
    try {
      out[name] = check(value, `settings.${name}`);
    } catch (error) {
      if (error instanceof ErpConfigError) bad(error.field, error.message);
      throw error;
    }
  }
  return out;
}
