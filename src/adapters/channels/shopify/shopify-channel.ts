import type { ChannelAdapter, ChannelRefusal, DeliveryDescription, WebhookHeaders } from '../channel-port.js';
import { header, keptHeaders, plausibleTimestamp } from '../webhook-headers.js';
import { understandShopifyDelivery } from './shopify-delivery.js';
import { shopifyReturnsPull } from './shopify-reverse-logistics.js';
import { shopifyFulfilments } from './shopify-fulfilments.js';
import { SHOPIFY_HANDLED_TOPICS, verifyShopifyHmac } from './shopify-webhook.js';

/** Headers worth keeping with the delivery; the signature and anything secret never are. */
const KEPT_HEADERS = [
  'x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-webhook-id', 'x-shopify-event-id',
  'x-shopify-triggered-at', 'x-shopify-api-version', 'x-shopify-name', 'x-shopify-sub-topic',
  'content-type', 'content-length', 'user-agent', 'x-correlation-id',
];

const refusal = (code: string, message: string, field: string): ChannelRefusal => ({ status: 401, code, message, field });

/** Shop domains are case-insensitive; the hub keys them lower-cased everywhere. */
const normaliseShop = (raw: string): string => raw.toLowerCase();

/**
 * Shopify: X-Shopify-Hmac-Sha256 (base64) over the raw body with the shop's secret, deduplicated
 * on X-Shopify-Webhook-Id, the shop domain as the account. Order and fulfilment topics are
 * processed; other topics are kept and marked ignored.
 */
export const shopifyChannel: ChannelAdapter = {
  code: 'SHOPIFY',
  label: 'Shopify',
  slug: 'shopify',
  dedicatedRoute: true,
  summary: 'Shopify: X-Shopify-Hmac-Sha256 over the raw body, deduplicated on X-Shopify-Webhook-Id; topics orders/* and fulfillments/*.',
  normaliseAccount: normaliseShop,
  defaultSecret: (config) => config.shopifyWebhookSecret,
  accountOf(headers) {
    const shop = header(headers, 'x-shopify-shop-domain');
    return shop === undefined ? null : normaliseShop(shop);
  },
  async authenticate(headers, rawBody, secrets) {
    const signature = header(headers, 'x-shopify-hmac-sha256') ?? header(headers, 'shopify-hmac-sha256');
    if (!signature) return refusal('SIGNATURE_MISSING', 'X-Shopify-Hmac-Sha256 is required', 'X-Shopify-Hmac-Sha256');
    const candidates = await secrets(this.accountOf(headers));
    if (candidates.length === 0) {
      return refusal(
        'SECRET_NOT_CONFIGURED',
        'no webhook secret is configured for this shop (set SHOPIFY_WEBHOOK_SECRET or a channel account), or the account is disabled',
        'X-Shopify-Shop-Domain',
      );
    }
    if (!candidates.some((secret) => verifyShopifyHmac(rawBody, signature, secret))) {
      return refusal('SIGNATURE_INVALID', 'the HMAC does not match the body for this shop', 'X-Shopify-Hmac-Sha256');
    }
    return null;
  },
  describe: describeShopifyDelivery,
  reusedKey: { status: 409, code: 'WEBHOOK_ID_REUSED', message: 'this webhook id was delivered before with a different body', field: 'X-Shopify-Webhook-Id' },
  understand: (delivery, body) => understandShopifyDelivery(delivery, body),
  // Read on demand: what a reverse-logistics webhook names (no poller: webhooks are the feed).
  pull: shopifyReturnsPull,
  fulfilments: shopifyFulfilments,
};

function describeShopifyDelivery(headers: WebhookHeaders, parsed: unknown, bodyHash: string): DeliveryDescription {
  const topic = header(headers, 'x-shopify-topic') ?? header(headers, 'shopify-topic') ?? '';
  const webhookId = header(headers, 'x-shopify-webhook-id') ?? header(headers, 'shopify-webhook-id');
  let status: DeliveryDescription['status'] = 'PENDING';
  let error: string | null = null;
  if (topic === '') {
    status = 'REJECTED';
    error = 'X-Shopify-Topic header is missing';
  } else if (!SHOPIFY_HANDLED_TOPICS.includes(topic)) {
    status = 'IGNORED';
    error = `topic ${topic} is not handled yet`;
  }
  if (status === 'PENDING' && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
    status = 'REJECTED';
    error = 'the body is JSON but not an object';
  }
  const kept = keptHeaders(headers, KEPT_HEADERS);
  const triggered = plausibleTimestamp(header(headers, 'x-shopify-triggered-at'));
  if (triggered.note) kept['x-hub-triggered-at'] = triggered.note;
  return {
    topic: topic || 'unknown',
    dedupeKey: webhookId ?? `sha256:${bodyHash}`,
    eventId: header(headers, 'x-shopify-event-id') ?? null,
    status,
    error,
    headers: kept,
    triggeredAt: triggered.at,
  };
}
