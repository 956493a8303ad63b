import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { GraphQLReads } from '../src/platform/graphql/graphql-reads.js';
import { deliver, fixture, graphql, orderIdOf, withField } from './support/shopify-delivery.js';
import { countQueries } from './support/count-queries.js';
import { freshDatabase } from './support/test-database.js';
import { READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';


jest.setTimeout(30_000);

const ORDER_FIELDS = `
  id channel externalId orderNumber status holdReasons currencyCode
  holdDetails { reason detail }
  totals { subtotal { amount currencyCode } discounts { amount } tax { amount } shipping { amount } grandTotal { amount currencyCode } }
  lines { sku quantity unitPrice { amount currencyCode } discount { amount } tax { amount } fulfillmentMethod }
  tenders { kind gateway authorized { amount } captured { amount } }
  history { fromStatus toStatus holdReasons reason correlationId }
  sourceEvents { topic outcome inboxId }`;

async function orderBySource(hub: TestHub, externalId: string) {
  const res = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) { ${ORDER_FIELDS} } }`, { id: externalId });
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.orderBySource;
}

async function processed(hub: TestHub, inboxId: string): Promise<string> {
  return eventually(async () => {
    const [row] = await hub.sql<{ status: string }>('SELECT status FROM inbox WHERE id = $1', [inboxId]);
    if (!row || row.status === 'PENDING') throw new Error(`inbox ${inboxId} still pending`);
    return row.status;
  });
}

/** A copy of a fixture as a distinct order, so tests in one database do not share orders. */
let nextOrder = 0;
function distinctOrder(name: string): { body: string; id: string } {
  const base = fixture(name);
  nextOrder += 1;
  const id = `${orderIdOf(base).slice(0, 7)}${String(Date.now()).slice(-8)}${String(nextOrder).padStart(4, '0')}`;
  return { body: base.replace(new RegExp(orderIdOf(base), 'g'), id), id };
}

describe('Shopify orders end to end (PostgreSQL + Redis)', () => {
  let hub: TestHub;
  const prefix = `e2e-orders-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('orders'), queuePrefix: prefix });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  it('turns a signed orders/create into a queryable order with exact totals', async () => {
    const { body, id } = distinctOrder('order-create.json');
    const res = await deliver(hub.app, { body }).set('X-Correlation-Id', 'corr-signed-order-1');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', correlationId: 'corr-signed-order-1' });
    expect(await processed(hub, res.body.inboxId)).toBe('PROCESSED');

    const order = await orderBySource(hub, id);
    expect(order).toMatchObject({
      channel: 'SHOPIFY', externalId: id, orderNumber: '#10421', status: 'RELEASED', holdReasons: [], currencyCode: 'USD',
      totals: {
        subtotal: { amount: '202.50', currencyCode: 'USD' }, discounts: { amount: '15.00' }, tax: { amount: '17.53' },
        shipping: { amount: '9.95' }, grandTotal: { amount: '214.98', currencyCode: 'USD' },
      },
    });
    expect(order.lines).toEqual([
      { sku: 'MER-CREW-NVY-M', quantity: 2, unitPrice: { amount: '89.00', currencyCode: 'USD' }, discount: { amount: '13.19' }, tax: { amount: '14.62' }, fulfillmentMethod: 'SHIP' },
      { sku: 'SOCK-TRAIL-3PK', quantity: 1, unitPrice: { amount: '24.50', currencyCode: 'USD' }, discount: { amount: '1.81' }, tax: { amount: '2.02' }, fulfillmentMethod: 'SHIP' },
    ]);
    expect(order.tenders).toEqual([{ kind: 'CARD', gateway: 'shopify_payments', authorized: { amount: '214.98' }, captured: { amount: '214.98' } }]);
    expect(order.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['RECEIVED', 'RELEASED']);
    expect(order.history.every((h: { correlationId: string }) => h.correlationId === 'corr-signed-order-1')).toBe(true);
    expect(order.sourceEvents).toEqual([{ topic: 'orders/create', outcome: 'APPLIED', inboxId: res.body.inboxId }]);

    const [row] = await hub.sql<{ grand_total: string; subtotal: string }>('SELECT grand_total, subtotal FROM orders WHERE external_id = $1', [id]);
    expect(row).toEqual({ grand_total: '21498', subtotal: '20250' });
    const [inbox] = await hub.sql<{ correlation_id: string; headers: Record<string, string> }>('SELECT correlation_id, headers FROM inbox WHERE id = $1', [res.body.inboxId]);
    expect(inbox.correlation_id).toBe('corr-signed-order-1');
    expect(inbox.headers['x-shopify-topic']).toBe('orders/create');
    expect(inbox.headers).not.toHaveProperty('x-shopify-hmac-sha256');
  });

  it('answers a repeated delivery as a duplicate and keeps one order', async () => {
    const { body, id } = distinctOrder('order-create.json');
    const webhookId = randomUUID();
    const first = await deliver(hub.app, { body, webhookId });
    expect(first.status).toBe(202);
    const again = await Promise.all([deliver(hub.app, { body, webhookId }), deliver(hub.app, { body, webhookId })]);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(again.map((r) => r.body.status)).toEqual(['duplicate', 'duplicate']);
    expect(again.map((r) => r.body.inboxId)).toEqual([first.body.inboxId, first.body.inboxId]);
    // The same order under a new webhook id (a second subscription) is new inbox work but the same order.
    const other = await deliver(hub.app, { body });
    await processed(hub, first.body.inboxId);
    await processed(hub, other.body.inboxId);
    const inbox = await hub.sql('SELECT id FROM inbox WHERE dedupe_key = $1', [webhookId]);
    expect(inbox).toHaveLength(1);
    const orders = await hub.sql<{ n: string }>('SELECT count(*)::text AS n FROM orders WHERE external_id = $1', [id]);
    expect(orders[0].n).toBe('1');
    const lines = await hub.sql<{ n: string }>('SELECT count(*)::text AS n FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_id = $1', [id]);
    expect(lines[0].n).toBe('2');
  });

  it('refuses a reused webhook id with a different body (409)', async () => {
    const webhookId = randomUUID();
    const a = distinctOrder('order-create.json');
    const b = distinctOrder('order-create.json');
    expect((await deliver(hub.app, { body: a.body, webhookId })).status).toBe(202);
    const res = await deliver(hub.app, { body: b.body, webhookId });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'WEBHOOK_ID_REUSED', field: 'X-Shopify-Webhook-Id' });
    expect(await hub.sql('SELECT id FROM inbox WHERE dedupe_key = $1', [webhookId])).toHaveLength(1);
  });

  it('answers a wrong or missing signature with 401 and keeps nothing', async () => {
    const { body } = distinctOrder('order-create.json');
    const webhookId = randomUUID();
    const wrong = await deliver(hub.app, { body, webhookId, signature: Buffer.alloc(32, 1).toString('base64') });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'SIGNATURE_INVALID', field: 'X-Shopify-Hmac-Sha256' });
    const missing = await deliver(hub.app, { body, webhookId, signature: null });
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('SIGNATURE_MISSING');
    const tampered = await deliver(hub.app, { body: body.replace('"214.98"', '"1.00"'), webhookId, signature: undefined === undefined ? (await import('./support/shopify-delivery.js')).sign(body) : '' });
    expect(tampered.status).toBe(401);
    expect(await hub.sql('SELECT id FROM inbox WHERE dedupe_key = $1', [webhookId])).toHaveLength(0);
  });

  it('keeps an authentic but malformed body as rejected and answers 2xx', async () => {
    const res = await deliver(hub.app, { body: '{"id": 1, "line_items": [' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('rejected');
    const [row] = await hub.sql<{ status: string; error: string; raw_body: Buffer }>('SELECT status, error, raw_body FROM inbox WHERE id = $1', [res.body.inboxId]);
    expect(row.status).toBe('REJECTED');
    expect(row.error).toMatch(/not valid JSON/);
    expect(row.raw_body.toString()).toBe('{"id": 1, "line_items": [');

    // A body that cannot be parsed still never keeps a card number.
    const withCard = await deliver(hub.app, { body: '{"card": "4111 1111 1111 1111", "id": 6012345678901234567' });
    expect(withCard.status).toBe(200);
    const [masked] = await hub.sql<{ raw_body: Buffer }>('SELECT raw_body FROM inbox WHERE id = $1', [withCard.body.inboxId]);
    expect(masked.raw_body.toString()).not.toContain('4111');
    expect(masked.raw_body.toString()).toContain('6012345678901234567');

    // Valid JSON that is not a usable order is rejected by the worker, with the offending field.
    const invalid = await deliver(hub.app, { body: JSON.stringify({ id: '123', currency: 'USD', line_items: 'nope' }) });
    expect(invalid.status).toBe(202);
    expect(await processed(hub, invalid.body.inboxId)).toBe('REJECTED');
    const [rejected] = await hub.sql<{ error: string }>('SELECT error FROM inbox WHERE id = $1', [invalid.body.inboxId]);
    expect(rejected.error).toMatch(/line_items/);
  });

  it('answers a body over 2 MiB with 413 and keeps nothing', async () => {
    const webhookId = randomUUID();
    const huge = Buffer.alloc(2 * 1024 * 1024 + 10, 0x20);
    const res = await deliver(hub.app, { body: huge, webhookId });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await hub.sql('SELECT id FROM inbox WHERE dedupe_key = $1', [webhookId])).toHaveLength(0);
  });

  it('keeps other topics as ignored', async () => {
    const res = await deliver(hub.app, { topic: 'products/update', body: '{"id": 42}' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ignored');
    const [row] = await hub.sql<{ status: string }>('SELECT status FROM inbox WHERE id = $1', [res.body.inboxId]);
    expect(row.status).toBe('IGNORED');
  });

  it('never stores card numbers or CVVs', async () => {
    const { body } = distinctOrder('order-create.json');
    const withCard = body.replace(/^\{/, '{"payment_details": {"credit_card_number": "4111111111111111", "cvv": "123", "credit_card_company": "Visa"},');
    const res = await deliver(hub.app, { body: withCard });
    expect(res.status).toBe(202);
    const [row] = await hub.sql<{ raw_body: Buffer; redacted_fields: string[] }>('SELECT raw_body, redacted_fields FROM inbox WHERE id = $1', [res.body.inboxId]);
    expect(row.raw_body.toString()).not.toContain('4111111111111111');
    expect(row.raw_body.toString()).toContain('Visa');
    expect(row.redacted_fields.length).toBeGreaterThanOrEqual(2);
    expect(await processed(hub, res.body.inboxId)).toBe('PROCESSED');
  });

  it('lets the newer version win when updates arrive out of order', async () => {
    const { body, id } = distinctOrder('order-create.json');
    const newer = withField(withField(body, 'updated_at', '2026-03-14T11:00:00-04:00'), 'name', '#10421-EDITED');
    const updated = await deliver(hub.app, { topic: 'orders/updated', body: newer });
    expect(await processed(hub, updated.body.inboxId)).toBe('PROCESSED');
    const created = await deliver(hub.app, { topic: 'orders/create', body });
    expect(await processed(hub, created.body.inboxId)).toBe('PROCESSED');

    const order = await orderBySource(hub, id);
    expect(order.orderNumber).toBe('#10421-EDITED');
    expect(order.sourceEvents).toEqual([
      { topic: 'orders/updated', outcome: 'APPLIED', inboxId: updated.body.inboxId },
      { topic: 'orders/create', outcome: 'STALE', inboxId: created.body.inboxId },
    ]);
    const [row] = await hub.sql<{ source_updated_at: Date }>('SELECT source_updated_at FROM orders WHERE external_id = $1', [id]);
    expect(new Date(row.source_updated_at).toISOString()).toBe('2026-03-14T15:00:00.000Z');
  });

  it('holds an unpaid order with its reason and releases it when paid', async () => {
    const { body, id } = distinctOrder('order-unpaid-pending.json');
    const created = await deliver(hub.app, { body });
    await processed(hub, created.body.inboxId);
    let order = await orderBySource(hub, id);
    expect(order.status).toBe('ON_HOLD');
    expect(order.holdReasons).toEqual(['AWAITING_PAYMENT']);
    expect(order.holdDetails[0].reason).toBe('AWAITING_PAYMENT');

    const paid = withField(withField(body, 'financial_status', 'paid'), 'updated_at', '2026-04-01T00:00:00Z');
    const paidDelivery = await deliver(hub.app, { topic: 'orders/paid', body: paid });
    await processed(hub, paidDelivery.body.inboxId);
    order = await orderBySource(hub, id);
    expect(order.status).toBe('RELEASED');
    expect(order.holdReasons).toEqual([]);
    expect(order.history.map((h: { fromStatus: string | null; toStatus: string }) => `${h.fromStatus}->${h.toStatus}`)).toEqual([
      'null->RECEIVED', 'RECEIVED->ON_HOLD', 'ON_HOLD->RELEASED',
    ]);
  });

  it('holds orders whose totals do not add up, and releases a Shopify order with no tax where none was collected', async () => {
    const tax = distinctOrder('order-tax-missing.json');
    const mismatch = distinctOrder('order-totals-mismatch.json');
    const [a, b] = await Promise.all([deliver(hub.app, { body: tax.body }), deliver(hub.app, { body: mismatch.body })]);
    await processed(hub, a.body.inboxId);
    await processed(hub, b.body.inboxId);
    // Shopify's tax is final at checkout: zero tax on a taxable line is the merchant collecting none there.
    const taxOrder = await orderBySource(hub, tax.id);
    expect(taxOrder.status).toBe('RELEASED');
    expect(taxOrder.holdReasons).toEqual([]);
    const mismatchOrder = await orderBySource(hub, mismatch.id);
    expect(mismatchOrder.status).toBe('ON_HOLD');
    expect(mismatchOrder.holdReasons).toEqual(['TOTALS_MISMATCH']);
    expect(mismatchOrder.holdDetails[0].detail).toMatch(/grandTotal/);
  });

  it('cancels on orders/cancelled', async () => {
    const { body, id } = distinctOrder('order-create.json');
    await processed(hub, (await deliver(hub.app, { body })).body.inboxId);
    const cancelled = withField(withField(body, 'cancelled_at', '2026-03-15T09:00:00-04:00'), 'updated_at', '2026-03-15T09:00:00-04:00');
    await processed(hub, (await deliver(hub.app, { topic: 'orders/cancelled', body: cancelled })).body.inboxId);
    const order = await orderBySource(hub, id);
    expect(order.status).toBe('CANCELLED');
    expect(order.history.at(-1)).toMatchObject({ fromStatus: 'RELEASED', toStatus: 'CANCELLED' });
  });

  it('keeps zero-decimal currencies exact', async () => {
    const { body, id } = distinctOrder('order-jpy.json');
    await processed(hub, (await deliver(hub.app, { body })).body.inboxId);
    const order = await orderBySource(hub, id);
    expect(order.currencyCode).toBe('JPY');
    expect(order.status).toBe('RELEASED');
    expect(order.totals.grandTotal.amount).toMatch(/^\d+$/);
    const [row] = await hub.sql<{ grand_total: string }>('SELECT grand_total FROM orders WHERE external_id = $1', [id]);
    expect(row.grand_total).toBe(order.totals.grandTotal.amount);
  });

  it('requires an API key for GraphQL and pages orders in a constant number of queries', async () => {
    const anonymous = await graphql(hub.app, null, '{ orders { edges { cursor } } }');
    expect(anonymous.status).toBe(401);
    const wrongKey = await graphql(hub.app, 'not-a-key-at-all', '{ orders { edges { cursor } } }');
    expect(wrongKey.status).toBe(401);

    const counted = async (first: number, fields = ORDER_FIELDS) => {
      const { result: res, queries } = await countQueries(hub.app.get(GraphQLReads), (correlationId) =>
        graphql(hub.app, READER_KEY, `query($first: Int!) { orders(first: $first) { edges { cursor node { ${fields} } } pageInfo { hasNextPage endCursor } } }`, { first })
          .set('X-Correlation-Id', correlationId));
      expect(res.body.errors).toBeUndefined();
      return { queries, edges: res.body.data.orders.edges.length, pageInfo: res.body.data.orders.pageInfo };
    };
    const small = await counted(2);
    const large = await counted(10);
    expect(small.edges).toBe(2);
    expect(large.edges).toBeGreaterThan(small.edges);
    // The heads, then one statement per selected child table: lines, tenders, history, sourceEvents.
    expect(small.queries).toBe(5);
    expect(large.queries).toBe(small.queries);
    // Children nobody selected are never read.
    expect((await counted(10, 'id')).queries).toBe(1);
    // The same table selected twice (and the inbox behind receivedAt) is still one statement each.
    expect((await counted(10, 'id lines { sku } again: lines { quantity } sourceEvents { receivedAt }')).queries).toBe(4);

    // Cursor paging walks every order exactly once.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await graphql(hub.app, READER_KEY, 'query($after: String) { orders(first: 3, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', { after });
      seen.push(...res.body.data.orders.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!res.body.data.orders.pageInfo.hasNextPage) break;
      after = res.body.data.orders.pageInfo.endCursor;
    }
    const total = await hub.sql<{ n: string }>('SELECT count(*)::text AS n FROM orders');
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(Number(total[0].n));

    const tooMany = await graphql(hub.app, READER_KEY, '{ orders(first: 1000) { edges { cursor } } }');
    expect(tooMany.body.errors[0].extensions).toEqual({ code: 'INVALID_PAGE_SIZE', field: 'first' });
    const badCursor = await graphql(hub.app, READER_KEY, '{ orders(after: "bm9wZQ") { edges { cursor } } }');
    expect(badCursor.body.errors[0].extensions).toEqual({ code: 'INVALID_CURSOR', field: 'after' });

    const filtered = await graphql(hub.app, READER_KEY, '{ orders(filter: { status: ON_HOLD }, first: 50) { edges { node { status } } } }');
    const statuses = filtered.body.data.orders.edges.map((e: { node: { status: string } }) => e.node.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['ON_HOLD']));
  });

  it('keeps a Shopify test order and holds it as TEST_ORDER, so no ERP ever books it as a sale', async () => {
    const { body, id } = distinctOrder('order-create.json');
    const res = await deliver(hub.app, { body: withField(body, 'test', true) });
    expect(await processed(hub, res.body.inboxId)).toBe('PROCESSED');
    const order = await orderBySource(hub, id);
    expect(order).toMatchObject({ status: 'ON_HOLD', holdReasons: ['TEST_ORDER'] });
    expect(order.holdDetails[0].detail).toMatch(/test order/);
    const postings = await hub.sql('SELECT count(*)::int AS n FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1', [id]);
    expect(postings).toEqual([{ n: 0 }]);
  });
});
