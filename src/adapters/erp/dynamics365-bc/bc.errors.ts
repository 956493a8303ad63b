/**
 * Business Central's failure answers as typed ErpErrors.
 *
 * The API answers a failed call with an OData error body, {"error":{"code":"…","message":"…"}}
 * (codes as in "Troubleshooting OData/API calls": Authentication_*, Authorization_*, BadRequest_*,
 * Application_*, Internal_*, Request_*). The Microsoft identity platform's token endpoint answers
 * with {"error":"invalid_client","error_description":"AADSTS…"} instead.
 *
 * | answer                                                     | kind               |
 * |------------------------------------------------------------|--------------------|
 * | 401, Authentication_*                                      | AUTH               |
 * | 403, Authorization_*                                       | AUTH               |
 * | 429, Application_TooManyRequests (Retry-After → retryAfterMs) | RETRYABLE       |
 * | 502 / 504 to a write (a gateway may have passed it on)     | AMBIGUOUS          |
 * | other 5xx (BC rolls a failed transaction back)             | RETRYABLE          |
 * | 412 Request_EntityChanged (stale etag: read again)         | RETRYABLE          |
 * | 409, 408                                                   | RETRYABLE          |
 * | 404 Internal_RecordNotFound (the entity in the URL is gone) | RETRYABLE         |
 * | 400 Internal_RecordNotFound "The Customer/Item/… does not exist" | MISSING_DEPENDENCY |
 * | 404 BadRequest_ResourceNotFound (company / environment)    | PERMANENT          |
 * | 400 Application_* / BadRequest_* / anything else           | PERMANENT, ERP message |
 *
 * Messages are the ERP's own; they never carry request headers, so no token can leak into them.
 */
import { DeliveryError } from '../erp-adapter.port.js';
import {
  header, parseRetryAfter, transportError as sharedTransportError, type HeaderSource, type TransportContext,
} from '../shared/http-errors.js';

export { parseRetryAfter, transportCode, type HeaderSource, type TransportContext } from '../shared/http-errors.js';

export interface ODataErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string };
}

export interface BcErrorContext {
  /** POST / PATCH: a lost or gateway-cut answer may hide a commit. */
  readonly write?: boolean;
  readonly nowMs?: number;
}

/** The OData error body, from text or an already parsed value; undefined when it is not one. */
export function readODataError(body: unknown): { code?: string; message?: string } | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object') return undefined;
  const error = (value as ODataErrorBody).error;
  if (error === null || typeof error !== 'object') return undefined;
  return {
    ...(typeof error.code === 'string' && { code: error.code }),
    ...(typeof error.message === 'string' && { message: error.message }),
  };
}

/** "… property 'unitPrice' …", "Control 'x' is read-only.", "The property 'x' does not exist …". */
function fieldOf(message: string): string | undefined {
  return /(?:property(?: named)?|Control) '([A-Za-z][A-Za-z0-9]*)'/.exec(message)?.[1];
}

/** "The Customer does not exist. Identification fields and values: No.='C1'" → Customer. */
const MISSING_RECORD = /^The (.+?) does not exist\./;

/** An OData error answer as a typed DeliveryError. */
export function parseBcError(status: number, body: unknown, headers?: HeaderSource, ctx: BcErrorContext = {}): DeliveryError {
  const parsed = readODataError(body);
  const code = parsed?.code ?? `HTTP_${status}`;
  const message = parsed?.message?.trim() || `Business Central answered HTTP ${status}`;
  const field = fieldOf(message);
  const base = { status, code, ...(field !== undefined && { field }) };
  const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), ctx.nowMs);
  const retry = { ...base, ...(retryAfterMs !== undefined && { retryAfterMs }) };

  if (status === 401 || code.startsWith('Authentication_')) return new DeliveryError('AUTH', message, base);
  if (status === 403 || code.startsWith('Authorization_')) return new DeliveryError('AUTH', message, base);
  if (status === 429 || code === 'Application_TooManyRequests') return new DeliveryError('RETRYABLE', message, retry);
  if (ctx.write && (status === 502 || status === 504)) {
    return new DeliveryError('AMBIGUOUS', `${message} (a gateway answered; Business Central may have committed the request)`, retry);
  }
  if (status >= 500) return new DeliveryError('RETRYABLE', message, retry);
  if (status === 412 || code === 'Request_EntityChanged') return new DeliveryError('RETRYABLE', message, retry);
  if (status === 409 || status === 408) return new DeliveryError('RETRYABLE', message, retry);
  if (code === 'Internal_RecordNotFound') {
    if (status === 404) return new DeliveryError('RETRYABLE', message, base);
    const table = MISSING_RECORD.exec(message)?.[1];
    return new DeliveryError('MISSING_DEPENDENCY', message, { status, code, ...(table !== undefined && { field: table }) });
  }
  return new DeliveryError('PERMANENT', message, base);
}

/** The identity platform's token error: bad credentials and configuration are AUTH, throttling and outages RETRYABLE. */
export function parseTokenError(status: number, body: unknown, headers?: HeaderSource, nowMs: number = Date.now()): DeliveryError {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      value = undefined;
    }
  }
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const error = typeof record.error === 'string' ? record.error : `HTTP_${status}`;
  // "AADSTS7000215: Invalid client secret provided. … Trace ID: … Correlation ID: … Timestamp: …"
  const description = typeof record.error_description === 'string' ? record.error_description.split(/\s+Trace ID:/)[0].trim() : '';
  const message = `the token request was refused (${error})${description ? `: ${description}` : ''}`;
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), nowMs);
    return new DeliveryError('RETRYABLE', message, { status, code: error, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  return new DeliveryError('AUTH', message, { status, code: error });
}

/** A Business Central request that got no (complete) HTTP answer, as a typed DeliveryError. */
export function transportError(err: unknown, ctx: Omit<TransportContext, 'peer'> & { readonly peer?: string }): DeliveryError {
  return sharedTransportError(err, { ...ctx, peer: ctx.peer ?? 'Business Central' });
}
