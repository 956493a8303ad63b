import { readFileSync } from 'node:fs';
import { parseJsonPreservingBigIds } from './shopify-webhook.js';
import { shopifyBodyKind, understandShopifyDelivery } from './shopify-delivery.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

const order = (): Body => parseJsonPreservingBigIds(readFileSync(new URL('../../../../test/fixtures/shopify/order-create.json', import.meta.url), 'utf8'));
const fulfillment = (): Body => ({ id: 4501, order_id: order().id, status: 'success', created_at: '2026-03-15T10:00:00Z', line_items: [{ id: order().line_items[0].id, quantity: 1 }] });
const under = (topic: string, body: unknown) => understandShopifyDelivery({ id: 'inbox-1', topic, account: 'shop.myshopify.com', correlationId: 'c-1' }, body);

describe('understandShopifyDelivery: the body decides, the topic is a hint', () => {
  it('tells orders and fulfilments apart by their own fields', () => {
    expect(shopifyBodyKind(order())).toBe('order');
    expect(shopifyBodyKind(fulfillment())).toBe('fulfillment');
    expect(shopifyBodyKind({ id: 1 })).toBe('unknown');
    expect(shopifyBodyKind([])).toBe('unknown');
  });

  it('refuses an orders/cancelled whose body does not cancel', () => {
    expect(under('orders/cancelled', order())).toEqual({ ok: false, reason: expect.stringMatching(/orders\/cancelled but the body does not cancel/) });
  });

  it('cancels when the body says so, under any order topic', () => {
    const body = { ...order(), cancelled_at: '2026-03-15T09:00:00-04:00' };
    for (const topic of ['orders/cancelled', 'orders/updated', 'orders/create', 'orders/paid']) {
      expect(under(topic, body)).toMatchObject({ ok: true, type: 'order', value: { kind: 'CANCELLED', lineage: { topic } } });
    }
  });

  it('treats a create body under orders/updated and an unpaid body under orders/paid as updates', () => {
    expect(under('orders/create', order())).toMatchObject({ ok: true, value: { kind: 'PLACED' } });
    expect(under('orders/updated', order())).toMatchObject({ ok: true, value: { kind: 'UPDATED' } });
    expect(under('orders/paid', { ...order(), financial_status: 'pending' })).toMatchObject({ ok: true, value: { kind: 'UPDATED', order: { paymentStatus: expect.not.stringMatching(/^PAID$/) } } });
  });

  it('refuses an order under a fulfilment topic and a fulfilment under an order topic', () => {
    expect(under('fulfillments/create', order())).toEqual({ ok: false, reason: 'the body is an order, not a fulfillment, but the topic is fulfillments/create' });
    expect(under('orders/cancelled', fulfillment())).toEqual({ ok: false, reason: 'the body is a fulfillment, not an order, but the topic is orders/cancelled' });
    expect(under('fulfillments/update', fulfillment())).toMatchObject({ ok: true, type: 'shipment' });
  });

  it('lists at most ten field errors and counts the rest', () => {
    const body = order();
    body.line_items = Array.from({ length: 30 }, (_, i) => ({ ...body.line_items[0], id: String(i + 1), quantity: 0 }));
    const meaning = under('orders/create', body);
    if (meaning.ok) throw new Error('expected a rejection');
    expect(meaning.reason.match(/line_items\.\d+\.quantity:/g)).toHaveLength(10);
    expect(meaning.reason).toMatch(/^invalid order: line_items\.0\.quantity: .*; and 20 more$/);
  });
});
