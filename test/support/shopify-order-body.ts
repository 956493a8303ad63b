/**
 * A small Shopify order body (REST shape, ids as digit strings) whose totals add up: untaxed
 * lines, optional flat shipping, no discounts. For tests of edits, dates and POS lines, where the
 * fixture's money is beside the point.
 */
export interface BodyLine {
  readonly id: string;
  readonly sku: string;
  readonly price: string;
  /** As first ordered. */
  readonly quantity: number;
  /** After edits (and refunds); default: quantity. */
  readonly current?: number;
  readonly fulfillable?: number;
  readonly fulfillmentStatus?: string | null;
  readonly locationId?: string | null;
}

export interface BodyOptions {
  readonly id: string;
  readonly lines: readonly BodyLine[];
  readonly shipping?: string;
  readonly createdAt?: string;
  readonly processedAt?: string;
  readonly updatedAt?: string;
  readonly sourceName?: string;
  readonly financialStatus?: string;
  readonly locationId?: string | null;
  readonly fulfillments?: readonly { id: string; lines: readonly { id: string; quantity: number }[]; locationId?: string }[];
  readonly refunds?: readonly { lineId: string; quantity: number }[];
}

const cents = (decimal: string): number => Math.round(Number(decimal) * 100);
const money = (c: number): string => (c / 100).toFixed(2);

export function shopifyOrderBody(o: BodyOptions): string {
  const refunded = new Map<string, number>();
  for (const r of o.refunds ?? []) refunded.set(r.lineId, (refunded.get(r.lineId) ?? 0) + r.quantity);
  // The order's own totals follow edits, not refunds: edited quantity = current + refunded.
  const subtotal = o.lines.reduce((t, l) => t + cents(l.price) * ((l.current ?? l.quantity) + (refunded.get(l.id) ?? 0)), 0);
  const shipping = cents(o.shipping ?? '0.00');
  const total = money(subtotal + shipping);
  const created = o.createdAt ?? '2026-03-14T10:15:42-04:00';
  return JSON.stringify({
    id: o.id,
    name: `#${o.id.slice(-5)}`,
    order_number: Number(o.id.slice(-5)),
    created_at: created,
    processed_at: o.processedAt ?? created,
    updated_at: o.updatedAt ?? created,
    cancelled_at: null,
    currency: 'USD',
    financial_status: o.financialStatus ?? 'paid',
    taxes_included: false,
    tax_exempt: false,
    total_price: total,
    subtotal_price: money(subtotal),
    total_line_items_price: money(subtotal),
    total_discounts: '0.00',
    total_tax: '0.00',
    total_shipping_price_set: { shop_money: { amount: money(shipping), currency_code: 'USD' }, presentment_money: { amount: money(shipping), currency_code: 'USD' } },
    source_name: o.sourceName ?? 'web',
    location_id: o.locationId ?? null,
    payment_gateway_names: ['shopify_payments'],
    email: 'maya.okafor@example.com',
    customer: { id: '7012345678901234567', email: 'maya.okafor@example.com', first_name: 'Maya', last_name: 'Okafor' },
    shipping_address: { name: 'Maya Okafor', address1: '212 Wythe Ave', city: 'Brooklyn', zip: '11249', province_code: 'NY', country_code: 'US' },
    discount_applications: [],
    tax_lines: [],
    line_items: o.lines.map((l) => ({
      id: l.id, sku: l.sku, title: l.sku, quantity: l.quantity, current_quantity: l.current ?? l.quantity, price: l.price,
      fulfillable_quantity: l.fulfillable ?? l.current ?? l.quantity, fulfillment_status: l.fulfillmentStatus ?? null,
      taxable: false, requires_shipping: true, gift_card: false, fulfillment_service: 'manual', location_id: l.locationId ?? null,
      tax_lines: [], discount_allocations: [],
    })),
    shipping_lines: shipping > 0 ? [{ id: `${o.id}1`, title: 'Standard Shipping', code: 'STANDARD', price: money(shipping), tax_lines: [], discount_allocations: [] }] : [],
    fulfillments: (o.fulfillments ?? []).map((f) => ({
      id: f.id, status: 'success', created_at: created, location_id: f.locationId ?? o.locationId ?? null, line_items: f.lines.map((l) => ({ id: l.id, quantity: l.quantity })),
    })),
    refunds: (o.refunds ?? []).map((r) => ({ refund_line_items: [{ line_item_id: r.lineId, quantity: r.quantity }] })),
  });
}
