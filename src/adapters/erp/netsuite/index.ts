export { NetSuiteAdapter, internalIdFromLocation, type NetSuiteAdapterOptions } from './netsuite.adapter.js';
export { NetSuiteClient, recordOf, type NetSuiteAnswer, type NetSuiteMethod } from './netsuite-client.js';
export {
  readOrderLines, toNetSuiteItemFulfillment, toNetSuiteLineChanges,
  type NsFulfillmentLine, type NsItemFulfillmentBody, type NsLineChange, type NsOrderLine, type NsPackage,
} from './netsuite-fulfillment.mapper.js';
export { netSuiteAmount, toNetSuiteSalesOrder, type NetSuiteMappingOptions, type NsItemLine, type NsRef, type NsSalesOrderBody } from './netsuite.mapper.js';
export {
  parseNetSuiteError, parseRetryAfter, readErrorBody, transportCode, transportError,
  type HeaderSource, type NetSuiteErrorBody, type NetSuiteErrorDetail, type TransportContext,
} from './netsuite.errors.js';
export { netSuiteVariant } from './variant.js';
