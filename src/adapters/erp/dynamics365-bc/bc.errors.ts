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
import { ErpError } from '../erp-adapter.port.js';

export interface ODataErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string };
}

export type HeaderSource = Headers | Readonly<Record<string, string | undefined>>;

export interface BcErrorContext {
  /** POST / PATCH: a lost or gateway-cut answer may hide a commit. */
  readonly write?: boolean;
  readonly nowMs?: number;
}

function header(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
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

/** An OData error answer as a typed ErpError. */
export function parseBcError(status: number, body: unknown, headers?: HeaderSource, ctx: BcErrorContext = {}): ErpError {
  const parsed = readODataError(body);
  const code = parsed?.code ?? `HTTP_${status}`;
  const message = parsed?.message?.trim() || `Business Central answered HTTP ${status}`;
  const field = fieldOf(message);
  const base = { status, code, ...(field !== undefined && { field }) };
  const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), ctx.nowMs);
  const retry = { ...base, ...(retryAfterMs !== undefined && { retryAfterMs }) };

  if (status === 401 || code.startsWith('Authentication_')) return new ErpError('AUTH', message, base);
  if (status === 403 || code.startsWith('Authorization_')) return new ErpError('AUTH', message, base);
  if (status === 429 || code === 'Application_TooManyRequests') return new ErpError('RETRYABLE', message, retry);
  if (ctx.write && (status === 502 || status === 504)) {
    return new ErpError('AMBIGUOUS', `${message} (a gateway answered; Business Central may have committed the request)`, retry);
  }
  if (status >= 500) return new ErpError('RETRYABLE', message, retry);
  if (status === 412 || code === 'Request_EntityChanged') return new ErpError('RETRYABLE', message, retry);
  if (status === 409 || status === 408) return new ErpError('RETRYABLE', message, retry);
  if (code === 'Internal_RecordNotFound') {
    if (status === 404) return new ErpError('RETRYABLE', message, base);
    const table = MISSING_RECORD.exec(message)?.[1];
    return new ErpError('MISSING_DEPENDENCY', message, { status, code, ...(table !== undefined && { field: table }) });
  }
  return new ErpError('PERMANENT', message, base);
}

/** The identity platform's token error: bad credentials and configuration are AUTH, throttling and outages RETRYABLE. */
export function parseTokenError(status: number, body: unknown, headers?: HeaderSource, nowMs: number = Date.now()): ErpError {
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
    return new ErpError('RETRYABLE', message, { status, code: error, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  return new ErpError('AUTH', message, { status, code: error });
}

/** Failures before a connection exists: nothing reached the server. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** The system error code under fetch's "fetch failed" (on the cause, or on each error of an AggregateError). */
export function transportCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_INVALID_STATE') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const codes = errors.map((e) => transportCode(e));
      if (codes.every((c) => c !== undefined && c === codes[0])) return codes[0];
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface TransportContext {
  /** A write may have been committed when its answer is lost; a read changes nothing. */
  readonly write: boolean;
  /** Our per-request timeout fired. */
  readonly timedOut: boolean;
  /** The caller's signal fired. */
  readonly cancelled: boolean;
  readonly timeoutMs: number;
  /** What was being talked to, for the message. */
  readonly peer?: string;
}

/** A request that got no (complete) HTTP answer, as a typed ErpError: AMBIGUOUS for a write once it may have left. */
export function transportError(err: unknown, ctx: TransportContext): ErpError {
  const peer = ctx.peer ?? 'Business Central';
  const code = transportCode(err);
  if (!ctx.timedOut && !ctx.cancelled && code !== undefined && CONNECT_CODES.has(code)) {
    return new ErpError('RETRYABLE', `could not connect to ${peer} (${code}); nothing was sent`, { code });
  }
  const what = ctx.timedOut
    ? `no answer from ${peer} within ${ctx.timeoutMs} ms`
    : ctx.cancelled
      ? `the request to ${peer} was cancelled`
      : `the connection to ${peer} was lost (${code ?? (err instanceof Error ? err.message : 'unknown error')})`;
  const errorCode = ctx.timedOut ? 'TIMEOUT' : ctx.cancelled ? 'ABORTED' : (code ?? 'NETWORK');
  if (!ctx.write) return new ErpError('RETRYABLE', what, { code: errorCode });
  return new ErpError('AMBIGUOUS', `${what} after the request was sent; ${peer} may have committed it`, { code: errorCode });
}
