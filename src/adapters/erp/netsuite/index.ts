export { NetSuiteAdapter, internalIdFromLocation, type NetSuiteAdapterOptions } from './netsuite.adapter.js';
export { netSuiteAmount, toNetSuiteSalesOrder, type NetSuiteMappingOptions, type NsItemLine, type NsRef, type NsSalesOrderBody } from './netsuite.mapper.js';
export {
  parseNetSuiteError, parseRetryAfter, readErrorBody, transportCode, transportError,
  type HeaderSource, type NetSuiteErrorBody, type NetSuiteErrorDetail, type TransportContext,
} from './netsuite.errors.js';
