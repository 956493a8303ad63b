/**
 * Business Central answers failed API/OData calls with an OData error body,
 * {"error":{"code":"...","message":"..."}}; the codes (BadRequest_*, Authentication_*,
 * Internal_*, Application_*, Request_EntityChanged) are those listed in "Troubleshooting
 * OData/API calls" (MicrosoftDocs dynamics365smb-devitpro-pb, webservices/dynamics-error-codes.md).
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../shared/http.js';

export const ODATA_HEADERS = {
  'content-type': 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
  'odata-version': '4.0',
} as const;

export function odataError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { ...ODATA_HEADERS, ...headers }, body: { error: { code, message } } };
}

/** BC adds a correlation id to server-side messages; the hub must not depend on it. */
export const withCorrelation = (message: string): string => `${message}  CorrelationId:  ${randomUUID()}.`;

export const badRequest = (message: string): Reply => odataError(400, 'BadRequest', message);

export function unknownProperty(property: string, type: string): Reply {
  return badRequest(`The property '${property}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
}

export function readOnlyProperty(property: string): Reply {
  return odataError(400, 'BadRequest_InvalidOperation', `Control '${property}' is read-only.`);
}

export function dialog(message: string): Reply {
  return odataError(400, 'Application_DialogException', message);
}

/** Missing master data (customer, item, currency): the record the reference names is not there. */
export function recordNotFound(table: string, field: string, value: string): Reply {
  return odataError(400, 'Internal_RecordNotFound', `The ${table} does not exist. Identification fields and values: ${field}='${value}'`);
}

export function entityNotFound(entity: string, id: string): Reply {
  return odataError(404, 'Internal_RecordNotFound', `The ${entity} does not exist. Identification fields and values: Id='${id}'`);
}
