import { createHash, timingSafeEqual } from 'node:crypto';
import type { ChannelAdapter, ChannelRefusal, DeliveryDescription, WebhookHeaders } from '../channel-port.js';
import { header, keptHeaders, plausibleTimestamp } from '../webhook-headers.js';
import { amazonFulfilments } from './amazon-fulfilments.js';
import { amazonPull, AMAZON_ORDER_TOPIC } from './amazon-pull.js';
import { understandAmazonOrder } from './amazon-order.js';

type Json = Record<string, unknown>;

export const AMAZON_SECRET_HEADER = 'x-amazon-webhook-secret';
export const AMAZON_SELLER_HEADER = 'x-amazon-seller-id';
const KEPT_HEADERS = [AMAZON_SELLER_HEADER, 'content-type', 'content-length', 'user-agent', 'x-correlation-id'];

const refusal = (status: 400 | 401, code: string, message: string, field: string): ChannelRefusal => ({ status, code, message, field });
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Equal secrets, compared in constant time over their hashes (so their lengths leak nothing either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return expected.length > 0 && timingSafeEqual(digest(given), digest(expected));
}

/** The notification itself, bare (an SQS relay) or as an EventBridge event's detail. */
export function notificationOf(body: unknown): Json | null {
  if (!isObject(body)) return null;
  if (typeof body.NotificationType === 'string') return body;
  return isObject(body.detail) && typeof body.detail.NotificationType === 'string' ? body.detail : null;
}

/**
 * Amazon (Selling Partner API). Orders are pulled: a poller per seller (getOrders from a
 * watermark, the safety net) and a fetch of the order an ORDER_CHANGE notification names.
 * Notifications reach POST /webhooks/amazon as an EventBridge API destination sends them: the
 * connection's API-key header X-Amazon-Webhook-Secret (the seller account's secret) and the
 * target's header X-Amazon-Seller-Id; each is deduplicated on NotificationMetadata.NotificationId.
 */
export const amazonChannel: ChannelAdapter = {
  code: 'AMAZON',
  label: 'Amazon',
  slug: 'amazon',
  summary: 'Amazon SP-API ORDER_CHANGE notifications (EventBridge API destination): X-Amazon-Webhook-Secret and X-Amazon-Seller-Id headers, ' +
    'deduplicated on NotificationMetadata.NotificationId; orders themselves are pulled (getOrders, getOrderItems).',
  // Selling partner ids are upper-case tokens (A3TH9S8BH6GOGM).
  normaliseAccount: (raw) => raw.trim().toUpperCase(),
  defaultSecret: () => null,
  accountOf(headers) {
    const seller = header(headers, AMAZON_SELLER_HEADER);
    return seller === undefined || seller.trim() === '' ? null : seller.trim().toUpperCase();
  },
  async authenticate(headers, _rawBody, secrets) {
    const given = header(headers, AMAZON_SECRET_HEADER);
    if (!given) return refusal(401, 'SECRET_MISSING', 'X-Amazon-Webhook-Secret is required', 'X-Amazon-Webhook-Secret');
    const account = this.accountOf(headers);
    if (!account) return refusal(401, 'ACCOUNT_MISSING', 'X-Amazon-Seller-Id is required: it names the secret', 'X-Amazon-Seller-Id');
    const candidates = await secrets(account);
    if (candidates.length === 0) return refusal(401, 'SECRET_NOT_CONFIGURED', 'no secret is configured for this seller, or the account is disabled', 'X-Amazon-Seller-Id');
    if (!candidates.some((secret) => sameSecret(given, secret))) return refusal(401, 'SECRET_INVALID', 'the secret does not match this seller\'s', 'X-Amazon-Webhook-Secret');
    return null;
  },
  describe(headers: WebhookHeaders, parsed: unknown, bodyHash: string): DeliveryDescription {
    const notification = notificationOf(parsed);
    const metadata = isObject(notification?.NotificationMetadata) ? notification.NotificationMetadata : null;
    const eventId = typeof metadata?.NotificationId === 'string' ? metadata.NotificationId : null;
    const type = typeof notification?.NotificationType === 'string' ? notification.NotificationType.slice(0, 64) : 'unknown';
    const at = plausibleTimestamp(typeof notification?.EventTime === 'string' ? notification.EventTime : undefined);
    const base = { topic: type, dedupeKey: eventId ? `notification:${eventId}` : `sha256:${bodyHash}`, eventId, headers: keptHeaders(headers, KEPT_HEADERS), triggeredAt: at.at };
    if (!notification) return { ...base, status: 'REJECTED', error: 'the body is not an SP-API notification (NotificationType missing)' };
    if (type !== 'ORDER_CHANGE') return { ...base, status: 'IGNORED', error: `notification type ${type} is not handled` };
    return { ...base, status: 'PENDING', error: null };
  },
  reusedKey: { status: 409, code: 'NOTIFICATION_ID_REUSED', message: 'this notification id was delivered before with a different body', field: 'NotificationMetadata.NotificationId' },
  understand(delivery, body) {
    if (delivery.topic === AMAZON_ORDER_TOPIC) {
      const meaning = understandAmazonOrder(body, delivery.account ?? '');
      if (!meaning.ok) return { ok: false, reason: meaning.reason };
      const lineage = { inboxId: delivery.id, topic: delivery.topic, correlationId: delivery.correlationId };
      return { ok: true, type: 'order', value: { order: meaning.order, kind: meaning.cancelled ? 'CANCELLED' : 'UPDATED', lineage } };
    }
    const change = isObject(notificationOf(body)?.Payload) ? (notificationOf(body)!.Payload as Json).OrderChangeNotification : undefined;
    const orderId = isObject(change) && typeof change.AmazonOrderId === 'string' ? change.AmazonOrderId : null;
    if (!orderId) return { ok: false, reason: 'the ORDER_CHANGE notification names no AmazonOrderId' };
    const type = isObject(change) && typeof change.OrderChangeType === 'string' ? change.OrderChangeType : 'a change';
    return { ok: true, type: 'fetch', ref: orderId, reason: `${type} of order ${orderId}: fetched from the Orders API` };
  },
  pull: amazonPull,
  fulfilments: amazonFulfilments,
};
