import type { ChannelMeaning, OrderEventKind } from '../channel-port.js';
import { mapShopifyFulfillment } from './shopify-fulfillment.mapper.js';
import { mapShopifyOrder } from './shopify-order.mapper.js';
import { validateShopifyOrder } from './shopify-order.dto.js';
import { mapShopifyRefund, ShopifyRefundError } from './shopify-refund.mapper.js';
import { mapShopifyReturn, SHOPIFY_RETURN_TOPICS, ShopifyReturnError } from './shopify-return.mapper.js';
import { reverseLogisticsFetch, SHOPIFY_FETCHED_TOPICS, understandFetchedReturn } from './shopify-reverse-logistics.js';
import { SHOPIFY_FULFILLMENT_TOPICS, SHOPIFY_ORDER_TOPICS, SHOPIFY_REFUND_TOPICS, SHOPIFY_REVERSE_TOPICS } from './shopify-webhook.js';

export type ShopifyDeliveryMeaning = ChannelMeaning;

export interface ShopifyDelivery {
  readonly id: string;
  readonly topic: string;
  readonly account: string | null;
  readonly correlationId: string;
  /** X-Shopify-Event-Id: one change fired twice under two webhook ids keeps it. */
  readonly eventId?: string | null;
}

/** Errors listed in inbox.error; the rest are counted, so one bad list cannot make it huge. */
const MAX_LISTED_ERRORS = 10;

const has = (body: Record<string, unknown>, key: string): boolean => Object.prototype.hasOwnProperty.call(body, key);

/**
 * What a Shopify body is, by its own fields: a fulfilment names its order (order_id), an
 * order carries its money (currency, total_price, financial_status) and names no order_id.
 * Anything else is left to the validator of the topic it came under.
 */
export function shopifyBodyKind(body: unknown): 'order' | 'fulfillment' | 'unknown' {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'unknown';
  const json = body as Record<string, unknown>;
  const orderish = has(json, 'currency') || has(json, 'total_price') || has(json, 'financial_status');
  if (has(json, 'order_id') && !orderish) return 'fulfillment';
  if (orderish && !has(json, 'order_id')) return 'order';
  return 'unknown';
}

/**
 * A Shopify delivery in the hub's terms. Shopify signs the body, not the topic header, so the
 * body decides and the topic is only a hint: an order is cancelled when its body says so
 * (cancelled_at set), under whatever order topic; a body that contradicts its topic (an
 * orders/cancelled body that does not cancel, an order under a fulfilment topic or the
 * other way round) is refused with that reason. A replay of an older body under a new
 * webhook id then changes nothing: the order's newest-version rule (updated_at) applies.
 */
export function understandShopifyDelivery(delivery: ShopifyDelivery, json: unknown): ShopifyDeliveryMeaning {
  const { topic } = delivery;
  const shape = shopifyBodyKind(json);
  const account = delivery.account ?? 'unknown';
  if ((SHOPIFY_FULFILLMENT_TOPICS as readonly string[]).includes(topic)) {
    if (shape === 'order') return { ok: false, reason: `the body is an order, not a fulfillment, but the topic is ${topic}` };
    const mapped = mapShopifyFulfillment(json, account);
    if (mapped.ok && 'cancellation' in mapped) return { ok: true, type: 'cancellation', cancellation: mapped.cancellation };
    if (mapped.ok) return { ok: true, type: 'shipment', confirmation: mapped.confirmation };
    return mapped.usable ? { ok: true, type: 'nothing', reason: mapped.reason } : { ok: false, reason: `invalid fulfillment: ${mapped.field}: ${mapped.reason}` };
  }
  if ((SHOPIFY_REFUND_TOPICS as readonly string[]).includes(topic)) return understandRefund(delivery, json, shape, account);
  if ((SHOPIFY_RETURN_TOPICS as readonly string[]).includes(topic)) return understandReturn(delivery, json, shape, account);
  if ((SHOPIFY_REVERSE_TOPICS as readonly string[]).includes(topic)) return reverseLogisticsFetch(topic, json, delivery.eventId ?? `inbox:${delivery.id}`);
  if (SHOPIFY_FETCHED_TOPICS.includes(topic)) return understandFetchedReturn(topic, json, account);
  if (!(SHOPIFY_ORDER_TOPICS as readonly string[]).includes(topic)) return { ok: false, reason: `topic ${topic} is not handled` };
  if (shape === 'fulfillment') return { ok: false, reason: `the body is a fulfillment, not an order, but the topic is ${topic}` };
  const validated = validateShopifyOrder(json);
  if (!validated.ok) {
    const listed = validated.errors.slice(0, MAX_LISTED_ERRORS).map((e) => `${e.field}: ${e.reason}`);
    const more = validated.errors.length - listed.length;
    return { ok: false, reason: `invalid order: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}` };
  }
  const cancels = validated.dto.cancelled_at !== null && validated.dto.cancelled_at !== undefined;
  if (topic === 'orders/cancelled' && !cancels) {
    return { ok: false, reason: 'the topic is orders/cancelled but the body does not cancel the order (cancelled_at is not set)' };
  }
  // orders/create is only a hint that the order is new (the insert is tried first); orders/paid
  // with an unpaid body is an update like any other, the payment gate reads the body.
  const kind: OrderEventKind = cancels ? 'CANCELLED' : topic === 'orders/create' ? 'PLACED' : 'UPDATED';
  try {
    const order = mapShopifyOrder(validated.dto, { shopDomain: account });
    return { ok: true, type: 'order', value: { order, kind, lineage: { inboxId: delivery.id, topic, correlationId: delivery.correlationId } } };
  } catch (mapError) {
    return { ok: false, reason: `the order cannot be mapped: ${mapError instanceof Error ? mapError.message : String(mapError)}` };
  }
}

/** A refund, keyed for dedupe by the event Shopify says it is (the same under every webhook it fires). */
function understandRefund(delivery: ShopifyDelivery, json: unknown, shape: ReturnType<typeof shopifyBodyKind>, account: string): ShopifyDeliveryMeaning {
  if (shape === 'order') return { ok: false, reason: `the body is an order, not a refund, but the topic is ${delivery.topic}` };
  try {
    const event = mapShopifyRefund(json, { account, eventKey: delivery.eventId ?? `inbox:${delivery.id}` });
    return { ok: true, type: 'return', event };
  } catch (error) {
    if (error instanceof ShopifyRefundError) return { ok: false, reason: `invalid refund: ${error.message}` };
    throw error;
  }
}

function understandReturn(delivery: ShopifyDelivery, json: unknown, shape: ReturnType<typeof shopifyBodyKind>, account: string): ShopifyDeliveryMeaning {
  if (shape === 'order') return { ok: false, reason: `the body is an order, not a return, but the topic is ${delivery.topic}` };
  try {
    return { ok: true, type: 'return', event: mapShopifyReturn(json, { topic: delivery.topic, account, eventKey: delivery.eventId ?? `inbox:${delivery.id}` }) };
  } catch (error) {
    if (error instanceof ShopifyReturnError) return { ok: false, reason: `invalid return: ${error.message}` };
    throw error;
  }
}
