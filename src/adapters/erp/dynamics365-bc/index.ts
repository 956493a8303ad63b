export { BusinessCentralAdapter, type BusinessCentralAdapterDeps } from './bc.adapter.js';
export { BcClient, type BcAnswer, type BcMethod, type BcSettings } from './bc-client.js';
export { BcFulfillments } from './bc-fulfillment.js';
export { planLineChanges, planShipment, readBcLines, type BcLineStep, type BcOrderLine } from './bc-shipment.mapper.js';
export { BC_SCOPE, BcTokenProvider, tokenEndpoint, type BcTokenConfig, type BcTokenDeps } from './bc-token.js';
export {
  BC_LINE_TYPES, BcDecimal, EXTERNAL_DOCUMENT_NUMBER_MAX, LINE_SEQUENCE_STEP, bcCurrencyCode, bcExternalDocumentNumber, compareWithExisting,
  externalDocumentNumberFilter, odataString, serializeBcJson, toBcSalesOrder, toBcSalesOrderHeader,
  type BcLineType, type BcMappingOptions, type BcOrderComparison, type BcSalesOrderBody, type BcSalesOrderHeader, type BcSalesOrderLineBody,
} from './bc.mapper.js';
export {
  parseBcError, parseRetryAfter, parseTokenError, readODataError, transportCode, transportError,
  type BcErrorContext, type HeaderSource, type ODataErrorBody, type TransportContext,
} from './bc.errors.js';
export { businessCentralVariant } from './variant.js';
