/**
 * Shopify Admin REST answers in the terms the hub's pipelines act on (DeliveryError kinds).
 *
 * Shopify's error body is {"errors": …}: a string ("[API] Invalid API key or access token …",
 * "Not Found", "Exceeded 2 calls per second …"), a list of messages (a refused fulfillment:
 * "Invalid fulfillment order line item quantity requested.") or an object of field → message(s).
 *
 *   401, 403                          → AUTH (token revoked or scope missing: fixed on the shop's credentials)
 *   429 (Retry-After, e.g. "2.0" s)   → RETRYABLE with retryAfterMs
 *   502, 504 to a write               → AMBIGUOUS (a gateway may have passed the request on)
 *   other 5xx, 408, 409               → RETRYABLE
 *   404 and every other 4xx           → PERMANENT, with Shopify's message
 * @since 0.5.0
 */
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { parseRetryAfter, transportError, type HeaderSource } from '../../erp/shared/http-errors.js';
import { parseJsonPreservingBigIds } from './shopify-webhook.js';

/** Shopify's errors value flattened to one line; undefined when the body is not Shopify's error shape. */
export function shopifyErrorMessage(text: string | undefined): string | undefined {
  let errors: unknown;
  try {
    errors = (parseJsonPreservingBigIds(text ?? '') as { errors?: unknown } | null)?.errors;
  } catch {
    return undefined;
  }
  if (typeof errors === 'string') return errors;
  if (Array.isArray(errors)) return errors.map(String).join('; ') || undefined;
  if (errors !== null && typeof errors === 'object') {
    const parts = Object.entries(errors).map(([field, v]) => `${field}: ${Array.isArray(v) ? v.map(String).join(', ') : String(v)}`);
    return parts.join('; ') || undefined;
  }
  return undefined;
}

/** Shopify sends Retry-After in seconds with a decimal ("2.0"), which the shared reader takes for a date. */
export function shopifyRetryAfterMs(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  return parseRetryAfter(text, nowMs);
}

function headerOf(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | undefined>>;
  return record[Object.keys(record).find((k) => k.toLowerCase() === name) ?? ''];
}

export interface ShopifyErrorContext {
  /** A POST: a lost answer may hide a committed fulfillment. */
  readonly write: boolean;
  readonly nowMs?: number;
}

export function parseShopifyError(status: number, text: string | undefined, headers: HeaderSource | undefined, ctx: ShopifyErrorContext): DeliveryError {
  const message = shopifyErrorMessage(text) ?? `Shopify answered HTTP ${status}`;
  const base = { status, code: `HTTP_${status}` };
  if (status === 401 || status === 403) return new DeliveryError('AUTH', message, base);
  if (status === 429) {
    const retryAfterMs = shopifyRetryAfterMs(headerOf(headers, 'retry-after'), ctx.nowMs);
    return new DeliveryError('RETRYABLE', message, { ...base, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
  if (ctx.write && (status === 502 || status === 504)) {
    return new DeliveryError('AMBIGUOUS', `${message}; Shopify may have created the fulfillment`, base);
  }
  if (status >= 500 || status === 408 || status === 409) return new DeliveryError('RETRYABLE', message, base);
  return new DeliveryError('PERMANENT', message, base);
}

/** A request that got no answer: nothing sent → RETRYABLE; a write lost after sending → AMBIGUOUS. */
export function shopifyTransportError(err: unknown, ctx: { write: boolean; timedOut: boolean; cancelled: boolean; timeoutMs: number }): DeliveryError {
  return transportError(err, { ...ctx, peer: 'Shopify' });
}
