import { ErpError, type FulfillmentDocument, type SalesOrderChangeDocument } from '../erp-adapter.port.js';
import { planLineChanges, planShipment, readBcLines } from './bc-shipment.mapper.js';

function thrown(fn: () => unknown): ErpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErpError) return err;
    throw err;
  }
  throw new Error('expected an ErpError');
}

const GUID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const line = (sequence: number, over: Record<string, unknown> = {}) => ({
  '@odata.etag': `W/"${sequence}"`, id: `line-${sequence}`, sequence, lineType: 'Item', lineObjectNumber: '1896-S',
  itemId: '00000000-0000-0000-0000-000000000000', quantity: 2, shippedQuantity: 0, shipQuantity: 2, ...over,
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
    const steps = planLineChanges(change([
      { lineRef: 'L1', itemId: '1896-S', quantity: 1, lineIndex: 0 },
      { lineRef: 'L2', itemId: '1900-S', quantity: 0, lineIndex: 1 },
      { lineRef: 'L3', itemId: '1896-S', quantity: 0, lineIndex: 2 },
    ]), shippedOnce);
    expect(steps.map((s) => [s.kind, s.line.sequence, s.kind === 'quantity' ? s.quantity : null])).toEqual([['quantity', 10000, 1], ['delete', 30000, null]]);
    expect(planLineChanges(change([{ lineRef: 'L1', itemId: '1896-S', quantity: 2, lineIndex: 0 }]), shippedOnce)).toEqual([]);
    expect(thrown(() => planLineChanges(change([{ lineRef: 'L2', itemId: '1900-S', quantity: 1, lineIndex: 1 }]), shippedOnce)).details.code).toBe('LINE_NOT_FOUND');
  });
});
