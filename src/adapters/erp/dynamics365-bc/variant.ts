import { configError, counterSalesSetting, currencyBasisSetting, isoCurrencySetting, taxModeSetting, type ErpVariantDefinition, type SettingCheck } from '../erp-variant.js';
import { BusinessCentralAdapter } from './bc.adapter.js';
import { BC_LINE_TYPES, EXTERNAL_DOCUMENT_NUMBER_MAX } from './bc.mapper.js';

/** A BC Code field (a G/L account No., a tax group code): non-empty, at most 20 characters. */
const bcCode: SettingCheck = (value, field) => {
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > 20) configError(field, `${field} must be a non-empty code of at most 20 characters`);
  return value.trim();
};

/** Dynamics 365 Business Central, API v2.0, by OAuth client credentials. */
export const businessCentralVariant: ErpVariantDefinition = {
  variant: 'dynamics365-bc',
  requiredCredentials: ['tenantId', 'environment', 'companyId', 'clientId', 'clientSecret'],
  settings: {
    localCurrency: isoCurrencySetting,
    shippingAccountNumber: (value, field) => {
      if (typeof value !== 'string' || value.trim() === '' || value.length > 100) configError(field, `${field} must be a non-empty string of at most 100 characters`);
      return value.trim();
    },
    shippingLineType: (value, field) => {
      if (typeof value !== 'string' || !(BC_LINE_TYPES as readonly string[]).includes(value)) configError(field, `${field} must be one of ${BC_LINE_TYPES.join(', ')}`);
      return value;
    },
    taxMode: taxModeSetting,
    /** How a counter sale is booked: SALES_ORDER (default, with its item fulfilment) or CASH_SALE. */
    counterSales: counterSalesSetting,
    currencyBasis: currencyBasisSetting,
    /**
     * Send the buyer's PO number as yourReference. Off by default: the salesOrders resource of API
     * v2.0 in the contract has no yourReference, so only a company whose API exposes it turns it on.
     */
    poNumberAsYourReference: (value, field) => {
      if (typeof value !== 'boolean') configError(field, `${field} must be true or false`);
      return value;
    },
    taxAccountNumber: bcCode,
    exemptTaxCode: bcCode,
    /** Where a refund of goods that do not come back is booked when its disposition names no write-off account. */
    refundAccountNumber: bcCode,
  },
  maxExternalKeyLength: EXTERNAL_DOCUMENT_NUMBER_MAX,
  create: (connection) => new BusinessCentralAdapter(connection),
};
