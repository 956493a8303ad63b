import { understandFulfillmentEvent } from './fulfillment-event.js';

const body = {
  eventId: 'EVT-1', type: 'SHIPPED', source: 'wms', requestId: '7d1f3c2a-0000-4000-8000-000000000001', shipmentId: 'SHP-1',
  orderRef: '7d1f3c2a-0000-4000-8000-000000000002', orderNumber: '#1001', locationRef: '70001', carrier: 'UPS',
  trackingNumbers: ['1Z1'], occurredAt: '2026-04-02T10:15:00Z', lines: [{ lineRef: 'L1', sku: 'SKU-1', quantity: 1 }],
};

describe('understandFulfillmentEvent: the signed body against the unsigned headers', () => {
  it('accepts a delivery whose headers agree with its body', () => {
    expect(understandFulfillmentEvent('WMS', body, { topic: 'shipment/SHIPPED', eventId: 'EVT-1' })).toMatchObject({ ok: true, type: 'shipment' });
  });

  it('refuses a WMS body delivered as a store event, under another event id, or under another type', () => {
    expect(understandFulfillmentEvent('STORE', body, { topic: 'shipment/SHIPPED', eventId: 'EVT-1' })).toEqual({ ok: false, reason: expect.stringMatching(/^invalid confirmation: source: the body says wms/) });
    expect(understandFulfillmentEvent('WMS', body, { topic: 'shipment/SHIPPED', eventId: 'EVT-2' })).toEqual({ ok: false, reason: 'invalid confirmation: eventId: differs from X-Fulfillment-Event-Id' });
    expect(understandFulfillmentEvent('WMS', body, { topic: 'shipment/PICKED_UP', eventId: 'EVT-1' })).toEqual({ ok: false, reason: expect.stringMatching(/^invalid confirmation: type: the body says SHIPPED/) });
  });
});
