import { DeliveryError, type FulfillmentDocument, type SalesOrderChangeDocument, type SalesOrderChangeLine } from '../erp-adapter.port.js';
import { readOrderLines, toNetSuiteItemFulfillment, toNetSuiteLineChanges } from './netsuite-fulfillment.mapper.js';

function thrown(fn: () => unknown): DeliveryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

/** An expanded salesOrder as GET …?expandSubResources=true shows it: two items, a discount line, a shipping line. */
const record = {
  id: '1001',
  item: {
    items: [
      { line: 3, item: { id: '502' }, quantity: 1, quantityFulfilled: 0, custcol_ref: 'L2' },
      { line: 1, item: { id: '501' }, quantity: 2, quantityFulfilled: 1, rate: 10, amount: 20, custcol_ref: 'L1' },
      { line: 2, item: { id: '77' }, rate: -5, amount: -5, custcol_ref: 'L1' },
      { line: 4, item: { id: '88' }, quantity: 1 },
      { line: 5, item: { id: '503' }, quantity: 2, quantityFulfilled: 2 },
    ],
  },
};
const options = { discountItemId: '77', shippingItemId: '88' };

const fulfillment = (over: Partial<FulfillmentDocument> = {}): FulfillmentDocument => ({
  externalId: 'F-1', salesOrderExternalId: 'SHOPIFY-1', salesOrderInternalId: '1001', shippedAt: '2026-11-28T09:30:00Z',
  carrier: 'UPS', trackingNumbers: ['1Z1', ' 1Z2 ', '1Z1', ''], memo: 'parcel', lines: [{ lineRef: 'L1', itemId: '501', quantity: 1, locationId: '3' }], ...over,
});

