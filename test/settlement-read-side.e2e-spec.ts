import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { GraphQLReads } from '../src/platform/graphql/graphql-reads.js';
import { SettlementMatchingService } from '../src/modules/settlements/settlement-matching.service.js';
import { countQueries } from './support/count-queries.js';
import { graphql } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url)));

/** The read side: reports, payouts, lines and their matches, breaks and their audited actions, the period's variance, an order's trail. */
describe('settlements over GraphQL', () => {
  let hub: TestHub;
  const prefix = `e2e-settlement-graphql-${randomUUID()}`;
  const orderId = randomUUID();

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_graphql'), queuePrefix: prefix, role: 'api' });
    const order = (id: string, externalId: string, subtotal: number, discounts: number, shipping: number, tax: number) => hub.sql(`
      INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at, payment_status,
        risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
      VALUES ($1, 'AMAZON', 'de', $2, $2, 'RECEIVED', 'EUR', now(), now(), 'PAID', 'ACCEPT', 'COMPUTED', false, $3, $4, $5, $6, $7)`,
    [id, externalId, subtotal, discounts, tax, shipping, subtotal - discounts + shipping + tax]);
    await order(orderId, '302-1111111-1111111', 119900, 0, 499, 22781);
    await order(randomUUID(), '302-2222222-2222222', 5000, 500, 0, 950);
    for (const name of ['amazon-v2-settlement-1.tsv', 'amazon-v2-settlement-2.tsv']) {
      const res = await request(hub.app.getHttpServer()).post(`/admin/settlements/imports?format=AMAZON_V2&fileName=${name}`)
        .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'text/tab-separated-values').send(fixture(name));
      expect(res.body.status).toBe('IMPORTED');
    }
    await hub.app.get(SettlementMatchingService).run();
  });
  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const query = async (key: string, text: string, variables: Json = {}) => {
    const res = await graphql(hub.app, key, text, variables);
    return res.body as { data?: Json; errors?: Json[] };
  };

  it('lists reports with their lines, each line with the match that consumed it', async () => {
    const { data, errors } = await query(READER_KEY, `{ settlements(first: 1) { nodes { reportId format status controlExpected { amount currencyCode }
      lines(first: 3) { component providerKey amount { amount } match { kind items { side amount { amount } } } } } pageInfo { hasNextPage endCursor } } }`);
    expect(errors).toBeUndefined();
    const [node] = data!.settlements.nodes;
    expect(node).toMatchObject({ reportId: '11822222222', format: 'AMAZON_V2', status: 'IMPORTED', controlExpected: { amount: '48.29', currencyCode: 'EUR' } });
    expect(node.lines.map((l: Json) => `${l.component}:${l.amount.amount}`)).toEqual(['PAYOUT:48.29', 'REFUND:-50.00', 'REFUND:-9.50']);
    expect(data!.settlements.pageInfo.hasNextPage).toBe(true);
    const next = await query(READER_KEY, `query($after: String) { settlements(first: 5, after: $after) { nodes { reportId } } }`, { after: data!.settlements.pageInfo.endCursor });
    expect(next.data!.settlements.nodes).toEqual([{ reportId: '11811111111' }]);
  });

  it('lists payouts with their lines: the Amazon reserve held in one settlement and released in the next', async () => {
    const { data, errors } = await query(READER_KEY, `{ payouts(filter: { channel: "AMAZON" }) { nodes { payoutRef status amount { amount }
      lines { component amount { amount } } bankLines { id } match { id } } } }`);
    expect(errors).toBeUndefined();
    const reserves = data!.payouts.nodes.map((p: Json) => ({
      payoutRef: p.payoutRef, amount: p.amount.amount,
      reserve: p.lines.filter((l: Json) => l.component.startsWith('RESERVE')).map((l: Json) => `${l.component}:${l.amount.amount}`),
    }));
    expect(reserves).toEqual([
      { payoutRef: '11822222222', amount: '48.29', reserve: ['RESERVE_RELEASE:100.00'] },
      { payoutRef: '11811111111', amount: '1193.58', reserve: ['RESERVE_HOLD:-100.00'] },
    ]);
    const unmatched = await query(READER_KEY, '{ payouts(filter: { matched: false }) { nodes { payoutRef } } }');
    expect(unmatched.data!.payouts.nodes).toHaveLength(2);
  });

  it('shows an order-line match with both sides, and an order\'s money trail from expected to payout', async () => {
    const { data, errors } = await query(READER_KEY, `query($id: ID!) { order(id: $id) { settlement { orderId
      expected { component amount { amount } } settled { component amount { amount } payoutRef match { kind items { side } } }
      payouts { payoutRef amount { amount } bankLines { amount { amount } } } erp { target } } } }`, { id: orderId });
    expect(errors).toBeUndefined();
    const trail = data!.order.settlement;
    expect(trail.expected.map((l: Json) => `${l.component}:${l.amount.amount}`).sort()).toEqual(['PRINCIPAL:1199.00', 'SHIPPING:4.99', 'TAX:227.81']);
    const principal = trail.settled.find((l: Json) => l.component === 'PRINCIPAL');
    expect(principal).toMatchObject({ amount: { amount: '1199.00' }, payoutRef: '11811111111', match: { kind: 'ORDER_LINE', items: [{ side: 'REPORTED' }, { side: 'EXPECTED' }] } });
    expect(trail.settled.filter((l: Json) => l.component === 'FEE').map((l: Json) => l.amount.amount).sort()).toEqual(['-179.85', '-5.37']);
    expect(trail.payouts).toEqual([{ payoutRef: '11811111111', amount: { amount: '1193.58' }, bankLines: [] }]);
    expect(trail.erp).toEqual([]);
  });

  it('filters breaks by category, channel, age and status, and gives the period\'s variance per channel and component', async () => {
    const { data, errors } = await query(READER_KEY, `{ breaks(filter: { category: "UNKNOWN_FEE_TYPE", channel: "AMAZON", minAge: 0 }, first: 50) {
      nodes { category amount { amount currencyCode } status ageDays explanation } } }`);
    expect(errors).toBeUndefined();
    // Nothing maps Amazon's fee types yet: each one is a break with its exact sum; the unknown triple is one too.
    expect(data!.breaks.nodes.map((b: Json) => b.amount.amount).sort()).toEqual(['-1.50', '-179.85', '-3.21', '-5.37']);
    expect(data!.breaks.nodes.map((b: Json) => b.explanation)).toContain(
      'fee type "Commission" (AMAZON) has no FEE_TYPE mapping to a GL account; 3 fee line(s) from amazon-v2-settlement-1.tsv:6 on, -17985 minor units of EUR in all');
    expect(data!.breaks.nodes.every((b: Json) => b.status === 'OPEN' && b.ageDays === 0)).toBe(true);
    const old = await query(READER_KEY, '{ breaks(filter: { minAge: 1 }) { nodes { id } } }');
    expect(old.data!.breaks.nodes).toEqual([]);

    const rec = await query(READER_KEY, `{ reconciliation(period: { from: "2026-03-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" }) { openBreaks
      rows { channel component currency expected { amount } reported { amount } matched { amount } unmatched { amount } variance { amount } } } }`);
    expect(rec.errors).toBeUndefined();
    const principal = rec.data!.reconciliation.rows.find((r: Json) => r.component === 'PRINCIPAL');
    expect(principal).toEqual({
      channel: 'AMAZON', component: 'PRINCIPAL', currency: 'EUR', expected: { amount: '0.00' }, reported: { amount: '1249.00' },
      matched: { amount: '1249.00' }, unmatched: { amount: '0.00' }, variance: { amount: '1249.00' },
    });
  });

  it('lets an operator acknowledge and resolve a break with a note, audited; a reader may not; a note is required', async () => {
    const { data } = await query(READER_KEY, '{ breaks(filter: { category: "UNKNOWN_FEE_TYPE" }, first: 1) { nodes { id } } }');
    const id = data!.breaks.nodes[0].id;
    const mutate = (key: string, name: string, note: string) => query(key, `mutation($id: ID!, $note: String!) { ${name}(id: $id, note: $note) { id status statusBy note } }`, { id, note });
    expect((await mutate(READER_KEY, 'acknowledgeBreak', 'seen')).errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await mutate(ADMIN_KEY, 'acknowledgeBreak', '  ')).errors![0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'note' });
    expect((await mutate(ADMIN_KEY, 'acknowledgeBreak', 'asked Amazon')).data!.acknowledgeBreak).toMatchObject({ id, status: 'ACKNOWLEDGED', note: 'asked Amazon' });
    expect((await mutate(ADMIN_KEY, 'resolveBreak', 'booked by hand')).data!.resolveBreak).toMatchObject({ id, status: 'RESOLVED', statusBy: expect.stringMatching(/^admin/) });
    expect((await mutate(ADMIN_KEY, 'resolveBreak', 'again')).errors![0].extensions).toMatchObject({ code: 'CONFLICT' });
    const audit = await query(READER_KEY, '{ breaks(filter: { status: "RESOLVED" }) { nodes { id actions { action actor note } } } }');
    expect(audit.data!.breaks.nodes.find((b: Json) => b.id === id).actions).toEqual([
      { action: 'ACKNOWLEDGE', actor: expect.stringMatching(/^admin/), note: 'asked Amazon' }, { action: 'RESOLVE', actor: expect.stringMatching(/^admin/), note: 'booked by hand' },
    ]);
  });

  it('reads a page with every child in a fixed number of statements, however long the page', async () => {
    const text = `query($first: Int!) { settlements(first: $first) { nodes { id lines(first: 50) { id match { id items { id } } } breaks { id actions { action } } } } }`;
    const counted = async (first: number) => (await countQueries(hub.app.get(GraphQLReads), (correlationId) =>
      graphql(hub.app, READER_KEY, text, { first }).set('X-Correlation-Id', correlationId))).queries;
    // One statement per selected table (the page, lines, matches, match items, breaks, actions), not per report or line.
    expect(await counted(10)).toBe(6);
    const breaks = await countQueries(hub.app.get(GraphQLReads), (correlationId) =>
      graphql(hub.app, READER_KEY, '{ breaks(first: 50) { nodes { id actions { action } } } }').set('X-Correlation-Id', correlationId));
    expect(breaks.queries).toBe(2);
  });

  const csv = (path: string, key = READER_KEY) => request(hub.app.getHttpServer()).get(path).set('Authorization', `Bearer ${key}`)
    .buffer(true).parse((res, done) => { let text = ''; res.setEncoding('utf8'); res.on('data', (c: string) => { text += c; }); res.on('end', () => done(null, text)); });

  it('exports breaks as CSV for finance: RFC 4180 quoting, decimal and minor amounts, filters', async () => {
    const res = await csv('/admin/settlements/breaks.csv?category=UNKNOWN_FEE_TYPE');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="breaks.csv"');
    const [header, ...rows] = parse(res.body as string) as string[][];
    expect(header.slice(0, 7)).toEqual(['break_id', 'category', 'status', 'channel', 'currency', 'amount', 'amount_minor']);
    expect(rows.map((r) => `${r[1]}:${r[5]}:${r[6]}`).sort()).toEqual(['UNKNOWN_FEE_TYPE:-1.50:-150', 'UNKNOWN_FEE_TYPE:-179.85:-17985', 'UNKNOWN_FEE_TYPE:-3.21:-321', 'UNKNOWN_FEE_TYPE:-5.37:-537']);
    // The explanation holds quotes and commas: quoted, inner quotes doubled.
    expect(res.body as string).toContain('"fee type ""Commission"" (AMAZON) has no FEE_TYPE mapping to a GL account; 3 fee line(s) from amazon-v2-settlement-1.tsv:6 on, -17985 minor units of EUR in all"');
    expect((await csv('/admin/settlements/breaks.csv?status=CLOSED')).status).toBe(400);
    expect((await csv('/admin/settlements/breaks.csv', 'no-such-key')).status).toBe(401);
  });

  it('exports matches as CSV, one row per matched line with its match', async () => {
    const res = await csv('/admin/settlements/matches.csv?kind=ORDER_LINE');
    expect(res.status).toBe(200);
    const [header, ...rows] = parse(res.body as string) as string[][];
    expect(header).toEqual(['match_id', 'kind', 'rule', 'tolerance_used_minor', 'matched_at', 'line_id', 'side', 'component', 'fee_type', 'channel',
      'order_ref', 'payout_ref', 'transaction_ref', 'currency', 'amount', 'amount_minor', 'lineage']);
    const [{ n }] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM settlement_match_items i JOIN settlement_matches m ON m.id = i.match_id WHERE m.kind = 'ORDER_LINE'`);
    expect(rows).toHaveLength(n);
    const principal = rows.filter((r) => r[10] === '302-1111111-1111111' && r[7] === 'PRINCIPAL');
    expect(principal.map((r) => `${r[6]}:${r[14]}:${r[15]}`).sort()).toEqual(['EXPECTED:1199.00:119900', 'REPORTED:1199.00:119900']);
    expect(new Set(principal.map((r) => r[0])).size).toBe(1);
  });

  it('follows a storefront order paid through Stripe into Stripe\'s payout: the provider\'s lines join its trail', async () => {
    const stripeOrder = randomUUID();
    await hub.sql(`INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at, payment_status,
        risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
      VALUES ($1, 'ADOBE_COMMERCE', 'eu', '88001', '000088001', 'RELEASED', 'USD', now(), now(), 'PAID', 'ACCEPT', 'COMPUTED', true, 10000, 0, 0, 0, 10000)`, [stripeOrder]);
    await hub.sql(`INSERT INTO order_tenders (id, order_id, position, kind, gateway, currency_code, authorized, captured) VALUES ($1, $2, 0, 'CARD', 'stripe_payments', 'USD', 10000, 10000)`,
      [randomUUID(), stripeOrder]);
    const report = [
      { id: 'txn_po88', object: 'balance_transaction', amount: -9680, fee: 0, net: -9680, currency: 'usd', created: 1772870400, reporting_category: 'payout', type: 'payout', source: 'po_88' },
      { id: 'txn_ch88', object: 'balance_transaction', amount: 10000, fee: 320, net: 9680, currency: 'usd', created: 1772697600, available_on: 1772870400,
        reporting_category: 'charge', type: 'charge', fee_details: [{ amount: 320, currency: 'usd', type: 'stripe_fee' }], source: { id: 'ch_88', metadata: { order_id: '000088001' } } },
    ].map((line) => JSON.stringify(line)).join('\n');
    const res = await request(hub.app.getHttpServer()).post('/admin/settlements/imports?format=STRIPE&fileName=po_88.jsonl')
      .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'text/plain').send(report);
    expect(res.body.status).toBe('IMPORTED');
    await hub.app.get(SettlementMatchingService).run();

    const { data, errors } = await query(READER_KEY, `query($id: ID!) { order(id: $id) { settlement {
      expected { channel component amount { amount } } settled { channel component amount { amount } match { kind } } payouts { payoutRef amount { amount } } } } }`, { id: stripeOrder });
    expect(errors).toBeUndefined();
    expect(data!.order.settlement).toEqual({
      expected: [{ channel: 'STRIPE', component: 'PRINCIPAL', amount: { amount: '100.00' } }],
      settled: [
        { channel: 'STRIPE', component: 'PRINCIPAL', amount: { amount: '100.00' }, match: { kind: 'ORDER_LINE' } },
        { channel: 'STRIPE', component: 'FEE', amount: { amount: '-3.20' }, match: null },
      ],
      payouts: [{ payoutRef: 'po_88', amount: { amount: '96.80' } }],
    });
  });
});
