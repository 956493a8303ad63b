/**
 * Shopify's reverse logistics, whose webhooks name objects but not their contents: a processed
 * return (`returns/process`), a label or tracking attached to a reverse delivery
 * (`reverse_deliveries/attach_deliverable`) and dispositions made on a reverse fulfillment order
 * (`reverse_fulfillment_orders/dispose`, which lists reverse fulfillment order line ids only).
 * Each webhook is kept and makes the hub read what it names from the Admin GraphQL API
 * (`return(id:)`, `reverseDelivery(id:)`, `reverseFulfillmentOrder(id:)`), through the pull
 * channel's fetch; what is read is stored in the inbox under a key derived from the webhook's
 * event id (so a second delivery of the webhook, or a second read, is one event) and understood
 * from there: the return's lines and priced exchange items, the units in transit, the units
 * dispositioned (the webhook's own quantities, tied to order lines through the fetched lines).
 */
import { parseDecimal, sum, type Money } from '../../../canonical/money.js';
import type { CanonicalReturnEvent, Disposition, ExchangeLine, ReturnEventKind, ReturnLineQuantity } from '../../../canonical/return.js';
import type { ChannelMeaning, ChannelPull } from '../channel-port.js';
import { isObject, text, type Json } from './shopify-fields.js';
import { RETURN_QUERY, REVERSE_DELIVERY_QUERY, REVERSE_FULFILLMENT_ORDER_QUERY, ShopifyReturnsApi } from './shopify-returns-api.js';

/** The inbox topics of what the hub read after each webhook. */
export const FETCHED_RETURN = 'return.fetched';
export const FETCHED_DISPOSE = 'return.disposed';
export const FETCHED_DELIVERY = 'return.in_transit';
export const SHOPIFY_FETCHED_TOPICS: readonly string[] = [FETCHED_RETURN, FETCHED_DISPOSE, FETCHED_DELIVERY];

/** What the fetch must read, and the webhook facts the stored event keeps beside it. */
interface FetchRef {
  readonly what: 'return' | 'dispose' | 'delivery';
  readonly id: string;
  readonly eventKey: string;
  readonly topic: string;
  readonly dispositions?: readonly { rfoLineId: string; type: string; locationId: string | null; quantity: number }[];
}

const gid = (kind: string, value: unknown): string | null => {
  if (typeof value === 'string' && value.startsWith('gid://')) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return `gid://shopify/${kind}/${value}`;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return `gid://shopify/${kind}/${value}`;
  return null;
};
const bare = (value: unknown): string | null => {
  const s = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
  return s === null ? null : s.slice(s.lastIndexOf('/') + 1);
};
const nodes = (connection: unknown): Json[] => (isObject(connection) && Array.isArray(connection.nodes) ? connection.nodes.filter(isObject) : []);

/** The webhook, kept, asks for a read of what it names. */
export function reverseLogisticsFetch(topic: string, body: unknown, eventKey: string): ChannelMeaning {
  if (!isObject(body)) return { ok: false, reason: 'the body is not an object' };
  if (topic === 'returns/process') {
    const id = gid('Return', body.admin_graphql_api_id ?? body.id);
    if (!id) return { ok: false, reason: 'returns/process names no return id' };
    return fetchOf({ what: 'return', id, eventKey, topic }, `return ${bare(id)} processed: its lines and exchange items are read from return(id:)`);
  }
  if (topic === 'reverse_deliveries/attach_deliverable') {
    const id = gid('ReverseDelivery', body.admin_graphql_api_id ?? body.id);
    if (!id) return { ok: false, reason: 'attach_deliverable names no reverse delivery id' };
    return fetchOf({ what: 'delivery', id, eventKey, topic }, `reverse delivery ${bare(id)} has a label or tracking: read from reverseDelivery(id:)`);
  }
  const id = gid('ReverseFulfillmentOrder', body.admin_graphql_api_id ?? body.id);
  if (!id) return { ok: false, reason: 'dispose names no reverse fulfillment order id' };
  const raw = Array.isArray(body.dispositions) ? body.dispositions.filter(isObject) : [];
  const dispositions = raw.map((d) => ({
    rfoLineId: bare(isObject(d.reverse_fulfillment_order_line_item) ? d.reverse_fulfillment_order_line_item.admin_graphql_api_id ?? d.reverse_fulfillment_order_line_item.id : null) ?? '',
    type: text(d.type)?.toUpperCase() ?? '', locationId: bare(isObject(d.location) ? d.location.id : null), quantity: typeof d.quantity === 'number' ? d.quantity : 0,
  }));
  if (dispositions.length === 0 || dispositions.some((d) => d.rfoLineId === '' || d.quantity <= 0)) return { ok: false, reason: 'dispose lists no disposition with a line and a quantity' };
  return fetchOf({ what: 'dispose', id, eventKey, topic, dispositions }, `${dispositions.length} dispositions on reverse fulfillment order ${bare(id)}: its lines are read from reverseFulfillmentOrder(id:)`);
}

