import { parseJsonPreservingBigIds } from './shopify-webhook.js';
import { mapShopifyFulfillment } from './shopify-fulfillment.mapper.js';

const SHOP = 'example-shop.myshopify.com';

/** A fulfillments/create body in Shopify's REST shape, with ids past 2^53 as Shopify sends them. */
const body = (over: Record<string, unknown> = {}) =>
  parseJsonPreservingBigIds(
    JSON.stringify({
      id: '__FID__', order_id: '__OID__', status: 'success', created_at: '2026-11-27T10:15:00-05:00', updated_at: '2026-11-27T10:15:00-05:00',
      service: 'manual', tracking_company: 'UPS', tracking_number: '1Z999AA10123456784', tracking_numbers: ['1Z999AA10123456784'],
      tracking_url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784', location_id: 655441491, name: '#1001.1',
      line_items: [{ id: '__LID__', quantity: 2, sku: 'MER-CREW-NVY-M', fulfillable_quantity: 0 }],
      ...over,
    })
      .replace('"__FID__"', '9012345678901234567')
      .replace('"__OID__"', '8012345678901234567')
      .replace('"__LID__"', '1612345678901234501'),
  );

describe('Shopify fulfillment → shipment confirmation', () => {
  it('keeps every id digit, the lines, the tracking and the time in UTC', () => {
    const mapped = mapShopifyFulfillment(body(), SHOP);
    expect(mapped).toEqual({
      ok: true,
      confirmation: {
        source: 'SHOPIFY', account: SHOP, externalId: '9012345678901234567', kind: 'SHIPMENT',
        order: { by: 'CHANNEL', channel: 'SHOPIFY', account: SHOP, externalId: '8012345678901234567' },
        locationRef: '655441491', carrier: 'UPS', trackingNumbers: ['1Z999AA10123456784'],
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784', shippedAt: '2026-11-27T15:15:00.000Z',
        lines: [{ lineRef: '1612345678901234501', sku: 'MER-CREW-NVY-M', quantity: 2 }],
      },
    });
  });

  it('treats a pending or open fulfilment as authentic but nothing shipped', () => {
    expect(mapShopifyFulfillment(body({ status: 'pending' }), SHOP)).toEqual({ ok: false, usable: true, reason: 'fulfillment 9012345678901234567 is pending: nothing shipped' });
    expect(mapShopifyFulfillment(body({ status: 'open' }), SHOP)).toMatchObject({ ok: false, usable: true });
  });

  it('maps a cancelled, failed or errored fulfilment to its withdrawal, without needing lines or tracking', () => {
    const mapped = mapShopifyFulfillment(body({ status: 'cancelled', updated_at: '2026-11-28T09:00:00-05:00', line_items: [], tracking_numbers: [] }), SHOP);
    expect(mapped).toEqual({
      ok: true,
      cancellation: {
        source: 'SHOPIFY', account: SHOP, externalId: '9012345678901234567', status: 'cancelled', cancelledAt: '2026-11-28T14:00:00.000Z',
        order: { by: 'CHANNEL', channel: 'SHOPIFY', account: SHOP, externalId: '8012345678901234567' },
      },
    });
    for (const status of ['failure', 'error']) expect(mapShopifyFulfillment(body({ status }), SHOP)).toMatchObject({ ok: true, cancellation: { status } });
    expect(mapShopifyFulfillment(body({ status: 'cancelled', updated_at: 'later' }), SHOP)).toMatchObject({ ok: true, cancellation: { cancelledAt: null } });
    expect(mapShopifyFulfillment(body({ status: 'cancelled', order_id: null }), SHOP)).toMatchObject({ ok: false, usable: false, field: 'order_id' });
  });

  it('names the field when the body cannot be used', () => {
    expect(mapShopifyFulfillment(body({ line_items: [] }), SHOP)).toMatchObject({ ok: false, usable: false, field: 'line_items' });
    expect(mapShopifyFulfillment(body({ line_items: [{ id: 5, quantity: 0 }] }), SHOP)).toMatchObject({ field: 'line_items[0].quantity' });
    expect(mapShopifyFulfillment(body({ created_at: 'yesterday', updated_at: null }), SHOP)).toMatchObject({ field: 'created_at' });
    expect(mapShopifyFulfillment([], SHOP)).toMatchObject({ field: '(body)' });
  });
});
