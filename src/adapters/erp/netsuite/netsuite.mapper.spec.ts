import { DeliveryError, type SalesOrderDocument, type SalesOrderLine } from '../erp-adapter.port.js';
import { netSuiteAmount, toNetSuiteSalesOrder } from './netsuite.mapper.js';

const usd = (amount: bigint) => ({ amount, currency: 'USD' });
const jpy = (amount: bigint) => ({ amount, currency: 'JPY' });

const line = (over: Partial<SalesOrderLine> = {}): SalesOrderLine => ({
  lineRef: 'L1', itemId: '501', description: 'Merino crew, navy, M', quantity: 2,
  unitPrice: usd(8900n), discount: usd(1319n), tax: usd(1325n), taxCode: '-7', locationId: '3', ...over,
});

/** The Shopify fixture order: 2 × 89.00 less 13.19, 1 × 24.50 less 1.81, shipping 9.95, total 214.98. */
const usdOrder = (over: Partial<SalesOrderDocument> = {}): SalesOrderDocument => ({
  externalId: 'SHOPIFY-820982911946154508',
  channelOrderNumber: '#1001',
  placedAt: '2026-11-27T23:59:59.000Z',
  currency: 'USD',
  customerId: '107',
  subsidiaryId: '1',
  locationId: '3',
  lines: [
    line(),
    line({ lineRef: 'L2', itemId: '502', description: 'Trail socks, 3 pack', quantity: 1, unitPrice: usd(2450n), discount: usd(181n), tax: usd(339n), locationId: null }),
  ],
  shipping: usd(995n),
  shippingTaxCode: null,
  grandTotal: usd(21498n),
  memo: 'SHOPIFY #1001',
  ...over,
});

function thrown(fn: () => unknown): DeliveryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

/** Sum of what NetSuite receives, in cents, read back from the JSON text (not from floats). */
function centsOnWire(json: string, field: 'amount' | 'shippingCost'): bigint {
  const values = [...json.matchAll(new RegExp(`"${field}":(-?[0-9.]+)`, 'g'))].map((m) => m[1]);
  return values.reduce((total, text) => {
    const [whole, fraction = ''] = text.replace('-', '').split('.');
    const cents = BigInt(whole + fraction.padEnd(2, '0'));
    return total + (text.startsWith('-') ? -cents : cents);
  }, 0n);
}

