import { DeliveryError, type SalesOrderDocument, type SalesOrderLine } from '../erp-adapter.port.js';
import {
  BcDecimal, bcCurrencyCode, bcExternalDocumentNumber, compareWithExisting, externalDocumentNumberFilter, serializeBcJson, toBcSalesOrder,
  type BcMappingOptions,
} from './bc.mapper.js';

const usd = (amount: bigint) => ({ amount, currency: 'USD' });
const jpy = (amount: bigint) => ({ amount, currency: 'JPY' });
// These cases follow BC computing the tax from the lines' codes; CHANNEL_AMOUNTS is in bc-document-total.spec.ts.
const OPTIONS: BcMappingOptions = { localCurrency: 'USD', shippingAccountNumber: '40250', taxMode: 'ERP_CALCULATES' };

const line = (over: Partial<SalesOrderLine> = {}): SalesOrderLine => ({
  lineRef: 'L1', itemId: '1896-S', description: 'Merino crew, navy, M', quantity: 2,
  unitPrice: usd(8900n), discount: usd(1319n), tax: usd(1325n), taxCode: 'TAXABLE', locationId: 'MAIN', ...over,
});

/** 2 × 89.00 less 13.19, 1 × 24.50 less 1.81, shipping 9.95. */
const usdOrder = (over: Partial<SalesOrderDocument> = {}): SalesOrderDocument => ({
  externalId: 'SHOPIFY-820982911946154508',
  channelOrderNumber: '#1001',
  placedAt: '2026-11-27T23:59:59.000Z',
  currency: 'USD',
  customerId: '10000',
  subsidiaryId: null,
  locationId: 'MAIN',
  lines: [
    line(),
    line({ lineRef: 'L2', itemId: '1900-S', description: 'Trail socks, 3 pack', quantity: 1, unitPrice: usd(2450n), discount: usd(181n), tax: usd(339n), taxCode: null, locationId: null }),
  ],
  shipping: usd(995n),
  shippingTaxCode: null,
  grandTotal: usd(21498n),
  memo: 'SHOPIFY #1001',
  ...over,
});