const fetchOf = (ref: FetchRef, reason: string): ChannelMeaning => ({ ok: true, type: 'fetch', ref: JSON.stringify(ref), reason });

/** Shopify as a channel the hub reads from on demand: no poller (webhooks are the feed), a fetch per reverse-logistics webhook. */
export const shopifyReturnsPull: ChannelPull = {
  checkSettings: () => undefined,
  async fetchOne(account, context, ref) {
    const wanted = JSON.parse(ref) as FetchRef;
    const api = new ShopifyReturnsApi(account.account, account.apiUrl, account.accessToken);
    const [query, field, topic] = wanted.what === 'return' ? [RETURN_QUERY, 'return', FETCHED_RETURN]
      : wanted.what === 'delivery' ? [REVERSE_DELIVERY_QUERY, 'reverseDelivery', FETCHED_DELIVERY] : [REVERSE_FULFILLMENT_ORDER_QUERY, 'reverseFulfillmentOrder', FETCHED_DISPOSE];
    const found = await api.read(query, field, wanted.id, context.signal);
    if (!found) throw new Error(`Shopify has no ${field} ${wanted.id}`);
    const body = Buffer.from(JSON.stringify({ webhook: { ...wanted }, [field]: found }));
    return [{ topic, dedupeKey: `${wanted.what}:${wanted.eventKey}`, eventId: null, body, cursor: '' }];
  },
};

const DISPOSITIONS: Readonly<Record<string, Disposition | null>> = {
  RESTOCKED: 'RESTOCK', NOT_RESTOCKED: 'SCRAP', PROCESSING_REQUIRED: 'REFURBISH', MISSING: null,
};

function money(set: unknown, field: string): Money {
  const shop = isObject(set) && isObject(set.shopMoney) ? set.shopMoney : null;
  const currency = text(shop?.currencyCode);
  if (!shop || !currency || (typeof shop.amount !== 'string' && typeof shop.amount !== 'number')) throw new RangeError(`${field}.shopMoney is missing`);
  return parseDecimal(shop.amount, currency);
}

function exchangeLinesOf(ret: Json): ExchangeLine[] {
  return nodes(ret.exchangeLineItems).map((e, i) => {
    const at = `exchangeLineItems[${i}]`;
    const line = isObject(e.lineItem) ? e.lineItem : null;
    if (!line) throw new RangeError(`${at}.lineItem is missing`);
    const quantity = typeof e.quantity === 'number' ? e.quantity : 0;
    const unitPrice = money(line.originalUnitPriceSet, `${at}.lineItem.originalUnitPriceSet`);
    const discount = line.totalDiscountSet ? money(line.totalDiscountSet, `${at}.lineItem.totalDiscountSet`) : { amount: 0n, currency: unitPrice.currency };
    const taxes = (Array.isArray(line.taxLines) ? line.taxLines.filter(isObject) : []).map((t, j) => ({
      title: text(t.title) ?? 'Tax', rate: String(t.rate ?? '0'), amount: money(t.priceSet, `${at}.lineItem.taxLines[${j}].priceSet`),
    }));
    const tax = sum(taxes.map((t) => t.amount), unitPrice.currency);
    return {
      externalId: bare(e.id) ?? `${i}`, sku: text(line.sku), variantId: isObject(line.variant) ? bare(line.variant.id) : null, title: text(line.title) ?? 'Exchange item',
      quantity, unitPrice, discount, taxes, total: { amount: unitPrice.amount * BigInt(quantity) - discount.amount + tax.amount, currency: unitPrice.currency },
    };
  });
}

function kindOfReturn(status: string | null): ReturnEventKind {
  switch (status?.toUpperCase()) {
    case 'DECLINED': return 'DECLINED';
    case 'CANCELED': return 'CANCELLED';
    case 'CLOSED': return 'CLOSED';
    case 'REQUESTED': return 'REQUESTED';
    default: return 'APPROVED';
  }
}

