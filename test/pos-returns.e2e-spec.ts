import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { signPosBody } from '../src/adapters/channels/pos/pos-channel.js';
import { deliver, fixture, orderIdOf, SHOP } from './support/shopify-delivery.js';
import { returnBody } from './support/shopify-refund.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STORE = 'brooklyn-03';
const SECRET = 'pos-store-secret-brooklyn-03';
/** order-create.json: line …501 is 2 × 89.00 with 13.19 off and 14.62 tax. */
const JACKET_LINE = '1612345678901234501';
const POS_MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MUG-ENAMEL-WHT', target: { itemId: '506' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '900' } },
  { kind: 'LOCATION', sourceValue: STORE, target: { locationId: '12', subsidiaryId: '1' } },
  { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: '-7' } },
  { kind: 'TENDER', sourceValue: 'cash', target: { paymentMethod: '1', clearingAccount: '1010' } },
];
const SHOPIFY_MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '1996' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '1997' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
  // The warehouse's returns bay: where the Shopify order's returns go unless a store took them back.
  { kind: 'DISPOSITION', sourceValue: 'RESTOCK', target: { locationId: '7' } },
  { kind: 'TENDER', sourceValue: 'shopify_payments', target: { paymentMethod: 'CARD', clearingAccount: '1010' } },
];

// Line 1: 2 × 18.00 − 2.00 + 1.36 tax; line 2: 24.50 + 0.98 tax. 60.84 in all.
const sale = (id: string): Json => ({
  id, type: 'SALE', at: '2026-12-04T10:15:00-05:00', receipt: `R-${id}`,
  lines: [
    { id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity: 2, unitPrice: '18.00', discounts: [{ amount: '2.00', code: 'STAFF' }], taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '1.36' }] },
    { id: '2', sku: 'SOCK-TRAIL-3PK', title: 'Trail Socks 3-Pack', quantity: 1, unitPrice: '24.50', taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '0.98' }] },
  ],
  tenders: [{ kind: 'CASH', amount: '70.00', change: '9.16' }],
  total: '60.84',
});
/** One mug back (17.00 + 0.68 tax), its cash handed back. */
const mugBack = (id: string, orderId: string, over: Json = {}): Json => ({
  id, type: 'RETURN', at: '2026-12-06T12:00:00-05:00', receipt: `R-${id}`, original: { channel: 'POS', orderId },
  lines: [{ originalLineId: '1', quantity: 1, subtotal: '17.00', tax: '0.68', reason: 'changed mind' }],
  tenders: [{ kind: 'CASH', amount: '17.68' }], total: '17.68',
  ...over,
});
const batch = (batchId: string, transactions: Json[]) => JSON.stringify({ schemaVersion: 1, batchId, storeId: STORE, register: 'R1', currency: 'USD', transactions });

