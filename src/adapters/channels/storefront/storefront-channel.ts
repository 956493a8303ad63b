import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelAdapter, ChannelRefusal, DeliveryDescription, WebhookHeaders } from '../channel-port.js';
import { header, keptHeaders } from '../webhook-headers.js';
import { parseStorefrontEvent, STOREFRONT_EVENT_TYPES } from './storefront-order.js';

/** Errors listed in inbox.error; the rest are counted, so one bad list cannot make it huge. */
const MAX_LISTED_ERRORS = 10;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const KEPT_HEADERS = ['x-storefront-account', 'x-storefront-event-id', 'content-type', 'content-length', 'user-agent', 'x-correlation-id'];
/** The topic is the body's type; an absurdly long one is cut, the body keeps it whole. */
const MAX_TOPIC_LENGTH = 64;

const refusal = (status: 400 | 401, code: string, message: string, field: string): ChannelRefusal => ({ status, code, message, field });

/** `sha256=<hex>` of HMAC-SHA256(secret, raw body), compared in constant time. */
export function verifyStorefrontSignature(rawBody: Buffer, value: string, secret: string): boolean {
  const match = SIGNATURE.exec(value.trim());
  if (!match || rawBody.length === 0 || secret.length === 0) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

export function signStorefrontBody(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * A retailer's own (headless or home-made) storefront, by the published contract in
 * docs/contracts/custom-storefront.md: orders close to the canonical model, signed with the
 * account's secret, deduplicated on X-Storefront-Event-Id, newest `updatedAt` wins.
 */
export const storefrontChannel: ChannelAdapter = {
  code: 'STOREFRONT',
  label: 'Storefront',
  slug: 'storefront',
  summary: 'Custom storefront: X-Storefront-Signature (sha256=<hex>) over the raw body with the account\'s secret, ' +
    'X-Storefront-Account and X-Storefront-Event-Id (dedupe); types order.upserted and order.cancelled (docs/contracts/custom-storefront.md).',
  // Storefront account ids are the retailer's own: kept as sent.
  normaliseAccount: (raw) => raw.trim(),
  // Only channel accounts sign storefront deliveries: no quick-start secret shared with another channel.
  defaultSecret: () => null,
  accountOf(headers) {
    const account = header(headers, 'x-storefront-account');
    return account === undefined || account.trim() === '' ? null : account.trim();
  },
  async authenticate(headers, rawBody, secrets) {
    const signature = header(headers, 'x-storefront-signature');
    if (!signature) return refusal(401, 'SIGNATURE_MISSING', 'X-Storefront-Signature is required', 'X-Storefront-Signature');
    const account = this.accountOf(headers);
    if (!account) return refusal(401, 'ACCOUNT_MISSING', 'X-Storefront-Account is required: it names the secret', 'X-Storefront-Account');
    const candidates = await secrets(account);
    if (candidates.length === 0) {
      return refusal(401, 'SECRET_NOT_CONFIGURED', 'no webhook secret is configured for this storefront account, or the account is disabled', 'X-Storefront-Account');
    }
    if (!candidates.some((secret) => verifyStorefrontSignature(rawBody, signature, secret))) {
      return refusal(401, 'SIGNATURE_INVALID', 'the signature does not match the body for this account', 'X-Storefront-Signature');
    }
    return null;
  },
  describe: describeStorefrontDelivery,
  reusedKey: { status: 409, code: 'EVENT_ID_REUSED', message: 'this event id was delivered before with a different body', field: 'X-Storefront-Event-Id' },
  understand(delivery, body) {
    const parsed = parseStorefrontEvent(body, delivery.account ?? '');
    if (!parsed.ok) {
      const listed = parsed.errors.slice(0, MAX_LISTED_ERRORS).map((e) => `${e.field}: ${e.reason}`);
      const more = parsed.errors.length - listed.length;
      return { ok: false, reason: `invalid order: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}` };
    }
    const kind = parsed.type === 'order.cancelled' ? 'CANCELLED' : 'UPDATED';
    return { ok: true, type: 'order', value: { order: parsed.order, kind, lineage: { inboxId: delivery.id, topic: delivery.topic, correlationId: delivery.correlationId } } };
  },
};

function describeStorefrontDelivery(headers: WebhookHeaders, parsed: unknown, bodyHash: string): DeliveryDescription {
  const eventId = header(headers, 'x-storefront-event-id') ?? null;
  const type = (parsed as { type?: unknown } | null | undefined)?.type;
  const topic = typeof type === 'string' ? type.slice(0, MAX_TOPIC_LENGTH) : 'unknown';
  let status: DeliveryDescription['status'] = 'PENDING';
  let error: string | null = null;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    status = 'REJECTED';
    error = 'the body is JSON but not an object';
  } else if (!(STOREFRONT_EVENT_TYPES as readonly string[]).includes(topic)) {
    status = 'IGNORED';
    error = `event type ${topic} is not handled`;
  }
  return { topic, dedupeKey: eventId ?? `sha256:${bodyHash}`, eventId, status, error, headers: keptHeaders(headers, KEPT_HEADERS), triggeredAt: null };
}
