/**
 * The shop's state: orders seeded from an orders/create body, the fulfillment orders Shopify
 * would have made for them (one per assigned location), and the fulfillments created since.
 */
import { IdSequence, readId } from './json.js';

export type FulfillmentOrderStatus = 'open' | 'in_progress' | 'closed';

export interface FulfillmentOrderLine {
  readonly id: string;
  readonly lineItemId: string;
  readonly variantId: string | null;
  readonly inventoryItemId: string | null;
  quantity: number;
  fulfillableQuantity: number;
}

export interface FulfillmentOrder {
  readonly id: string;
  readonly orderId: string;
  readonly locationId: string;
  status: FulfillmentOrderStatus;
  readonly createdAt: string;
  updatedAt: string;
  readonly destination: Record<string, unknown> | null;
  readonly lines: FulfillmentOrderLine[];
}

export interface Fulfillment {
  readonly id: string;
  readonly orderId: string;
  readonly locationId: string;
  readonly name: string;
  readonly createdAt: string;
  readonly trackingCompany: string | null;
  readonly trackingNumbers: readonly string[];
  readonly trackingUrls: readonly string[];
  readonly notifyCustomer: boolean;
  readonly fulfillmentOrderIds: readonly string[];
  /** Units per order line item, in the order the request named them. */
  readonly lines: readonly { readonly lineItemId: string; readonly quantity: number }[];
}

export interface ShopOrder {
  readonly id: string;
  readonly name: string;
  readonly seededAt: string;
  /** The seeded line items by id, as received (bigint-safe parse), for the fulfillment's line_items. */
  readonly lineItems: ReadonlyMap<string, Record<string, unknown>>;
  readonly fulfillmentOrders: FulfillmentOrder[];
  readonly fulfillments: Fulfillment[];
}

export interface ShopIds {
  readonly fulfillmentOrder: IdSequence;
  readonly fulfillmentOrderLine: IdSequence;
  readonly fulfillment: IdSequence;
}

type Json = Record<string, unknown>;
type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const wholeAtLeast = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

function destinationOf(order: Json): Json | null {
  const a = order.shipping_address;
  if (!isObject(a)) return null;
  const pick = (key: string): unknown => (a[key] === undefined ? null : a[key]);
  return {
    id: null, address1: pick('address1'), address2: pick('address2'), city: pick('city'), company: pick('company'),
    country: pick('country'), email: typeof order.email === 'string' ? order.email : null, first_name: pick('first_name'),
    last_name: pick('last_name'), phone: pick('phone'), province: pick('province'), zip: pick('zip'),
  };
}

/** The location a line is assigned to: the line's own, else its legacy origin, else the order's, else the shop's default. */
function locationOf(line: Json, order: Json, defaultLocationId: string): string {
  const origin = isObject(line.origin_location) ? line.origin_location.id : undefined;
  return readId(line.location_id) ?? readId(origin) ?? readId(order.location_id) ?? defaultLocationId;
}

/** An order as an orders/create webhook carries it, turned into its fulfillment orders. */
export function seedOrder(body: unknown, ids: ShopIds, defaultLocationId: string, now: string): Outcome<ShopOrder> {
  if (!isObject(body)) return { ok: false, error: 'send the order as a JSON object (the orders/create body)' };
  const id = readId(body.id);
  if (!id) return { ok: false, error: 'id must be a positive integer' };
  if (!Array.isArray(body.line_items) || body.line_items.length === 0) return { ok: false, error: 'line_items must be a non-empty array' };
  const lineItems = new Map<string, Json>();
  const byLocation = new Map<string, { line: Json; lineItemId: string; quantity: number }[]>();
  for (const [index, line] of (body.line_items as unknown[]).entries()) {
    if (!isObject(line)) return { ok: false, error: `line_items[${index}] must be an object` };
    const lineItemId = readId(line.id);
    if (!lineItemId) return { ok: false, error: `line_items[${index}].id must be a positive integer` };
    if (lineItems.has(lineItemId)) return { ok: false, error: `line_items[${index}].id ${lineItemId} appears twice` };
    // Order edits lower current_quantity, not quantity; fulfillment orders follow the current one.
    const quantity = wholeAtLeast(line.current_quantity, 0) ? line.current_quantity : line.quantity;
    if (!wholeAtLeast(quantity, 0)) return { ok: false, error: `line_items[${index}].quantity must be a whole number >= 0` };
    lineItems.set(lineItemId, line);
    if (quantity === 0) continue;
    const location = locationOf(line, body, defaultLocationId);
    const group = byLocation.get(location) ?? [];
    group.push({ line, lineItemId, quantity });
    byLocation.set(location, group);
  }
  const destination = destinationOf(body);
  const fulfillmentOrders = [...byLocation].map(([locationId, group]): FulfillmentOrder => {
    const foId = ids.fulfillmentOrder.next();
    return {
      id: foId, orderId: id, locationId, status: 'open', createdAt: now, updatedAt: now, destination,
      lines: group.map(({ line, lineItemId, quantity }) => {
        const variantId = readId(line.variant_id) ?? null;
        return {
          id: ids.fulfillmentOrderLine.next(), lineItemId, variantId,
          // Each variant has one inventory item; Shopify's own examples show the same number for both.
          inventoryItemId: variantId, quantity, fulfillableQuantity: quantity,
        };
      }),
    };
  });
  const name = typeof body.name === 'string' && body.name !== '' ? body.name : `#${readId(body.order_number) ?? id}`;
  return { ok: true, value: { id, name, seededAt: now, lineItems, fulfillmentOrders, fulfillments: [] } };
}

