/**
 * Loop's webhook bodies, as its webhook reference shows them (research: returns.md §2.1): the
 * return topic with the whole return, the label, restock and gift card topics thin, each with
 * `topic` and `trigger`. Shopify ids pass 2^53: written as Loop writes them (quoted in the return
 * body, bare in the label and restock bodies), so a reader that rounds them fails here too.
 */
import { rawId, shopifyJson } from '../shopify/json.js';

export interface LoopLine {
  /** Loop's own id of the unit. */
  readonly id: string;
  /** Shopify's order line id. */
  readonly lineItemId: string;
  readonly reason: string;
}

export interface LoopLabel {
  status: string;
  carrier: string;
  trackingNumber: string;
  updatedAt: string;
}

export interface LoopReturn {
  readonly id: string;
  readonly shopId: number;
  readonly orderId: string;
  readonly orderName: string;
  readonly currency: string;
  state: string;
  readonly createdAt: string;
  editedAt: string | null;
  /** One entry per unit, as Loop lists them. */
  readonly lines: readonly LoopLine[];
  label: LoopLabel | null;
}

export interface RestockItem {
  readonly lineItemId: string;
  readonly quantity: number;
  readonly locationId: string;
}

export function returnBody(r: LoopReturn, trigger: string): string {
  return shopifyJson({
    topic: 'return', trigger, shop_id: r.shopId, id: r.id, state: r.state, created_at: r.createdAt, edited_at: r.editedAt,
    order_id: Number(r.id) + 1000, order_name: r.orderName, provider_order_id: r.orderId, currency: r.currency,
    labels: r.label ? [{ status: r.label.status, updated_at: r.label.updatedAt, carrier: r.label.carrier, tracking_number: r.label.trackingNumber, line_items: r.lines.map((l) => Number(l.id)) }] : [],
    line_items: r.lines.map((l) => ({ line_item_id: l.id, provider_line_item_id: l.lineItemId, reason: l.reason })),
  });
}

export function labelBody(r: LoopReturn, trigger: string): string {
  const label = r.label!;
  return shopifyJson({
    topic: 'label', trigger, shop_id: String(r.shopId), return_id: r.id, order_id: String(Number(r.id) + 1000), provider_order_id: rawId(r.orderId),
    carrier: label.carrier, tracking_number: label.trackingNumber, label_status: label.status, label_updated_at: label.updatedAt,
  });
}

/** restock_items keyed by Shopify's order line id, as Loop's restocking reference describes them. */
export function restockBody(r: LoopReturn, items: readonly RestockItem[]): string {
  const keyed: Record<string, unknown> = {};
  for (const item of items) keyed[item.lineItemId] = { location_id: rawId(item.locationId), available_adjustment: item.quantity, inventory_management: 'shopify' };
  return shopifyJson({ topic: 'restock', trigger: 'restock.requested', id: r.id, order_id: Number(r.id) + 1000, provider_order_id: rawId(r.orderId), restock_items: keyed });
}

export function giftcardBody(r: LoopReturn, giftcardId: number, credit: string): string {
  return shopifyJson({
    topic: 'giftcard', trigger: 'giftcard.requested', id: giftcardId, total_credit_issued: credit, gift_card_subtotal: credit, gift_card_tax: '0.00',
    gift_card_bonus_credit: '0.00', currency: r.currency, return_id: r.id, external_order_id: rawId(r.orderId), external_order_name: r.orderName,
  });
}
