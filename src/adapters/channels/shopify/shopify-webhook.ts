/**
 * Shopify webhook primitives: HMAC verification, bigint-safe body parsing and card-data stripping.
 * Pure functions, no framework imports, so the HTTP layer, queues and tests can all share them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Order topics the hub subscribes to (X-Shopify-Topic / shopify-topic header values). */
export const SHOPIFY_ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled'] as const;

export type ShopifyOrderTopic = (typeof SHOPIFY_ORDER_TOPICS)[number];

/** Merchant-fulfilled orders: Shopify tells us what it shipped. */
export const SHOPIFY_FULFILLMENT_TOPICS = ['fulfillments/create', 'fulfillments/update'] as const;

/** Every topic the hub processes; others are kept and marked ignored. */
export const SHOPIFY_HANDLED_TOPICS: readonly string[] = [...SHOPIFY_ORDER_TOPICS, ...SHOPIFY_FULFILLMENT_TOPICS];

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

/** Integer literals with more digits than this are turned into strings (2^53 has 16 digits). */
const MAX_SAFE_DIGITS = 15;

/**
 * JSON.parse that keeps big integers exact: every integer literal (no fraction, no exponent)
 * with more than 15 digits is rewritten as a JSON string before parsing, so Shopify ids like
 * 5723409812345678901 arrive as "5723409812345678901" instead of a rounded number.
 * The scan follows JSON's grammar: text inside string literals (including escaped quotes)
 * is copied untouched. Invalid JSON throws the same SyntaxError JSON.parse would; a body
 * nested deeper than MAX_JSON_DEPTH throws JsonTooDeepError (a SyntaxError) before parsing.
 */
export function parseJsonPreservingBigIds(text: string): unknown {
  return JSON.parse(quoteBigIntegers(text));
}

/**
 * Deepest nesting of arrays and objects a body may have. Shopify's order and fulfilment
 * bodies nest under ten levels; the validators that walk a parsed body recurse, so a body
 * nested thousands deep must be refused before it is parsed, not by a stack overflow later.
 */
export const MAX_JSON_DEPTH = 64;

/** A body nested deeper than {@link MAX_JSON_DEPTH}; `field` is the top-level key it is under. */
export class JsonTooDeepError extends SyntaxError {
  constructor(readonly field: string, readonly offset: number) {
    super(`nests deeper than ${MAX_JSON_DEPTH} levels${field ? ` under "${field}"` : ''} (at character ${offset})`);
    this.name = 'JsonTooDeepError';
  }
}

function quoteBigIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let index = 0;
  let depth = 0;
  // The last string literal seen and the top-level key, so a too deep body names its field.
  let lastString = '';
  let topKey = '';
  const length = text.length;
  while (index < length) {
    const char = text.charCodeAt(index);
    if (char === 0x22 /* " */) {
      // Skip a whole string literal, honouring backslash escapes.
      const start = index;
      index += 1;
      while (index < length) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c /* \ */) {
          index += 2;
          continue;
        }
        index += 1;
        if (inner === 0x22) break;
      }
      if (depth === 1) lastString = text.slice(start + 1, Math.min(index - 1, start + 101));
      continue;
    }
    if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError(topKey, index);
      index += 1;
      continue;
    }
    if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth -= 1;
      index += 1;
      continue;
    }
    if (char === 0x3a /* : */ && depth === 1) topKey = lastString;
    if (char === 0x2d /* - */ || (char >= 0x30 && char <= 0x39)) {
      const start = index;
      if (char === 0x2d) index += 1;
      const digitsStart = index;
      while (index < length && isDigit(text.charCodeAt(index))) index += 1;
      const digitCount = index - digitsStart;
      // JSON forbids leading zeros ("0123"); leave such text for JSON.parse to reject.
      let integer = digitCount > 0 && !(digitCount > 1 && text.charCodeAt(digitsStart) === 0x30);
      if (index < length && text.charCodeAt(index) === 0x2e /* . */) {
        integer = false;
        index += 1;
        while (index < length && isDigit(text.charCodeAt(index))) index += 1;
      }
      if (index < length && (text.charCodeAt(index) === 0x65 || text.charCodeAt(index) === 0x45) /* e E */) {
        integer = false;
        index += 1;
        if (index < length && (text.charCodeAt(index) === 0x2b || text.charCodeAt(index) === 0x2d)) index += 1;
        while (index < length && isDigit(text.charCodeAt(index))) index += 1;
      }
      if (integer && digitCount > MAX_SAFE_DIGITS) {
        out += text.slice(copiedUpTo, start) + '"' + text.slice(start, index) + '"';
        copiedUpTo = index;
      }
      if (index === start) index += 1;
      continue;
    }
    index += 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Card-data redaction lives with the other security rules; re-exported for existing callers. */
export { containsCardData, stripCardData } from '../../../platform/security/card-data.js';
