/**
 * NetSuite's answers, in the terms the posting pipeline acts on.
 *
 * REST web services answer an error with
 *   { type, title, status, "o:errorDetails": [{ detail, "o:errorCode", "o:errorPath"?, "o:urlPath"?, ... }] }
 * ("Error Handling in REST Web Services"). The HTTP status and the error codes decide the kind:
 *
 *   401, INVALID_LOGIN…                       → AUTH
 *   403 (role lacks a permission)              → AUTH (fixed on the target, not on the document)
 *   429, CONCURRENCY_LIMIT_EXCEEDED,
 *   SSS_REQUEST_LIMIT_EXCEEDED                 → RETRYABLE, retryAfterMs from Retry-After when sent
 *   5xx, UNEXPECTED_ERROR, 408, 409            → RETRYABLE
 *   "Invalid Field Value <id> for the
 *    following field: entity | item"           → MISSING_DEPENDENCY (the customer or item is not in the account)
 *   any other 4xx (INVALID_CONTENT, USER_ERROR) → PERMANENT, with NetSuite's detail and o:errorPath
 *
 * Transport failures (no HTTP answer) are classified by whether the request can have reached
 * NetSuite: refused before sending → RETRYABLE; lost or timed out after sending a write → AMBIGUOUS.
 *
 * Messages carry NetSuite's own text or a transport code; never a header, a URL query or a credential.
 */
import { DeliveryError } from '../erp-adapter.port.js';
import {
  header, parseRetryAfter, transportError as sharedTransportError, type HeaderSource, type TransportContext,
} from '../shared/http-errors.js';

export { parseRetryAfter, transportCode, type HeaderSource, type TransportContext } from '../shared/http-errors.js';

export interface NetSuiteErrorDetail {
  readonly detail?: string;
  readonly 'o:errorCode'?: string;
  readonly 'o:errorPath'?: string;
  readonly 'o:urlPath'?: string;
  readonly 'o:errorHeader'?: string;
  readonly 'o:errorQueryParam'?: string;
}

export interface NetSuiteErrorBody {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly 'o:errorDetails'?: readonly NetSuiteErrorDetail[];
}


const AUTH_CODES = new Set(['INVALID_LOGIN', 'INVALID_LOGIN_ATTEMPT', 'INVALID_LOGIN_CREDENTIALS', 'INVALID_CREDENTIALS']);
/** The account's concurrency governance: REST answers 429, RESTlets 400 SSS_REQUEST_LIMIT_EXCEEDED. */
const LIMIT_CODES = new Set(['CONCURRENCY_LIMIT_EXCEEDED', 'SSS_REQUEST_LIMIT_EXCEEDED', 'EXCEEDED_CONCURRENT_REQUEST_LIMIT', 'REQUEST_LIMIT_EXCEEDED']);
const TRANSIENT_CODES = new Set(['UNEXPECTED_ERROR', 'RCRD_HAS_BEEN_CHANGED']);
const TRANSIENT_STATUSES = new Set([408, 409]);

/** The record references the hub resolves through master data; an unknown one waits for master data. */
const DEPENDENCY_FIELDS: readonly { readonly field: string; readonly path: RegExp }[] = [
  { field: 'entity', path: /^entity$/ },
  { field: 'item', path: /^item\.items\[\d+\]\.item$/ },
];
const INVALID_VALUE = /Invalid Field Value (.+?) for the following field: ([A-Za-z0-9_]+)/;



/** The body as NetSuite's error object, or undefined when it is something else (a proxy's HTML page). */
export function readErrorBody(body: unknown): NetSuiteErrorBody | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const details = (value as Record<string, unknown>)['o:errorDetails'];
  if (details !== undefined && !Array.isArray(details)) return undefined;
  return value as NetSuiteErrorBody;
}

function details(body: NetSuiteErrorBody | undefined): NetSuiteErrorDetail[] {
  return (body?.['o:errorDetails'] ?? []).filter((d): d is NetSuiteErrorDetail => d !== null && typeof d === 'object');
}

/**
 * An "Invalid Field Value <id> for the following field: entity|item" on a well-formed reference:
 * the record the id names does not exist in the account (yet). A malformed reference is quoted as
 * JSON ({"id":"abc"}) and stays a permanent error: waiting would not fix it.
 */
function missingReference(detail: NetSuiteErrorDetail): string | undefined {
  const match = INVALID_VALUE.exec(detail.detail ?? '');
  if (!match) return undefined;
  const [, value, field] = match;
  if (/^[[{"]|^null$/.test(value.trim())) return undefined;
  const path = detail['o:errorPath'];
  const known = DEPENDENCY_FIELDS.find((d) => (path !== undefined ? d.path.test(path) : d.field === field));
  return known && known.field === field ? (path ?? field) : undefined;
}

/** NetSuite's error answer (status, body as text or parsed, headers) as a typed DeliveryError. */
export function parseNetSuiteError(status: number, body: unknown, headers?: HeaderSource, nowMs: number = Date.now()): DeliveryError {
  const parsed = readErrorBody(body);
  const list = details(parsed);
  const codes = list.map((d) => d['o:errorCode']).filter((c): c is string => typeof c === 'string');
  const first = list[0];
  const texts = list.map((d) => d.detail).filter((d): d is string => typeof d === 'string' && d.length > 0);
  const message = texts.length > 0 ? texts.join('; ') : `NetSuite answered HTTP ${status}${parsed?.title ? ` ${parsed.title}` : ''}`;
  const code = codes[0] ?? `HTTP_${status}`;
  const field = first?.['o:errorPath'];
  const base = { status, code, ...(field !== undefined && { field }) };

  if (status === 401 || codes.some((c) => AUTH_CODES.has(c))) return new DeliveryError('AUTH', message, base);
  if (status === 403) return new DeliveryError('AUTH', message, base);
  if (status === 429 || codes.some((c) => LIMIT_CODES.has(c))) {
    const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), nowMs);
    return new DeliveryError('RETRYABLE', message, { ...base, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  if (status >= 500 || TRANSIENT_STATUSES.has(status) || codes.some((c) => TRANSIENT_CODES.has(c))) {
    const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), nowMs);
    return new DeliveryError('RETRYABLE', message, { ...base, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  for (const detail of list) {
    const path = missingReference(detail);
    if (path !== undefined) {
      return new DeliveryError('MISSING_DEPENDENCY', detail.detail ?? message, { status, code: detail['o:errorCode'] ?? code, field: path });
    }
  }
  return new DeliveryError('PERMANENT', message, base);
}

/** A NetSuite request that got no HTTP answer, as a typed DeliveryError. */
export function transportError(err: unknown, ctx: Omit<TransportContext, 'peer'>): DeliveryError {
  return sharedTransportError(err, { ...ctx, peer: 'NetSuite' });
}
