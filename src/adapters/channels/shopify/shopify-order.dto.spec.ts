import { readFileSync } from 'node:fs';
import { validateShopifyOrder, type ShopifyOrderFieldError } from './shopify-order.dto.js';
import { parseJsonPreservingBigIds } from './shopify-webhook.js';

// Parsed JSON bodies are mutated freely in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

const FIXTURES = new URL('../../../../test/fixtures/shopify/', import.meta.url);
const FIXTURE_NAMES = [
  'order-create.json',
  'order-jpy.json',
  'order-pickup.json',
  'order-unpaid-pending.json',
  'order-tax-missing.json',
  'order-totals-mismatch.json',
];

function fixture(name: string): Body {
  return parseJsonPreservingBigIds(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

function errorsOf(body: unknown): ShopifyOrderFieldError[] {
  const result = validateShopifyOrder(body);
  if (result.ok) throw new Error('expected validation to fail');
  return result.errors;
}

function fields(body: unknown): string[] {
  return errorsOf(body).map((error) => error.field);
}

describe('validateShopifyOrder', () => {
  it.each(FIXTURE_NAMES)('accepts the %s fixture', (name) => {
    const result = validateShopifyOrder(fixture(name));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.dto.line_items.length).toBeGreaterThan(0);
  });

  it('keeps ids that arrive as strings exactly', () => {
    const result = validateShopifyOrder(fixture('order-create.json'));
    if (!result.ok) throw new Error('invalid');
    expect(result.dto.id).toBe('6012345678901234567');
    expect(result.dto.line_items[0].id).toBe('1612345678901234501');
  });

  it('refuses a numeric id that has already lost digits to JSON.parse', () => {
    const body = JSON.parse(readFileSync(new URL('order-create.json', FIXTURES), 'utf8')) as Body;
    const errors = errorsOf(body);
    expect(errors.map((error) => error.field)).toEqual(
      expect.arrayContaining(['id', 'line_items.0.id', 'line_items.0.variant_id', 'customer.id', 'shipping_lines.0.id']),
    );
    expect(errors.find((error) => error.field === 'id')?.reason).toMatch(/parseJsonPreservingBigIds/);
  });

  it('reports nested problems with dotted field paths', () => {
    const body = fixture('order-create.json');
    body.line_items[0].price = 89; // money must be a decimal string
    body.line_items[1].quantity = '1';
    body.line_items[1].tax_lines[0].price = '0.9x';
    body.shipping_lines[0].discount_allocations = [{ amount: '1.00' }];
    body.customer.id = 'abc';
    body.currency = 'usd';
    delete body.total_price;
    body.total_shipping_price_set.shop_money = 'nope';
    const errors = errorsOf(body);
    expect(errors.map((error) => error.field)).toEqual(
      expect.arrayContaining([
        'currency',
        'total_price',
        'total_shipping_price_set.shop_money',
        'line_items.0.price',
        'line_items.1.quantity',
        'line_items.1.tax_lines.0.price',
        'shipping_lines.0.discount_allocations.0.discount_application_index',
        'customer.id',
      ]),
    );
    expect(errors.find((error) => error.field === 'line_items.0.price')?.reason).toMatch(/decimal string/);
    for (const error of errors) expect(error.reason.length).toBeGreaterThan(0);
  });

  it('requires line items', () => {
    const body = fixture('order-create.json');
    body.line_items = [];
    expect(fields(body)).toEqual(['line_items']);
    delete body.line_items;
    expect(fields(body)).toContain('line_items');
  });

  it('rejects amounts with more decimals than the shop currency has', () => {
    const jpy = fixture('order-jpy.json');
    jpy.line_items[1].price = '1990.50';
    expect(errorsOf(jpy)).toEqual([{ field: 'line_items.1.price', reason: expect.stringMatching(/JPY allows \(0 decimals\)/) }]);

    const usd = fixture('order-create.json');
    usd.shipping_lines[0].tax_lines[1].price = '0.495';
    expect(fields(usd)).toEqual(['shipping_lines.0.tax_lines.1.price']);
  });

  it('checks that shop_money is in the shop currency and allocations point at a discount application', () => {
    const body = fixture('order-create.json');
    body.total_shipping_price_set.shop_money.currency_code = 'EUR';
    body.line_items[1].discount_allocations[0].discount_application_index = 3;
    expect(fields(body)).toEqual(['total_shipping_price_set.shop_money.currency_code', 'line_items.1.discount_allocations.0.discount_application_index']);
  });

  it('rejects bodies that are not JSON objects', () => {
    for (const body of [null, 'order', 42, [], undefined]) {
      expect(errorsOf(body)).toEqual([{ field: '', reason: 'order body must be a JSON object' }]);
    }
  });

  it('accepts tax rates as Shopify prints them (JSON numbers) and as strings', () => {
    const body = fixture('order-create.json');
    body.line_items[0].tax_lines[0].rate = '0.04';
    expect(validateShopifyOrder(body).ok).toBe(true);
    body.line_items[0].tax_lines[0].rate = -0.04;
    expect(fields(body)).toEqual(['line_items.0.tax_lines.0.rate']);
  });
});

describe('validateShopifyOrder: values the database would refuse', () => {
  const NOW = Date.parse('2026-12-04T12:00:00Z');
  const reasons = (body: unknown): ShopifyOrderFieldError[] => {
    const result = validateShopifyOrder(body, NOW);
    if (result.ok) throw new Error('expected validation to fail');
    return result.errors;
  };

  it.each([
    ['zero', 0],
    ['beyond int4', 2147483648],
    ['1e308', 1e308],
    ['beyond the cap', 1_000_001],
  ])('refuses a line quantity of %s, naming the line', (_label, quantity) => {
    const body = fixture('order-create.json');
    body.line_items[0].quantity = quantity;
    expect(reasons(body).map((e) => e.field)).toEqual(['line_items.0.quantity']);
  });

  it('accepts quantities from 1 to 1,000,000', () => {
    const body = fixture('order-create.json');
    body.line_items[0].quantity = 1;
    expect(validateShopifyOrder(body, NOW).ok).toBe(true);
    body.line_items[0].price = '0.01';
    body.line_items[0].quantity = 1_000_000;
    expect(validateShopifyOrder(body, NOW).ok).toBe(true);
  });

  it('refuses money beyond 10^15 minor units, in any amount field and in price × quantity', () => {
    const body = fixture('order-create.json');
    body.line_items[0].price = '99999999999999999999.99';
    body.total_price = '-10000000000000.01';
    expect(reasons(body)).toEqual(expect.arrayContaining([
      { field: 'total_price', reason: expect.stringMatching(/out of range/) },
      { field: 'line_items.0.price', reason: expect.stringMatching(/out of range/) },
    ]));
    const edge = fixture('order-create.json');
    edge.total_price = '10000000000000.00';
    expect(validateShopifyOrder(edge, NOW).ok).toBe(true);
    const product = fixture('order-create.json');
    product.line_items[0].price = '9000000000000.00';
    product.line_items[0].quantity = 1000;
    expect(reasons(product)).toEqual([{ field: 'line_items.0.quantity', reason: expect.stringMatching(/out of range/) }]);
    const long = fixture('order-create.json');
    long.total_tax = `1${'0'.repeat(100)}`;
    expect(reasons(long).map((e) => e.field)).toEqual(['total_tax']);
  });

  it('refuses NUL, other C0 controls and lone surrogates in text, keeping tab and newline', () => {
    const body = fixture('order-create.json');
    body.line_items[1].title = 'Socks\u0000';
    body.shipping_address.address1 = 'Main St\u001b';
    body.tags = 'vip\ud800';
    expect(reasons(body).map((e) => e.field).sort()).toEqual(['line_items.1.title', 'shipping_address.address1', 'tags']);
    const fine = fixture('order-create.json');
    fine.line_items[1].title = 'Socks\tTrail\r\n3 pack 🧦';
    expect(validateShopifyOrder(fine, NOW).ok).toBe(true);
  });

  it('refuses too many line items before validating each, with one error', () => {
    const body = fixture('order-create.json');
    body.line_items = Array.from({ length: 100_000 }, () => ({}));
    expect(reasons(body)).toEqual([{ field: 'line_items', reason: 'has 100000 entries; at most 2000 are accepted' }]);
    const nested = fixture('order-create.json');
    nested.line_items[0].tax_lines = Array.from({ length: 101 }, () => nested.line_items[0].tax_lines[0]);
    expect(reasons(nested).map((e) => e.field)).toEqual(['line_items.0.tax_lines']);
  });

  it('refuses ids longer than 32 digits', () => {
    const body = fixture('order-create.json');
    body.line_items[0].id = '1'.repeat(33);
    expect(reasons(body).map((e) => e.field)).toEqual(['line_items.0.id']);
  });

  it('refuses times before 2000 or more than a day ahead of now, naming the field', () => {
    const body = fixture('order-create.json');
    body.created_at = '9999-12-31T23:59:59Z';
    body.updated_at = '1999-12-31T23:59:59Z';
    body.processed_at = '2026-12-05T13:00:00Z';
    expect(reasons(body)).toEqual([
      { field: 'created_at', reason: expect.stringMatching(/more than a day in the future/) },
      { field: 'updated_at', reason: expect.stringMatching(/before 2000/) },
      { field: 'processed_at', reason: expect.stringMatching(/more than a day in the future/) },
    ]);
    const skewed = fixture('order-create.json');
    skewed.updated_at = '2026-12-05T11:00:00Z';
    expect(validateShopifyOrder(skewed, NOW).ok).toBe(true);
  });
});
