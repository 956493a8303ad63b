import { awaitsOrder, heldNote, holdCode, holdReason, sameOrderRef, storedConfirmation, type StoredShipment } from './held-shipment.js';

const row = (over: Partial<StoredShipment> = {}): StoredShipment => ({
  id: 'ship-1', order_id: null, request_id: null, order_ref: { by: 'CHANNEL', channel: 'SHOPIFY', account: 'shop.myshopify.com', externalId: '6012345678900200001' },
  source: 'SHOPIFY', account: 'shop.myshopify.com', external_id: '9012345678900000001', kind: 'SHIPMENT', status: 'HELD',
  hold_reason: 'ORDER_UNKNOWN: the order is not in the hub', location_ref: '79999', carrier: 'FedEx', tracking_numbers: ['7777'],
  tracking_url: null, lines: [{ lineRef: '1', sku: 'A', quantity: 2 }], shipped_at: new Date('2026-11-27T15:00:00Z'), inbox_id: null, correlation_id: 'c-1',
  channel_reference: null, channel_cancelled_at: null,
  ...over,
});

describe('held shipments', () => {
  it('reads the code of a reason, and only a missing or unreleased order clears by itself', () => {
    expect(holdCode(holdReason('OVER_SHIPMENT', 'line 1: ordered 1, shipped 0 before, this confirms 3'))).toBe('OVER_SHIPMENT');
    expect(holdCode(null)).toBeNull();
    expect(awaitsOrder('ORDER_UNKNOWN: the order is not in the hub')).toBe(true);
    expect(awaitsOrder('ORDER_NOT_SHIPPABLE: the order is ON_HOLD')).toBe(true);
    expect(awaitsOrder('OVER_SHIPMENT: line 1')).toBe(false);
    expect(awaitsOrder('REQUEST_CANCELLED: request r was cancelled')).toBe(false);
    expect(awaitsOrder(null)).toBe(false);
    expect(heldNote('ORDER_UNKNOWN: x')).toBe('shipment held: ORDER_UNKNOWN: x');
  });

  it('rebuilds the confirmation a row was made from, naming the order as the sender did', () => {
    expect(storedConfirmation(row())).toEqual({
      source: 'SHOPIFY', account: 'shop.myshopify.com', externalId: '9012345678900000001', kind: 'SHIPMENT',
      order: { by: 'CHANNEL', channel: 'SHOPIFY', account: 'shop.myshopify.com', externalId: '6012345678900200001' },
      locationRef: '79999', carrier: 'FedEx', trackingNumbers: ['7777'], trackingUrl: null, shippedAt: '2026-11-27T15:00:00.000Z',
      lines: [{ lineRef: '1', sku: 'A', quantity: 2 }],
    });
  });

  it('falls back to the order and request the row was matched to, and to nothing when it kept neither', () => {
    expect(storedConfirmation(row({ order_ref: null, order_id: 'o-1', request_id: 'r-1' }))?.order).toEqual({ by: 'HUB', orderId: 'o-1', requestId: 'r-1' });
    expect(storedConfirmation(row({ order_ref: null }))).toBeNull();
  });

  it('compares order references by what they name', () => {
    const hub = { by: 'HUB', orderId: 'o-1', requestId: null } as const;
    const channel = { by: 'CHANNEL', channel: 'SHOPIFY', account: 'a', externalId: '1' } as const;
    expect(sameOrderRef(hub, { ...hub })).toBe(true);
    expect(sameOrderRef(hub, { ...hub, requestId: 'r' })).toBe(false);
    expect(sameOrderRef(channel, { ...channel })).toBe(true);
    expect(sameOrderRef(channel, { ...channel, externalId: '2' })).toBe(false);
    expect(sameOrderRef(hub, channel)).toBe(false);
    expect(sameOrderRef(null, null)).toBe(true);
    expect(sameOrderRef(null, hub)).toBe(false);
  });
});
