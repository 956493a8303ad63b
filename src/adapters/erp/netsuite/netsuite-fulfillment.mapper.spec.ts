import { ErpError, type FulfillmentDocument, type SalesOrderChangeDocument } from '../erp-adapter.port.js';
import { readOrderLines, toNetSuiteItemFulfillment, toNetSuiteLineChanges } from './netsuite-fulfillment.mapper.js';

function thrown(fn: () => unknown): ErpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErpError) return err;
    throw err;
  }
  throw new Error('expected an ErpError');
}

/** An expanded salesOrder as GET …?expandSubResources=true shows it: two items, a discount line, a shipping line. */
const record = {
  id: '1001',
  item: {
    items: [
      { line: 3, item: { id: '502' }, quantity: 1, quantityFulfilled: 0, custcol_ref: 'L2' },
      { line: 1, item: { id: '501' }, quantity: 2, quantityFulfilled: 1, custcol_ref: 'L1' },
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

  it('changes lines absolutely, closes a line cut to what was fulfilled, and skips lines already so', () => {
    const change = (lines: SalesOrderChangeDocument['lines']): SalesOrderChangeDocument => ({ externalId: 'c', salesOrderExternalId: 'SHOPIFY-1', salesOrderInternalId: '1001', lines });
    const lines = readOrderLines(record, options);
    expect(toNetSuiteLineChanges(change([{ lineRef: 'L1', itemId: '501', quantity: 1 }, { lineRef: 'L2', itemId: '502', quantity: 0, lineIndex: 1 }]), lines))
      .toEqual([{ line: 1, quantity: 1, isClosed: true }, { line: 3, quantity: 0, isClosed: true }]);
    expect(toNetSuiteLineChanges(change([{ lineRef: 'L1', itemId: '501', quantity: 2 }]), lines)).toEqual([]);
    const closed = readOrderLines({ item: { items: [{ line: 1, item: { id: '501' }, quantity: 1, quantityFulfilled: 1, isClosed: true }] } }, {});
    expect(toNetSuiteLineChanges(change([{ lineRef: 'L1', itemId: '501', quantity: 1 }]), closed)).toEqual([]);
    expect(thrown(() => toNetSuiteLineChanges(change([{ lineRef: 'L1', itemId: '501', quantity: -1 }]), lines)).details.code).toBe('INVALID_QUANTITY');
  });
});
