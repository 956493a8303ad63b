import { readFileSync } from 'node:fs';
import { parseDecimal } from '../../../canonical/money.js';
import type { CanonicalOrder } from '../../../canonical/order.js';
import { compareTotals, recomputeTotals } from '../../../canonical/totals.js';
import { validateShopifyOrder, type ShopifyOrderDto } from './shopify-order.dto.js';
import {
  detectLocalPickup,
  mapPaymentStatus,
  mapShopifyOrder,
  mapTaxStatus,
  tenderKindForGateway,
  type ShopifyMapOptions,
} from './shopify-order.mapper.js';
import { parseJsonPreservingBigIds } from './shopify-webhook.js';

// Parsed JSON bodies are mutated freely in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

const SHOP = 'northwind-outfitters.myshopify.com';
const FIXTURES = new URL('../../../../test/fixtures/shopify/', import.meta.url);

function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function fixture(name: string): Body {
  return parseJsonPreservingBigIds(fixtureText(name));
}

function dtoOf(body: unknown): ShopifyOrderDto {
  const result = validateShopifyOrder(body);
  if (!result.ok) throw new Error(`invalid order: ${JSON.stringify(result.errors)}`);
  return result.dto;
}

function map(body: unknown, options: Partial<ShopifyMapOptions> = {}): CanonicalOrder {
  return mapShopifyOrder(dtoOf(body), { shopDomain: SHOP, ...options });
}

const usd = (amount: bigint) => ({ amount, currency: 'USD' });

describe('mapShopifyOrder: order-create.json (USD, discount code, line and shipping tax)', () => {
  const order = map(fixture('order-create.json'));

  it('maps the header with exact string ids and UTC instants', () => {
    expect(order.source).toEqual({ system: 'SHOPIFY', account: SHOP, externalId: '6012345678901234567' });
    expect(order.orderNumber).toBe('#10421');
    expect(order.placedAt).toBe('2026-03-14T14:15:42.000Z');
    expect(order.sourceUpdatedAt).toBe('2026-03-14T14:15:44.000Z');
    expect(order.cancelledAt).toBeNull();
    expect(order.currency).toBe('USD');
    expect(order.taxesIncluded).toBe(false);
    expect(order.tags).toEqual(['newsletter', 'repeat-buyer']);
    expect(order.customer).toEqual({
      externalId: '7012345678901234567',
      email: 'maya.okafor@example.com',
      firstName: 'Maya',
      lastName: 'Okafor',
    });
    expect(order.shippingAddress).toEqual({
      name: 'Maya Okafor',
      company: null,
      line1: '212 Wythe Ave',
      line2: 'Apt 4B',
      city: 'Brooklyn',
      region: 'NY',
      postalCode: '11249',
      countryCode: 'US',
      phone: '+1 718-555-0142',
    });
  });

  it('maps lines with unit prices, discount allocations and tax lines in minor units', () => {
    expect(order.lines).toEqual([
      {
        externalId: '1612345678901234501',
        sku: 'MER-CREW-NVY-M',
        variantId: '4712345678901234501',
        productId: '8012345678901234501',
        title: 'Merino Crew Sweater',
        quantity: 2,
        unitPrice: usd(8900n),
        discounts: [{ amount: usd(1319n), code: 'SPRING15', title: null }],
        taxes: [
          { title: 'NY State Tax', rate: '0.04', amount: usd(659n), jurisdiction: null, code: null },
          { title: 'New York City Tax', rate: '0.04875', amount: usd(803n), jurisdiction: null, code: null },
        ],
        fulfillmentMethod: 'SHIP',
        locationRef: null,
        requiresShipping: true,
        giftCard: false,
      },
      {
        externalId: '1612345678901234502',
        sku: 'SOCK-TRAIL-3PK',
        variantId: '4712345678901234502',
        productId: '8012345678901234502',
        title: 'Trail Socks 3-Pack',
        quantity: 1,
        unitPrice: usd(2450n),
        discounts: [{ amount: usd(181n), code: 'SPRING15', title: null }],
        taxes: [
          { title: 'NY State Tax', rate: '0.04', amount: usd(91n), jurisdiction: null, code: null },
          { title: 'New York City Tax', rate: '0.04875', amount: usd(111n), jurisdiction: null, code: null },
        ],
        fulfillmentMethod: 'SHIP',
        locationRef: null,
        requiresShipping: true,
        giftCard: false,
      },
    ]);
  });

  it('maps the shipping line with its taxes', () => {
    expect(order.shippingLines).toEqual([
      {
        externalId: '5012345678901234501',
        title: 'Standard Shipping',
        code: 'STANDARD',
        price: usd(995n),
        discounts: [],
        taxes: [
          { title: 'NY State Tax', rate: '0.04', amount: usd(40n), jurisdiction: null, code: null },
          { title: 'New York City Tax', rate: '0.04875', amount: usd(49n), jurisdiction: null, code: null },
        ],
      },
    ]);
  });

  it('reports the channel totals in canonical semantics and they reconcile exactly', () => {
    expect(order.sourceTotals).toEqual({
      subtotal: usd(20250n),
      discounts: usd(1500n),
      tax: usd(1753n),
      shipping: usd(995n),
      grandTotal: usd(21498n),
    });
    expect(recomputeTotals(order)).toEqual(order.sourceTotals);
    expect(compareTotals(order)).toEqual([]);
  });

  it('maps payment, risk and tax status', () => {
    expect(order.paymentStatus).toBe('PAID');
    expect(order.tenders).toEqual([{ kind: 'CARD', gateway: 'shopify_payments', authorized: usd(21498n), captured: usd(21498n) }]);
    expect(order.risk).toEqual({ recommendation: 'NONE', source: null });
    expect(order.taxStatus).toBe('CALCULATED');
  });
});