describe('a return at the till credits through the returns module: POS sales and online orders (PostgreSQL, Redis, NetSuite sandbox)', () => {
  let hub: TestHub;
  let ns: NetSuiteSandbox;
  const prefix = `e2e-pos-returns-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const send = (body: string) => request(hub.app.getHttpServer()).post(`/webhooks/pos/${STORE}/batches`)
    .set('Content-Type', 'application/json').set('X-Pos-Signature', signPosBody(body, SECRET)).send(body);
  const returns = async (): Promise<Json> => (await fetch(`${ns.url}/_sandbox/returns`)).json() as Promise<Json>;
  const keyed = (records: Json[], key: string) => records.filter((r) => r.externalId === key);

  const settled = (ref: string) => eventually(async () => {
    const [row] = await hub.sql<Json>(`SELECT status, error FROM inbox WHERE source = 'POS' AND event_id = $1`, [ref]);
    if (!row || row.status === 'PENDING') throw new Error(`inbox ${JSON.stringify(row)}`);
    return row;
  }, 20_000);

  const salesOrderPosted = (channel: string, externalId: string) => eventually(async () => {
    const [row] = await hub.sql<Json>(
      `SELECT o.id, p.status, p.erp_internal_id FROM orders o JOIN postings p ON p.order_id = o.id AND p.document_type = 'SALES_ORDER'
       WHERE o.channel = $1 AND o.external_id = $2`, [channel, externalId]);
    if (row?.status !== 'POSTED') throw new Error(`sales order ${JSON.stringify(row)}`);
    return { hubId: row.id as string, nsId: row.erp_internal_id as string };
  }, 30_000);

  const credited = (refundId: string) => eventually(async () => {
    const postings = await hub.sql<Json>(
      `SELECT p.status, p.erp_internal_id, p.erp_total::text AS erp_total, p.variance::text AS variance
       FROM postings p JOIN return_refunds r ON r.id = p.subject_id::uuid WHERE p.document_type = 'CREDIT_MEMO' AND r.external_id = $1`, [refundId]);
    if (postings.length !== 1 || postings[0].status !== 'POSTED') throw new Error(`credit ${JSON.stringify(postings)}`);
    const [refund] = await hub.sql<Json>(
      `SELECT r.state, r.channel, r.account, r.total::text AS total, c.id AS case_id, c.status AS case_status, c.order_external_id
       FROM return_refunds r JOIN return_cases c ON c.id = r.case_id WHERE r.external_id = $1`, [refundId]);
    if (refund.state !== 'CREDITED' || refund.case_status !== 'COMPLETED') throw new Error(`refund ${JSON.stringify(refund)}`);
    return { posting: postings[0], refund };
  }, 45_000);

  beforeAll(async () => {
    ns = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-7': '4' } } });
    hub = await startHub({ databaseUrl: await freshDatabase('pos_returns'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    expect((await admin('put', '/admin/channel-accounts', { channel: 'POS', account: STORE, webhookSecret: SECRET, timezone: 'America/New_York' })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns', {
      variant: 'netsuite', baseUrl: ns.url, credentials: ns.credentials, concurrencyCap: 4, timeoutMs: 5000, settings: { taxMode: 'CHANNEL_AMOUNTS' },
    })).status).toBe(200);
    for (const mapping of POS_MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'POS', account: STORE, note: 'e2e' })).status).toBe(201);
    for (const mapping of SHOPIFY_MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await ns?.close();
    await dropQueueKeys(prefix);
  });

  it('a POS sale, then its return in a later batch: one credit memo equal to the refund, the mug received back at the store; the batch again adds nothing', async () => {
    expect((await send(batch('B-1', [sale('T-1001')]))).status).toBe(202);
    const order = await salesOrderPosted('POS', 'T-1001');
    const later = batch('B-2', [mugBack('T-3001', 'T-1001')]);
    const first = await send(later);
    expect(first.status).toBe(202);
    expect(first.body.counts).toEqual({ accepted: 1, duplicate: 0, rejected: 0, conflict: 0 });
    expect(await settled('T-3001')).toMatchObject({ status: 'PROCESSED' });
    const { posting, refund } = await credited(`${STORE}-T-3001`);
    expect(refund).toMatchObject({ channel: 'POS', account: STORE, total: '1768', order_external_id: 'T-1001' });
    expect(posting).toMatchObject({ erp_total: '1768', variance: '0' });

    const key = `POS-R${STORE}-T-3001`;
    const all = await returns();
    const [ra] = keyed(all.returnAuthorizations, `${key}-RA`);
    expect(ra).toMatchObject({ createdFrom: { id: order.nsId } });
    const receipts = keyed(all.itemReceipts, `${key}-IR`);
    expect(receipts.map((r) => r.item.items.map((l: Json) => [l.quantity, l.location]))).toEqual([[[1, { id: '12' }]]]);
    const [memo] = keyed(all.creditMemos, `${key}-CM`);
    expect(memo).toMatchObject({ total: 17.68 });
    expect(memo.item.items.map((l: Json) => [l.item.id, l.quantity, l.amount])).toEqual([['506', 1, 17]]);

    const dispositions = await hub.sql<Json>(`SELECT disposition, quantity, location_ref, location_channel, location_account FROM return_dispositions WHERE case_id = $1`, [refund.case_id]);
    expect(dispositions).toEqual([{ disposition: 'RESTOCK', quantity: 1, location_ref: STORE, location_channel: 'POS', location_account: STORE }]);

    // The same batch again, and the same return in another batch: duplicates, still one credit.
    expect((await send(later)).body.counts).toEqual({ accepted: 0, duplicate: 1, rejected: 0, conflict: 0 });
    expect((await send(batch('B-2-resent', [mugBack('T-3001', 'T-1001')]))).body.counts).toEqual({ accepted: 0, duplicate: 1, rejected: 0, conflict: 0 });
    const credits = await hub.sql<Json>(`SELECT p.id FROM postings p JOIN return_refunds r ON r.id = p.subject_id::uuid WHERE p.document_type = 'CREDIT_MEMO' AND r.case_id = $1`, [refund.case_id]);
    expect(credits).toHaveLength(1);
    expect(keyed((await returns()).creditMemos, `${key}-CM`)).toHaveLength(1);

    // The store day still counts the cash handed back.
    const [day] = await hub.sql<Json>(
      `SELECT d.business_date::text AS day, t.kind, t.cash::text AS cash FROM store_day_transactions t JOIN store_days d ON d.id = t.store_day_id
       WHERE d.store = $1 AND t.transaction_id = 'T-3001'`, [STORE]);
    expect(day).toEqual({ day: '2026-12-06', kind: 'RETURN', cash: '-1768' });
  });

  it('buy online, return in store: the return joins the Shopify order\'s case, the credit acts on that order\'s sales order, the jacket received at the store', async () => {
    const base = fixture('order-create.json');
    const externalId = `60136${String(Date.now()).slice(-8)}`;
    expect((await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), externalId) })).status).toBe(202);
    const order = await salesOrderPosted('SHOPIFY', externalId);
    const returnId = `62${String(Date.now()).slice(-8)}`;
    const requested = await deliver(hub.app, { topic: 'returns/request', body: returnBody({ id: returnId, orderId: externalId, status: 'requested', lines: [{ id: `${returnId}1`, lineItemId: JACKET_LINE, quantity: 1 }] }) });
    expect(requested.status).toBe(202);
    const [shopifyCase] = await eventually(async () => {
      const rows = await hub.sql<Json>(`SELECT id FROM return_cases WHERE channel = 'SHOPIFY' AND order_external_id = $1`, [externalId]);
      if (rows.length === 0) throw new Error('no case yet');
      return rows;
    });

    // One of 2 × 89.00 − 13.19: 82.40 and 7.31 tax, back on the card at the till.
    const boris = mugBack('T-3002', externalId, {
      original: { channel: 'SHOPIFY', account: SHOP, orderId: externalId },
      lines: [{ originalLineId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }],
      tenders: [{ kind: 'CARD', gateway: 'shopify_payments', amount: '89.71' }], total: '89.71',
    });
    expect((await send(batch('B-3', [boris]))).status).toBe(202);
    const { posting, refund } = await credited(`${STORE}-T-3002`);
    expect(refund).toMatchObject({ channel: 'SHOPIFY', account: SHOP, case_id: shopifyCase.id, total: '8971' });
    expect(posting).toMatchObject({ erp_total: '8971', variance: '0' });
    const key = `SHOPIFY-R${STORE}-T-3002`;
    const all = await returns();
    expect(keyed(all.returnAuthorizations, `${key}-RA`)[0]).toMatchObject({ createdFrom: { id: order.nsId }, entity: { id: '107' } });
    // The store's location, not the warehouse's returns bay (7) the Shopify DISPOSITION mapping names.
    expect(keyed(all.itemReceipts, `${key}-IR`).map((r) => r.item.items.map((l: Json) => l.location))).toEqual([[{ id: '12' }]]);
    expect(keyed(all.creditMemos, `${key}-CM`)[0]).toMatchObject({ total: 89.71 });
  });

  it('a return over what the sale captured is held REFUND_EXCEEDS_CAPTURE, and credits nothing', async () => {
    expect((await send(batch('B-4', [sale('T-1002')]))).status).toBe(202);
    await salesOrderPosted('POS', 'T-1002');
    const greedy = mugBack('T-3003', 'T-1002', {
      lines: [{ originalLineId: '1', quantity: 2, subtotal: '34.00', tax: '1.36' }, { originalLineId: '2', quantity: 1, subtotal: '34.50', tax: '0.98' }],
      tenders: [{ kind: 'CASH', amount: '70.84' }], total: '70.84',
    });
    expect((await send(batch('B-5', [greedy]))).status).toBe(202);
    expect(await settled('T-3003')).toMatchObject({ status: 'PROCESSED' });
    const [refund] = await hub.sql<Json>(`SELECT id, state, reason FROM return_refunds WHERE external_id = $1`, [`${STORE}-T-3003`]);
    expect(refund).toMatchObject({ state: 'HELD', reason: 'REFUND_EXCEEDS_CAPTURE' });
    expect(await hub.sql(`SELECT id FROM postings WHERE document_type = 'CREDIT_MEMO' AND subject_id = $1`, [refund.id])).toEqual([]);
  });

  it('a return of a sale the hub does not hold waits (ORDER_UNKNOWN), and is credited when the sale arrives', async () => {
    expect((await send(batch('B-6', [mugBack('T-3004', 'T-1003')]))).status).toBe(202);
    expect(await settled('T-3004')).toMatchObject({ status: 'PROCESSED' });
    const [waiting] = await hub.sql<Json>(`SELECT state, reason FROM return_refunds WHERE external_id = $1`, [`${STORE}-T-3004`]);
    expect(waiting).toEqual({ state: 'WAITING', reason: 'ORDER_UNKNOWN' });
    expect((await send(batch('B-7', [sale('T-1003')]))).status).toBe(202);
    const { posting } = await credited(`${STORE}-T-3004`);
    expect(posting).toMatchObject({ erp_total: '1768', variance: '0' });
  });

  it('a return that cannot be read is kept REJECTED with its reason; the rest of the batch goes through', async () => {
    const bad = mugBack('T-3005', 'T-1001', { lines: [{ originalLineId: '1', quantity: 1, subtotal: '17.00' }] });
    const res = await send(batch('B-8', [bad, { id: 'T-3006', type: 'NO_SALE', at: '2026-12-06T12:05:00-05:00' }]));
    expect(res.body.counts).toEqual({ accepted: 1, duplicate: 0, rejected: 1, conflict: 0 });
    expect(res.body.items.find((i: Json) => i.ref === 'T-3005')).toMatchObject({
      status: 'rejected', reason: 'transaction.lines: the lines come to 1700 minor units (subtotal + tax), the total is 1768',
    });
  });
});
