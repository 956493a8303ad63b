import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { signPosBody } from '../src/adapters/channels/pos/pos-channel.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STORE = 'brooklyn-01';
const SECRET = 'pos-store-secret-brooklyn-01';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MUG-ENAMEL-WHT', target: { itemId: '506' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '900' } },
  { kind: 'LOCATION', sourceValue: STORE, target: { locationId: '12', subsidiaryId: '1' } },
  { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: '-7' } },
];

const sale = (id: string, over: Json = {}): Json => ({
  id, type: 'SALE', at: '2026-12-04T10:15:00-05:00', receipt: `R-${id}`,
  lines: [
    { id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity: 2, unitPrice: '18.00', discounts: [{ amount: '2.00', code: 'STAFF' }], taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '1.36' }] },
    { id: '2', sku: 'SOCK-TRAIL-3PK', title: 'Trail Socks 3-Pack', quantity: 1, unitPrice: '24.50', taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '0.98' }] },
  ],
  // 36.00 − 2.00 + 24.50 + 2.34 = 60.84: a 70.00 note, 9.16 change.
  tenders: [{ kind: 'CASH', amount: '70.00', change: '9.16' }],
  total: '60.84',
  ...over,
});

describe('store POS batches: signed per store, each transaction once, a bad one kept with its reason (PostgreSQL, Redis, NetSuite sandbox)', () => {
  let hub: TestHub;
  let netsuite: NetSuiteSandbox;
  const prefix = `e2e-pos-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const send = (body: string, secret = SECRET) => request(hub.app.getHttpServer()).post(`/webhooks/pos/${STORE}/batches`)
    .set('Content-Type', 'application/json').set('X-Pos-Signature', signPosBody(body, secret)).send(body);

  beforeAll(async () => {
    netsuite = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-7': '4' } } });
    hub = await startHub({ databaseUrl: await freshDatabase('pos'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER,LOCATION' } });
    expect((await admin('put', '/admin/channel-accounts', { channel: 'POS', account: STORE, webhookSecret: SECRET, timezone: 'America/New_York' })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns', {
      variant: 'netsuite', baseUrl: netsuite.url, credentials: netsuite.credentials, concurrencyCap: 2, timeoutMs: 5000, routing: { channels: ['POS'] },
    })).status).toBe(200);
    for (const mapping of MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'POS', account: STORE, note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await netsuite?.close();
    await dropQueueKeys(prefix);
  });

  it('answers each transaction: the good ones accepted, the bad one kept as rejected with its reason; sent again, nothing is added', async () => {
    const batch = JSON.stringify({
      schemaVersion: 1, batchId: 'B-20261204-01', storeId: STORE, register: 'R1', currency: 'USD',
      transactions: [
        sale('T-1001'),
        sale('T-1002', { tenders: [{ kind: 'CARD', gateway: 'adyen', amount: '50.00' }] }),
        { id: 'T-1003', type: 'NO_SALE', at: '2026-12-04T10:20:00-05:00' },
        { id: 'T-1004', type: 'PAID_OUT', at: '2026-12-04T11:00:00-05:00', amount: '12.50', reason: 'milk for the staff room' },
      ],
    });
    const first = await send(batch);
    expect(first.status).toBe(202);
    expect(first.body.counts).toEqual({ accepted: 3, duplicate: 0, rejected: 1, conflict: 0 });
    expect(first.body.items.find((i: Json) => i.ref === 'T-1002')).toMatchObject({
      status: 'rejected', reason: 'transaction.tenders: tenders come to 5000 minor units, the total is 6084 (cash less its change)',
    });
    const again = await send(batch);
    expect(again.status).toBe(200);
    expect(again.body.counts).toEqual({ accepted: 0, duplicate: 4, rejected: 0, conflict: 0 });
    const rows = await hub.sql<Json>(`SELECT dedupe_key, topic, status FROM inbox WHERE source = 'POS' ORDER BY dedupe_key`);
    expect(rows.map((r) => [r.dedupe_key, r.topic])).toEqual([['txn:T-1001', 'pos.sale'], ['txn:T-1002', 'pos.sale'], ['txn:T-1003', 'pos.no_sale'], ['txn:T-1004', 'pos.paid_out']]);
    expect(rows.find((r) => r.dedupe_key === 'txn:T-1002')!.status).toBe('REJECTED');
  });

  it('a sale is paid and handed over at the till: NetSuite gets the sales order at the store location and its item fulfilment, nothing is asked of a warehouse', async () => {
    const order = await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT id, status, grand_total::text AS grand_total FROM orders WHERE channel = 'POS' AND external_id = 'T-1001'`);
      if (row?.status !== 'FULFILLED') throw new Error(`order ${JSON.stringify(row)}`);
      return row;
    }, 20_000);
    expect(order.grand_total).toBe('6084');
    const postings = await eventually(async () => {
      const rows = await hub.sql<Json>(`SELECT document_type, status FROM postings WHERE order_id = $1 ORDER BY document_type`, [order.id]);
      if (rows.length < 2 || rows.some((r) => r.status !== 'POSTED')) throw new Error(`postings ${JSON.stringify(rows)}`);
      return rows;
    }, 20_000);
    expect(postings).toEqual([{ document_type: 'ITEM_FULFILLMENT', status: 'POSTED' }, { document_type: 'SALES_ORDER', status: 'POSTED' }]);
    expect(await hub.sql(`SELECT id FROM fulfillment_requests WHERE order_id = $1`, [order.id])).toEqual([]);
    const docs = (await (await fetch(`${netsuite.url}/_sandbox/documents?key=${encodeURIComponent('POS-T-1001')}`)).json()) as Json;
    const sent = docs.documents[0].document as Json;
    expect(sent).toMatchObject({ location: { id: '12' }, total: 60.84 });
  });

  it('refuses a batch signed with another secret, and keeps nothing of it', async () => {
    const batch = JSON.stringify({ batchId: 'B-forged', currency: 'USD', transactions: [sale('T-9999')] });
    const res = await send(batch, 'not-the-store-secret');
    expect(res.status).toBe(401);
    expect(await hub.sql(`SELECT id FROM inbox WHERE dedupe_key = 'txn:T-9999'`)).toEqual([]);
  });
});
