import type { ErpAdapter, ErpConnection } from './erp-adapter.port.js';
import { CURRENCY_BASES } from './shared/currency-basis.js';
import { TAX_MODES } from './shared/document-money.js';

/** A setting or credential the admin gave in a form the variant cannot use; field is its path. */
export class ErpConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** Checks one non-secret setting and returns its normal form; throws ErpConfigError. */
export type SettingCheck = (value: unknown, field: string) => unknown;

/**
 * What an ERP variant declares about itself, in its adapter folder's index.ts. The registry
 * (erp-variants.ts) lists these; nothing else in the hub names a variant.
 */
export interface ErpVariantDefinition {
  readonly variant: string;
  /** Credential names a target of this variant must have; values are write-only. */
  readonly requiredCredentials: readonly string[];
  /** The non-secret settings it knows; any other is refused when a target is saved. */
  readonly settings: Readonly<Record<string, SettingCheck>>;
  /** The longest natural key (external id / document number) the ERP stores for a document. */
  readonly maxExternalKeyLength: number;
  create(connection: ErpConnection): ErpAdapter;
}

export function configError(field: string, message: string): never {
  throw new ErpConfigError(field, message);
}

/** An ISO 4217 code, upper-cased: a setting several variants take (currency records, local currency). */
export const isoCurrencySetting: SettingCheck = (value, field) => {
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) configError(field, `${field} must be an ISO 4217 code`);
  return value.toUpperCase();
};

/** How the target takes tax (shared/document-money.ts): CHANNEL_AMOUNTS (the default) or ERP_CALCULATES. */
export const taxModeSetting: SettingCheck = (value, field) => {
  if (typeof value !== 'string' || !(TAX_MODES as readonly string[]).includes(value)) configError(field, `${field} must be one of ${TAX_MODES.join(', ')}`);
  return value;
};

/** Which of an order's money sets the target books (shared/currency-basis.ts): SHOP (the default) or PRESENTMENT. */
export const currencyBasisSetting: SettingCheck = (value, field) => {
  if (typeof value !== 'string' || !(CURRENCY_BASES as readonly string[]).includes(value)) configError(field, `${field} must be one of ${CURRENCY_BASES.join(', ')}`);
  return value;
};

/** The target setting that says how a counter sale (paid and handed over at a till) is booked. */
export const COUNTER_SALES_SETTING = 'counterSales';
/**
 * SALES_ORDER (the default): a sales order and its item fulfilment, as any order; CASH_SALE: one cash
 * sale per sale; DAILY_SUMMARY: one cash sale per store and business day, booked at the day's close
 * (a sale after the close: a summary of its own).
 */
export const COUNTER_SALES = ['SALES_ORDER', 'CASH_SALE', 'DAILY_SUMMARY'] as const;

export const counterSalesSetting: SettingCheck = (value, field) => {
  if (typeof value !== 'string' || !(COUNTER_SALES as readonly string[]).includes(value)) configError(field, `${field} must be one of ${COUNTER_SALES.join(', ')}`);
  return value;
};
