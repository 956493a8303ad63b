import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { deliver, fixture, orderIdOf, withField } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

interface InboxRow {
  status: string;
  error: string | null;
  attempts: number;
}

/** A copy of order-create.json as a distinct order, so the tests of this file do not share orders. */
let nextOrder = 0;
function distinctOrder(): { body: string; id: string } {
  const base = fixture('order-create.json');
  nextOrder += 1;
  const id = `7${String(Date.now()).slice(-10)}${String(nextOrder).padStart(8, '0')}`;
  return { body: base.replace(new RegExp(orderIdOf(base), 'g'), id), id };
}

/** Rewrites a field of the first line item, in the text, leaving the big ids unparsed. */
function inFirstLine(body: string, field: string, value: string): string {
  const at = body.indexOf('"line_items": [');
  const pattern = new RegExp(`("${field}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?\\d+(?:\\.\\d+)?)`);
  if (!pattern.test(body.slice(at))) throw new Error(`no ${field} in the first line item`);
  return body.slice(0, at) + body.slice(at).replace(pattern, `$1${value}`);
}

/** Replaces the whole line_items array with the given JSON text. */
function withLineItems(body: string, json: string): string {
  const start = body.indexOf('"line_items": [');
  const end = body.indexOf('"shipping_lines"');
  if (start < 0 || end < start) throw new Error('fixture layout changed');
  return `${body.slice(0, start)}"line_items": ${json},\n  ${body.slice(end)}`;
}

