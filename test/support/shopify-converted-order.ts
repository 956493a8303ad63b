/**
 * A Shopify order paid in CAD by a shop that keeps its books in USD, as Shopify sends it: every
 * amount in both currencies, each USD amount converted on its own (at 0.7333). The CAD amounts add
 * up; the USD ones miss the USD total by one cent (lines 62.31 + shipping 7.33 + tax 3.12 = 72.76,
 * total 72.75), which the hub keeps as a −0.01 ROUNDING charge. `usdTotal` moves that gap.
 *
 * Lines (CAD): 3 × 19.99 (GST 3.00) and 1 × 24.99 (GST 1.25); shipping 10.00 untaxed; total 99.21.
 */
export interface ConvertedOrderOptions {
  readonly id: string;
  /** The converted grand total Shopify prints; default '72.75' (one cent below the converted parts). */
  readonly usdTotal?: string;
  readonly tip?: string;
  readonly test?: boolean;
  readonly note?: string;
  readonly poNumber?: string;
  readonly transactions?: readonly { kind: string; gateway: string; amount: string; currency: string; status?: string }[];
}

const set = (usd: string, cad: string) => ({ shop_money: { amount: usd, currency_code: 'USD' }, presentment_money: { amount: cad, currency_code: 'CAD' } });
const both = (field: string, usd: string, cad: string) => ({ [field]: usd, [`${field}_set`]: set(usd, cad) });

export function convertedOrderBody(o: ConvertedOrderOptions): Record<string, unknown> {
  const created = '2026-03-14T10:15:42-04:00';
  return {
    id: o.id,
    name: `#${o.id.slice(-5)}`,
    order_number: Number(o.id.slice(-5)),
    created_at: created,
    processed_at: created,
    updated_at: created,
    cancelled_at: null,
    currency: 'USD',
    presentment_currency: 'CAD',
    financial_status: 'paid',
    taxes_included: false,
    tax_exempt: false,
    test: o.test ?? false,
    ...(o.note !== undefined && { note: o.note }),
    ...(o.poNumber !== undefined && { po_number: o.poNumber }),
    ...both('total_price', o.usdTotal ?? '72.75', '99.21'),
    ...both('subtotal_price', '62.30', '84.96'),
    ...both('total_line_items_price', '62.30', '84.96'),
    ...both('total_discounts', '0.00', '0.00'),
    ...both('total_tax', '3.12', '4.25'),
    total_shipping_price_set: set('7.33', '10.00'),
    ...(o.tip !== undefined && { total_tip_received: o.tip }),
    source_name: 'web',
    payment_gateway_names: ['gift_card', 'shopify_payments'],
    ...(o.transactions && {
      transactions: o.transactions.map((t, i) => ({ id: `${o.id.slice(-6)}${i}`, kind: t.kind, status: t.status ?? 'success', gateway: t.gateway, amount: t.amount, currency: t.currency })),
    }),
    email: 'maya.okafor@example.com',
    customer: { id: '7012345678901234567', email: 'maya.okafor@example.com', first_name: 'Maya', last_name: 'Okafor' },
    shipping_address: { name: 'Maya Okafor', address1: '100 Queen St W', city: 'Toronto', zip: 'M5H 2N2', province_code: 'ON', country_code: 'CA' },
    discount_applications: [],
    tax_lines: [{ title: 'GST', rate: 0.05, ...both('price', '3.12', '4.25') }],
    line_items: [
      {
        id: `${o.id.slice(-6)}01`, sku: 'MER-CREW-NVY-M', title: 'Merino crew', quantity: 3, current_quantity: 3, fulfillable_quantity: 3,
        taxable: true, requires_shipping: true, gift_card: false, fulfillment_service: 'manual', ...both('price', '14.66', '19.99'),
        tax_lines: [{ title: 'GST', rate: 0.05, ...both('price', '2.20', '3.00') }], discount_allocations: [],
        properties: [{ name: 'Engraving', value: 'For M.' }, { name: '_app_token', value: 'x1' }],
      },
      {
        id: `${o.id.slice(-6)}02`, sku: 'SOCK-TRAIL-3PK', title: 'Trail socks', quantity: 1, current_quantity: 1, fulfillable_quantity: 1,
        taxable: true, requires_shipping: true, gift_card: false, fulfillment_service: 'manual', ...both('price', '18.33', '24.99'),
        tax_lines: [{ title: 'GST', rate: 0.05, ...both('price', '0.92', '1.25') }], discount_allocations: [],
      },
    ],
    shipping_lines: [{ id: `${o.id}1`, title: 'Standard Shipping', code: 'STANDARD', ...both('price', '7.33', '10.00'), tax_lines: [], discount_allocations: [] }],
  };
}