const jpyOrder = (): SalesOrderDocument => usdOrder({
  externalId: 'SHOPIFY-4400000000000001',
  currency: 'JPY',
  customerId: '5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
  lines: [line({ itemId: 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D', quantity: 3, unitPrice: jpy(1990n), discount: jpy(597n), tax: jpy(0n), taxCode: null })],
  shipping: jpy(500n),
  grandTotal: jpy(5873n),
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

const text = (d: unknown): string => (d instanceof BcDecimal ? d.text : String(d));

describe('toBcSalesOrder', () => {
  it('maps a USD order in the local currency: customerNumber, currencyCode "", exact line amounts, shipping line', () => {
    const body = toBcSalesOrder(usdOrder(), OPTIONS);
    expect(body).toMatchObject({
      externalDocumentNumber: 'SHOPIFY-820982911946154508',
      customerNumber: '10000',
      orderDate: '2026-11-27',
      currencyCode: '',
    });
    expect(body).not.toHaveProperty('customerId');
    expect(body).not.toHaveProperty('number');
    expect(body.salesOrderLines.map((l) => [l.lineType, l.lineObjectNumber, text(l.quantity), text(l.unitPrice), text(l.discountAmount), l.taxCode]))
      .toEqual([
        ['Item', '1896-S', '2', '89.00', '13.19', 'TAXABLE'],
        ['Item', '1900-S', '1', '24.50', '1.81', undefined],
        ['Account', '40250', '1', '9.95', '0.00', undefined],
      ]);
    expect(body.salesOrderLines[0]).not.toHaveProperty('locationId');
    expect(body.salesOrderLines[0].description).toBe('Merino crew, navy, M');
  });

  it('writes decimals into the JSON text digit for digit', () => {
    const json = serializeBcJson(toBcSalesOrder(usdOrder(), OPTIONS));
    expect(json).toContain('"unitPrice":89.00,"discountAmount":13.19');
    expect(json).toContain('"unitPrice":24.50,"discountAmount":1.81');
    expect(json).toContain('"lineType":"Account","lineObjectNumber":"40250","description":"Shipping","quantity":1,"unitPrice":9.95');
    const parsed = JSON.parse(json) as { currencyCode: string; salesOrderLines: { unitPrice: number }[] };
    expect(parsed.currencyCode).toBe('');
    expect(parsed.salesOrderLines.map((l) => l.unitPrice)).toEqual([89, 24.5, 9.95]);
  });

  it('maps a JPY order (no decimals) in a foreign currency with GUID customer and item ids', () => {
    const body = toBcSalesOrder(jpyOrder(), OPTIONS);
    expect(body).toMatchObject({ customerId: '5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f', currencyCode: 'JPY', orderDate: '2026-11-27' });
    expect(body).not.toHaveProperty('customerNumber');
    expect(body.salesOrderLines[0]).toMatchObject({ lineType: 'Item', itemId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' });
    expect(body.salesOrderLines[0]).not.toHaveProperty('lineObjectNumber');
    const json = serializeBcJson(body);
    expect(json).toContain('"quantity":3,"unitPrice":1990,"discountAmount":597');
    expect(json).toContain('"unitPrice":500,"discountAmount":0');
    expect(json).not.toMatch(/1990\.|500\./);
  });

  it('treats JPY as local when the company is Japanese', () => {
    expect(toBcSalesOrder(jpyOrder(), { ...OPTIONS, localCurrency: 'jpy' }).currencyCode).toBe('');
    expect(bcCurrencyCode('EUR', 'USD')).toBe('EUR');
  });

  it('leaves out the shipping line when shipping is zero, and refuses shipping without an account', () => {
    expect(toBcSalesOrder(usdOrder({ shipping: usd(0n) }), { localCurrency: 'USD', taxMode: 'ERP_CALCULATES' }).salesOrderLines).toHaveLength(2);
    const error = thrown(() => toBcSalesOrder(usdOrder(), { localCurrency: 'USD', taxMode: 'ERP_CALCULATES' }));
    expect(error).toMatchObject({ kind: 'PERMANENT', details: { code: 'SHIPPING_NOT_CONFIGURED', field: 'shipping' } });
    expect(error.message).toMatch(/shipping of 9\.95 USD/);
    const charge = toBcSalesOrder(usdOrder({ shippingTaxCode: 'NONTAXABLE' }), { ...OPTIONS, shippingLineType: 'Charge', shippingAccountNumber: 'S-FREIGHT' });
    expect(charge.salesOrderLines[2]).toMatchObject({ lineType: 'Charge', lineObjectNumber: 'S-FREIGHT', taxCode: 'NONTAXABLE' });
  });

  it('cuts descriptions to 100 characters and keeps fractional quantities exact', () => {
    const body = toBcSalesOrder(usdOrder({ lines: [line({ description: 'x'.repeat(130), quantity: 1.5, discount: usd(0n) })] }), OPTIONS);
    expect(body.salesOrderLines[0].description).toHaveLength(100);
    expect(text(body.salesOrderLines[0].quantity)).toBe('1.5');
  });

  it('leaves out a line an order edit took off, keeping the other lines’ Line No.', () => {
    const body = toBcSalesOrder(usdOrder({ lines: [line({ quantity: 0, discount: usd(0n) }), line({ lineRef: 'L2' })] }), OPTIONS);
    expect(body.salesOrderLines.map((l) => [l.sequence, l.lineType])).toEqual([[20000, 'Item'], [30000, 'Account']]);
  });

  it('refuses what it cannot express exactly, naming the field', () => {
    const cases: [Partial<SalesOrderDocument>, string, string][] = [
      [{ lines: [line({ unitPrice: { amount: 100n, currency: 'EUR' } })] }, 'CURRENCY_MISMATCH', 'lines[0].unitPrice'],
      [{ lines: [line({ quantity: -1 })] }, 'INVALID_QUANTITY', 'lines[0].quantity'],
      [{ lines: [line({ quantity: 1e21 })] }, 'INVALID_QUANTITY', 'lines[0].quantity'],
      [{ lines: [line({ discount: usd(20000n) })] }, 'INVALID_DISCOUNT', 'lines[0].discount'],
      [{ lines: [line({ itemId: ' ' })] }, 'MISSING_ITEM', 'lines[0].itemId'],
      [{ lines: [] }, 'NO_LINES', 'lines'],
      [{ placedAt: 'yesterday' }, 'INVALID_DATE', 'placedAt'],
      [{ currency: 'usd' }, 'INVALID_CURRENCY', 'currency'],
      [{ customerId: '' }, 'MISSING_CUSTOMER', 'customerId'],
    ];
    for (const [over, code, field] of cases) {
      expect(thrown(() => toBcSalesOrder(usdOrder(over), OPTIONS))).toMatchObject({ kind: 'PERMANENT', details: { code, field } });
    }
  });
});

describe('bcExternalDocumentNumber', () => {
  it('keeps a key of up to 35 characters, upper-cased as BC stores it', () => {
    expect(bcExternalDocumentNumber('shopify-820982911946154508')).toBe('SHOPIFY-820982911946154508');
    const exact = 'A'.repeat(35);
    expect(bcExternalDocumentNumber(exact)).toBe(exact);
  });

  it('shortens a longer key to prefix ~ hash, deterministically and within 35 characters', () => {
    const long = 'SHOPIFY-example-store.myshopify.com-5012345678901234567';
    const short = bcExternalDocumentNumber(long);
    expect(short).toHaveLength(35);
    expect(short).toMatch(/^SHOPIFY-EXAMPLE-ST~[0-9A-F]{16}$/);
    expect(bcExternalDocumentNumber(long)).toBe(short);
    expect(bcExternalDocumentNumber(long.toLowerCase())).toBe(short);
    expect(bcExternalDocumentNumber(`${long}8`)).not.toBe(short);
    expect(bcExternalDocumentNumber('x'.repeat(36))).toHaveLength(35);
  });

  it('builds the $filter with OData quoting', () => {
    expect(externalDocumentNumberFilter("shop-o'neil")).toBe("externalDocumentNumber eq 'SHOP-O''NEIL'");
  });

  it('refuses an empty key', () => {
    expect(thrown(() => bcExternalDocumentNumber('  '))).toMatchObject({ kind: 'PERMANENT', details: { code: 'INVALID_KEY' } });
  });
});

describe('serializeBcJson', () => {
  it('refuses floats and leaves out undefined', () => {
    expect(serializeBcJson({ a: 'x', b: undefined, c: [true, 7, new BcDecimal('-0.10')] })).toBe('{"a":"x","c":[true,7,-0.10]}');
    expect(() => serializeBcJson({ a: 0.1 })).toThrow(TypeError);
    expect(() => new BcDecimal('1e5')).toThrow(TypeError);
  });
});

describe('compareWithExisting', () => {
  const wanted = toBcSalesOrder(usdOrder(), OPTIONS);
  /** The order as BC shows it after the create: numbers as JSON numbers, codes upper case, LCY as ''. */
  const existing = (): Record<string, unknown> => JSON.parse(serializeBcJson({
    ...wanted,
    id: 'f0e1d2c3-b4a5-4697-8889-7a6b5c4d3e2f',
    number: 'S-ORD101001',
    '@odata.etag': 'W/"x"',
    salesOrderLines: wanted.salesOrderLines.map((l) => ({ ...l, taxCode: l.taxCode ?? '', sequence: 10000 })),
  })) as Record<string, unknown>;

  it('finds nothing to change in the order as created', () => {
    expect(compareWithExisting(wanted, existing(), OPTIONS)).toEqual({ patch: {}, conflicts: [] });
  });

  it('counts the local currency the same as "" or as its code, and ignores comment lines', () => {
    const order = existing();
    order.currencyCode = 'USD';
    order.salesOrderLines = [...(order.salesOrderLines as unknown[]), { lineType: 'Comment', description: 'gift' }];
    expect(compareWithExisting(wanted, order, OPTIONS).conflicts).toEqual([]);
  });

  it('patches a changed order date', () => {
    const order = existing();
    order.orderDate = '2026-11-26';
    expect(compareWithExisting(wanted, order, OPTIONS)).toEqual({ patch: { orderDate: '2026-11-27' }, conflicts: [] });
  });

  it('reports changed lines, customer and currency as conflicts', () => {
    const order = existing();
    const lines = order.salesOrderLines as Record<string, unknown>[];
    lines[0].quantity = 3;
    lines[1].unitPrice = 24.49;
    order.customerNumber = '20000';
    order.currencyCode = 'EUR';
    const { conflicts } = compareWithExisting(wanted, order, OPTIONS);
    expect(conflicts).toEqual([
      'customerNumber is "20000", the hub has "10000"',
      'currencyCode is "EUR", the hub has "USD"',
      'line 1: quantity 3 ≠ 2',
      'line 2: unitPrice 24.49 ≠ 24.50',
    ]);
    expect(compareWithExisting(wanted, { ...existing(), salesOrderLines: [] }, OPTIONS).conflicts).toEqual(['the order has 0 lines, the hub has 3']);
  });
});
