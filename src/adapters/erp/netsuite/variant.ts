import { configError, counterSalesSetting, currencyBasisSetting, isoCurrencySetting, taxModeSetting, type ErpVariantDefinition, type SettingCheck } from '../erp-variant.js';
import { NetSuiteAdapter, type NetSuiteAdapterOptions } from './netsuite.adapter.js';

const internalId: SettingCheck = (value, field) => {
  if (typeof value !== 'string' || !/^\d{1,18}$/.test(value.trim())) configError(field, `${field} must be a NetSuite internal id (digits), as a string`);
  return value.trim();
};

const customField = (pattern: RegExp, what: string): SettingCheck => (value, field) => {
  if (typeof value !== 'string' || !pattern.test(value)) configError(field, `${field} must be ${what}`);
  return value;
};

/** NetSuite by token-based authentication (OAuth 1.0a) over the REST record service. */
export const netSuiteVariant: ErpVariantDefinition = {
  variant: 'netsuite',
  requiredCredentials: ['accountId', 'consumerKey', 'consumerSecret', 'tokenId', 'tokenSecret'],
  settings: {
    currencyIds: (value, field) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) configError(field, `${field} must map ISO 4217 codes to currency internal ids`);
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([code, id]) => [isoCurrencySetting(code, `${field}.${code}`), internalId(id, `${field}.${code}`)]));
    },
    discountItemId: internalId,
    /** The subsidiary settlement journals are booked in. */
    journalSubsidiaryId: internalId,
    shippingItemId: internalId,
    lineRefField: (value, field) => {
      if (typeof value !== 'string' || !/^custcol[a-z0-9_]+$/.test(value)) configError(field, `${field} must be a custom transaction column id (custcol…)`);
      return value;
    },
    taxMode: taxModeSetting,
    /** How a counter sale is booked: SALES_ORDER (default, with its item fulfilment) or CASH_SALE. */
    counterSales: counterSalesSetting,
    currencyBasis: currencyBasisSetting,
    poNumberField: customField(/^custbody[a-z0-9_]+$/, 'a custom body field id (custbody…)'),
    noteField: customField(/^custbody[a-z0-9_]+$/, 'a custom body field id (custbody…)'),
    linePropertiesField: customField(/^custcol[a-z0-9_]+$/, 'a custom transaction column id (custcol…)'),
    fetchDocumentNumber: (value, field) => {
      if (typeof value !== 'boolean') configError(field, `${field} must be true or false`);
      return value;
    },
    totalReadBack: (value, field) => {
      if (value !== 'BATCHED' && value !== 'INLINE') configError(field, `${field} must be BATCHED or INLINE`);
      return value;
    },
  },
  // externalId is a free-text field; its length is not in the contract notes, 255 is the UI's.
  maxExternalKeyLength: 255,
  create: (connection) => {
    const settings = (connection.settings ?? {}) as NetSuiteAdapterOptions & { totalReadBack?: 'BATCHED' | 'INLINE' };
    // Batched unless a target asks for the read with each write (one more request per order).
    return new NetSuiteAdapter(connection, { ...settings, batchedReadBack: settings.totalReadBack !== 'INLINE' });
  },
};
