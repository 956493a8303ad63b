import { DeliveryError, type FulfillmentDocument, type SalesOrderChangeDocument, type SalesOrderChangeLine } from '../erp-adapter.port.js';
import { planLineChanges, planShipment, readBcLines, type BcLineStep } from './bc-shipment.mapper.js';

function thrown(fn: () => unknown): DeliveryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

const GUID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const line = (sequence: number, over: Record<string, unknown> = {}) => ({
  '@odata.etag': `W/"${sequence}"`, id: `line-${sequence}`, sequence, lineType: 'Item', lineObjectNumber: '1896-S',
  itemId: '00000000-0000-0000-0000-000000000000', quantity: 2, shippedQuantity: 0, shipQuantity: 2, unitPrice: 10, discountAmount: 0, ...over,
});
/** Two item lines, a comment, the same item again, and the shipping charge. */
const order = {
  salesOrderLines: [
    line(10000),
    line(20000, { lineObjectNumber: '1900-S', itemId: GUID, quantity: 1, shipQuantity: 1 }),
    { '@odata.etag': 'W/"c"', id: 'comment', sequence: 25000, lineType: 'Comment', description: 'gift wrap' },
    line(30000, { quantity: 3, shipQuantity: 3 }),
    line(40000, { lineType: 'Account', lineObjectNumber: '40250', quantity: 1, shipQuantity: 1 }),
  ],
};
const mapping = { localCurrency: 'USD', shippingAccountNumber: '40250' };

const fulfillment = (lines: FulfillmentDocument['lines']): FulfillmentDocument => ({
  externalId: 'F-1', salesOrderExternalId: 'SHOPIFY-1', salesOrderInternalId: 'o', shippedAt: '2026-11-28T09:30:00Z', carrier: null, trackingNumbers: [], memo: null, lines,
});
const change = (lines: SalesOrderChangeDocument['lines']): SalesOrderChangeDocument => ({ externalId: 'c', salesOrderExternalId: 'SHOPIFY-1', salesOrderInternalId: 'o', lines });
const usd = (amount: bigint) => ({ amount, currency: 'USD' });
/** A change line at 10.00 a unit keeping `discount`. */
const kept = (lineRef: string, itemId: string, quantity: number, lineIndex?: number, discount = 0n): SalesOrderChangeLine =>
  ({ lineRef, itemId, quantity, unitPrice: usd(1000n), discount: usd(discount), ...(lineIndex !== undefined && { lineIndex }) });
const written = (s: BcLineStep) => [s.kind, s.line.sequence, ...(s.kind === 'quantity' ? [s.quantity, s.unitPrice.text, s.discountAmount.text] : [])];

