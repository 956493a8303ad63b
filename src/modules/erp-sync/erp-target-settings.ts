import type { ErpVariant } from '../../adapters/erp/erp-adapter.port.js';
import { BC_LINE_TYPES } from '../../adapters/erp/dynamics365-bc/bc.mapper.js';
import { ApiError } from '../../platform/http/api-error.js';

/**
 * A target's non-secret settings: how this ERP account is set up (its currency records,
 * which items carry discounts and shipping, the company's local currency). Unlike
 * credentials they are shown back, so an operator can see why a document looks as it does.
 */
export type ErpTargetSettings = Readonly<Record<string, unknown>>;

type Check = (value: unknown, field: string) => unknown;

function bad(field: string, message: string): never {
  throw new ApiError(400, 'VALIDATION_FAILED', message, field);
}

const internalId: Check = (value, field) => {
  if (typeof value !== 'string' || !/^\d{1,18}$/.test(value.trim())) bad(field, `${field} must be a NetSuite internal id (digits), as a string`);
  return value.trim();
};
const nonEmpty: Check = (value, field) => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) bad(field, `${field} must be a non-empty string of at most 100 characters`);
  return value.trim();
};
const isoCurrency: Check = (value, field) => {
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) bad(field, `${field} must be an ISO 4217 code`);
  return value.toUpperCase();
};

const SETTINGS: Readonly<Record<ErpVariant, Readonly<Record<string, Check>>>> = {
  netsuite: {
    currencyIds: (value, field) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(field, `${field} must map ISO 4217 codes to currency internal ids`);
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([code, id]) => [isoCurrency(code, `${field}.${code}`), internalId(id, `${field}.${code}`)]));
    },
    discountItemId: internalId,
    shippingItemId: internalId,
    lineRefField: (value, field) => {
      if (typeof value !== 'string' || !/^custcol[a-z0-9_]+$/.test(value)) bad(field, `${field} must be a custom transaction column id (custcol…)`);
      return value;
    },
    fetchDocumentNumber: (value, field) => {
      if (typeof value !== 'boolean') bad(field, `${field} must be true or false`);
      return value;
    },
  },
  'dynamics365-bc': {
    localCurrency: isoCurrency,
    shippingAccountNumber: nonEmpty,
    shippingLineType: (value, field) => {
      if (typeof value !== 'string' || !(BC_LINE_TYPES as readonly string[]).includes(value)) bad(field, `${field} must be one of ${BC_LINE_TYPES.join(', ')}`);
      return value;
    },
  },
};

/** Checks each setting the variant knows; an unknown one is refused, not ignored, so a typo is seen. */
export function parseTargetSettings(variant: ErpVariant, input: unknown): ErpTargetSettings {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) bad('settings', 'settings must be an object');
  const known = SETTINGS[variant];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    // Own keys only: `toString` or `__proto__` must not find Object.prototype's.
    const check = Object.hasOwn(known, name) ? known[name] : undefined;
    if (!check) bad(`settings.${name}`, `settings.${name} is not a ${variant} setting; known: ${Object.keys(known).join(', ')}`);
    out[name] = check(value, `settings.${name}`);
  }
  return out;
}