/**
 * Moves some units of a fulfillment order into a new one at the same location, as Shopify's
 * fulfillmentOrderSplit does. One line item then spans two fulfillment orders: what a client's
 * allocation has to handle.
 */
export function splitFulfillmentOrder(order: ShopOrder, fo: FulfillmentOrder, body: unknown, ids: ShopIds, now: string): Outcome<FulfillmentOrder> {
  if (fo.status === 'closed') return { ok: false, error: `fulfillment order ${fo.id} is closed` };
  const items = isObject(body) ? body.line_items : undefined;
  if (!Array.isArray(items) || items.length === 0) return { ok: false, error: 'line_items must be a non-empty array of { id, quantity }' };
  const moves = new Map<FulfillmentOrderLine, number>();
  for (const [index, item] of items.entries()) {
    const lineId = isObject(item) ? readId(item.id) : undefined;
    const line = fo.lines.find((l) => l.id === lineId);
    if (!line) return { ok: false, error: `line_items[${index}].id is not a line of fulfillment order ${fo.id}` };
    const quantity = (isObject(item) ? item.quantity : undefined) as unknown;
    const total = (moves.get(line) ?? 0) + (wholeAtLeast(quantity, 1) ? quantity : Number.NaN);
    if (!(total <= line.fulfillableQuantity)) return { ok: false, error: `line_items[${index}].quantity must be 1..${line.fulfillableQuantity}` };
    moves.set(line, total);
  }
  const left = fo.lines.reduce((n, l) => n + l.quantity - (moves.get(l) ?? 0), 0);
  if (left === 0) return { ok: false, error: 'a split must leave something in the original fulfillment order' };
  const created: FulfillmentOrder = {
    id: ids.fulfillmentOrder.next(), orderId: order.id, locationId: fo.locationId, status: 'open', createdAt: now, updatedAt: now,
    destination: fo.destination,
    lines: [...moves].map(([line, quantity]) => ({
      id: ids.fulfillmentOrderLine.next(), lineItemId: line.lineItemId, variantId: line.variantId, inventoryItemId: line.inventoryItemId,
      quantity, fulfillableQuantity: quantity,
    })),
  };
  for (const [line, quantity] of moves) {
    line.quantity -= quantity;
    line.fulfillableQuantity -= quantity;
  }
  fo.lines.splice(0, fo.lines.length, ...fo.lines.filter((l) => l.quantity > 0));
  if (fo.lines.every((l) => l.fulfillableQuantity === 0)) fo.status = 'closed';
  fo.updatedAt = now;
  order.fulfillmentOrders.splice(order.fulfillmentOrders.indexOf(fo) + 1, 0, created);
  return { ok: true, value: created };
}

/** Units of a line item still to be fulfilled, over all its fulfillment orders. */
export function remainingOf(order: ShopOrder, lineItemId: string): number {
  return order.fulfillmentOrders.flatMap((fo) => fo.lines).filter((l) => l.lineItemId === lineItemId).reduce((n, l) => n + l.fulfillableQuantity, 0);
}
