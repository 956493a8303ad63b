/**
 * A WMS's or store system's refusal as a typed DeliveryError. Both answer
 *   { "error": { "code": "...", "message": "...", "fields"?: [{ "field": "...", "message": "..." }] } }.
 *
 *   401, 403                           → AUTH (the location's API key)
 *   429 (Retry-After → retryAfterMs)   → RETRYABLE
 *   5xx, 408                           → RETRYABLE (the request is idempotent: sending again is safe)
 *   409 IDEMPOTENCY_CONFLICT           → PERMANENT (the request id was used for another body)
 *   400 VALIDATION_FAILED, other 4xx   → PERMANENT, with the system's message and first field
 * @since 0.5.0
 */
import type { FulfillmentSystemKind } from '../../canonical/fulfillment.js';
import { DeliveryError } from '../../platform/delivery/delivery-error.js';
import { header, parseRetryAfter, transportError, type HeaderSource } from '../erp/shared/http-errors.js';

export const SYSTEM_NAMES: Record<FulfillmentSystemKind, string> = { wms: 'the WMS', store: 'the store system' };

interface ErrorBody {
  readonly code?: string;
  readonly message?: string;
  readonly fields?: readonly { readonly field?: string; readonly message?: string }[];
}

function readError(text: string | undefined): ErrorBody | undefined {
  try {
    const error = (JSON.parse(text ?? '') as { error?: unknown } | null)?.error;
    return error !== null && typeof error === 'object' && !Array.isArray(error) ? (error as ErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

export function parseFulfillmentSystemError(status: number, text: string | undefined, headers: HeaderSource | undefined, kind: FulfillmentSystemKind, nowMs: number = Date.now()): DeliveryError {
  const error = readError(text);
  const fields = (Array.isArray(error?.fields) ? error.fields : []).filter((f) => typeof f?.field === 'string');
  const detail = fields.map((f) => `${f.field}: ${f.message ?? 'invalid'}`).join('; ');
  const said = typeof error?.message === 'string' && error.message !== '' ? error.message : `${SYSTEM_NAMES[kind]} answered HTTP ${status}`;
  const message = detail ? `${said} (${detail})` : said;
  const base = { status, code: typeof error?.code === 'string' ? error.code : `HTTP_${status}`, ...(fields[0]?.field !== undefined && { field: fields[0].field }) };

  if (status === 401 || status === 403) return new DeliveryError('AUTH', message, base);
  if (status === 429 || status === 408 || status >= 500) {
    const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), nowMs);
    return new DeliveryError('RETRYABLE', message, { ...base, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  return new DeliveryError('PERMANENT', message, base);
}

export function systemTransportError(err: unknown, kind: FulfillmentSystemKind, ctx: { write: boolean; timedOut: boolean; cancelled: boolean; timeoutMs: number }): DeliveryError {
  return transportError(err, { ...ctx, peer: SYSTEM_NAMES[kind] });
}