describe('ids beyond 2^53', () => {
  it('are rounded by JSON.parse but kept exact by parseJsonPreservingBigIds', () => {
    const text = fixtureText('order-create.json');
    expect(String((JSON.parse(text) as { id: number }).id)).toBe('6012345678901235000');
    const order = map(parseJsonPreservingBigIds(text));
    expect(order.source.externalId).toBe('6012345678901234567');
    expect(BigInt(order.source.externalId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('stay exact when they arrive as strings, and small numeric ids still work', () => {
    const body = fixture('order-create.json');
    body.id = '9007199254740993'; // 2^53 + 1: not representable as a JS number
    body.line_items[0].id = 466157049;
    const order = map(body);
    expect(order.source.externalId).toBe('9007199254740993');
    expect(order.lines[0].externalId).toBe('466157049');
  });
});

describe('zero- and three-decimal currencies', () => {
  it('maps a JPY order (taxes included) where "4800" and "1990.00" are both valid', () => {
    const order = map(fixture('order-jpy.json'));
    const jpy = (amount: bigint) => ({ amount, currency: 'JPY' });
    expect(parseDecimal('1990', 'JPY')).toEqual(jpy(1990n));
    expect(parseDecimal('1990.00', 'JPY')).toEqual(jpy(1990n));
    expect(order.currency).toBe('JPY');
    expect(order.taxesIncluded).toBe(true);
    expect(order.lines.map((line) => line.unitPrice)).toEqual([jpy(4800n), jpy(1990n)]);
    expect(order.lines.map((line) => line.taxes.map((tax) => [tax.rate, tax.amount.amount]))).toEqual([[['0.1', 436n]], [['0.1', 181n]]]);
    expect(order.shippingLines[0].price).toEqual(jpy(770n));
    expect(order.sourceTotals).toEqual({
      subtotal: jpy(6790n),
      discounts: jpy(0n),
      tax: jpy(687n),
      shipping: jpy(770n),
      grandTotal: jpy(7560n),
    });
    expect(compareTotals(order)).toEqual([]);
    expect(order.tenders).toEqual([{ kind: 'CARD', gateway: 'shopify_payments', authorized: jpy(7560n), captured: jpy(7560n) }]);
  });

  it('maps a KWD order with 3 decimals, a line discount and a free-shipping discount', () => {
    const kwd = (amount: bigint) => ({ amount, currency: 'KWD' });
    const body = fixture('order-create.json');
    body.currency = 'KWD';
    body.presentment_currency = 'KWD';
    body.line_items = [
      {
        ...body.line_items[0],
        price: '12.345',
        quantity: 2,
        taxable: false,
        tax_lines: [],
        price_set: undefined,
        discount_allocations: [{ amount: '1.500', discount_application_index: 0 }],
      },
    ];
    body.shipping_lines = [
      { ...body.shipping_lines[0], price: '2.000', price_set: undefined, tax_lines: [], discount_allocations: [{ amount: '2.000', discount_application_index: 1 }] },
    ];
    body.discount_applications = [
      { target_type: 'line_item', type: 'manual', value: '1.5', value_type: 'fixed_amount', allocation_method: 'across', target_selection: 'all', title: 'Loyalty', description: 'Loyalty' },
      { target_type: 'shipping_line', type: 'discount_code', value: '100.0', value_type: 'percentage', allocation_method: 'each', target_selection: 'all', code: 'FREESHIP' },
    ];
    body.tax_lines = [];
    body.total_line_items_price = '24.690';
    body.total_discounts = '3.500'; // Shopify's order discount total includes the shipping discount
    body.subtotal_price = '23.190';
    body.total_tax = '0.000';
    body.total_shipping_price_set = { shop_money: { amount: '2.000', currency_code: 'KWD' }, presentment_money: { amount: '2.000', currency_code: 'KWD' } };
    body.total_price = '23.190';
    const order = map(body);
    expect(order.lines[0].unitPrice).toEqual(kwd(12345n));
    expect(order.lines[0].discounts).toEqual([{ amount: kwd(1500n), code: null, title: 'Loyalty' }]);
    expect(order.shippingLines[0].discounts).toEqual([{ amount: kwd(2000n), code: 'FREESHIP', title: null }]);
    expect(order.sourceTotals).toEqual({
      subtotal: kwd(24690n),
      discounts: kwd(3500n),
      tax: kwd(0n),
      shipping: kwd(2000n),
      grandTotal: kwd(23190n),
    });
    expect(compareTotals(order)).toEqual([]);
    // nothing on the order is taxable, so zero tax is a calculated result
    expect(order.taxStatus).toBe('CALCULATED');
  });
});

describe('fulfilment method', () => {
  it('marks physical lines of a local pickup order PICKUP_IN_STORE', () => {
    const body = fixture('order-pickup.json');
    const order = map(body);
    expect(order.lines.map((line) => [line.externalId, line.fulfillmentMethod, line.locationRef])).toEqual([
      ['1655555555555555501', 'PICKUP_IN_STORE', null],
      ['1655555555555555502', 'PICKUP_IN_STORE', null],
    ]);
    expect(order.shippingAddress).toBeNull();
    expect(order.shippingLines[0].price).toEqual(usd(0n));
    expect(compareTotals(order)).toEqual([]);
    expect(detectLocalPickup(dtoOf(body))).toEqual({ isPickup: true, marker: 'delivery_category "pick_up"', locationRef: null });
  });

  it('takes the pickup location from shop configuration keyed by the rate name', () => {
    const order = map(fixture('order-pickup.json'), { pickupLocations: { 'pickup at soho store': '7654321098765432109' } });
    expect(order.lines.map((line) => line.locationRef)).toEqual(['7654321098765432109', '7654321098765432109']);
  });

  it('recognises a Shopify pickup rate by name when there is no delivery_category', () => {
    const body = fixture('order-pickup.json');
    body.shipping_lines[0].delivery_category = null;
    expect(detectLocalPickup(dtoOf(body)).marker).toBe('shopify rate "Pickup"');
    body.shipping_lines[0].code = 'SoHo Store';
    body.shipping_lines[0].title = 'Click & Collect – SoHo';
    expect(detectLocalPickup(dtoOf(body)).isPickup).toBe(true);
  });

  it('does not treat carrier pickup points or plain shipping as in-store pickup', () => {
    const body = fixture('order-create.json');
    expect(detectLocalPickup(dtoOf(body)).isPickup).toBe(false);
    body.shipping_lines[0].title = 'UPS Access Point pickup';
    body.shipping_lines[0].code = 'Pickup Point';
    expect(detectLocalPickup(dtoOf(body)).isPickup).toBe(false);
    body.shipping_lines[0].title = 'Pickup';
    body.shipping_lines[0].source = 'ups_shipping';
    expect(detectLocalPickup(dtoOf(body)).isPickup).toBe(false);
    body.shipping_lines[0].source = 'shopify';
    body.shipping_lines[0].is_removed = true;
    expect(detectLocalPickup(dtoOf(body)).isPickup).toBe(false);
  });

  it('marks lines that do not require shipping DIGITAL, also on a pickup order', () => {
    const jpy = map(fixture('order-jpy.json'));
    expect(jpy.lines.map((line) => [line.title, line.fulfillmentMethod, line.requiresShipping])).toEqual([
      ['Tokoname Kyusu Teapot', 'SHIP', true],
      ['Seasonal Tea Recipes (PDF)', 'DIGITAL', false],
    ]);
    const body = fixture('order-pickup.json');
    body.line_items[1].requires_shipping = false;
    body.line_items[1].gift_card = true;
    const pickup = map(body);
    expect(pickup.lines.map((line) => [line.fulfillmentMethod, line.giftCard])).toEqual([
      ['PICKUP_IN_STORE', false],
      ['DIGITAL', true],
    ]);
  });

  it('uses the line location, then the order location (POS), for locationRef', () => {
    const body = fixture('order-create.json');
    body.location_id = '6543210987654321098';
    body.line_items[1].origin_location = { id: '6543210987654321000', name: 'Warehouse' };
    const order = map(body);
    expect(order.lines.map((line) => line.locationRef)).toEqual(['6543210987654321098', '6543210987654321000']);
  });
});

describe('tenders and payment status', () => {
  it('puts the whole amount on the first non-gift-card gateway and lists the others at zero', () => {
    const order = map(fixture('order-pickup.json'));
    expect(order.paymentStatus).toBe('PAID');
    expect(order.tenders).toEqual([
      { kind: 'GIFT_CARD', gateway: 'gift_card', authorized: usd(0n), captured: usd(0n) },
      { kind: 'CARD', gateway: 'shopify_payments', authorized: usd(29723n), captured: usd(29723n) },
    ]);
    const sum = order.tenders.reduce((total, tender) => total + tender.captured.amount, 0n);
    expect(sum).toBe(order.sourceTotals.grandTotal.amount);
  });

  it('records nothing authorized or captured for a pending cash-on-delivery order', () => {
    const order = map(fixture('order-unpaid-pending.json'));
    expect(order.paymentStatus).toBe('PENDING');
    expect(order.tenders).toEqual([{ kind: 'CASH', gateway: 'Cash on Delivery (COD)', authorized: usd(0n), captured: usd(0n) }]);
    expect(order.sourceTotals.grandTotal).toEqual(usd(4254n));
    expect(compareTotals(order)).toEqual([]);
  });

  it('derives authorized and captured from financial_status', () => {
    const cases: [string, bigint, bigint][] = [
      ['authorized', 21498n, 0n],
      ['paid', 21498n, 21498n],
      ['partially_refunded', 21498n, 21498n],
      ['refunded', 21498n, 21498n],
      ['voided', 0n, 0n],
      ['pending', 0n, 0n],
      ['expired', 0n, 0n],
    ];
    for (const [status, authorized, captured] of cases) {
      const body = fixture('order-create.json');
      body.financial_status = status;
      const [tender] = map(body).tenders;
      expect([status, tender.authorized.amount, tender.captured.amount]).toEqual([status, authorized, captured]);
    }
  });

  it('uses total_outstanding for a partially paid order', () => {
    const body = fixture('order-create.json');
    body.financial_status = 'partially_paid';
    body.payment_gateway_names = ['gift_card', 'manual'];
    body.total_outstanding = '114.98';
    const order = map(body);
    expect(order.paymentStatus).toBe('PARTIALLY_PAID');
    expect(order.tenders).toEqual([
      { kind: 'GIFT_CARD', gateway: 'gift_card', authorized: usd(0n), captured: usd(0n) },
      { kind: 'CASH', gateway: 'manual', authorized: usd(21498n), captured: usd(10000n) },
    ]);
    body.total_outstanding = null;
    expect(map(body).tenders[1].captured).toEqual(usd(0n));
  });

  it('keeps all-gift-card payments on the first gift card and drops empty gateway names', () => {
    const body = fixture('order-create.json');
    body.payment_gateway_names = ['gift_card', 'gift_card'];
    expect(map(body).tenders).toEqual([{ kind: 'GIFT_CARD', gateway: 'gift_card', authorized: usd(21498n), captured: usd(21498n) }]);
    body.payment_gateway_names = [''];
    expect(map(body).tenders).toEqual([]);
    body.payment_gateway_names = [];
    expect(map(body).tenders).toEqual([]);
  });

  it('classifies gateway names', () => {
    const kinds = Object.fromEntries(
      [
        'gift_card',
        'shopify_payments',
        'stripe',
        'bogus',
        'paypal',
        'PayPal Express Checkout',
        'Apple Pay',
        'amazon_payments',
        'cash',
        'Cash on Delivery (COD)',
        'manual',
        'shopify_store_credit',
        'Bank Deposit',
        'klarna',
      ].map((name) => [name, tenderKindForGateway(name)]),
    );
    expect(kinds).toEqual({
      gift_card: 'GIFT_CARD',
      shopify_payments: 'CARD',
      stripe: 'CARD',
      bogus: 'CARD',
      paypal: 'WALLET',
      'PayPal Express Checkout': 'WALLET',
      'Apple Pay': 'WALLET',
      amazon_payments: 'WALLET',
      cash: 'CASH',
      'Cash on Delivery (COD)': 'CASH',
      manual: 'CASH',
      shopify_store_credit: 'STORE_CREDIT',
      'Bank Deposit': 'OTHER',
      klarna: 'OTHER',
    });
  });

  it('maps every financial_status', () => {
    expect(
      ['pending', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'refunded', 'voided', 'expired', null, 'something_new'].map(
        (status) => mapPaymentStatus(status),
      ),
    ).toEqual(['PENDING', 'AUTHORIZED', 'PARTIALLY_PAID', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
  });
});

describe('risk', () => {
  it('is NONE when the body carries no assessment (Shopify order webhooks never do)', () => {
    expect(map(fixture('order-create.json')).risk).toEqual({ recommendation: 'NONE', source: null });
  });

  it('takes the most severe recommendation when the body was enriched with risks', () => {
    const body = fixture('order-create.json');
    body.risks = [{ recommendation: 'accept', source: 'External' }, { recommendation: 'investigate' }, { recommendation: 'accept' }];
    expect(map(body).risk).toEqual({ recommendation: 'INVESTIGATE', source: 'shopify' });
    body.risks = [{ recommendation: 'accept', source: 'Signifyd' }];
    expect(map(body).risk).toEqual({ recommendation: 'ACCEPT', source: 'Signifyd' });
    body.risks = [{ recommendation: 'maybe' }];
    expect(validateShopifyOrder(body).ok).toBe(false);
  });
});

describe('tax status', () => {
  it('is CALCULATED for taxable lines with no tax lines and zero tax: Shopify\'s tax is final at checkout (issue 11, 8c)', () => {
    const order = map(fixture('order-tax-missing.json'));
    expect(order.taxStatus).toBe('CALCULATED');
    expect(order.sourceTotals.tax).toEqual(usd(0n));
    expect(compareTotals(order)).toEqual([]);
  });

  it('is EXEMPT for a tax-exempt order and CALCULATED for a 0% tax line or no taxable lines', () => {
    const exempt = fixture('order-tax-missing.json');
    exempt.tax_exempt = true;
    expect(mapTaxStatus(dtoOf(exempt))).toBe('EXEMPT');

    const zeroRated = fixture('order-tax-missing.json');
    zeroRated.line_items[0].tax_lines = [{ title: 'WA State Tax', rate: 0, price: '0.00' }];
    expect(mapTaxStatus(dtoOf(zeroRated))).toBe('CALCULATED');

    const nothingTaxable = fixture('order-tax-missing.json');
    nothingTaxable.line_items[0].taxable = false;
    expect(mapTaxStatus(dtoOf(nothingTaxable))).toBe('CALCULATED');

    const taxOnlyInTotal = fixture('order-tax-missing.json');
    taxOnlyInTotal.total_tax = '5.00';
    expect(mapTaxStatus(dtoOf(taxOnlyInTotal))).toBe('CALCULATED');
  });
});

describe('order-level tax only (issue 11, 8d)', () => {
  it('splits each order-level tax line across the lines by net amount, to the cent, instead of holding', () => {
    const body = fixture('order-create.json');
    for (const line of body.line_items) line.tax_lines = [];
    for (const line of body.shipping_lines) line.tax_lines = [];
    body.tax_lines = [{ title: 'NY State Tax', price: '8.01', rate: 0.04 }, { title: 'New York City Tax', price: '9.52', rate: 0.04875 }];
    const order = map(body);
    const byTitle = (title: string) => order.lines.flatMap((l) => l.taxes.filter((t) => t.title === title)).reduce((n, t) => n + t.amount.amount, 0n);
    expect([byTitle('NY State Tax'), byTitle('New York City Tax')]).toEqual([801n, 952n]);
    // 164.81 and 22.69 net: the sweater carries the larger share of each.
    expect(order.lines.map((l) => l.taxes.map((t) => t.amount.amount))).toEqual([[704n, 837n], [97n, 115n]]);
    expect(compareTotals(order)).toEqual([]);
  });

  it('leaves line tax lines alone when any line or shipping line has its own', () => {
    const order = map(fixture('order-create.json'));
    expect(order.lines[0].taxes.map((t) => t.amount.amount)).toEqual([659n, 803n]);
  });
});

describe('totals mismatch', () => {
  it('surfaces a total_price that is one cent off as a grandTotal difference', () => {
    const order = map(fixture('order-totals-mismatch.json'));
    expect(order.sourceTotals.grandTotal).toEqual(usd(6361n));
    expect(compareTotals(order)).toEqual([{ component: 'grandTotal', expected: usd(6360n), reported: usd(6361n) }]);
  });
});

describe('other fields', () => {
  it('maps cancellation, guest customers and shipping without total_shipping_price_set', () => {
    const body = fixture('order-create.json');
    body.cancelled_at = '2026-03-15T08:00:00-04:00';
    body.customer = null;
    body.tags = ' , ';
    delete body.total_shipping_price_set;
    const order = map(body);
    expect(order.cancelledAt).toBe('2026-03-15T12:00:00.000Z');
    expect(order.customer).toEqual({ externalId: null, email: 'maya.okafor@example.com', firstName: null, lastName: null });
    expect(order.tags).toEqual([]);
    expect(order.sourceTotals.shipping).toEqual(usd(995n));
  });
});
