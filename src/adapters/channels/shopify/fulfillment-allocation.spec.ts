import { allocateFulfillment, type FulfillmentOrderView } from './fulfillment-allocation.js';

const fo = (id: string, locationId: string, lines: [lineId: string, lineItemId: string, fulfillable: number][], status = 'open'): FulfillmentOrderView => ({
  id, locationId, status, lines: lines.map(([lid, lineItemId, fulfillableQuantity]) => ({ id: lid, lineItemId, fulfillableQuantity })),
});

describe('allocateFulfillment', () => {
  it('draws a line item spread over two fulfillment orders at one location from both, in Shopify order', () => {
    const fos = [fo('FO1', 'L1', [['a1', 'A', 1], ['b1', 'B', 1]]), fo('FO2', 'L1', [['a2', 'A', 2]])];
    expect(allocateFulfillment(fos, [{ lineItemId: 'A', quantity: 3 }, { lineItemId: 'B', quantity: 1 }])).toEqual({
      ok: true,
      locationId: 'L1',
      byFulfillmentOrder: [
        { fulfillmentOrderId: 'FO1', lines: [{ id: 'a1', quantity: 1 }, { id: 'b1', quantity: 1 }] },
        { fulfillmentOrderId: 'FO2', lines: [{ id: 'a2', quantity: 2 }] },
      ],
    });
  });

  it('adds up repeated line items and skips closed fulfillment orders', () => {
    const fos = [fo('FO1', 'L1', [['a1', 'A', 0]], 'closed'), fo('FO2', 'L1', [['a2', 'A', 3]], 'in_progress')];
    const got = allocateFulfillment(fos, [{ lineItemId: 'A', quantity: 1 }, { lineItemId: 'A', quantity: 1 }]);
    expect(got).toEqual({ ok: true, locationId: 'L1', byFulfillmentOrder: [{ fulfillmentOrderId: 'FO2', lines: [{ id: 'a2', quantity: 2 }] }] });
  });

  it('picks the location that holds the lines, and the preferred one when both could', () => {
    const fos = [fo('FO1', 'L1', [['a1', 'A', 2]]), fo('FO2', 'L2', [['a2', 'A', 2], ['b2', 'B', 1]])];
    expect(allocateFulfillment(fos, [{ lineItemId: 'B', quantity: 1 }])).toMatchObject({ ok: true, locationId: 'L2' });
    expect(allocateFulfillment(fos, [{ lineItemId: 'A', quantity: 1 }])).toMatchObject({ ok: true, locationId: 'L1' });
    expect(allocateFulfillment(fos, [{ lineItemId: 'A', quantity: 1 }], 'L2')).toMatchObject({
      ok: true, locationId: 'L2', byFulfillmentOrder: [{ fulfillmentOrderId: 'FO2', lines: [{ id: 'a2', quantity: 1 }] }],
    });
  });

  it('asks for units short of the last open line, so that Shopify refuses with its own reason', () => {
    const fos = [fo('FO1', 'L1', [['a1', 'A', 1]]), fo('FO2', 'L1', [['a2', 'A', 1]])];
    expect(allocateFulfillment(fos, [{ lineItemId: 'A', quantity: 3 }])).toEqual({
      ok: true,
      locationId: 'L1',
      byFulfillmentOrder: [{ fulfillmentOrderId: 'FO1', lines: [{ id: 'a1', quantity: 1 }] }, { fulfillmentOrderId: 'FO2', lines: [{ id: 'a2', quantity: 2 }] }],
    });
    const closed = [fo('FO1', 'L1', [['a1', 'A', 0]], 'closed')];
    expect(allocateFulfillment(closed, [{ lineItemId: 'A', quantity: 1 }])).toEqual({
      ok: true, locationId: 'L1', byFulfillmentOrder: [{ fulfillmentOrderId: 'FO1', lines: [{ id: 'a1', quantity: 1 }] }],
    });
  });

  it('refuses lines no fulfillment order holds, and lines that only different locations hold', () => {
    const fos = [fo('FO1', 'L1', [['a1', 'A', 1]]), fo('FO2', 'L2', [['b2', 'B', 1]])];
    expect(allocateFulfillment(fos, [{ lineItemId: 'C', quantity: 1 }])).toMatchObject({ ok: false, code: 'LINE_NOT_IN_FULFILLMENT_ORDERS' });
    const split = allocateFulfillment(fos, [{ lineItemId: 'A', quantity: 1 }, { lineItemId: 'B', quantity: 1 }]);
    expect(split).toMatchObject({ ok: false, code: 'MULTIPLE_LOCATIONS' });
    expect(!split.ok && split.message).toContain('A at L1, B at L2');
  });
});
