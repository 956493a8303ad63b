import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { signStorefrontBody } from '../src/adapters/channels/storefront/storefront-channel.js';
import { graphql } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(30_000);

const ACCOUNT = 'web-eu';
const SECRET = 'storefront-secret-for-tests';

type Body = { type: string; order: Record<string, unknown> };

function fixture(name: string): Body {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/storefront/${name}`, import.meta.url)), 'utf8')) as Body;
}

/** A fixture as a distinct order, so the tests in one database share none. */
function orderBody(name: string, changes: Record<string, unknown> = {}, id = `SF-${randomUUID().slice(0, 8)}`): Body {
  const body = fixture(name);
  return { ...body, order: { ...body.order, id, ...changes } };
}

describe('custom storefront channel end to end (PostgreSQL + Redis)', () => {
  let hub: TestHub;
  const prefix = `e2e-storefront-${randomUUID()}`;

  function deliver(body: Body | string, options: { eventId?: string; signature?: string; account?: string } = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return request(hub.app.getHttpServer())
      .post('/webhooks/storefront')
      .set('Content-Type', 'application/json')
      .set('X-Storefront-Account', options.account ?? ACCOUNT)
      .set('X-Storefront-Event-Id', options.eventId ?? randomUUID())
      .set('X-Storefront-Signature', options.signature ?? signStorefrontBody(text, SECRET))
      .send(text);
  }

  async function settled(inboxId: string): Promise<{ status: string; error: string | null }> {
    return eventually(async () => {
      const [row] = await hub.sql<{ status: string; error: string | null }>('SELECT status, error FROM inbox WHERE id = $1', [inboxId]);
      if (!row || row.status === 'PENDING') throw new Error(`inbox ${inboxId} still pending`);
      return row;
    });
  }

  async function order(externalId: string) {
    const res = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: STOREFRONT, externalId: $id) {
      channel externalId orderNumber status holdReasons currencyCode
      totals { subtotal { amount } discounts { amount } tax { amount } shipping { amount } grandTotal { amount currencyCode } }
      lines { sku quantity unitPrice { amount currencyCode } discount { amount } tax { amount } fulfillmentMethod }
      tenders { kind gateway authorized { amount } captured { amount } }
      history { fromStatus toStatus holdReasons }
      sourceEvents { topic outcome inboxId } } }`, { id: externalId });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.orderBySource;
  }

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('storefront'), queuePrefix: prefix });
    const res = await request(hub.app.getHttpServer()).put('/admin/channel-accounts').set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', 'application/json').send({ channel: 'STOREFRONT', account: ACCOUNT, webhookSecret: SECRET });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  it('stores a signed order, processes it and releases it by the same gates as any channel', async () => {
    const body = orderBody('order-upserted.json');
    const res = await deliver(body);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted' });
    expect(await settled(res.body.inboxId)).toEqual({ status: 'PROCESSED', error: null });

    const [row] = await hub.sql<{ source: string; account: string; topic: string }>('SELECT source, account, topic FROM inbox WHERE id = $1', [res.body.inboxId]);
    expect(row).toEqual({ source: 'STOREFRONT', account: ACCOUNT, topic: 'order.upserted' });
    const stored = await order(body.order.id as string);
    expect(stored).toMatchObject({
      channel: 'STOREFRONT', orderNumber: 'W-1001', status: 'RELEASED', holdReasons: [], currencyCode: 'EUR',
      totals: { subtotal: { amount: '65.00' }, discounts: { amount: '5.00' }, tax: { amount: '12.33' }, shipping: { amount: '4.90' }, grandTotal: { amount: '77.23', currencyCode: 'EUR' } },
    });
    expect(stored.lines).toEqual([
      { sku: 'TEE-BLK-M', quantity: 2, unitPrice: { amount: '25.00', currencyCode: 'EUR' }, discount: { amount: '5.00' }, tax: { amount: '8.55' }, fulfillmentMethod: 'SHIP' },
      { sku: 'CAP-RED', quantity: 1, unitPrice: { amount: '15.00', currencyCode: 'EUR' }, discount: { amount: '0.00' }, tax: { amount: '2.85' }, fulfillmentMethod: 'SHIP' },
    ]);
    expect(stored.tenders).toEqual([{ kind: 'CARD', gateway: 'stripe', authorized: { amount: '77.23' }, captured: { amount: '77.23' } }]);
    expect(stored.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['RECEIVED', 'RELEASED']);
    expect(stored.sourceEvents).toEqual([{ topic: 'order.upserted', outcome: 'APPLIED', inboxId: res.body.inboxId }]);
  });

  it('holds an unpaid order and one whose totals do not add up, with their reasons', async () => {
    const unpaid = orderBody('order-upserted.json', { paymentStatus: 'PENDING' });
    expect(await settled((await deliver(unpaid)).body.inboxId)).toMatchObject({ status: 'PROCESSED' });
    expect(await order(unpaid.order.id as string)).toMatchObject({ status: 'ON_HOLD', holdReasons: ['AWAITING_PAYMENT'] });

    const base = fixture('order-upserted.json').order;
    const wrong = orderBody('order-upserted.json', { totals: { ...(base.totals as object), grandTotal: '70.00' } });
    expect(await settled((await deliver(wrong)).body.inboxId)).toMatchObject({ status: 'PROCESSED' });
    expect(await order(wrong.order.id as string)).toMatchObject({ status: 'ON_HOLD', holdReasons: ['TOTALS_MISMATCH'] });
  });

  it('answers a repeated event id as a duplicate and keeps one row', async () => {
    const body = orderBody('order-upserted.json');
    const eventId = randomUUID();
    const first = await deliver(body, { eventId });
    const again = await deliver(body, { eventId });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'duplicate', inboxId: first.body.inboxId });
    const rows = await hub.sql('SELECT id FROM inbox WHERE source = $1 AND dedupe_key = $2', ['STOREFRONT', eventId]);
    expect(rows).toHaveLength(1);
    const reused = await deliver(orderBody('order-upserted.json'), { eventId });
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ code: 'EVENT_ID_REUSED', field: 'X-Storefront-Event-Id' });
  });

  it('refuses a forged signature, a missing one and an unknown account with 401, storing nothing', async () => {
    const body = orderBody('order-upserted.json');
    const cases = [
      { signature: signStorefrontBody(JSON.stringify(body), 'not-the-secret'), code: 'SIGNATURE_INVALID' },
      { signature: `sha256=${'0'.repeat(64)}`, code: 'SIGNATURE_INVALID' },
      { signature: 'not-a-signature', code: 'SIGNATURE_INVALID' },
      { account: 'no-such-account', code: 'SECRET_NOT_CONFIGURED' },
    ];
    for (const { code, ...options } of cases) {
      const eventId = randomUUID();
      const res = await deliver(body, { eventId, ...options });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code });
      expect(await hub.sql('SELECT id FROM inbox WHERE dedupe_key = $1', [eventId])).toEqual([]);
    }
    const unsigned = await request(hub.app.getHttpServer()).post('/webhooks/storefront').set('Content-Type', 'application/json')
      .set('X-Storefront-Account', ACCOUNT).send(JSON.stringify(body));
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toMatchObject({ code: 'SIGNATURE_MISSING', field: 'X-Storefront-Signature' });
    expect(await order(body.order.id as string)).toBeNull();
  });

  it('does not take the Shopify quick-start secret for a storefront', async () => {
    const body = orderBody('order-upserted.json');
    const res = await deliver(body, { signature: signStorefrontBody(JSON.stringify(body), hub.config.shopifyWebhookSecret ?? '') , account: 'no-such-account' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'SECRET_NOT_CONFIGURED' });
  });

  it('cancels an order, and an older version changes nothing', async () => {
    const id = `SF-${randomUUID().slice(0, 8)}`;
    expect(await settled((await deliver(orderBody('order-upserted.json', {}, id))).body.inboxId)).toMatchObject({ status: 'PROCESSED' });
    const cancel = await deliver(orderBody('order-cancelled.json', {}, id));
    expect(cancel.status).toBe(202);
    expect(await settled(cancel.body.inboxId)).toEqual({ status: 'PROCESSED', error: null });
    expect(await order(id)).toMatchObject({ status: 'CANCELLED' });

    const older = await deliver(orderBody('order-upserted.json', { updatedAt: '2026-05-01T10:30:00Z' }, id));
    const outcome = await settled(older.body.inboxId);
    expect(outcome.status).toBe('PROCESSED');
    expect(outcome.error).toMatch(/^stale: /);
    const stored = await order(id);
    expect(stored.status).toBe('CANCELLED');
    expect(stored.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['RECEIVED', 'RELEASED', 'CANCELLED']);
  });

  it('keeps an authentic but invalid order as REJECTED with every offending field', async () => {
    const body = orderBody('order-upserted.json', { currency: 'euro', lines: [{ id: 'L1', title: 'x', quantity: 0, unitPrice: 12.5 }] });
    const res = await deliver(body);
    expect(res.status).toBe(202);
    const outcome = await settled(res.body.inboxId);
    expect(outcome.status).toBe('REJECTED');
    expect(outcome.error).toContain('order.currency: must be an ISO 4217 currency code');
    expect(outcome.error).toContain('order.lines[0].quantity: must be a whole number');
    expect(outcome.error).toContain('order.lines[0].unitPrice: must be a decimal string');
    expect(await order(body.order.id as string)).toBeNull();
  });

  it('marks an event type it does not handle as ignored, and answers an unknown channel with 404', async () => {
    const res = await deliver({ type: 'refund.created', order: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ignored', reason: 'event type refund.created is not handled' });
    const unknown = await request(hub.app.getHttpServer()).post('/webhooks/no-such-channel').set('Content-Type', 'application/json').send('{}');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'CHANNEL_UNKNOWN', field: 'channel' });
  });
});