describe('NetSuite item fulfilment and line change mapping', () => {
  it('reads the order’s lines in line order, numbering only the hub’s own (not discount or shipping lines)', () => {
    const lines = readOrderLines(record, options);
    expect(lines.map((l) => [l.line, l.item, l.position, l.quantity, l.fulfilled, l.lineRef])).toEqual([
      [1, '501', 0, 2, 1, undefined], [2, '77', undefined, undefined, undefined, undefined], [3, '502', 1, 1, 0, undefined],
      [4, '88', undefined, 1, undefined, undefined], [5, '503', 2, 2, 2, undefined],
    ]);
    expect(readOrderLines(record, { ...options, lineRefField: 'custcol_ref' }).map((l) => l.lineRef)).toEqual(['L1', 'L1', 'L2', undefined, undefined]);
    expect(thrown(() => readOrderLines({ id: '1', item: { links: [] } }, {})).kind).toBe('RETRYABLE');
  });

  it('names every open line: the shipped ones with their quantity and location, the others not received', () => {
    const body = toNetSuiteItemFulfillment(fulfillment(), readOrderLines(record, options));
    expect(body).toEqual({
      externalId: 'F-1', tranDate: '2026-11-28', shipStatus: { id: 'C' }, memo: 'parcel',
      item: { items: [{ orderLine: 1, itemReceive: true, quantity: 1, location: { id: '3' } }, { orderLine: 3, itemReceive: false }, { orderLine: 4, itemReceive: false }] },
      package: { items: [{ packageTrackingNumber: '1Z1', packageDescr: 'UPS' }, { packageTrackingNumber: '1Z2', packageDescr: 'UPS' }] },
    });
    const bare = toNetSuiteItemFulfillment(fulfillment({ carrier: null, trackingNumbers: [], memo: null }), readOrderLines(record, options));
    expect(bare).not.toHaveProperty('package');
    expect(bare).not.toHaveProperty('memo');
    // A fully fulfilled line is still sent when it is shipped again: NetSuite's refusal says why.
    const again = toNetSuiteItemFulfillment(fulfillment({ lines: [{ lineRef: 'L3', itemId: '503', quantity: 1, locationId: null }] }), readOrderLines(record, options));
    expect(again.item.items[0]).toEqual({ orderLine: 1, itemReceive: false });
    expect(again.item.items.at(-1)).toEqual({ orderLine: 5, itemReceive: true, quantity: 1 });
  });

  it('refuses what it cannot send exactly, before anything is sent', () => {
    const lines = readOrderLines(record, options);
    const cases: [Partial<FulfillmentDocument>, string][] = [
      [{ lines: [] }, 'NO_LINES'],
      [{ shippedAt: 'tomorrow' }, 'INVALID_DATE'],
      [{ externalId: ' ' }, 'INVALID_KEY'],
      [{ lines: [{ lineRef: 'L1', itemId: '501', quantity: 0, locationId: null }] }, 'INVALID_QUANTITY'],
      [{ lines: [{ lineRef: 'L1', itemId: '501', quantity: 1.5, locationId: null }] }, 'INVALID_QUANTITY'],
      [{ lines: [{ lineRef: 'L1', itemId: '501', quantity: 1, locationId: null }, { lineRef: 'L1', itemId: '501', quantity: 1, locationId: null }] }, 'DUPLICATE_LINE'],
      [{ lines: [{ lineRef: 'L9', itemId: '999', quantity: 1, locationId: null }] }, 'LINE_NOT_FOUND'],
    ];
    for (const [over, code] of cases) expect([code, thrown(() => toNetSuiteItemFulfillment(fulfillment(over), lines)).details.code]).toEqual([code, code]);
  });

  const change = (lines: SalesOrderChangeDocument['lines']): SalesOrderChangeDocument => ({ externalId: 'c', salesOrderExternalId: 'SHOPIFY-1', salesOrderInternalId: '1001', lines });
  const usd = (amount: bigint) => ({ amount, currency: 'USD' });
  /** A change line of item 501 at 10.00 a unit. */
  const kept = (quantity: number, discount: bigint, over: Partial<SalesOrderChangeLine> = {}): SalesOrderChangeLine =>
    ({ lineRef: 'L1', itemId: '501', quantity, unitPrice: usd(1000n), discount: usd(discount), ...over });

  it('changes lines absolutely, closes a line cut to what was fulfilled, and skips lines already so', () => {
    const lines = readOrderLines(record, options);
    // Discount item mode: the item line at gross, its discount line (line 2) at −the kept discount.
    expect(toNetSuiteLineChanges(change([kept(1, 250n), { lineRef: 'L2', itemId: '502', quantity: 0, unitPrice: usd(2450n), discount: usd(0n), lineIndex: 1 }]), lines, options))
      .toEqual([{ line: 1, quantity: 1, amount: 10, isClosed: true }, { line: 2, rate: -2.5, amount: -2.5 }, { line: 3, quantity: 0, amount: 0, isClosed: true }]);
    expect(toNetSuiteLineChanges(change([kept(2, 500n)]), lines, options)).toEqual([]);
    const closed = readOrderLines({ item: { items: [{ line: 1, item: { id: '501' }, quantity: 1, quantityFulfilled: 1, isClosed: true, rate: 10, amount: 10 }] } }, {});
    expect(toNetSuiteLineChanges(change([kept(1, 0n)]), closed)).toEqual([]);
    expect(thrown(() => toNetSuiteLineChanges(change([kept(-1, 0n)]), lines, options)).details.code).toBe('INVALID_QUANTITY');
  });

  describe('the kept units keep their net value', () => {
    // A 3-unit line at 10.00 with 3.00 off; 2 units shipped, 1 cancelled: the kept units keep 2.00 of the discount.
    const plain = readOrderLines({ item: { items: [{ line: 1, item: { id: '501' }, quantity: 3, quantityFulfilled: 2, rate: 10, amount: 27 }] } }, {});
    const withDiscountLine = readOrderLines({ item: { items: [
      { line: 1, item: { id: '501' }, quantity: 3, quantityFulfilled: 2, rate: 10, amount: 30 },
      { line: 2, item: { id: '77' }, rate: -3, amount: -3 },
      { line: 3, item: { id: '88' }, quantity: 1, rate: 9.95, amount: 9.95 },
    ] } }, options);

    it('by default: amount = 2 × 10.00 − 2.00 = 18.00, sent with the quantity, not left to quantity × rate', () => {
      expect(toNetSuiteLineChanges(change([kept(2, 200n)]), plain)).toEqual([{ line: 1, quantity: 2, amount: 18, isClosed: true }]);
      const done = readOrderLines({ item: { items: [{ line: 1, item: { id: '501' }, quantity: 2, quantityFulfilled: 2, rate: 10, amount: 18, isClosed: true }] } }, {});
      expect(toNetSuiteLineChanges(change([kept(2, 200n)]), done)).toEqual([]);
      // What a quantity-only change left behind (NetSuite repriced it at 20.00) is put right.
      const repriced = readOrderLines({ item: { items: [{ line: 1, item: { id: '501' }, quantity: 2, quantityFulfilled: 2, rate: 10, amount: 20, isClosed: true }] } }, {});
      expect(toNetSuiteLineChanges(change([kept(2, 200n)]), repriced)).toEqual([{ line: 1, quantity: 2, amount: 18, isClosed: true }]);
    });

    it('a line cancelled to nothing closes at amount 0', () => {
      const open = readOrderLines({ item: { items: [{ line: 1, item: { id: '501' }, quantity: 3, quantityFulfilled: 0, rate: 10, amount: 27 }] } }, {});
      expect(toNetSuiteLineChanges(change([kept(0, 0n)]), open)).toEqual([{ line: 1, quantity: 0, amount: 0, isClosed: true }]);
    });

    it('with a discount item: the line at gross 20.00 and the discount line that follows it at −2.00; sent again, nothing', () => {
      expect(toNetSuiteLineChanges(change([kept(2, 200n)]), withDiscountLine, options))
        .toEqual([{ line: 1, quantity: 2, amount: 20, isClosed: true }, { line: 2, rate: -2, amount: -2 }]);
      const done = readOrderLines({ item: { items: [
        { line: 1, item: { id: '501' }, quantity: 2, quantityFulfilled: 2, rate: 10, amount: 20, isClosed: true },
        { line: 2, item: { id: '77' }, rate: -2, amount: -2 },
      ] } }, options);
      expect(toNetSuiteLineChanges(change([kept(2, 200n)]), done, options)).toEqual([]);
      expect(toNetSuiteLineChanges(change([kept(0, 0n)]), readOrderLines({ item: { items: [
        { line: 1, item: { id: '501' }, quantity: 3, rate: 10, amount: 30 }, { line: 2, item: { id: '77' }, rate: -3, amount: -3 },
      ] } }, options), options)).toEqual([{ line: 1, quantity: 0, amount: 0, isClosed: true }, { line: 2, rate: 0, amount: 0 }]);
    });

    it('with a discount item but no discount line after the item line, the item line takes the net amount', () => {
      expect(toNetSuiteLineChanges(change([kept(2, 200n)]), readOrderLines({ item: { items: [
        { line: 1, item: { id: '501' }, quantity: 3, quantityFulfilled: 2, rate: 10, amount: 30 }, { line: 2, item: { id: '88' }, quantity: 1 },
      ] } }, options), options)).toEqual([{ line: 1, quantity: 2, amount: 18, isClosed: true }]);
    });

    it('refuses a kept discount beyond the kept units or in another currency', () => {
      expect(thrown(() => toNetSuiteLineChanges(change([kept(2, 2001n)]), plain)).details.code).toBe('INVALID_DISCOUNT');
      expect(thrown(() => toNetSuiteLineChanges(change([kept(2, -1n)]), plain)).details.code).toBe('INVALID_DISCOUNT');
      expect(thrown(() => toNetSuiteLineChanges(change([kept(2, 0n, { discount: { amount: 0n, currency: 'EUR' } })]), plain)).details.code).toBe('CURRENCY_MISMATCH');
    });
  });

  describe('lines an order edit added', () => {
    const open = readOrderLines({ item: { items: [{ line: 1, item: { id: '501' }, quantity: 3, quantityFulfilled: 0, rate: 10, amount: 30 }] } }, {});
    const added = (lineIndex: number): SalesOrderChangeLine => ({
      lineRef: 'L9', itemId: '502', quantity: 2, unitPrice: usd(2450n), discount: usd(100n), lineIndex,
      line: { lineRef: 'L9', itemId: '502', description: 'Socks', quantity: 2, unitPrice: usd(2450n), discount: usd(100n), tax: usd(0n), taxCode: null, locationId: '11' },
    });

    it('appends a line the order lacks, as a new order writes it (net amount), after the changes to existing lines', () => {
      const reduce = { lineRef: 'L1', itemId: '501', quantity: 2, unitPrice: usd(1000n), discount: usd(0n), lineIndex: 0 };
      expect(toNetSuiteLineChanges(change([reduce, added(1)]), open)).toEqual([
        { line: 1, quantity: 2, amount: 20 },
        { item: { id: '502' }, quantity: 2, rate: 24.5, amount: 48, description: 'Socks', location: { id: '11' } },
      ]);
    });

    it('refuses to append a line whose position is not the next one, and finds no line to add at quantity 0', () => {
      expect(thrown(() => toNetSuiteLineChanges(change([added(2)]), open)).details.code).toBe('LINE_POSITION');
      expect(toNetSuiteLineChanges(change([{ ...added(1), quantity: 0 }]), open)).toEqual([]);
    });
  });
});