/** A stored read in canonical terms. Pure. */
export function understandFetchedReturn(topic: string, body: unknown, account: string): ChannelMeaning {
  if (!isObject(body) || !isObject(body.webhook)) return { ok: false, reason: 'the stored read has no webhook facts' };
  const webhook = body.webhook as unknown as FetchRef;
  const event = (kind: ReturnEventKind, orderId: string | null, returnRef: string | null, lines: ReturnLineQuantity[], description: string, exchangeLines: ExchangeLine[] = []): ChannelMeaning => {
    if (!orderId) return { ok: false, reason: `${webhook.topic}: the object read names no order` };
    const value: CanonicalReturnEvent = {
      kind, source: { system: 'SHOPIFY', account, eventKey: `${webhook.what}:${webhook.eventKey}`, occurredAt: null },
      identity: { channel: 'SHOPIFY', account, orderExternalId: orderId, returnRef, rmaRef: null }, lines, refund: null, exchangeLines, description,
    };
    return { ok: true, type: 'return', event: value };
  };
  try {
    if (topic === FETCHED_RETURN && isObject(body.return)) {
      const ret = body.return;
      const lines = nodes(ret.returnLineItems).flatMap((l) => {
        const lineItem = isObject(l.fulfillmentLineItem) && isObject(l.fulfillmentLineItem.lineItem) ? bare(l.fulfillmentLineItem.lineItem.id) : null;
        return lineItem && typeof l.quantity === 'number' ? [{ lineRef: lineItem, quantity: l.quantity, reason: isObject(l.returnReasonDefinition) ? text(l.returnReasonDefinition.handle) : null }] : [];
      });
      return event(kindOfReturn(text(ret.status)), bare(isObject(ret.order) ? ret.order.id : null), bare(ret.id), lines,
        `${webhook.topic}: return(id:) read (${text(ret.status) ?? 'no status'})`, exchangeLinesOf(ret));
    }
    if (topic === FETCHED_DELIVERY && isObject(body.reverseDelivery)) {
      const delivery = body.reverseDelivery;
      const rfo = isObject(delivery.reverseFulfillmentOrder) ? delivery.reverseFulfillmentOrder : null;
      const lines = nodes(delivery.reverseDeliveryLineItems).flatMap((l) => {
        const rfoLine = isObject(l.reverseFulfillmentOrderLineItem) ? l.reverseFulfillmentOrderLineItem : null;
        const lineItem = rfoLine && isObject(rfoLine.fulfillmentLineItem) && isObject(rfoLine.fulfillmentLineItem.lineItem) ? bare(rfoLine.fulfillmentLineItem.lineItem.id) : null;
        return lineItem && typeof l.quantity === 'number' ? [{ lineRef: lineItem, quantity: l.quantity }] : [];
      });
      const tracking = isObject(delivery.deliverable) && isObject(delivery.deliverable.tracking) ? delivery.deliverable.tracking : null;
      const label = tracking ? ` ${text(tracking.carrierName) ?? ''} ${text(tracking.number) ?? ''}`.trimEnd() : '';
      return event('IN_TRANSIT', bare(isObject(rfo?.order) ? rfo.order.id : null), null, lines, `${webhook.topic}: on its way back${label}`);
    }
    if (topic === FETCHED_DISPOSE && isObject(body.reverseFulfillmentOrder)) {
      const rfo = body.reverseFulfillmentOrder;
      const orderLine = new Map(nodes(rfo.lineItems).map((l) => [bare(l.id) ?? '', isObject(l.fulfillmentLineItem) && isObject(l.fulfillmentLineItem.lineItem) ? bare(l.fulfillmentLineItem.lineItem.id) : null]));
      const lines: ReturnLineQuantity[] = [];
      for (const d of webhook.dispositions ?? []) {
        const lineRef = orderLine.get(d.rfoLineId);
        if (!lineRef) return { ok: false, reason: `reverse fulfillment order line ${d.rfoLineId} is not on ${bare(rfo.id)}` };
        if (!(d.type in DISPOSITIONS)) return { ok: false, reason: `disposition type ${d.type} is not known` };
        // A unit reported missing was never received: it takes no disposition here.
        const disposition = DISPOSITIONS[d.type];
        if (disposition) lines.push({ lineRef, quantity: d.quantity, disposition, locationRef: d.locationId });
      }
      return event('DISPOSITIONED', bare(isObject(rfo.order) ? rfo.order.id : null), null, lines, `${webhook.topic}: ${(webhook.dispositions ?? []).map((d) => `${d.quantity} ${d.type}`).join(', ')}`);
    }
    return { ok: false, reason: `the stored read of ${topic} is not what the topic names` };
  } catch (error) {
    return { ok: false, reason: `invalid return read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
