/**
 * Shopify webhook primitives: HMAC verification, bigint-safe body parsing and card-data stripping.
 * Pure functions, no framework imports, so the HTTP layer, queues and tests can all share them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SHOPIFY_RETURN_TOPICS } from './shopify-return.mapper.js';

/** Order topics the hub subscribes to (X-Shopify-Topic / shopify-topic header values). */
export const SHOPIFY_ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled'] as const;

export type ShopifyOrderTopic = (typeof SHOPIFY_ORDER_TOPICS)[number];

/** Merchant-fulfilled orders: Shopify tells us what it shipped. */
export const SHOPIFY_FULFILLMENT_TOPICS = ['fulfillments/create', 'fulfillments/update'] as const;

/** Refunds, each a REFUNDED event of a return case (a refund with no return opens its own case). */
export const SHOPIFY_REFUND_TOPICS = ['refunds/create'] as const;

/** Every topic the hub processes; others are kept and marked ignored. */
/** Reverse-logistics topics: kept, and what they name is read from the Admin GraphQL API (shopify-reverse-logistics.ts). */
export const SHOPIFY_REVERSE_TOPICS = ['returns/process', 'reverse_deliveries/attach_deliverable', 'reverse_fulfillment_orders/dispose'] as const;

export const SHOPIFY_HANDLED_TOPICS: readonly string[] = [
  ...SHOPIFY_ORDER_TOPICS, ...SHOPIFY_FULFILLMENT_TOPICS, ...SHOPIFY_REFUND_TOPICS, ...SHOPIFY_RETURN_TOPICS, ...SHOPIFY_REVERSE_TOPICS,
];

export function isShopifyOrderTopic(value: unknown): value is ShopifyOrderTopic {
  return typeof value === 'string' && (SHOPIFY_ORDER_TOPICS as readonly string[]).includes(value);
}

/** SHA-256 digests are 32 bytes; base64 of 32 bytes is 43 characters plus one "=" of padding. */
const HMAC_BYTES = 32;
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=$/;

/** base64(HMAC-SHA256(secret, rawBody)) — the value Shopify puts in X-Shopify-Hmac-Sha256. */
export function signShopifyBody(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Checks X-Shopify-Hmac-Sha256 against the raw request bytes (before any JSON parsing).
 * Returns false, never throws, for an empty body, a missing or malformed header, an empty
 * secret or a wrong digest; the comparison itself is constant-time on the decoded 32 bytes.
 */
export function verifyShopifyHmac(rawBody: Buffer, headerValue: string | undefined, secret: string): boolean {
  try {
    if (!Buffer.isBuffer(rawBody) || rawBody.length === 0) return false;
    if (typeof secret !== 'string' || secret.length === 0) return false;
    if (typeof headerValue !== 'string') return false;
    const header = headerValue.trim();
    if (!BASE64_DIGEST.test(header)) return false;
    const received = Buffer.from(header, 'base64');
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (received.length !== HMAC_BYTES || expected.length !== HMAC_BYTES) return false;
    return timingSafeEqual(received, expected);
  } catch {
    return false;
  }
}

/** Big-id-safe parsing is shared by every channel; re-exported for existing callers. */
export { JsonTooDeepError, MAX_JSON_DEPTH, parseJsonPreservingBigIds } from '../json-body.js';

/** Card-data redaction lives with the other security rules; re-exported for existing callers. */
export { containsCardData, stripCardData } from '../../../platform/security/card-data.js';
