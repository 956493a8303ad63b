import { planRequests, type FulfillmentLocation, type RoutableLine } from './routing.js';

const warehouse: FulfillmentLocation = { locationRef: 'WH', kind: 'WAREHOUSE', system: 'wms', isDefault: true };
const store: FulfillmentLocation = { locationRef: 'ST', kind: 'STORE', system: 'store', isDefault: false };
const line = (lineRef: string, over: Partial<RoutableLine> = {}): RoutableLine => ({
  lineRef, sku: `SKU-${lineRef}`, quantity: 1, method: 'SHIP', locationRef: null, requiresShipping: true, ...over,
});

describe('fulfilment routing', () => {
  it('splits one order into a warehouse request and a store pickup', () => {
    const plans = planRequests(
      [line('1', { locationRef: 'WH', quantity: 2 }), line('2', { locationRef: 'ST', method: 'PICKUP_IN_STORE' }), line('3')],
      [warehouse, store],
    );
    expect(plans).toEqual([
      { locationRef: 'WH', method: 'SHIP', system: 'wms', lines: [{ lineRef: '1', sku: 'SKU-1', quantity: 2 }, { lineRef: '3', sku: 'SKU-3', quantity: 1 }] },
      { locationRef: 'ST', method: 'PICKUP_IN_STORE', system: 'store', lines: [{ lineRef: '2', sku: 'SKU-2', quantity: 1 }] },
    ]);
  });

  it('ships a store line from the store, and a vendor line by drop-ship', () => {
    const vendor: FulfillmentLocation = { locationRef: 'V', kind: 'DROP_SHIP_VENDOR', system: 'wms', isDefault: false };
    const plans = planRequests([line('1', { locationRef: 'ST' }), line('2', { locationRef: 'V' })], [store, vendor]);
    expect(plans.map((p) => [p.locationRef, p.method])).toEqual([['ST', 'SHIP_FROM_STORE'], ['V', 'DROP_SHIP']]);
  });

  it('leaves digital lines, gift cards needing no shipping and unconfigured locations to the channel', () => {
    const plans = planRequests(
      [line('1', { method: 'DIGITAL' }), line('2', { requiresShipping: false }), line('3', { locationRef: 'ELSEWHERE' })],
      [warehouse],
    );
    expect(plans).toEqual([]);
  });

  it('without a default location, a line with no location is left to the channel', () => {
    expect(planRequests([line('1')], [{ ...warehouse, isDefault: false }])).toEqual([]);
  });
});
