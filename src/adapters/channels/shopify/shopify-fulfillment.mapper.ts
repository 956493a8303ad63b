import { nothingShipped } from '../channel-port.js';
import { idToString } from '../../../canonical/references.js';
import type { ShipmentCancellation, ShipmentConfirmation, ShipmentLine } from '../../../canonical/fulfillment.js';

export type FulfillmentMapping =
  | { readonly ok: true; readonly confirmation: ShipmentConfirmation }
  /** Withdrawn: a shipment if the hub confirmed it, nothing shipped if it never did. */
  | { readonly ok: true; readonly cancellation: ShipmentCancellation }
  | { readonly ok: false; readonly usable: false; readonly field: string; readonly reason: string }
  /** Authentic and well formed, but nothing left the building yet (pending, open). */
  | { readonly ok: false; readonly usable: true; readonly reason: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** Shopify's statuses for a fulfilment that did not (or no longer does) stand. */
const WITHDRAWN = new Set(['cancelled', 'failure', 'error']);

/** The reason kept on a delivery that ships nothing (shared by every channel). */
export { nothingShipped };

/**
 * A Shopify Fulfillment (fulfillments/create and /update bodies, REST serialisation) as a
 * shipment confirmation. Only a `success` fulfilment is a shipment; a cancelled or failed one
 * withdraws whatever shipment it was. Ids arrive as JSON numbers past 2^53, so the body
 * must have been parsed with big ids kept (bigint or text).
 */
export function mapShopifyFulfillment(body: unknown, shopDomain: string): FulfillmentMapping {
  const fail = (field: string, reason: string): FulfillmentMapping => ({ ok: false, usable: false, field, reason });
  if (!isObject(body)) return fail('(body)', 'must be a JSON object');
  let id: string | null;
  let orderId: string | null;
  try {
    id = idToString(body.id);
    orderId = idToString(body.order_id);
  } catch (error) {
    return fail('id', error instanceof Error ? error.message : String(error));
  }
  if (!id) return fail('id', 'is required');
  if (!orderId) return fail('order_id', 'is required');
  const status = text(body.status);
  if (status !== null && WITHDRAWN.has(status)) {
    // Line items and tracking are not needed: the shipment, if any, is already on record.
    const at = text(body.updated_at);
    const cancelledAt = at && !Number.isNaN(Date.parse(at)) ? new Date(at).toISOString() : null;
    const order = { by: 'CHANNEL', channel: 'SHOPIFY', account: shopDomain, externalId: orderId } as const;
    return { ok: true, cancellation: { source: 'SHOPIFY', account: shopDomain, externalId: id, order, status, cancelledAt } };
  }
  if (status !== 'success') return { ok: false, usable: true, reason: nothingShipped(id, status) };
  if (!Array.isArray(body.line_items) || body.line_items.length === 0) return fail('line_items', 'must list the shipped line items');
  const lines: ShipmentLine[] = [];
  for (const [index, item] of body.line_items.entries()) {
    if (!isObject(item)) return fail(`line_items[${index}]`, 'must be an object');
    const lineRef = idToString(item.id);
    if (!lineRef) return fail(`line_items[${index}].id`, 'is required');
    const quantity = typeof item.quantity === 'bigint' ? Number(item.quantity) : item.quantity;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity <= 0) return fail(`line_items[${index}].quantity`, 'must be a positive whole number');
    lines.push({ lineRef, sku: text(item.sku), quantity });
  }
  const shippedAt = text(body.created_at) ?? text(body.updated_at);
  if (!shippedAt || Number.isNaN(Date.parse(shippedAt))) return fail('created_at', 'must be an ISO-8601 time');
  const numbers = Array.isArray(body.tracking_numbers) ? body.tracking_numbers.filter((n): n is string => typeof n === 'string' && n !== '') : [];
  const single = text(body.tracking_number);
  return {
    ok: true,
    confirmation: {
      source: 'SHOPIFY',
      account: shopDomain,
      externalId: id,
      kind: 'SHIPMENT',
      order: { by: 'CHANNEL', channel: 'SHOPIFY', account: shopDomain, externalId: orderId },
      locationRef: idToString(body.location_id),
      carrier: text(body.tracking_company),
      trackingNumbers: numbers.length > 0 ? numbers : single ? [single] : [],
      trackingUrl: text(body.tracking_url),
      shippedAt: new Date(shippedAt).toISOString(),
      lines,
    },
  };
}
