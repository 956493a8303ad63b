import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { deliver, fixture, graphql, orderIdOf } from './support/shopify-delivery.js';
import { READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

/** The same path as on PostgreSQL, on the embedded PGlite database `npm start` uses by default. */
describe('Shopify orders on the embedded database', () => {
  let hub: TestHub;
  const prefix = `e2e-embedded-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: null, queuePrefix: prefix });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  it('keeps, dedupes and queries a signed order', async () => {
    const body = fixture('order-create.json');
    const webhookId = randomUUID();
    const deliveries = await Promise.all([1, 2, 3].map(() => deliver(hub.app, { body, webhookId })));
    expect(deliveries.map((r) => r.status).sort()).toEqual([200, 200, 202]);
    const inboxId = deliveries.find((r) => r.status === 202)!.body.inboxId;

    await eventually(async () => {
      const [row] = await hub.sql<{ status: string }>('SELECT status FROM inbox WHERE id = $1', [inboxId]);
      if (row?.status !== 'PROCESSED') throw new Error(`inbox row is ${row?.status}`);
    });
    const res = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
      status totals { grandTotal { amount currencyCode } } lines { sku quantity } } }`, { id: orderIdOf(body) });
    expect(res.body.data.orderBySource).toEqual({
      status: 'RELEASED',
      totals: { grandTotal: { amount: '214.98', currencyCode: 'USD' } },
      lines: [{ sku: 'MER-CREW-NVY-M', quantity: 2 }, { sku: 'SOCK-TRAIL-3PK', quantity: 1 }],
    });
    const [counts] = await hub.sql<{ inbox: string; orders: string }>(
      'SELECT (SELECT count(*) FROM inbox)::text AS inbox, (SELECT count(*) FROM orders)::text AS orders',
    );
    expect(counts).toEqual({ inbox: '1', orders: '1' });
  });
});