describe('Business Central shipment and line change planning', () => {
  const lines = readBcLines(order, mapping);

  it('reads lines by sequence: position = sequence / 10000 − 1, comments left out, the shipping line not the hub’s', () => {
    expect(lines.map((l) => [l.id, l.position, l.shipping, l.itemNumber, l.itemGuid])).toEqual([
      ['line-10000', 0, false, '1896-S', undefined], ['line-20000', 1, false, '1900-S', GUID],
      ['line-30000', 2, false, '1896-S', undefined], ['line-40000', undefined, true, '40250', undefined],
    ]);
    expect(thrown(() => readBcLines({}, mapping)).kind).toBe('RETRYABLE');
  });

  it('stages the shipped quantities, 0 on every other item line, and leaves the shipping charge to BC’s default', () => {
    const steps = planShipment(fulfillment([{ lineRef: 'L2', itemId: GUID.toUpperCase(), quantity: 1, locationId: null }, { lineRef: 'L3', itemId: '1896-S', quantity: 2, locationId: null, lineIndex: 2 }]), lines);
    expect(steps.map((s) => [s.kind, s.line.sequence, s.kind === 'ship' ? s.shipQuantity : null])).toEqual([['ship', 10000, 0], ['ship', 30000, 2]]);
    const ambiguous = thrown(() => planShipment(fulfillment([{ lineRef: 'L1', itemId: '1896-S', quantity: 1, locationId: null }]), lines));
    expect(ambiguous.details.code).toBe('AMBIGUOUS_LINE');
    expect(thrown(() => planShipment(fulfillment([]), lines)).details.code).toBe('NO_LINES');
  });

  it('plans line changes: a new quantity, a delete for a line cancelled before shipping, nothing for a line already gone', () => {
    const shippedOnce = readBcLines({ salesOrderLines: [line(10000, { shippedQuantity: 1, shipQuantity: 1 }), line(30000, { quantity: 3 })] }, mapping);
    const steps = planLineChanges(change([kept('L1', '1896-S', 1, 0), kept('L2', '1900-S', 0, 1), kept('L3', '1896-S', 0, 2)]), shippedOnce);
    expect(steps.map(written)).toEqual([['quantity', 10000, 1, '10.00', '0.00'], ['delete', 30000]]);
    expect(planLineChanges(change([kept('L1', '1896-S', 2, 0)]), shippedOnce)).toEqual([]);
    expect(thrown(() => planLineChanges(change([kept('L2', '1900-S', 1, 1)]), shippedOnce)).details.code).toBe('LINE_NOT_FOUND');
  });

  it('deletes the shipping line too when the whole order is cancelled with nothing shipped, and only then', () => {
    const all = [kept('L1', '1896-S', 0, 0), kept('L2', GUID, 0, 1), kept('L3', '1896-S', 0, 2)];
    expect(planLineChanges({ ...change(all), closeWholeOrder: true }, lines).map(written)).toEqual([['delete', 10000], ['delete', 20000], ['delete', 30000], ['delete', 40000]]);
    expect(planLineChanges(change(all), lines).map(written)).toEqual([['delete', 10000], ['delete', 20000], ['delete', 30000]]);
    // Already gone (an earlier run of this change): nothing left to do.
    expect(planLineChanges({ ...change(all), closeWholeOrder: true }, [])).toEqual([]);
  });

  describe('the kept units keep their net value', () => {
    // A 3-unit line at 10.00 with 3.00 off; 2 units shipped, 1 cancelled: the kept units keep 2.00 of the discount.
    const discounted = (over: Record<string, unknown> = {}) =>
      readBcLines({ salesOrderLines: [line(10000, { quantity: 3, shippedQuantity: 2, shipQuantity: 1, discountAmount: 3, ...over })] }, mapping);

    it('writes the quantity with discountAmount 2.00 (and the unit price), not the whole 3.00 on fewer units', () => {
      expect(planLineChanges(change([kept('L1', '1896-S', 2, 0, 200n)]), discounted()).map(written)).toEqual([['quantity', 10000, 2, '10.00', '2.00']]);
    });

    it('leaves a line already at that quantity, price and discount alone; puts right one that is not', () => {
      expect(planLineChanges(change([kept('L1', '1896-S', 2, 0, 200n)]), discounted({ quantity: 2, discountAmount: 2 }))).toEqual([]);
      expect(planLineChanges(change([kept('L1', '1896-S', 2, 0, 200n)]), discounted({ quantity: 2, discountAmount: '2.00', unitPrice: '10.0' }))).toEqual([]);
      // A quantity-only change left the whole discount on the kept units; BC may also have repriced the line.
      expect(planLineChanges(change([kept('L1', '1896-S', 2, 0, 200n)]), discounted({ quantity: 2 })).map(written)).toEqual([['quantity', 10000, 2, '10.00', '2.00']]);
      expect(planLineChanges(change([kept('L1', '1896-S', 2, 0, 200n)]), discounted({ quantity: 2, discountAmount: 2, unitPrice: 12.5 })).map(written)).toEqual([['quantity', 10000, 2, '10.00', '2.00']]);
    });

    it('refuses a kept discount beyond the kept units or in another currency', () => {
      expect(thrown(() => planLineChanges(change([kept('L1', '1896-S', 2, 0, 2001n)]), discounted())).details.code).toBe('INVALID_DISCOUNT');
      const euro = { ...kept('L1', '1896-S', 2, 0), discount: { amount: 0n, currency: 'EUR' } };
      expect(thrown(() => planLineChanges(change([euro]), discounted())).details.code).toBe('CURRENCY_MISMATCH');
    });
  });

  describe('lines an order edit added', () => {
    const added = (lineIndex: number): SalesOrderChangeLine => ({
      ...kept('L9', '1896-S', 2, lineIndex),
      line: { lineRef: 'L9', itemId: '1896-S', description: 'Tabs', quantity: 2, unitPrice: usd(1000n), discount: usd(0n), tax: usd(0n), taxCode: null, locationId: null },
    });

    it('adds a line the order lacks in the slot of its position, past the shipping line, and reads it back at that position', () => {
      const steps = planLineChanges(change([added(3)]), lines);
      expect(steps.map((s) => [s.kind, s.line.sequence])).toEqual([['add', 50000]]);
      const after = readBcLines({ salesOrderLines: [...order.salesOrderLines, line(50000)] }, mapping);
      expect(after.find((l) => l.sequence === 50000)?.position).toBe(3);
    });

    it('does not add over another item found in its slot, nor a line without its content', () => {
      const taken = readBcLines({ salesOrderLines: [...order.salesOrderLines, { ...line(50000), lineObjectNumber: '99999' }] }, mapping);
      expect(thrown(() => planLineChanges(change([added(3)]), taken)).details.code).toBe('LINE_MISMATCH');
      expect(thrown(() => planLineChanges(change([kept('L9', '1896-S', 2, 3)]), lines)).details.code).toBe('LINE_NOT_FOUND');
    });
  });
});
