/**
 * Test builders for canonical orders, shared by specs. The default order is a
 * consistent, releasable USD order:
 *
 *   SKU-1  2 × 25.00 = 50.00, discount 5.00, tax 3.15 (7% of 45.00)
 *   SKU-2  1 × 10.00 = 10.00,                tax 0.70 (7%)
 *   shipping 5.00, no tax
 *   subtotal 60.00 − discounts 5.00 + shipping 5.00 + tax 3.85 = grand total 63.85
 *
 * Source totals are recomputed from the lines unless given, so overriding the lines
 * keeps the order consistent; pass `sourceTotals` (partially) to make it disagree.
 *
 * @since 0.1.0
 */
import { parseDecimal, type Money } from '../../src/canonical/money.js';
import type {
  CanonicalOrder,
  DiscountAllocation,
  OrderLine,
  OrderTotals,
  ShippingLine,
  TaxLine,
  Tender,
} from '../../src/canonical/order.js';
import { recomputeTotals } from '../../src/canonical/totals.js';

/** A USD amount from its decimal string: `usd('63.85')` is 6385 cents. */
export function usd(decimal: string): Money {
  return parseDecimal(decimal, 'USD');
}

export function buildTaxLine(overrides: Partial<TaxLine> = {}): TaxLine {
  return { title: 'State tax', rate: '0.07', amount: usd('0.70'), jurisdiction: 'US-CA', code: 'CA-STATE', ...overrides };
}

export function buildDiscount(overrides: Partial<DiscountAllocation> = {}): DiscountAllocation {
  return { amount: usd('5.00'), code: 'WELCOME5', title: 'Welcome', ...overrides };
}

export function buildLine(overrides: Partial<OrderLine> = {}): OrderLine {
  return {
    externalId: '14000000000000001',
    sku: 'SKU-2',
    variantId: '42000000000000002',
    productId: '8000000000000002',
    title: 'Canvas tote',
    quantity: 1,
    unitPrice: usd('10.00'),
    discounts: [],
    taxes: [buildTaxLine()],
    fulfillmentMethod: 'SHIP',
    locationRef: null,
    requiresShipping: true,
    giftCard: false,
    ...overrides,
  };
}

export function buildShippingLine(overrides: Partial<ShippingLine> = {}): ShippingLine {
  return { externalId: '4300000000000001', title: 'Standard', code: 'STANDARD', price: usd('5.00'), discounts: [], taxes: [], ...overrides };
}

export function buildTender(overrides: Partial<Tender> = {}): Tender {
  return { kind: 'CARD', gateway: 'shopify_payments', authorized: usd('63.85'), captured: usd('0.00'), ...overrides };
}

export type OrderOverrides = Partial<Omit<CanonicalOrder, 'sourceTotals'>> & {
  /** Replaces components of the recomputed totals, e.g. `{ grandTotal: usd('63.84') }`. */
  readonly sourceTotals?: Partial<OrderTotals>;
};

export function buildOrder(overrides: OrderOverrides = {}): CanonicalOrder {
  const { sourceTotals, ...rest } = overrides;
  const base: Omit<CanonicalOrder, 'sourceTotals'> = {
    // Beyond 2^53 on purpose: ids are strings.
    source: { system: 'SHOPIFY', account: 'example-store.myshopify.com', externalId: '5012345678901234567' },
    orderNumber: '#1001',
    placedAt: '2025-03-01T10:00:00.000Z',
    sourceUpdatedAt: '2025-03-01T10:00:05.000Z',
    cancelledAt: null,
    currency: 'USD',
    customer: { externalId: '7000000000000001', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
    billingAddress: null,
    shippingAddress: {
      name: 'Ada Lovelace',
      company: null,
      line1: '1 Market St',
      line2: null,
      city: 'San Francisco',
      region: 'CA',
      postalCode: '94105',
      countryCode: 'US',
      phone: null,
    },
    lines: [
      buildLine({
        externalId: '14000000000000000',
        sku: 'SKU-1',
        variantId: '42000000000000001',
        productId: '8000000000000001',
        title: 'Linen shirt',
        quantity: 2,
        unitPrice: usd('25.00'),
        discounts: [buildDiscount()],
        taxes: [buildTaxLine({ amount: usd('3.15') })],
      }),
      buildLine(),
    ],
    shippingLines: [buildShippingLine()],
    tenders: [buildTender()],
    paymentStatus: 'AUTHORIZED',
    risk: { recommendation: 'ACCEPT', source: 'shopify' },
    taxesIncluded: false,
    taxStatus: 'CALCULATED',
    tags: [],
    ...rest,
  };
  const draft: CanonicalOrder = { ...base, sourceTotals: emptyTotals(base.currency) };
  return { ...draft, sourceTotals: { ...recomputeTotals(draft), ...sourceTotals } };
}

function emptyTotals(currency: string): OrderTotals {
  const zero: Money = { amount: 0n, currency };
  return { subtotal: zero, discounts: zero, tax: zero, shipping: zero, grandTotal: zero };
}
