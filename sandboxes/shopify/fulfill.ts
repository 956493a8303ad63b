/**
 * POST /admin/api/2026-04/fulfillments.json: the fulfillment-order flow as Shopify publishes it.
 * Everything is checked before anything changes, so a refused request leaves quantities as
 * they were.
 *
 *   { "fulfillment": {
 *       "line_items_by_fulfillment_order": [
 *         { "fulfillment_order_id": 1, "fulfillment_order_line_items": [{ "id": 2, "quantity": 1 }] } ],
 *       "tracking_info": { "number": "…", "numbers": ["…"], "company": "UPS", "url": "…", "urls": ["…"] },
 *       "notify_customer": false, "message": "…" } }
 *
 * A fulfillment order named without fulfillment_order_line_items is fulfilled whole.
 */
import type { Reply } from '../erp/shared/http.js';
import { missingParameter, notFound, shopifyError, unprocessable } from './errors.js';
import { readId } from './json.js';
import type { Fulfillment, FulfillmentOrder, FulfillmentOrderLine, ShopIds, ShopOrder } from './orders.js';

type Json = Record<string, unknown>;

export interface FulfillmentRequest {
  readonly byFulfillmentOrder: readonly { readonly id: string; readonly lines: readonly { readonly id: string; readonly quantity: number }[] | null }[];
  readonly trackingCompany: string | null;
  readonly trackingNumbers: readonly string[];
  readonly trackingUrls: readonly string[];
  readonly notifyCustomer: boolean;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const BAD_QUANTITY = 'Invalid fulfillment order line item quantity requested.';

/** Rails coerces "2" to 2, so Shopify takes quantities either way. */
function quantityOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function texts(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.filter((v) => v.trim() !== '') : undefined;
}

const textOrNull = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

export function parseFulfillmentRequest(body: unknown): { ok: true; value: FulfillmentRequest } | { ok: false; reply: Reply } {
  const fulfillment = isObject(body) ? body.fulfillment : undefined;
  if (!isObject(fulfillment)) return { ok: false, reply: missingParameter('fulfillment') };
  const groups = fulfillment.line_items_by_fulfillment_order;
  if (!Array.isArray(groups) || groups.length === 0) {
    return { ok: false, reply: shopifyError(400, ['The required line_items_by_fulfillment_order field is missing.']) };
  }
  const byFulfillmentOrder: { id: string; lines: { id: string; quantity: number }[] | null }[] = [];
  for (const group of groups) {
    const id = isObject(group) ? readId(group.fulfillment_order_id) : undefined;
    if (!isObject(group) || !id) return { ok: false, reply: missingParameter('fulfillment_order_id') };
    const items = group.fulfillment_order_line_items;
    if (items === undefined || items === null || (Array.isArray(items) && items.length === 0)) {
      byFulfillmentOrder.push({ id, lines: null });
      continue;
    }
    if (!Array.isArray(items)) return { ok: false, reply: missingParameter('fulfillment_order_line_items') };
    const lines: { id: string; quantity: number }[] = [];
    for (const item of items) {
      const lineId = isObject(item) ? readId(item.id) : undefined;
      if (!lineId) return { ok: false, reply: missingParameter('fulfillment_order_line_items') };
      const quantity = quantityOf((item as Json).quantity);
      if (quantity === undefined) return { ok: false, reply: unprocessable(BAD_QUANTITY) };
      lines.push({ id: lineId, quantity });
    }
    byFulfillmentOrder.push({ id, lines });
  }
  const tracking = fulfillment.tracking_info === undefined || fulfillment.tracking_info === null ? {} : fulfillment.tracking_info;
  if (!isObject(tracking)) return { ok: false, reply: missingParameter('tracking_info') };
  const numbers = texts(tracking.numbers);
  const urls = texts(tracking.urls);
  if (!numbers || !urls) return { ok: false, reply: missingParameter('tracking_info') };
  const number = textOrNull(tracking.number);
  const url = textOrNull(tracking.url);
  return {
    ok: true,
    value: {
      byFulfillmentOrder,
      trackingCompany: textOrNull(tracking.company),
      trackingNumbers: numbers.length > 0 ? numbers : number ? [number] : [],
      trackingUrls: urls.length > 0 ? urls : url ? [url] : [],
      notifyCustomer: fulfillment.notify_customer === true,
    },
  };
}

export interface Located {
  readonly order: ShopOrder;
  readonly fo: FulfillmentOrder;
}

const listed = (ids: Iterable<string>): string => `[${[...ids].join(', ')}]`;

/** Checks the whole request against the shop, then applies it: the new fulfillment, or Shopify's refusal. */
export function createFulfillment(
  request: FulfillmentRequest,
  locate: (fulfillmentOrderId: string) => Located | undefined,
  ids: ShopIds,
  now: string,
): { ok: true; order: ShopOrder; fulfillment: Fulfillment } | { ok: false; reply: Reply } {
  const found: Located[] = [];
  for (const group of request.byFulfillmentOrder) {
    const located = locate(group.id);
    if (!located) return { ok: false, reply: notFound() };
    found.push(located);
  }
  const orders = new Set(found.map((f) => f.order.id));
  if (orders.size > 1) {
    return { ok: false, reply: unprocessable(`All fulfillment orders must belong to the same order. Multiple orders with IDs ${listed(orders)} were found`) };
  }
  const locations = new Set(found.map((f) => f.fo.locationId));
  if (locations.size > 1) {
    return { ok: false, reply: unprocessable(`All fulfillment orders must be assigned to a single location. Multiple locations with IDs ${listed(locations)} were found`) };
  }
  const closed = found.find((f) => f.fo.status !== 'open' && f.fo.status !== 'in_progress');
  if (closed) return { ok: false, reply: unprocessable(`Fulfillment order ${closed.fo.id} has an unfulfillable status= ${closed.fo.status}.`) };

  const take = new Map<FulfillmentOrderLine, number>();
  for (const [index, group] of request.byFulfillmentOrder.entries()) {
    const { fo } = found[index];
    const wanted = group.lines ?? fo.lines.filter((l) => l.fulfillableQuantity > 0).map((l) => ({ id: l.id, quantity: l.fulfillableQuantity }));
    for (const item of wanted) {
      const line = fo.lines.find((l) => l.id === item.id);
      if (!line) return { ok: false, reply: unprocessable(`Fulfillment order line item ${item.id} does not belong to fulfillment order ${fo.id}.`) };
      const total = (take.get(line) ?? 0) + item.quantity;
      if (total > line.fulfillableQuantity) return { ok: false, reply: unprocessable(BAD_QUANTITY) };
      take.set(line, total);
    }
  }
  if (take.size === 0) return { ok: false, reply: unprocessable(BAD_QUANTITY) };

  const order = found[0].order;
  const perLineItem = new Map<string, number>();
  for (const [line, quantity] of take) {
    line.fulfillableQuantity -= quantity;
    perLineItem.set(line.lineItemId, (perLineItem.get(line.lineItemId) ?? 0) + quantity);
  }
  const foIds = [...new Set(found.map((f) => f.fo.id))];
  for (const { fo } of found) {
    fo.status = fo.lines.every((l) => l.fulfillableQuantity === 0) ? 'closed' : 'in_progress';
    fo.updatedAt = now;
  }
  const fulfillment: Fulfillment = {
    id: ids.fulfillment.next(),
    orderId: order.id,
    locationId: found[0].fo.locationId,
    name: `${order.name}.${order.fulfillments.length + 1}`,
    createdAt: now,
    trackingCompany: request.trackingCompany,
    trackingNumbers: request.trackingNumbers,
    trackingUrls: request.trackingUrls,
    notifyCustomer: request.notifyCustomer,
    fulfillmentOrderIds: foIds,
    lines: [...perLineItem].map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
  };
  order.fulfillments.push(fulfillment);
  return { ok: true, order, fulfillment };
}
