import { jest } from '@jest/globals';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { deliver, fixture, graphql, orderIdOf } from './support/shopify-delivery.js';
import { refundBody, returnBody, type RefundSpec } from './support/shopify-refund.js';
import { RefundSettlementsService } from '../src/modules/returns/refund-settlements.service.js';
import { inTransaction } from '../src/platform/database/sql.js';
import { DataSource } from 'typeorm';
import { freshDatabase } from './support/test-database.js';
import { READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(30_000);

/** order-create.json: line …501 is 2 × 89.00 with 13.19 off and 14.62 tax; the order captured 214.98. */
const JACKET_LINE = '1612345678901234501';

let next = 0;
const uniqueId = (prefix: string) => `${prefix}${String(Date.now()).slice(-8)}${String((next += 1)).padStart(4, '0')}`;

async function processed(hub: TestHub, inboxId: string): Promise<{ status: string; error: string | null }> {
  return eventually(async () => {
    const [row] = await hub.sql<{ status: string; error: string | null }>('SELECT status, error FROM inbox WHERE id = $1', [inboxId]);
    if (!row || row.status === 'PENDING') throw new Error(`inbox ${inboxId} still pending`);
    return row;
  });
}

async function placeOrder(hub: TestHub): Promise<string> {
  const base = fixture('order-create.json');
  const id = uniqueId('60123');
  const res = await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), id) });
  expect((await processed(hub, res.body.inboxId)).status).toBe('PROCESSED');
  return id;
}

async function refund(hub: TestHub, spec: RefundSpec, eventId: string = randomUUID()) {
  const res = await deliver(hub.app, { topic: 'refunds/create', body: refundBody(spec) }).set('X-Shopify-Event-Id', eventId);
  expect(res.status).toBe(202);
  return processed(hub, res.body.inboxId);
}

interface RefundRow { id: string; state: string; reason: string | null; total: string; case_id: string }
async function refundRow(hub: TestHub, externalId: string): Promise<RefundRow> {
  const [row] = await hub.sql<RefundRow>('SELECT id, state, reason, total::text AS total, case_id FROM return_refunds WHERE external_id = $1', [externalId]);
  return row;
}

