import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { deliver, fixture, graphql, orderIdOf } from '../support/shopify-delivery.js';
import { freshDatabase } from '../support/test-database.js';
import { READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from '../support/test-hub.js';

jest.setTimeout(60_000);

interface GqlError {
  message: string;
  extensions: Record<string, unknown>;
}

const codes = (body: { errors?: GqlError[] }) => (body.errors ?? []).map((e) => e.extensions.code);
const errorWith = (body: { errors?: GqlError[] }, code: string) => body.errors?.find((e) => e.extensions.code === code);
/** What an answer must never show a caller: PostgreSQL's own words. */
const SQL_WORDS = /syntax|uuid|timestamp|relation|SELECT|postgres|out of range for type/i;

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** The demo's page query (demo/state.ts): a page of 100 orders with what the demo reads of each. */
const DEMO_PAGE = `query($after: String) { orders(first: 100, after: $after, filter: { channel: SHOPIFY }) {
  edges { node { id externalId orderNumber status holdReasons
    erpReferences { documentType documentKey postingStatus postedAt }
    fulfillmentRequests { id locationRef method system status deliveryStatus lines { lineRef quantity } }
    shipments { id kind status source requestId trackingNumbers channelStatus channelReference channelNotifiedAt receivedAt
                lines { lineRef quantity } erp { postingStatus } } } }
  pageInfo { hasNextPage endCursor } } }`;

describe('GraphQL limits (PostgreSQL + Redis)', () => {
  let hub: TestHub;
  const prefix = `e2e-gql-limits-${randomUUID()}`;
  const TIMEOUT_MS = 1500;

  beforeAll(async () => {
    hub = await startHub({
      databaseUrl: await freshDatabase('graphql_limits'),
      queuePrefix: prefix,
      // Two slots and a short line make the busy answer quick to reach; the rest are the defaults.
      env: { GRAPHQL_TIMEOUT_MS: String(TIMEOUT_MS), GRAPHQL_MAX_CONCURRENT: '2', GRAPHQL_QUEUE_TIMEOUT_MS: '300', GRAPHQL_TIME_SHARE_PERCENT: '100' },
    });
    for (let n = 0; n < 3; n++) {
      const base = fixture('order-create.json');
      const body = base.replace(new RegExp(orderIdOf(base), 'g'), `${Date.now()}${n}`);
      const res = await deliver(hub.app, { body });
      expect(res.status).toBe(202);
    }
    await eventually(async () => {
      const [row] = await hub.sql<{ n: number }>('SELECT count(*)::int AS n FROM orders');
      if (row.n < 3) throw new Error(`${row.n} orders so far`);
    });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i.toString(36)}: orders(first: 100) { ...O }`).join(' ')} }
    fragment O on OrderConnection { edges { node { lines { id } history { at } } } }`;

  it('refuses 10,000 aliases of a page at once, by its size, while the hub stays ready', async () => {
    const started = Date.now();
    const [res, ready] = await Promise.all([graphql(hub.app, READER_KEY, aliased(10_000)), request(hub.app.getHttpServer()).get('/health/ready')]);
    const elapsed = Date.now() - started;
    expect({ status: res.status, ready: ready.status, data: res.body.data, errors: res.body.errors?.map((e: GqlError) => e.extensions) })
      .toEqual({ status: 413, ready: 200, data: null, errors: [{ code: 'PAYLOAD_TOO_LARGE' }] });
    expect(elapsed).toBeLessThan(2000);
  });

  it('refuses a query past the token limit before parsing it all', async () => {
    // 3,000 aliases fit in the body (about 80 KiB) but not in 25,000 tokens.
    const res = await graphql(hub.app, READER_KEY, aliased(3000));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_LARGE', limit: 25_000 } })]);
  });

  it('refuses 1,500 aliases by their number and fields, and 12 heavy pages by their cost', async () => {
    const many = await graphql(hub.app, READER_KEY, aliased(1500));
    expect(many.status).toBe(400);
    expect(many.body.errors.map((e: GqlError) => e.extensions)).toEqual([
      { code: 'TOO_MANY_ALIASES', aliases: 1500, limit: 30 },
      // Each alias: orders, edges, node, lines, id, history, at.
      { code: 'TOO_MANY_FIELDS', fields: 1500 * 7, limit: 500 },
    ]);
    const heavy = await graphql(hub.app, READER_KEY, `{ ${Array.from({ length: 12 }, (_, i) => `a${i}: orders(first: 100) { edges { node { id lines { id sku quantity } history { at } } } }`).join(' ')} }`);
    expect(heavy.status).toBe(400);
    // Each alias: 1 + 100 × (edges 1 + node 1 + id 1 + lines 4 + history 2) = 901.
    expect(heavy.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', cost: 12 * 901, limit: 10_000 } })]);
  });

  it('refuses a page size times a nested selection by its computed cost, page sizes given as variables included', async () => {
    const query = 'query($n: Int!) { orders(first: $n) { edges { node { id lines { id sku } history { at reason } } } } }';
    const res = await graphql(hub.app, READER_KEY, query, { n: 5000 });
    expect(res.status).toBe(400);
    // 1 + 5000 × (edges 1 + node 1 + id 1 + lines 3 + history 3)
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', cost: 45_001, limit: 10_000 } })]);

    const small = await graphql(hub.app, READER_KEY, query, { n: 2 });
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data.orders.edges).toHaveLength(2);
  });

  it('refuses a query nested deeper than the limit', async () => {
    const deep = `{ __schema { types { fields { type ${'{ ofType '.repeat(14)}{ name }${' }'.repeat(14)} } } } }`;
    const res = await graphql(hub.app, READER_KEY, deep);
    expect(res.status).toBe(400);
    expect(errorWith(res.body, 'QUERY_TOO_DEEP')?.extensions).toEqual({ code: 'QUERY_TOO_DEEP', depth: 19, limit: 15 });
  });

  it('refuses too many field selections, fragments counted once per spread', async () => {
    const spreads = Array.from({ length: 130 }, () => '...F').join(' ');
    const res = await graphql(hub.app, READER_KEY, `{ orders(first: 1) { edges { node { ${spreads} } } } } fragment F on Order { id status currencyCode placedAt }`);
    expect(res.status).toBe(400);
    expect(errorWith(res.body, 'TOO_MANY_FIELDS')?.extensions).toEqual({ code: 'TOO_MANY_FIELDS', fields: 523, limit: 500 });
  });

  it('answers the demo\'s page query and the existing tests\' queries within the limits', async () => {
    const page = await graphql(hub.app, READER_KEY, DEMO_PAGE, { after: null });
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data.orders.edges).toHaveLength(3);
    const postings = await graphql(hub.app, READER_KEY, '{ postings(first: 500) { documentType documentKey lastError } }');
    expect(postings.body.errors).toBeUndefined();
    const worklist = await graphql(hub.app, READER_KEY, '{ unmappedValues { kind sourceValue orderCount since } }');
    expect(worklist.body).toEqual({ data: { unmappedValues: [] } });
  });

  it('answers INVALID_CURSOR for a tampered cursor, whatever it decodes to, with no SQL in sight', async () => {
    const uuid = randomUUID();
    const tampered = [
      'bm9wZQ', // "nope"
      '!!!not base64!!!',
      base64url(`2024-01-01T00:00:00.000Z|not-a-uuid`),
      base64url(`2024-01-01T00:00:00.000Z|${uuid.slice(0, 35)}x`),
      base64url(`-271821-04-20T00:00:00.000Z|${uuid}`),
      base64url(`0000-01-01T00:00:00.000Z|${uuid}`),
      base64url(`tuesday|${uuid}`),
      base64url(`2024-01-01T00:00:00.000Z|${uuid}|extra`),
    ];
    for (const after of tampered) {
      const res = await graphql(hub.app, READER_KEY, 'query($after: String) { orders(first: 2, after: $after) { edges { cursor } } }', { after });
      expect({ after, extensions: res.body.errors?.[0]?.extensions }).toEqual({ after, extensions: { code: 'INVALID_CURSOR', field: 'after' } });
      expect(res.body.errors[0].message).not.toMatch(SQL_WORDS);
    }
    const good = base64url(`2999-01-01T00:00:00.000Z|${uuid}`);
    const res = await graphql(hub.app, READER_KEY, 'query($after: String) { orders(first: 2, after: $after) { edges { cursor } } }', { after: good });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.orders.edges).toHaveLength(2);
  });

  it('answers VALIDATION_FAILED naming the argument for values out of range', async () => {
    const literal = await graphql(hub.app, READER_KEY, '{ orders(first: 2147483648) { edges { cursor } } }');
    expect(literal.status).toBe(400);
    expect(literal.body.errors[0].extensions).toEqual({ code: 'VALIDATION_FAILED', field: 'first' });
    const variable = await graphql(hub.app, READER_KEY, 'query($n: Int) { postings(first: $n) { id } }', { n: 2147483648 });
    expect(variable.body.errors[0].extensions).toEqual({ code: 'VALIDATION_FAILED', field: '$n' });
    const negative = await graphql(hub.app, READER_KEY, '{ orders(first: -1) { edges { cursor } } }');
    expect(negative.body.errors[0].extensions).toEqual({ code: 'INVALID_PAGE_SIZE', field: 'first' });
    const ancient = await graphql(hub.app, READER_KEY, '{ orders(filter: { placedFrom: "-100000-01-01T00:00:00.000Z" }) { edges { cursor } } }');
    expect(ancient.body.errors[0].extensions).toEqual({ code: 'VALIDATION_FAILED', field: 'filter.placedFrom' });
    for (const res of [literal, variable, negative, ancient]) expect(res.body.errors[0].message).not.toMatch(/SELECT|postgres|relation/i);
  });

  it('cancels a query that outlives GRAPHQL_TIMEOUT_MS in PostgreSQL itself, refuses what exceeds the slots, and keeps serving webhooks and reads', async () => {
    const locker = new pg.Client({ connectionString: hub.config.databaseUrl! });
    await locker.connect();
    try {
      // The postings read now waits on the lock until its statement timeout cancels it.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE postings IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const slow = [1, 2, 3].map(() => graphql(hub.app, READER_KEY, '{ postings { id } }').then((res) => ({ res, ms: Date.now() - started })));
      const base = fixture('order-create.json');
      const webhook = await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), `${Date.now()}9`) });
      const ready = await request(hub.app.getHttpServer()).get('/health/ready');
      expect(webhook.status).toBe(202);
      expect(ready.status).toBe(200);
      const answers = await Promise.all(slow);

      const timedOut = answers.filter((a) => codes(a.res.body).includes('QUERY_TIMEOUT'));
      const busy = answers.filter((a) => codes(a.res.body).includes('GRAPHQL_BUSY'));
      expect(timedOut).toHaveLength(2);
      expect(busy).toHaveLength(1);
      expect(busy[0].res.status).toBe(503);
      expect(busy[0].ms).toBeLessThan(TIMEOUT_MS);
      for (const a of timedOut) {
        expect(a.res.status).toBe(200);
        expect(errorWith(a.res.body, 'QUERY_TIMEOUT')?.extensions).toEqual({ code: 'QUERY_TIMEOUT', limit: TIMEOUT_MS });
        expect(a.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
        expect(a.ms).toBeLessThan(TIMEOUT_MS + 3000);
      }
      // Cancelled by the server, not abandoned: no GraphQL statement is still waiting on the lock.
      const [waiting] = (await locker.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'retail-sync-hub:graphql' AND state = 'active'",
      )).rows as { n: number }[];
      expect(waiting.n).toBe(0);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const after = await graphql(hub.app, READER_KEY, '{ postings { id } }');
    expect(after.body).toEqual({ data: { postings: [] } });
  });

  it('holds the whole query to one deadline: a statement that would start after it is never sent', async () => {
    const locker = new pg.Client({ connectionString: hub.config.databaseUrl! });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE postings IN ACCESS EXCLUSIVE MODE');
      // Three reads, two read sessions (GRAPHQL_MAX_CONCURRENT): the third gets a session only once the deadline has passed.
      const res = await graphql(hub.app, READER_KEY, '{ a: postings { id } b: postings { id } c: postings { id } }');
      expect(codes(res.body)).toContain('QUERY_TIMEOUT');
      expect(res.body.data).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [waiting] = (await locker.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'retail-sync-hub:graphql' AND state = 'active'",
      )).rows as { n: number }[];
      expect(waiting.n).toBe(0);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });
});
