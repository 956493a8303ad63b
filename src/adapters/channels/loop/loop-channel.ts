import type { ChannelAdapter, ChannelRefusal, DeliveryDescription, WebhookHeaders } from '../channel-port.js';
import { header, keptHeaders, PATH_ACCOUNT, plausibleTimestamp } from '../webhook-headers.js';
import { isLoopTrigger, loopEventKey, loopEventTime } from './loop-event-key.js';
import { LoopEventError, mapLoopEvent } from './loop-return.mapper.js';
import { verifyLoopSignature } from './loop-signature.js';

const KEPT_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-correlation-id'];
/** The trigger is the body's; an absurdly long one is cut, the body keeps it whole. */
const MAX_TOPIC_LENGTH = 64;
/** Shopify shop domains are case-insensitive; the hub keys them lower-cased. */
const normaliseShop = (raw: string): string => raw.trim().toLowerCase();

const refusal = (code: string, message: string, field: string): ChannelRefusal => ({ status: 401, code, message, field });

/**
 * Loop Returns (docs/contracts/loop-returns.md): X-Loop-Signature, base64 HMAC-SHA256 of the raw
 * body with the channel account's webhook secret. Loop sends no shop header, so the account is in
 * the URL: POST /webhooks/loop/{shop}.myshopify.com, the Shopify shop the Loop store serves. Its
 * events join the Shopify order's return case, with the Loop return as the RMA.
 */
export const loopChannel: ChannelAdapter = {
  code: 'LOOP',
  label: 'Loop Returns',
  slug: 'loop',
  accountInPath: true,
  summary: 'Loop Returns, at POST /webhooks/loop/{shop domain}: X-Loop-Signature (base64 HMAC-SHA256 of the raw body) with the account\'s secret; ' +
    'triggers return.created|updated|closed, label.created|updated, restock.requested, giftcard.requested (docs/contracts/loop-returns.md).',
  normaliseAccount: normaliseShop,
  // Only channel accounts sign Loop deliveries: no quick-start secret shared with another channel.
  defaultSecret: () => null,
  accountOf(headers) {
    const account = header(headers, PATH_ACCOUNT);
    return account === undefined || account.trim() === '' ? null : normaliseShop(account);
  },
  async authenticate(headers, rawBody, secrets) {
    const signature = header(headers, 'x-loop-signature');
    if (!signature) return refusal('SIGNATURE_MISSING', 'X-Loop-Signature is required', 'X-Loop-Signature');
    const account = this.accountOf(headers);
    if (!account) return refusal('ACCOUNT_MISSING', 'the webhook URL must name the account: POST /webhooks/loop/{shop domain}', 'account');
    const candidates = await secrets(account);
    if (candidates.length === 0) {
      return refusal('SECRET_NOT_CONFIGURED', 'no webhook secret is configured for this Loop account, or the account is disabled', 'account');
    }
    if (!candidates.some((secret) => verifyLoopSignature(rawBody, signature, secret))) {
      return refusal('SIGNATURE_INVALID', 'the signature does not match the body for this account', 'X-Loop-Signature');
    }
    return null;
  },
  describe: describeLoopDelivery,
  // The dedupe key holds the body's hash: the same key with another body cannot happen.
  reusedKey: { status: 409, code: 'EVENT_REUSED', message: 'this Loop event was delivered before with a different body', field: 'body' },
  understand(delivery, body) {
    if (!isLoopTrigger(delivery.topic)) return { ok: false, reason: `trigger ${delivery.topic} is not handled` };
    if (!delivery.account) return { ok: false, reason: 'the delivery names no account' };
    try {
      // Read now; a body naming no time of its own (a gift card) is dated by when the hub read it.
      const event = mapLoopEvent(body, { trigger: delivery.topic, account: delivery.account, eventKey: delivery.eventId ?? `inbox:${delivery.id}`, receivedAt: new Date().toISOString() });
      return { ok: true, type: 'return', event };
    } catch (error) {
      if (error instanceof LoopEventError) return { ok: false, reason: `invalid Loop event: ${error.message}` };
      throw error;
    }
  },
};

/**
 * The trigger is the inbox topic. Loop gives no event id: the event's identity (return, trigger,
 * state or status, timestamp) is the event id, which the return case deduplicates on; the inbox
 * key adds the body's hash, so a byte-identical redelivery stops at the door and a re-serialised
 * one at the case, and neither is ever refused.
 */
function describeLoopDelivery(headers: WebhookHeaders, parsed: unknown, bodyHash: string): DeliveryDescription {
  const kept = keptHeaders(headers, KEPT_HEADERS);
  const fallback = { topic: 'unknown', dedupeKey: `sha256:${bodyHash}`, eventId: null, headers: kept, triggeredAt: null };
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ...fallback, status: 'REJECTED', error: 'the body is JSON but not an object' };
  }
  const body = parsed as Record<string, unknown>;
  const trigger = typeof body.trigger === 'string' ? body.trigger.slice(0, MAX_TOPIC_LENGTH) : '';
  if (trigger === '') return { ...fallback, status: 'REJECTED', error: 'the body names no trigger' };
  if (!isLoopTrigger(trigger)) return { ...fallback, topic: trigger, status: 'IGNORED', error: `trigger ${trigger} is not handled` };
  const eventId = loopEventKey(trigger, body, bodyHash);
  const at = plausibleTimestamp(loopEventTime(trigger, body) ?? undefined);
  if (at.note) kept['x-hub-triggered-at'] = at.note;
  return { topic: trigger, dedupeKey: `${eventId}:${bodyHash}`, eventId, status: 'PENDING', error: null, headers: kept, triggeredAt: at.at };
}
