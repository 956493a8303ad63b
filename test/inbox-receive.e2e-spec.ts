import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { InboxWriter } from '../src/modules/ingestion/inbox/inbox-writer.js';
import type { InboxStatus, NewInboxRow } from '../src/modules/ingestion/inbox/inbox-status.js';
import { SHOP, fixture, graphql, orderIdOf, sign, withField } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

const FULFILLMENT_SECRET = 'fulfillment-secret-for-receive-tests';
const PAN = '4111111111111111';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

interface InboxRow {
  status: string;
  error: string | null;
  raw_body: Buffer;
  redacted_fields: string[];
  headers: Record<string, string>;
  topic: string;
  triggered_at: Date | null;
}

/**
 * Raw bytes over real HTTP: supertest cannot send a Buffer across Jest's realms, and UTF-16,
 * gzip and NUL bodies must arrive exactly as written.
 */
describe('receiving deliveries into the inbox (PostgreSQL + Redis)', () => {
  let hub: TestHub;
  let baseUrl: string;
  const prefix = `e2e-receive-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('receive'), queuePrefix: prefix, env: { FULFILLMENT_WEBHOOK_SECRET: FULFILLMENT_SECRET } });
    // The ready Fastify server itself, listening: app.listen would set up its handlers a second time.
    const server = hub.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  async function post(path: string, headers: Record<string, string>, body: Buffer | string): Promise<Answer> {
    const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    const text = await res.text();
    return { status: res.status, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  function shopify(body: Buffer | string, extra: Record<string, string> = {}): Promise<Answer> {
    return post('/webhooks/shopify', {
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Shop-Domain': SHOP,
      'X-Shopify-Webhook-Id': randomUUID(),
      'X-Shopify-Triggered-At': new Date().toISOString(),
      'X-Shopify-Hmac-Sha256': sign(body),
      ...extra,
    }, body);
  }

  function wms(body: string): Promise<Answer> {
    return post('/webhooks/wms/shipments', {
      'X-Fulfillment-Source': 'wms',
      'X-Fulfillment-Event-Id': `EVT-${randomUUID()}`,
      'X-Fulfillment-Hmac-Sha256': createHmac('sha256', FULFILLMENT_SECRET).update(body).digest('base64'),
    }, body);
  }

  async function row(inboxId: unknown): Promise<InboxRow> {
    const [found] = await hub.sql<InboxRow>('SELECT status, error, raw_body, redacted_fields, headers, topic, triggered_at FROM inbox WHERE id = $1', [inboxId]);
    expect(found).toBeDefined();
    return found;
  }

  describe('one bad delivery in a group commit', () => {
    /**
     * Makes the deliveries share one multi-row INSERT for certain: a first delivery's INSERT
     * waits on a table lock, the rest queue up behind it in the writer, and the lock is let
     * go only when all of them are waiting.
     */
    async function inOneBatch(send: () => Promise<Answer>[]): Promise<Answer[]> {
      const writer = hub.app.get(InboxWriter);
      const queued = () => (writer['waiting'] as unknown[]).length;
      const db = hub.db as NonNullable<TestHub['db']>;
      await db.query('BEGIN');
      await db.query('LOCK TABLE inbox IN SHARE MODE');
      try {
        const blocker = good(-1);
        await eventually(async () => expect([writer['flushing'], queued()]).toEqual([true, 0]));
        const sends = send();
        const answers = Promise.all(sends);
        await eventually(async () => expect(queued()).toBe(sends.length));
        await db.query('COMMIT');
        expect((await blocker).status).toBe(200);
        return await answers;
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
    }

    /** An authentic delivery of a topic the hub keeps but does not act on: stored IGNORED, nothing queued. */
    const good = (n: number) => shopify(JSON.stringify({ id: n, title: `product ${n}` }), { 'X-Shopify-Topic': 'products/update' });

    const poisons: [string, () => Promise<Answer>, Partial<InboxRow>][] = [
      // JSON.parse's message quotes these bodies, NUL and all; that message used to be the stored error.
      ['a body with a NUL byte', () => shopify(Buffer.from('oops\u0000')), { status: 'REJECTED', error: 'the body holds a NUL byte (byte 4)' }],
      ['a UTF-16 body', () => shopify(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"id": 1}', 'utf16le')])), { status: 'REJECTED', error: 'the body looks UTF-16; send it as UTF-8 JSON' }],
      ['a gzip body', () => shopify(gzipSync('{"id": 1}')), { status: 'REJECTED', error: 'the body is gzip-compressed; send it as uncompressed UTF-8 JSON' }],
      [
        'a triggered-at PostgreSQL cannot store',
        () => shopify('{"id": 1}', { 'X-Shopify-Topic': 'products/update', 'X-Shopify-Triggered-At': '-271821-04-20T00:00:00Z' }),
        { status: 'IGNORED', triggered_at: null },
      ],
      ['a WMS confirmation with a NUL in a field', () => wms('{"type": "SHIPPED\\u0000", "eventId": "x"}'), { topic: 'shipment/SHIPPED\ufffd' }], // queued: a worker may already have judged it
    ];

    it.each(poisons)('%s is kept on its own and the 40 good deliveries beside it are all stored', async (_name, poison, expected) => {
      const answers = await inOneBatch(() => Array.from({ length: 41 }, (_, i) => (i === 20 ? poison() : good(i))));
      const poisoned = answers.splice(20, 1)[0];

      expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
      expect(new Set(answers.map((a) => a.body.status))).toEqual(new Set(['ignored']));
      const [{ count }] = await hub.sql<{ count: string }>('SELECT count(*) FROM inbox WHERE id = ANY($1::uuid[])', [answers.map((a) => a.body.inboxId)]);
      expect(Number(count)).toBe(40);

      expect(poisoned.status).toBeLessThan(300);
      const stored = await row(poisoned.body.inboxId);
      expect(stored).toMatchObject(expected);
      if (expected.error) expect(poisoned.body.reason).toBe(expected.error);
      expect(JSON.stringify(stored.headers)).not.toContain('\\u0000');
    });

    it('writes a batch PostgreSQL refuses row by row, so only the bad row fails', async () => {
      const writer = hub.app.get(InboxWriter);
      const newRow = (status: string): NewInboxRow => ({
        id: randomUUID(), source: 'SHOPIFY', account: SHOP, topic: 'products/update', dedupeKey: randomUUID(), eventId: null, bodyHash: 'h',
        rawBody: Buffer.from('{}'), redactedFields: [], headers: {}, correlationId: 'c', status: status as InboxStatus, error: null, triggeredAt: null,
      });
      // The CHECK on status is something no sanitising can fix: the batch fails, then each row alone.
      const rows = [newRow('IGNORED'), newRow('NOT-A-STATUS'), newRow('IGNORED')];
      const logged = jest.spyOn(writer['logger'] as Logger, 'error').mockImplementation(() => undefined);
      const outcomes = await Promise.allSettled(rows.map((r) => writer.write(r)));
      const calls = [...logged.mock.calls];
      logged.mockRestore();
      expect(calls).toEqual([[expect.objectContaining({ msg: 'inbox rows could not be stored', rows: 1, dedupeKey: rows[1].dedupeKey, code: '23514' })]]);
      expect(JSON.stringify(calls)).not.toContain('rawBody');
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23514' });
      const stored = await hub.sql<{ id: string }>('SELECT id FROM inbox WHERE id = ANY($1::uuid[]) ORDER BY id', [rows.map((r) => r.id)]);
      expect(stored.map((r) => r.id)).toEqual([rows[0].id, rows[2].id].sort());
    });

    it('notes a dropped triggered-at in the kept headers', async () => {
      const answer = await shopify('{"id": 2}', { 'X-Shopify-Topic': 'products/update', 'X-Shopify-Triggered-At': '1970-01-01T00:00:00Z' });
      const stored = await row(answer.body.inboxId);
      expect(stored.triggered_at).toBeNull();
      expect(stored.headers['x-hub-triggered-at']).toBe('ignored: not a timestamp between 2000 and now');
      expect(stored.headers['x-shopify-triggered-at']).toBe('1970-01-01T00:00:00Z');
    });
  });

  describe('card data', () => {
    let nextOrder = 0;
    function distinctOrder(): { body: string; id: string } {
      const base = fixture('order-create.json');
      nextOrder += 1;
      const id = `${orderIdOf(base).slice(0, 7)}${String(Date.now()).slice(-8)}${String(nextOrder).padStart(4, '0')}`;
      return { body: base.replace(new RegExp(orderIdOf(base), 'g'), id), id };
    }

    async function processedStatus(inboxId: unknown): Promise<string> {
      return eventually(async () => {
        const { status } = await row(inboxId);
        if (status === 'PENDING') throw new Error('still pending');
        return status;
      });
    }

    it('masks a card number in a body that is not JSON and never echoes the body', async () => {
      const answer = await shopify(`x ${PAN}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'rejected', reason: 'the body is not valid JSON' });
      expect(answer.text).not.toContain('4111');
      const stored = await row(answer.body.inboxId);
      expect(stored.error).toBe('the body is not valid JSON');
      expect(stored.raw_body.toString('latin1')).toBe('x ****************');
      expect(stored.redacted_fields).toEqual(['(unparsed body): 1 card number(s) masked']);
    });

    it('removes card_number and cvv nested 100 levels deep; the too-deep order is then rejected with its reason', async () => {
      const { body, id } = distinctOrder();
      const deep = '{"a":'.repeat(100) + `{"card_number": "${PAN}", "cvv": "987"}` + '}'.repeat(100);
      const answer = await shopify(body.replace(/\}\s*$/, `, "extra": ${deep}}`));
      expect(answer.status).toBe(202);
      const stored = await row(answer.body.inboxId);
      const text = stored.raw_body.toString('utf8');
      expect(text).not.toContain('4111');
      expect(text).not.toMatch(/cvv|987/);
      expect(text).toContain(`"id":${id}`);
      expect(stored.redacted_fields).toEqual([
        '…(90 levels).a.a.a.a.a.a.a.a.a.a.a.card_number',
        '…(90 levels).a.a.a.a.a.a.a.a.a.a.a.cvv',
      ]);
      // Card data goes at the door whatever the depth; processing refuses bodies nested past its parser's bound.
      expect(await processedStatus(answer.body.inboxId)).toBe('REJECTED');
      expect((await row(answer.body.inboxId)).error).toMatch(/nests deeper than 64 levels under "extra"/);
    });

    it('masks card numbers in note, note_attributes and line properties, keeps ids and non-Luhn numbers, and processes the order', async () => {
      const { body: base, id } = distinctOrder();
      const body = withField(base, 'note', `card 4111 1111 1111 1111 please`)
        .replace('"note_attributes": []', '"note_attributes": [{"name": "card", "value": "5555-5555-5555-4444"}, {"name": "po", "value": "4111111111111112"}]')
        .replace('"properties": []', '"properties": [{"name": "paid with", "value": "amex 378282246310005"}]');
      const answer = await shopify(body);
      expect(answer.status).toBe(202);
      const stored = await row(answer.body.inboxId);
      const text = stored.raw_body.toString('utf8');
      expect(text).toContain('"note":"card **** **** **** **** please"');
      expect(text).toContain('"value":"****-****-****-****"');
      expect(text).toContain('"value":"amex ***************"');
      expect(text).toContain('"value":"4111111111111112"');
      expect(text).toContain(`"id":${id}`);
      expect(text).toContain('"admin_graphql_api_id":"gid://shopify/LineItem/1612345678901234501"');
      expect(stored.redacted_fields).toEqual([
        'note (card number masked)',
        'note_attributes.0.value (card number masked)',
        'line_items.0.properties.0.value (card number masked)',
      ]);
      expect(await processedStatus(answer.body.inboxId)).toBe('PROCESSED');
      const res = await graphql(hub.app, READER_KEY, 'query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) { externalId } }', { id });
      expect(res.body.data.orderBySource).toEqual({ externalId: id });
    });

    it('stores an order without card data byte for byte', async () => {
      const { body } = distinctOrder();
      const answer = await shopify(body);
      const stored = await row(answer.body.inboxId);
      expect(stored.raw_body.toString('utf8')).toBe(body);
      expect(stored.redacted_fields).toEqual([]);
    });
  });
});