describe('NetSuite salesOrder mapping', () => {
  it('maps a USD order: header references, rate = unit price, amount = exact net of the line discount', () => {
    const body = toNetSuiteSalesOrder(usdOrder(), { currencyIds: { USD: '1' } });
    expect(body).toEqual({
      externalId: 'SHOPIFY-820982911946154508',
      entity: { id: '107' },
      tranDate: '2026-11-27',
      currency: { id: '1' },
      subsidiary: { id: '1' },
      location: { id: '3' },
      otherRefNum: '#1001',
      memo: 'SHOPIFY #1001',
      shippingCost: 9.95,
      item: {
        items: [
          { item: { id: '501' }, quantity: 2, rate: 89, amount: 164.81, description: 'Merino crew, navy, M', location: { id: '3' }, taxCode: { id: '-7' }, taxDetailsReference: 'L1' },
          { item: { id: '502' }, quantity: 1, rate: 24.5, amount: 22.69, description: 'Trail socks, 3 pack', taxCode: { id: '-7' }, taxDetailsReference: 'L2' },
        ],
      },
      // Issue 11: the channel's tax goes as a tax override (taxMode CHANNEL_AMOUNTS, the default).
      pricesIncludeTax: false,
      taxDetailsOverride: true,
      taxDetails: {
        items: [
          { taxDetailsReference: 'L1', lineType: 'Item', lineName: 'Tax', taxCode: { id: '-7' }, taxBasis: 164.81, taxAmount: 13.25 },
          { taxDetailsReference: 'L2', lineType: 'Item', lineName: 'Tax', taxCode: { id: '-7' }, taxBasis: 22.69, taxAmount: 3.39 },
        ],
      },
    });
    const json = JSON.stringify(body);
    // The wire carries the exact decimals; lines + shipping + the lines’ tax (16.64) + shipping tax (0.89) = 214.98.
    expect(json).toContain('"amount":164.81');
    expect(json).toContain('"amount":22.69');
    expect(centsOnWire(json, 'amount')).toBe(18750n);
    expect(centsOnWire(json, 'amount') + centsOnWire(json, 'shippingCost') + 1325n + 339n + 89n).toBe(21498n);
  });

  it('with a discount item: gross line then a negative discount line with the same tax code, totals unchanged', () => {
    const body = toNetSuiteSalesOrder(usdOrder(), { currencyIds: { USD: '1' }, discountItemId: '77' });
    expect(body.item.items.map((l) => [l.item, l.quantity, l.rate, l.amount, l.taxCode])).toEqual([
      [{ id: '501' }, 2, 89, 178, { id: '-7' }],
      [{ id: '77' }, undefined, -13.19, -13.19, { id: '-7' }],
      [{ id: '502' }, 1, 24.5, 24.5, { id: '-7' }],
      [{ id: '77' }, undefined, -1.81, -1.81, { id: '-7' }],
    ]);
    expect(centsOnWire(JSON.stringify(body), 'amount')).toBe(18750n);
    // No discount, no discount line.
    const plain = toNetSuiteSalesOrder(usdOrder({ lines: [line({ discount: usd(0n) })] }), { discountItemId: '77' });
    expect(plain.item.items).toHaveLength(1);
  });

  it('maps a JPY order in whole yen, with a discount that does not divide by the quantity', () => {
    const body = toNetSuiteSalesOrder(usdOrder({
      currency: 'JPY',
      lines: [line({ quantity: 3, unitPrice: jpy(1990n), discount: jpy(1000n), tax: jpy(497n), taxCode: null, locationId: null })],
      shipping: jpy(500n),
      grandTotal: jpy(5967n),
    }), { currencyIds: { USD: '1', JPY: '4' } });
    expect(body.currency).toEqual({ id: '4' });
    expect(body.shippingCost).toBe(500);
    expect(body.item.items).toEqual([{ item: { id: '501' }, quantity: 3, rate: 1990, amount: 4970, description: 'Merino crew, navy, M', taxDetailsReference: 'L1' }]);
    const json = JSON.stringify(body);
    expect(json).toContain('"rate":1990,"amount":4970');
    expect(json).not.toMatch(/\d\.\d/);
  });

  it('references the currency by external id (its ISO code) when the account id is not configured', () => {
    expect(toNetSuiteSalesOrder(usdOrder()).currency).toEqual({ externalId: 'USD' });
    expect(toNetSuiteSalesOrder(usdOrder(), { currencyIds: { EUR: '4' } }).currency).toEqual({ externalId: 'USD' });
  });

  it('sends shipping as the header shippingCost (zero too) or as an item line of the configured shipping item', () => {
    expect(toNetSuiteSalesOrder(usdOrder({ shipping: usd(0n) })).shippingCost).toBe(0);
    expect(toNetSuiteSalesOrder(usdOrder({ shippingTaxCode: '-8' }), { taxMode: 'ERP_CALCULATES' }).shippingTaxCode).toEqual({ id: '-8' });
    expect(toNetSuiteSalesOrder(usdOrder({ shippingTaxCode: '-8' })).shippingTaxCode).toBeUndefined();
    const body = toNetSuiteSalesOrder(usdOrder({ shippingTaxCode: '-8' }), { shippingItemId: '88' });
    expect(body.shippingCost).toBeUndefined();
    expect(body.shippingTaxCode).toBeUndefined();
    expect(body.item.items.at(-1)).toEqual({ item: { id: '88' }, quantity: 1, rate: 9.95, amount: 9.95, description: 'Shipping', taxCode: { id: '-8' }, taxDetailsReference: 'SHIPPING' });
    expect(toNetSuiteSalesOrder(usdOrder({ shipping: usd(0n) }), { shippingItemId: '88' }).item.items).toHaveLength(2);
  });

  it('carries the line reference in a custom column when one is configured', () => {
    const body = toNetSuiteSalesOrder(usdOrder(), { lineRefField: 'custcol_hub_line_ref', discountItemId: '77' });
    expect(body.item.items.map((l) => l.custcol_hub_line_ref)).toEqual(['L1', 'L1', 'L2', 'L2']);
    expect(thrown(() => toNetSuiteSalesOrder(usdOrder(), { lineRefField: 'memo' })).details.code).toBe('INVALID_OPTION');
  });

  it('leaves out references it does not have, so NetSuite names what is missing', () => {
    const body = toNetSuiteSalesOrder(usdOrder({ subsidiaryId: null, locationId: null, memo: null, lines: [line({ itemId: '', locationId: null, taxCode: null })] }));
    expect(body).not.toHaveProperty('subsidiary');
    expect(body).not.toHaveProperty('location');
    expect(body).not.toHaveProperty('memo');
    expect(body.item.items[0]).not.toHaveProperty('item');
    expect(body.item.items[0]).not.toHaveProperty('taxCode');
  });

  it('keeps a line an order edit took off closed at 0 in its place, so the lines keep their positions', () => {
    const body = toNetSuiteSalesOrder(usdOrder({ lines: [line({ quantity: 0, discount: usd(0n) }), line({ lineRef: 'L2' })] }));
    expect(body.item.items.map((l) => [l.quantity, l.amount, l.isClosed ?? false])).toEqual([[0, 0, true], [2, body.item.items[1].amount, false]]);
  });

  it('refuses what it cannot express exactly, as a permanent error naming the field', () => {
    const cases: [Partial<SalesOrderDocument>, string, string][] = [
      [{ lines: [line({ quantity: 1.5 })] }, 'INVALID_QUANTITY', 'lines[0].quantity'],
      [{ lines: [line({ quantity: -1 })] }, 'INVALID_QUANTITY', 'lines[0].quantity'],
      [{ lines: [line({ discount: usd(17801n) })] }, 'INVALID_DISCOUNT', 'lines[0].discount'],
      [{ lines: [line({ discount: usd(-1n) })] }, 'INVALID_DISCOUNT', 'lines[0].discount'],
      [{ lines: [line({ unitPrice: jpy(1990n) })] }, 'CURRENCY_MISMATCH', 'lines[0].unitPrice'],
      [{ shipping: jpy(500n) }, 'CURRENCY_MISMATCH', 'shipping'],
      [{ currency: 'usd' }, 'INVALID_CURRENCY', 'currency'],
      [{ placedAt: 'yesterday' }, 'INVALID_DATE', 'placedAt'],
    ];
    for (const [over, code, field] of cases) {
      const error = thrown(() => toNetSuiteSalesOrder(usdOrder(over)));
      expect([error.kind, error.details.code, error.details.field]).toEqual(['PERMANENT', code, field]);
    }
  });

  it('sends an amount as a JSON number only when it prints back as the same decimal', () => {
    expect(netSuiteAmount(usd(123456789n))).toBe(1234567.89);
    expect(JSON.stringify(netSuiteAmount(usd(10n)))).toBe('0.1');
    expect(netSuiteAmount({ amount: 1234n, currency: 'KWD' })).toBe(1.234);
    expect(netSuiteAmount(jpy(-500n))).toBe(-500);
    expect(netSuiteAmount(usd(999999999999999n))).toBe(9999999999999.99);
    expect(thrown(() => netSuiteAmount(usd(2n ** 60n + 1n))).details.code).toBe('AMOUNT_NOT_REPRESENTABLE');
  });
});
