import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signLoopBody } from '../src/adapters/channels/loop/loop-signature.js';
import { startLoopSandbox, type LoopSandbox } from '../sandboxes/loop/sandbox.js';
import { SHOP, deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { refundBody } from './support/shopify-refund.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(30_000);

/** order-create.json: line …501 is 2 × 89.00 with 13.19 off and 14.62 tax; the order captured 214.98. */
const JACKET_LINE = '1612345678901234501';
const LOOP_SECRET = 'loop-secret-for-tests';

let next = 0;
const uniqueId = (prefix: string) => `${prefix}${String(Date.now()).slice(-8)}${String((next += 1)).padStart(4, '0')}`;

interface Sent { seq: number; trigger: string; body: string; deliveries: { status: number | null; answer: { inboxId?: string; status?: string; code?: string } }[] }
interface CaseRow { id: string; status: string; rma_ref: string | null; return_ref: string | null; flags: string[] }

describe('Loop Returns webhooks join the Shopify order\'s return case (PostgreSQL + Redis + Loop sandbox)', () => {
  let hub: TestHub;
  let loop: LoopSandbox;
  let hubUrl: string;
  const prefix = `e2e-loop-${randomUUID()}`;

  async function processed(inboxId: string): Promise<{ status: string; error: string | null }> {
    return eventually(async () => {
      const [row] = await hub.sql<{ status: string; error: string | null }>('SELECT status, error FROM inbox WHERE id = $1', [inboxId]);
      if (!row || row.status === 'PENDING') throw new Error(`inbox ${inboxId} still pending`);
      return row;
    });
  }

  async function placeOrder(): Promise<string> {
    const base = fixture('order-create.json');
    const id = uniqueId('60124');
    const res = await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), id) });
    expect((await processed(res.body.inboxId)).status).toBe('PROCESSED');
    return id;
  }

  /** A /_sandbox action of the Loop sandbox; its webhook went to the hub, whose answer is awaited to the end. */
  async function act(path: string, body: Record<string, unknown> = {}): Promise<{ returnId: string; event: Sent }> {
    const res = await fetch(`${loop.url}/_sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { return: { id: string }; event: Sent };
    const delivery = answer.event.deliveries.at(-1)!;
    if (delivery.status === 202) expect(await processed(delivery.answer.inboxId!)).toEqual({ status: 'PROCESSED', error: null });
    return { returnId: answer.return.id, event: answer.event };
  }

  async function knobs(patch: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${loop.url}/_sandbox/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
    expect(res.status).toBe(200);
  }

  const caseOf = async (rmaRef: string): Promise<CaseRow> =>
    (await hub.sql<CaseRow>('SELECT id, status, rma_ref, return_ref, flags FROM return_cases WHERE rma_ref = $1', [rmaRef]))[0];

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('loop'), queuePrefix: prefix });
    await hub.app.listen(0, '127.0.0.1');
    hubUrl = await hub.app.getUrl();
    const res = await request(hub.app.getHttpServer()).put('/admin/channel-accounts').set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', 'application/json').send({ channel: 'LOOP', account: SHOP, webhookSecret: LOOP_SECRET });
    expect(res.status).toBe(200);
    loop = await startLoopSandbox({ webhookUrl: `${hubUrl}/webhooks/loop/${SHOP.toUpperCase()}`, webhookSecret: LOOP_SECRET });
  });

  afterEach(async () => {
    await knobs({ signature: 'valid' });
  });

  afterAll(async () => {
    await loop?.close();
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  it('follows a Loop return from request to close, with Shopify\'s refund and Loop\'s restock in the same case', async () => {
    const orderId = await placeOrder();
    const created = await act('/returns', { orderId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, reason: 'Too small' }] });
    expect(created.event.deliveries[0].status).toBe(202);
    const rma = created.returnId;
    const opened = await caseOf(rma);
    // Loop opens a return its policy accepted: approved, one unit, with the customer's reason.
    expect(opened).toMatchObject({ status: 'APPROVED', return_ref: null });
    expect(await hub.sql('SELECT line_ref, requested, approved, in_transit, reason FROM return_lines WHERE case_id = $1', [opened.id]))
      .toEqual([{ line_ref: JACKET_LINE, requested: 0, approved: 1, in_transit: 0, reason: 'Too small' }]);
    const [row] = await hub.sql('SELECT source, account, topic FROM inbox WHERE id = $1', [created.event.deliveries[0].answer.inboxId]);
    expect(row).toEqual({ source: 'LOOP', account: SHOP, topic: 'return.created' });

    // A label before the carrier scans it moves nothing; in transit, the whole return is on its way.
    expect((await act(`/returns/${rma}/label`, { status: 'new' })).event.trigger).toBe('label.created');
    expect((await caseOf(rma)).status).toBe('APPROVED');
    expect((await act(`/returns/${rma}/label`, { status: 'in_transit' })).event.trigger).toBe('label.updated');
    expect((await caseOf(rma)).status).toBe('IN_TRANSIT');

    // Loop has Shopify refund the order: refunds/create names no return, and joins the Loop case.
    const refundId = uniqueId('88');
    const refund = await deliver(hub.app, {
      topic: 'refunds/create',
      body: refundBody({ id: refundId, orderId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }] }),
    }).set('X-Shopify-Event-Id', randomUUID());
    expect(await processed(refund.body.inboxId)).toEqual({ status: 'PROCESSED', error: null });
    const [money] = await hub.sql<{ case_id: string; state: string; total: string }>('SELECT case_id, state, total::text AS total FROM return_refunds WHERE external_id = $1', [refundId]);
    expect(money).toEqual({ case_id: opened.id, state: 'READY', total: '8971' });
    expect((await caseOf(rma)).status).toBe('REFUNDED');

    await act(`/returns/${rma}/restock`, { items: [{ lineItemId: JACKET_LINE, quantity: 1, locationId: '730001' }] });
    expect(await hub.sql('SELECT line_ref, disposition, quantity, location_ref FROM return_dispositions WHERE case_id = $1', [opened.id]))
      .toEqual([{ line_ref: JACKET_LINE, disposition: 'RESTOCK', quantity: 1, location_ref: '730001' }]);

    await act(`/returns/${rma}/close`);
    expect(await caseOf(rma)).toMatchObject({ id: opened.id, status: 'CLOSED', flags: ['CLOSED'] });
    const timeline = await hub.sql<{ source_system: string; kind: string; description: string }>(
      'SELECT source_system, kind, description FROM return_events WHERE case_id = $1 ORDER BY recorded_at, id', [opened.id]);
    expect(timeline.map((e) => `${e.source_system} ${e.kind}`)).toEqual([
      'LOOP APPROVED', 'LOOP APPROVED', 'LOOP IN_TRANSIT', 'SHOPIFY REFUNDED', 'LOOP DISPOSITIONED', 'LOOP CLOSED',
    ]);
    expect(await hub.sql('SELECT count(*)::int AS n FROM return_cases WHERE order_external_id = $1', [orderId])).toEqual([{ n: 1 }]);
  });

  it('refuses a wrong or missing signature with 401 and keeps nothing', async () => {
    const orderId = await placeOrder();
    const before = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE source = 'LOOP'`);
    await knobs({ signature: 'wrong-secret' });
    const forged = await act('/returns', { orderId, lines: [{ lineItemId: JACKET_LINE }] });
    expect(forged.event.deliveries[0]).toMatchObject({ status: 401, answer: { code: 'SIGNATURE_INVALID' } });
    await knobs({ signature: 'none' });
    const unsigned = await act(`/returns/${forged.returnId}/close`);
    expect(unsigned.event.deliveries[0]).toMatchObject({ status: 401, answer: { code: 'SIGNATURE_MISSING' } });

    // Rightly signed, but for an account with no secret, or with no account in the URL.
    const body = forged.event.body;
    const post = (path: string) => request(hub.app.getHttpServer()).post(path).set('Content-Type', 'application/json').set('X-Loop-Signature', signLoopBody(body, LOOP_SECRET)).send(body);
    expect((await post('/webhooks/loop/other-shop.myshopify.com')).body).toMatchObject({ code: 'SECRET_NOT_CONFIGURED' });
    expect((await post('/webhooks/loop')).body).toMatchObject({ code: 'ACCOUNT_MISSING' });
    expect((await post(`/webhooks/shopify/${SHOP}`)).status).toBe(404);

    expect(await hub.sql(`SELECT count(*)::int AS n FROM inbox WHERE source = 'LOOP'`)).toEqual(before);
    expect(await caseOf(forged.returnId)).toBeUndefined();
  });

  it('adds nothing for a duplicate delivery, resent as it was or re-serialised', async () => {
    const orderId = await placeOrder();
    const { returnId, event } = await act('/returns', { orderId, lines: [{ lineItemId: JACKET_LINE, quantity: 2 }] });
    const kase = await caseOf(returnId);
    const again = await fetch(`${loop.url}/_sandbox/events/${event.seq}/redeliver`, { method: 'POST' });
    const redelivered = ((await again.json()) as { event: Sent }).event.deliveries[1];
    expect(redelivered).toMatchObject({ status: 200, answer: { status: 'duplicate', inboxId: event.deliveries[0].answer.inboxId } });

    // The same event with other bytes (Loop re-serialised it): a new delivery, the same event.
    const reformatted = JSON.stringify(JSON.parse(event.body), null, 1);
    const res = await request(hub.app.getHttpServer()).post(`/webhooks/loop/${SHOP}`).set('Content-Type', 'application/json')
      .set('X-Loop-Signature', signLoopBody(reformatted, LOOP_SECRET)).send(reformatted);
    expect(res.status).toBe(202);
    expect(await processed(res.body.inboxId)).toEqual({ status: 'PROCESSED', error: expect.stringMatching(/^duplicate: LOOP event return\.created:\d+:open:/) });
    expect(await hub.sql('SELECT approved FROM return_lines WHERE case_id = $1', [kase.id])).toEqual([{ approved: 2 }]);
    expect(await hub.sql('SELECT count(*)::int AS n FROM return_events WHERE case_id = $1', [kase.id])).toEqual([{ n: 1 }]);
  });

  it('takes a gift card outcome as a refund paid by gift card, in the Loop case', async () => {
    const orderId = await placeOrder();
    const { returnId } = await act('/returns', { orderId, lines: [{ lineItemId: JACKET_LINE }] });
    const { event } = await act(`/returns/${returnId}/giftcard`, { amount: '25.00' });
    expect(event.deliveries[0].status).toBe(202);
    const kase = await caseOf(returnId);
    const [refund] = await hub.sql<{ id: string; state: string; total: string }>(
      `SELECT id, state, total::text AS total FROM return_refunds WHERE external_id LIKE 'loop-giftcard-%' AND case_id = $1`, [kase.id]);
    expect(refund).toMatchObject({ state: 'READY', total: '2500' });
    expect(await hub.sql('SELECT tender, gateway, status, amount::text AS amount FROM return_refund_transactions WHERE refund_id = $1', [refund.id]))
      .toEqual([{ tender: 'GIFT_CARD', gateway: 'loop_gift_card', status: 'SUCCESS', amount: '2500' }]);
    expect(await hub.sql('SELECT kind, amount::text AS amount FROM return_refund_components WHERE refund_id = $1', [refund.id])).toEqual([{ kind: 'ADJUSTMENT', amount: '2500' }]);
  });
});