describe('ingest: the body decides and unstorable values are rejected, not retried (PostgreSQL + Redis)', () => {
  let hub: TestHub;
  const prefix = `e2e-ingestval-${randomUUID()}`;

  const settled = (inboxId: string): Promise<InboxRow> =>
    eventually(async () => {
      const [row] = await hub.sql<InboxRow>('SELECT status, error, attempts FROM inbox WHERE id = $1', [inboxId]);
      if (!row || row.status === 'PENDING') throw new Error(`inbox ${inboxId} still pending`);
      return row;
    }, 20_000);

  const send = async (body: string, topic = 'orders/create'): Promise<InboxRow> => {
    const res = await deliver(hub.app, { body, topic });
    expect([200, 202]).toContain(res.status);
    return settled(res.body.inboxId as string);
  };

  /** Everything the order is: its row, its history and what it sent on, for before/after comparisons. */
  const snapshot = async (externalId: string) => ({
    order: await hub.sql(
      'SELECT id, status, order_number, cancelled_at, source_updated_at, hold_reasons, version FROM orders WHERE external_id = $1', [externalId]),
    history: await hub.sql(
      'SELECT h.id, h.from_status, h.to_status, h.reason FROM order_history h JOIN orders o ON o.id = h.order_id WHERE o.external_id = $1 ORDER BY h.id', [externalId]),
    lines: await hub.sql('SELECT l.external_id, l.quantity, l.unit_price FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_id = $1 ORDER BY l.position', [externalId]),
    postings: await hub.sql('SELECT p.id, p.status, p.document_type FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 ORDER BY p.id', [externalId]),
    requests: await hub.sql('SELECT r.id, r.status FROM fulfillment_requests r JOIN orders o ON o.id = r.order_id WHERE o.external_id = $1 ORDER BY r.id', [externalId]),
  });

  const sourceEvents = (externalId: string) =>
    hub.sql<{ topic: string; outcome: string }>(
      'SELECT e.topic, e.outcome FROM order_source_events e JOIN orders o ON o.id = e.order_id WHERE o.external_id = $1 ORDER BY e.id', [externalId]);

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('ingestval'), queuePrefix: prefix });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  describe('defect 4: the unsigned topic header does not act on its own', () => {
    it('a captured orders/create resent as orders/cancelled, orders/updated or orders/create under new webhook ids changes nothing', async () => {
      const { body: created, id } = distinctOrder();
      expect(await send(created)).toMatchObject({ status: 'PROCESSED', attempts: 1 });
      const updated = withField(withField(created, 'updated_at', '2026-03-14T11:00:00-04:00'), 'name', '#10421-EDITED');
      expect(await send(updated, 'orders/updated')).toMatchObject({ status: 'PROCESSED', error: null });
      const before = await snapshot(id);
      expect(before.order).toEqual([expect.objectContaining({ status: 'RELEASED', order_number: '#10421-EDITED', cancelled_at: null })]);

      // The forgery: the same signed bytes, a new webhook id, another topic.
      const forged = await send(created, 'orders/cancelled');
      expect(forged).toEqual({ status: 'REJECTED', attempts: 1, error: expect.stringMatching(/orders\/cancelled but the body does not cancel the order \(cancelled_at is not set\)/) });
      // Even the current version may not cancel under that topic.
      expect(await send(updated, 'orders/cancelled')).toMatchObject({ status: 'REJECTED', error: expect.stringMatching(/does not cancel/) });
      // Replays under order topics are upserts of an older version: stale, nothing applied.
      for (const topic of ['orders/updated', 'orders/create', 'orders/paid']) {
        expect(await send(created, topic)).toEqual({ status: 'PROCESSED', attempts: 1, error: expect.stringMatching(/^stale: the order already holds a newer version/) });
      }

      expect(await snapshot(id)).toEqual(before);
      expect(await sourceEvents(id)).toEqual([
        { topic: 'orders/create', outcome: 'APPLIED' },
        { topic: 'orders/updated', outcome: 'APPLIED' },
        { topic: 'orders/updated', outcome: 'STALE' },
        { topic: 'orders/create', outcome: 'STALE' },
        { topic: 'orders/paid', outcome: 'STALE' },
      ]);
    });

    it('cancels when the body says so, whatever the order topic', async () => {
      const { body, id } = distinctOrder();
      expect(await send(body)).toMatchObject({ status: 'PROCESSED' });
      const cancelled = withField(withField(body, 'cancelled_at', '2026-03-15T09:00:00-04:00'), 'updated_at', '2026-03-15T09:00:00-04:00');
      expect(await send(cancelled, 'orders/updated')).toMatchObject({ status: 'PROCESSED', error: null });
      const [order] = (await snapshot(id)).order;
      expect(order).toMatchObject({ status: 'CANCELLED' });
      expect(new Date(order.cancelled_at as string).toISOString()).toBe('2026-03-15T13:00:00.000Z');
    });

    it('keeps a body that contradicts its topic as REJECTED with the reason, the order untouched', async () => {
      const { body, id } = distinctOrder();
      expect(await send(body)).toMatchObject({ status: 'PROCESSED' });
      const before = await snapshot(id);
      const [line] = before.lines as { external_id: string }[];
      const fulfillment = `{"id": 5012345678901234999, "order_id": ${id}, "status": "success", "created_at": "2026-03-15T10:00:00-04:00", "updated_at": "2026-03-15T10:00:00-04:00",
        "line_items": [{"id": ${line.external_id}, "quantity": 1}], "tracking_numbers": ["1ZFORGED"]}`;

      expect(await send(body, 'fulfillments/create')).toEqual({ status: 'REJECTED', attempts: 1, error: 'the body is an order, not a fulfillment, but the topic is fulfillments/create' });
      for (const topic of ['orders/cancelled', 'orders/updated']) {
        expect(await send(fulfillment, topic)).toEqual({ status: 'REJECTED', attempts: 1, error: `the body is a fulfillment, not an order, but the topic is ${topic}` });
      }
      expect(await snapshot(id)).toEqual(before);
      expect(await hub.sql('SELECT id FROM shipments WHERE external_id = $1', ['5012345678901234999'])).toEqual([]);
    });
  });

  describe('defect 6 and 8: values PostgreSQL would refuse are REJECTED with their field, once', () => {
    const cases: [string, (body: string) => string, RegExp][] = [
      ['quantity 0', (b) => inFirstLine(b, 'quantity', '0'), /^invalid order: line_items\.0\.quantity: /],
      ['quantity 2147483648', (b) => inFirstLine(b, 'quantity', '2147483648'), /^invalid order: line_items\.0\.quantity: /],
      ['quantity 1e308', (b) => inFirstLine(b, 'quantity', '1e308'), /^invalid order: line_items\.0\.quantity: /],
      ['a price beyond bigint', (b) => inFirstLine(b, 'price', '"99999999999999999999.99"'), /^invalid order: line_items\.0\.price: .*out of range/],
      ['NUL in a title', (b) => inFirstLine(b, 'title', '"Merino\\u0000Crew"'), /^invalid order: line_items\.0\.title: contains a control character/],
      ['100,000 line items', (b) => withLineItems(b, `[${Array(100_000).fill('{}').join(',')}]`), /^invalid order: line_items: has 100000 entries; at most 2000 are accepted$/],
      ['line_items nested 10,000 deep', (b) => withLineItems(b, `${'['.repeat(10_000)}${']'.repeat(10_000)}`), /^the body is refused: it nests deeper than 64 levels under "line_items"/],
      ['created_at 9999-12-31', (b) => withField(b, 'created_at', '9999-12-31T23:59:59Z'), /^invalid order: created_at: 9999-12-31T23:59:59Z is more than a day in the future$/],
      ['updated_at before 2000', (b) => withField(b, 'updated_at', '1999-12-31T23:59:59Z'), /^invalid order: updated_at: .* is before 2000$/],
    ];

    it.each(cases)('%s', async (_label, change, reason) => {
      const { body, id } = distinctOrder();
      const row = await send(change(body));
      expect(row).toEqual({ status: 'REJECTED', attempts: 1, error: expect.stringMatching(reason) });
      expect(await hub.sql('SELECT id FROM orders WHERE external_id = $1', [id])).toEqual([]);
    });

    it('a data error PostgreSQL raises for one row rejects that row, once, and the rest of its batch is applied', async () => {
      await hub.sql(`ALTER TABLE orders ADD CONSTRAINT e2e_refused_name CHECK (order_number <> '#REFUSED-BY-DB')`);
      try {
        const orders = Array.from({ length: 6 }, () => distinctOrder());
        const bodies = orders.map(({ body }, i) => (i === 2 ? withField(body, 'name', '#REFUSED-BY-DB') : body));
        const sent = await Promise.all(bodies.map((body) => deliver(hub.app, { body })));
        const rows: InboxRow[] = [];
        for (const res of sent) rows.push(await settled(res.body.inboxId as string));
        expect(rows[2]).toEqual({
          status: 'REJECTED', attempts: 1,
          error: expect.stringMatching(/^the database refused this delivery's data \(SQLSTATE 23514, table orders, constraint e2e_refused_name\)/),
        });
        expect(rows.filter((_row, i) => i !== 2)).toEqual(Array(5).fill({ status: 'PROCESSED', attempts: 1, error: null }));
        const stored = await hub.sql<{ external_id: string }>('SELECT external_id FROM orders WHERE external_id = ANY($1)', [orders.map((o) => o.id)]);
        expect(stored.map((o) => o.external_id).sort()).toEqual(orders.filter((_o, i) => i !== 2).map((o) => o.id).sort());
      } finally {
        await hub.sql('ALTER TABLE orders DROP CONSTRAINT e2e_refused_name');
      }
    });
  });
});
