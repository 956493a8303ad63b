import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { erpSandboxAdmin } from './support/sandbox-admin.js';
import { deliver, fixture, graphql, orderIdOf, withField } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const OPERATOR_KEY = 'operator-key-for-manual-release';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '501' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'ITEM', sourceValue: 'BEANIE-WOOL-RUST', target: { itemId: '503' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
];

async function documents(sb: NetSuiteSandbox): Promise<Json[]> {
  return ((await (await fetch(`${sb.url}/_sandbox/documents`)).json()) as Json).documents as Json[];
}

/** An operator releases or holds an order by hand; the history says who and why, and the ERP follows. */
/** A Shopify order its fraud screen asks to investigate: held as FRAUD_REVIEW until someone looks. */
function underReview(externalId: string): string {
  const base = fixture('order-tax-missing.json');
  return base.replace(new RegExp(orderIdOf(base), 'g'), externalId).replace('"taxes_included": false,', '"risks": [{ "recommendation": "investigate", "source": "Signifyd" }], "taxes_included": false,');
}

describe('POST /admin/orders/:id/release and /hold', () => {
  let hub: TestHub;
  let sandbox: NetSuiteSandbox;
  const prefix = `e2e-manual-release-${randomUUID()}`;

  const call = (action: 'release' | 'hold', id: string, body: object | undefined, key = OPERATOR_KEY) => {
    const req = request(hub.app.getHttpServer()).post(`/admin/orders/${id}/${action}`).set('Authorization', `Bearer ${key}`);
    return body === undefined ? req.send() : req.set('Content-Type', 'application/json').send(body);
  };
  const orderOf = async (externalId: string) =>
    (await hub.sql<{ id: string; status: string; hold_reasons: string[] }>('SELECT id, status, hold_reasons FROM orders WHERE external_id = $1', [externalId]))[0];
  const history = async (orderId: string) =>
    hub.sql<{ from_status: string; to_status: string; reason: string }>('SELECT from_status, to_status, reason FROM order_history WHERE order_id = $1 ORDER BY id', [orderId]);
  const salesOrder = async (orderId: string) =>
    (await hub.sql<{ id: string; status: string; last_error_code: string | null }>(
      `SELECT id, status, last_error_code FROM postings WHERE order_id = $1 AND document_type = 'SALES_ORDER'`, [orderId]))[0];
  const until = <T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> =>
    eventually(async () => {
      const value = await check();
      if (!value) throw new Error(`not yet: ${what}`);
      return value;
    }, 30_000);

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ port: 0 });
    hub = await startHub({
      databaseUrl: await freshDatabase('manualrelease'), queuePrefix: prefix,
      env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER', API_KEYS: `admin:${ADMIN_KEY},reader:${READER_KEY},operator:${OPERATOR_KEY}` },
    });
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    expect((await admin('put', '/admin/erp-targets/netsuite-main', {
      variant: 'netsuite', baseUrl: sandbox.url, credentials: sandbox.credentials, concurrencyCap: 4, timeoutMs: 5000,
    })).status).toBe(200);
    for (const mapping of MAPPINGS) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await sandbox?.close();
    await dropQueueKeys(prefix);
  });

  it('releases an order held for fraud review only when the gate is overridden, records who and why, and posts it once', async () => {
    const externalId = '6088888888800066000';
    const body = underReview(externalId);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const held = await until('the order held', async () => {
      const order = await orderOf(externalId);
      return order?.status === 'ON_HOLD' && order;
    });
    expect(held.hold_reasons).toEqual(['FRAUD_REVIEW']);

    const noNote = await call('release', held.id, undefined);
    expect(noNote.status).toBe(400);
    expect(noNote.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'note' });
    const blankNote = await call('release', held.id, { note: '  ' });
    expect(blankNote.body.field).toBe('note');
    const badGate = await call('release', held.id, { note: 'x', overrideGates: ['NOT_A_GATE'] });
    expect(badGate.status).toBe(400);
    expect(badGate.body.field).toBe('overrideGates');
    const reader = await call('release', held.id, { note: 'x' }, READER_KEY);
    expect(reader.status).toBe(403);

    const gated = await call('release', held.id, { note: 'tax is fine' });
    expect(gated.status).toBe(409);
    expect(gated.body).toMatchObject({ code: 'RELEASE_GATES_FAILED', field: 'overrideGates' });
    expect(gated.body.message).toContain('FRAUD_REVIEW');
    expect((await orderOf(externalId)).status).toBe('ON_HOLD');

    const released = await call('release', held.id, { note: 'customer verified by phone', overrideGates: ['FRAUD_REVIEW'] });
    expect(released.status).toBe(200);
    expect(released.body).toEqual({ id: held.id, from: 'ON_HOLD', status: 'RELEASED', holdReasons: [], overriddenGates: ['FRAUD_REVIEW'] });
    const line = (await history(held.id)).find((h) => h.from_status === 'ON_HOLD' && h.to_status === 'RELEASED');
    expect(line?.reason).toMatch(/^released by operator-3: customer verified by phone; gates overridden: FRAUD_REVIEW/);

    await until('the sales order posted', async () => (await salesOrder(held.id))?.status === 'POSTED');
    const sent = (await documents(sandbox)).filter((d) => d.key === `SHOPIFY-${externalId}`);
    expect(sent).toHaveLength(1);
    expect((sent[0].document.item.items as Json[]).map((l) => l.item.id)).toEqual(['503']);
    await until('the order posted', async () => (await orderOf(externalId)).status === 'POSTED');

    const again = await call('release', held.id, { note: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TRANSITION_NOT_ALLOWED');
    const holdPosted = await call('hold', held.id, { note: 'too late' });
    expect(holdPosted.status).toBe(409);
    expect(holdPosted.body.code).toBe('TRANSITION_NOT_ALLOWED');
  });

  it('holds a released order by hand through channel updates: nothing is posted until a manual release', async () => {
    const base = fixture('order-create.json');
    const externalId = '6012345678900055001';
    const version = (minute: number) =>
      withField(base.replace(new RegExp(orderIdOf(base), 'g'), externalId), 'updated_at', `2026-03-14T10:${minute}:00-04:00`);
    // The ERP fails every call for now, so the released order's sales order waits, unsent.
    await erpSandboxAdmin(sandbox, 'knobs', { errorRate: 1 });
    expect((await deliver(hub.app, { body: version(20) })).status).toBe(202);
    const posting = await until('a failed first attempt', async () => {
      const order = await orderOf(externalId);
      const row = order ? await salesOrder(order.id) : undefined;
      return row?.status === 'RETRYING' && row;
    });
    const { id } = await orderOf(externalId);

    const held = await call('hold', id, { note: 'customer asked to change the address' });
    expect(held.status).toBe(200);
    expect(held.body).toEqual({ id, from: 'RELEASED', status: 'ON_HOLD', holdReasons: ['MANUAL_HOLD'], overriddenGates: [] });
    expect((await history(id)).at(-1)).toEqual({ from_status: 'RELEASED', to_status: 'ON_HOLD', reason: 'held by operator-3: customer asked to change the address' });

    // A channel update with every gate passing leaves a manual hold in place.
    expect((await deliver(hub.app, { topic: 'orders/updated', body: version(21) })).status).toBe(202);
    await until('the update applied', async () =>
      (await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM order_source_events WHERE order_id = $1 AND outcome = 'APPLIED'`, [id]))[0].n === 2);
    expect(await orderOf(externalId)).toMatchObject({ status: 'ON_HOLD', hold_reasons: ['MANUAL_HOLD'] });

    await erpSandboxAdmin(sandbox, 'knobs', { errorRate: 0 });
    const replay = await request(hub.app.getHttpServer()).post(`/admin/postings/${posting.id}/replay`).set('Authorization', `Bearer ${ADMIN_KEY}`).send({});
    expect(replay.status).toBe(201);
    await until('the posting parked for the hold', async () => (await salesOrder(id))?.last_error_code === 'ORDER_HELD');
    expect((await documents(sandbox)).filter((d) => d.key === `SHOPIFY-${externalId}`)).toEqual([]);

    const released = await call('release', id, { note: 'address confirmed' });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ from: 'ON_HOLD', status: 'RELEASED', overriddenGates: [] });
    await until('the sales order posted', async () => (await salesOrder(id))?.status === 'POSTED');
    const sent = (await documents(sandbox)).filter((d) => d.key === `SHOPIFY-${externalId}`);
    expect(sent).toHaveLength(1);
    expect(sent[0].creates).toBe(1);
  });

  it('does the same through the releaseOrder and holdOrder mutations, for operators only', async () => {
    const externalId = '6088888888800066001';
    expect((await deliver(hub.app, { body: underReview(externalId) })).status).toBe(202);
    const held = await until('the order held', async () => {
      const order = await orderOf(externalId);
      return order?.status === 'ON_HOLD' && order;
    });
    const release = `mutation($id: ID!, $note: String!, $gates: [HoldReason!]) {
      releaseOrder(id: $id, note: $note, overrideGates: $gates) { id from status holdReasons overriddenGates } }`;
    const byReader = await graphql(hub.app, READER_KEY, `mutation($id: ID!) { holdOrder(id: $id, note: "x") { id } }`, { id: held.id });
    expect(byReader.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const gated = await graphql(hub.app, OPERATOR_KEY, release, { id: held.id, note: 'checked' });
    expect(gated.body.errors[0].extensions).toMatchObject({ code: 'RELEASE_GATES_FAILED', field: 'overrideGates' });
    const noNote = await graphql(hub.app, OPERATOR_KEY, release, { id: held.id, note: '' });
    expect(noNote.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'note' });
    const done = await graphql(hub.app, OPERATOR_KEY, release, { id: held.id, note: 'reviewed, order is genuine', gates: ['FRAUD_REVIEW'] });
    expect(done.body.errors).toBeUndefined();
    expect(done.body.data.releaseOrder).toEqual({ id: held.id, from: 'ON_HOLD', status: 'RELEASED', holdReasons: [], overriddenGates: ['FRAUD_REVIEW'] });
    expect((await history(held.id)).at(-1)?.reason).toMatch(/^released by operator-3: reviewed, order is genuine; gates overridden: FRAUD_REVIEW/);
    const unknown = await graphql(hub.app, OPERATOR_KEY, `mutation($id: ID!) { holdOrder(id: $id, note: "x") { id } }`, { id: randomUUID() });
    expect(unknown.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('answers 404 for an order the hub does not hold and 400 for an id that is not one', async () => {
    const unknown = await call('hold', randomUUID(), { note: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const bad = await call('release', 'not-a-uuid', { note: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('id');
  });
});