describe('Shopify refunds become return cases, to the cent (PostgreSQL + Redis)', () => {
  let hub: TestHub;
  const prefix = `e2e-refunds-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('refunds'), queuePrefix: prefix });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  it('refunds one of two discounted, taxed units from the channel figures, not price × quantity', async () => {
    const orderId = await placeOrder(hub);
    const refundId = uniqueId('88');
    // Shopify's own split of 2 × 89.00 − 13.19: 82.40 for this unit (82.405 is not money), and half the tax.
    const outcome = await refund(hub, {
      id: refundId, orderId, returnId: uniqueId('62'),
      lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31', locationId: '730001' }],
      transactions: [{ id: uniqueId('55'), amount: '89.71' }],
    });
    expect(outcome).toEqual({ status: 'PROCESSED', error: null });
    const row = await refundRow(hub, refundId);
    expect(row).toMatchObject({ state: 'READY', reason: null, total: '8971' });
    const parts = await hub.sql('SELECT kind, line_ref, quantity, amount::text AS amount FROM return_refund_components WHERE refund_id = $1 ORDER BY position', [row.id]);
    expect(parts).toEqual([
      { kind: 'LINE_SUBTOTAL', line_ref: JACKET_LINE, quantity: 1, amount: '8240' },
      { kind: 'LINE_TAX', line_ref: JACKET_LINE, quantity: 1, amount: '731' },
    ]);
    const [kase] = await hub.sql<{ status: string; order_id: string | null; return_ref: string }>('SELECT status, order_id, return_ref FROM return_cases WHERE id = $1', [row.case_id]);
    expect(kase.status).toBe('REFUNDED');
    expect(kase.order_id).not.toBeNull();
    const lines = await hub.sql('SELECT line_ref, refunded FROM return_lines WHERE case_id = $1', [row.case_id]);
    expect(lines).toEqual([{ line_ref: JACKET_LINE, refunded: 1 }]);
  });

  it('applies a refund once, however often Shopify fires it', async () => {
    const orderId = await placeOrder(hub);
    const spec: RefundSpec = { id: uniqueId('88'), orderId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }] };
    const eventId = randomUUID();
    await refund(hub, spec, eventId);
    const again = await refund(hub, spec, eventId);
    expect(again.status).toBe('PROCESSED');
    expect(again.error).toMatch(/^duplicate: SHOPIFY event .* was applied before$/);
    // A redelivery under a new event id (a re-fetch) finds the same refund and counts nothing twice.
    await refund(hub, spec);
    const rows = await hub.sql<{ case_id: string }>('SELECT case_id FROM return_refunds WHERE external_id = $1', [spec.id]);
    expect(rows).toHaveLength(1);
    const lines = await hub.sql('SELECT refunded FROM return_lines WHERE case_id = $1', [rows[0].case_id]);
    expect(lines).toEqual([{ refunded: 1 }]);
    const events = await hub.sql('SELECT count(*)::int AS n FROM return_events WHERE case_id = $1', [rows[0].case_id]);
    expect(events).toEqual([{ n: 2 }]);
  });

  it('waits on a pending transaction and accepts the refund once it succeeds', async () => {
    const orderId = await placeOrder(hub);
    const tx = uniqueId('55');
    const spec: RefundSpec = { id: uniqueId('88'), orderId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: tx, amount: '89.71', status: 'pending' }] };
    await refund(hub, spec);
    expect(await refundRow(hub, spec.id)).toMatchObject({ state: 'WAITING', reason: 'TRANSACTION_PENDING' });
    await refund(hub, { ...spec, transactions: [{ id: tx, amount: '89.71', status: 'success' }] });
    expect(await refundRow(hub, spec.id)).toMatchObject({ state: 'READY', reason: null });
  });

  it('posts nothing for a failed transaction and holds the case with the reason', async () => {
    const orderId = await placeOrder(hub);
    const spec: RefundSpec = { id: uniqueId('88'), orderId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71', status: 'failure' }] };
    await refund(hub, spec);
    const row = await refundRow(hub, spec.id);
    expect(row).toMatchObject({ state: 'FAILED', reason: 'TRANSACTION_FAILED' });
    const [kase] = await hub.sql('SELECT status, hold_reason FROM return_cases WHERE id = $1', [row.case_id]);
    expect(kase).toEqual({ status: 'ON_HOLD', hold_reason: 'TRANSACTION_FAILED' });
  });

  it('counts two refunds of the same amount as two, and holds the one that passes the capture', async () => {
    const orderId = await placeOrder(hub);
    const line = { lineItemId: JACKET_LINE, quantity: 1, subtotal: '100.00', tax: '0.00' };
    const first = { id: uniqueId('88'), orderId, lines: [line], transactions: [{ id: uniqueId('55'), amount: '100.00' }] };
    const second = { id: uniqueId('88'), orderId, lines: [line], transactions: [{ id: uniqueId('55'), amount: '100.00' }] };
    const third = { id: uniqueId('88'), orderId, shipping: '9.95', shippingAdjustment: false, transactions: [{ id: uniqueId('55'), amount: '14.99' }], discrepancy: '5.04' };
    await refund(hub, first);
    await refund(hub, second);
    await refund(hub, third);
    expect((await refundRow(hub, first.id)).state).toBe('READY');
    expect((await refundRow(hub, second.id)).state).toBe('READY');
    // 214.98 captured − 200.00 refunded leaves 14.98: a 14.99 refund is one cent too many.
    expect(await refundRow(hub, third.id)).toMatchObject({ state: 'HELD', reason: 'REFUND_EXCEEDS_CAPTURE', total: '1499' });
  });

  it('takes shipping from refund_shipping_lines once and a discrepancy as an adjustment; a gift card stays a gift card', async () => {
    const orderId = await placeOrder(hub);
    const spec: RefundSpec = {
      id: uniqueId('88'), orderId, shipping: '9.95', discrepancy: '1.00',
      transactions: [{ id: uniqueId('55'), amount: '5.95' }, { id: uniqueId('55'), amount: '5.00', gateway: 'gift_card' }],
    };
    await refund(hub, spec);
    const row = await refundRow(hub, spec.id);
    expect(row).toMatchObject({ state: 'READY', total: '1095' });
    const parts = await hub.sql('SELECT kind, amount::text AS amount FROM return_refund_components WHERE refund_id = $1 ORDER BY position', [row.id]);
    expect(parts).toEqual([{ kind: 'SHIPPING', amount: '995' }, { kind: 'ADJUSTMENT', amount: '100' }]);
    const tenders = await hub.sql('SELECT tender, amount::text AS amount FROM return_refund_transactions WHERE refund_id = $1 ORDER BY amount', [row.id]);
    expect(tenders).toEqual([{ tender: 'GIFT_CARD', amount: '500' }, { tender: 'ORIGINAL_PAYMENT', amount: '595' }]);
  });

  it('keeps a refund of an order the hub does not hold yet, waiting with the reason', async () => {
    const spec: RefundSpec = { id: uniqueId('88'), orderId: uniqueId('99'), lines: [{ lineItemId: '77', quantity: 1, subtotal: '10.00', tax: '0.00' }], transactions: [{ id: uniqueId('55'), amount: '10.00' }] };
    await refund(hub, spec);
    expect(await refundRow(hub, spec.id)).toMatchObject({ state: 'WAITING', reason: 'ORDER_UNKNOWN' });
  });

  it('judges a refund that came before its order as soon as the order is released, with no other event on its case', async () => {
    const orderId = uniqueId('60123');
    const spec: RefundSpec = { id: uniqueId('88'), orderId, lines: [{ lineItemId: '1612345678901234502', quantity: 1, subtotal: '24.50', tax: '2.02' }], transactions: [{ id: uniqueId('55'), amount: '26.52' }] };
    await refund(hub, spec);
    expect(await refundRow(hub, spec.id)).toMatchObject({ state: 'WAITING', reason: 'ORDER_UNKNOWN' });
    const base = fixture('order-create.json');
    const res = await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), orderId) });
    expect((await processed(hub, res.body.inboxId)).status).toBe('PROCESSED');
    const row = await refundRow(hub, spec.id);
    expect(row).toMatchObject({ state: 'READY', reason: null, total: '2652' });
    const [kase] = await hub.sql<{ order_id: string | null }>('SELECT order_id FROM return_cases WHERE id = $1', [row.case_id]);
    expect(kase.order_id).not.toBeNull();
  });

  it('a refund that came before a tax-inclusive order is totalled by that order\'s rule once it arrives: the tax is not counted twice', async () => {
    const orderId = uniqueId('60123');
    // The socks line at 24.50 with 2.02 of tax inside it (prices include tax): 24.50 goes back, not 26.52.
    const spec: RefundSpec = { id: uniqueId('88'), orderId, lines: [{ lineItemId: '1612345678901234502', quantity: 1, subtotal: '24.50', tax: '2.02' }], transactions: [{ id: uniqueId('55'), amount: '24.50' }] };
    await refund(hub, spec);
    expect(await refundRow(hub, spec.id)).toMatchObject({ state: 'WAITING', reason: 'ORDER_UNKNOWN', total: '2652' });
    // The same order with its prices including the tax: its grand total is the lines and shipping, 197.45.
    const base = fixture('order-create.json').replace('"taxes_included": false', '"taxes_included": true').replaceAll('214.98', '197.45');
    const res = await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), orderId) });
    await processed(hub, res.body.inboxId);
    const [order] = await hub.sql<{ taxes_included: boolean; status: string }>('SELECT taxes_included, status FROM orders WHERE external_id = $1', [orderId]);
    expect(order).toEqual({ taxes_included: true, status: expect.stringMatching(/RELEASED|POSTED/) });
    expect(await refundRow(hub, spec.id)).toMatchObject({ total: '2450' });
  });

  it('refuses a refund body it cannot use, naming the field', async () => {
    const body = refundBody({ id: uniqueId('88'), orderId: uniqueId('99'), lines: [{ lineItemId: '77', quantity: 1, subtotal: '10.001', tax: '0.00' }], transactions: [] });
    const res = await deliver(hub.app, { topic: 'refunds/create', body });
    const row = await processed(hub, res.body.inboxId);
    expect(row.status).toBe('REJECTED');
    expect(row.error).toMatch(/invalid refund: refund_line_items\[0\]\.subtotal_set\.shop_money\.amount/);
  });

  it('shows the case on its order in GraphQL: lines, refunds with parts and tenders, the timeline, and exceptions', async () => {
    const orderId = await placeOrder(hub);
    const spec: RefundSpec = {
      id: uniqueId('88'), orderId, returnId: uniqueId('62'),
      lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }],
      transactions: [{ id: uniqueId('55'), amount: '80.00' }, { id: uniqueId('55'), amount: '9.71', gateway: 'gift_card', status: 'failure' }],
    };
    await refund(hub, spec, 'evt-graphql-1');
    const res = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
      returns { id status holdReason returnRef
        lines { lineRef refunded requested }
        refunds { externalId state reason total { amount currencyCode } exception
          components { kind amount { amount } lineRef quantity } transactions { tender status amount { amount } } }
        events { source eventKey kind description } } } }`, { id: orderId });
    expect(res.body.errors).toBeUndefined();
    const [kase] = res.body.data.orderBySource.returns;
    expect(kase).toMatchObject({ status: 'ON_HOLD', holdReason: 'TRANSACTION_FAILED', returnRef: spec.returnId, lines: [{ lineRef: JACKET_LINE, refunded: 1, requested: 0 }] });
    expect(kase.refunds).toEqual([{
      externalId: spec.id, state: 'FAILED', reason: 'TRANSACTION_FAILED', total: { amount: '89.71', currencyCode: 'USD' }, exception: false,
      components: [{ kind: 'LINE_SUBTOTAL', amount: { amount: '82.40' }, lineRef: JACKET_LINE, quantity: 1 }, { kind: 'LINE_TAX', amount: { amount: '7.31' }, lineRef: JACKET_LINE, quantity: 1 }],
      transactions: expect.arrayContaining([{ tender: 'ORIGINAL_PAYMENT', status: 'SUCCESS', amount: { amount: '80.00' } }, { tender: 'GIFT_CARD', status: 'FAILURE', amount: { amount: '9.71' } }]),
    }]);
    expect(kase.events).toEqual([{ source: 'SHOPIFY', eventKey: 'evt-graphql-1', kind: 'REFUNDED', description: 'refunds/create' }]);

    const held = await graphql(hub.app, READER_KEY, `{ returns(filter: { hasException: true }, first: 100) { edges { node { id } } } refundExceptions { externalId reason } }`);
    expect(held.body.errors).toBeUndefined();
    expect(held.body.data.returns.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(kase.id);
    expect(held.body.data.refundExceptions).toEqual(expect.arrayContaining([{ externalId: spec.id, reason: 'TRANSACTION_FAILED' }]));

    const bad = await graphql(hub.app, READER_KEY, `{ returns(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('makes an unsettled refund an exception after REFUND_SETTLEMENT_DAYS, until a settlement marks it', async () => {
    const orderId = await placeOrder(hub);
    const spec: RefundSpec = {
      id: uniqueId('88'), orderId, processedAt: new Date().toISOString(),
      lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }],
    };
    await refund(hub, spec);
    const exceptions = async () => {
      const res = await graphql(hub.app, READER_KEY, '{ refundExceptions(first: 500) { externalId exception settlementRef } }');
      return (res.body.data.refundExceptions as { externalId: string }[]).filter((r) => r.externalId === spec.id);
    };
    expect(await exceptions()).toEqual([]);
    // Eight days ago, by the default of seven.
    await hub.sql(`UPDATE return_refunds SET processed_at = now() - interval '8 days' WHERE external_id = $1`, [spec.id]);
    expect(await exceptions()).toEqual([{ externalId: spec.id, exception: true, settlementRef: null }]);

    const settlements = hub.app.get(RefundSettlementsService);
    const dataSource = hub.app.get(DataSource);
    expect(await inTransaction(dataSource, (runner) => settlements.markRefundSettled(runner, spec.id, new Date(), 'payout-7781'))).toBe(true);
    expect(await inTransaction(dataSource, (runner) => settlements.markRefundSettled(runner, spec.id, new Date(), 'payout-9999'))).toBe(true);
    expect(await inTransaction(dataSource, (runner) => settlements.markRefundSettled(runner, 'no-such-refund', new Date(), 'payout-1'))).toBe(false);
    expect(await exceptions()).toEqual([]);
    const [row] = await hub.sql('SELECT settlement_ref FROM return_refunds WHERE external_id = $1', [spec.id]);
    expect(row).toEqual({ settlement_ref: 'payout-7781' });
  });

  it('moves a case through Shopify return topics: requested, approved (fired twice), then the refund completes its money', async () => {
    const orderId = await placeOrder(hub);
    const returnId = uniqueId('62');
    const lines = [{ id: uniqueId('33'), lineItemId: JACKET_LINE, quantity: 1, reason: 'size_too_small' }];
    const topic = async (name: string, status: string, eventId: string = randomUUID()) => {
      const res = await deliver(hub.app, { topic: name, body: returnBody({ id: returnId, orderId, status, lines }) }).set('X-Shopify-Event-Id', eventId);
      return processed(hub, res.body.inboxId);
    };
    expect(await topic('returns/request', 'requested')).toEqual({ status: 'PROCESSED', error: null });
    const caseOf = async () => (await hub.sql<{ id: string; status: string }>('SELECT id, status FROM return_cases WHERE return_ref = $1', [returnId]))[0];
    expect((await caseOf()).status).toBe('REQUESTED');
    await topic('returns/approve', 'open', 'evt-approve-1');
    expect((await topic('returns/approve', 'open', 'evt-approve-1')).error).toMatch(/^duplicate/);
    expect((await caseOf()).status).toBe('APPROVED');
    const [line] = await hub.sql('SELECT requested, approved, reason FROM return_lines WHERE case_id = $1', [(await caseOf()).id]);
    expect(line).toEqual({ requested: 1, approved: 1, reason: 'size_too_small' });

    await refund(hub, {
      id: uniqueId('88'), orderId, returnId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }],
    });
    expect((await caseOf()).status).toBe('REFUNDED');
    await topic('returns/close', 'closed');
    expect((await caseOf()).status).toBe('CLOSED');
    await topic('returns/reopen', 'open');
    expect((await caseOf()).status).toBe('REFUNDED');
  });

  it('declines a requested return, and refuses a return line that names no order line', async () => {
    const orderId = await placeOrder(hub);
    const returnId = uniqueId('62');
    const lines = [{ id: uniqueId('33'), lineItemId: JACKET_LINE, quantity: 2 }];
    await processed(hub, (await deliver(hub.app, { topic: 'returns/request', body: returnBody({ id: returnId, orderId, status: 'requested', lines }) })).body.inboxId);
    await processed(hub, (await deliver(hub.app, { topic: 'returns/decline', body: returnBody({ id: returnId, orderId, status: 'declined', lines }) })).body.inboxId);
    const [kase] = await hub.sql('SELECT status, flags FROM return_cases WHERE return_ref = $1', [returnId]);
    expect(kase).toEqual({ status: 'DECLINED', flags: ['DECLINED'] });
    const unverified = returnBody({ id: uniqueId('62'), orderId, status: 'requested', lines }).replace(/"fulfillment_line_item":\{[^}]*\}\}/, '"fulfillment_line_item":null');
    const res = await deliver(hub.app, { topic: 'returns/request', body: unverified });
    expect(await processed(hub, res.body.inboxId)).toEqual({ status: 'REJECTED', error: expect.stringMatching(/^invalid return: return_line_items\[0\]\.fulfillment_line_item\.line_item\.id/) });
  });

  it('counts return events by source, kind and outcome, and reports refund exceptions as a gauge', async () => {
    const res = await request(hub.app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${READER_KEY}`);
    expect(res.status).toBe(200);
    const value = (pattern: RegExp): number => Number(pattern.exec(res.text)?.[1] ?? 'NaN');
    expect(value(/^hub_return_events_total\{source="SHOPIFY",kind="REFUNDED",outcome="APPLIED"\} (\d+)$/m)).toBeGreaterThanOrEqual(8);
    expect(value(/^hub_return_events_total\{source="SHOPIFY",kind="REFUNDED",outcome="DUPLICATE"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    const [held] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM return_refunds WHERE state IN ('HELD', 'FAILED') OR (state IN ('READY', 'CREDITED') AND settled_at IS NULL AND processed_at < now() - interval '7 days')`);
    expect(value(/^hub_refund_exceptions (\d+)$/m)).toBe(held.n);
    expect(held.n).toBeGreaterThan(0);
  });
});
