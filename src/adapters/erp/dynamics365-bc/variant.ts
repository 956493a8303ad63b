import { configError, type ErpVariantDefinition, type SettingCheck } from '../erp-variant.js';
import { BusinessCentralAdapter } from './bc.adapter.js';
import { BC_LINE_TYPES, EXTERNAL_DOCUMENT_NUMBER_MAX } from './bc.mapper.js';

const isoCurrency: SettingCheck = (value, field) => {
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) configError(field, `${field} must be an ISO 4217 code`);
  return value.toUpperCase();
};

/** Dynamics 365 Business Central, API v2.0, by OAuth client credentials. */
export const businessCentralVariant: ErpVariantDefinition = {
  variant: 'dynamics365-bc',
  requiredCredentials: ['tenantId', 'environment', 'companyId', 'clientId', 'clientSecret'],
  settings: {
    localCurrency: isoCurrency,
    shippingAccountNumber: (value, field) => {
      if (typeof value !== 'string' || value.trim() === '' || value.length > 100) configError(field, `${field} must be a non-empty string of at most 100 characters`);
      return value.trim();
    },
    shippingLineType: (value, field) => {
      if (typeof value !== 'string' || !(BC_LINE_TYPES as readonly string[]).includes(value)) configError(field, `${field} must be one of ${BC_LINE_TYPES.join(', ')}`);
      return value;
    },
  },
  maxExternalKeyLength: EXTERNAL_DOCUMENT_NUMBER_MAX,
  create: (connection) => new BusinessCentralAdapter(connection),
};
