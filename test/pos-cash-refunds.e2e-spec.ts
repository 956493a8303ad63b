import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { signPosBody } from '../src/adapters/channels/pos/pos-channel.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STORE = 'brooklyn-04';
const SECRET = 'pos-store-secret-brooklyn-04';
const POS_MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MUG-ENAMEL-WHT', target: { itemId: '506' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '900' } },
  { kind: 'LOCATION', sourceValue: STORE, target: { locationId: '12', subsidiaryId: '1' } },
  { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: '-7' } },
  { kind: 'TENDER', sourceValue: 'cash', target: { paymentMethod: '1', clearingAccount: '1010' } },
  { kind: 'DISPOSITION', sourceValue: 'RESTOCK', target: { locationId: '12' } },
];

const batch = (batchId: string, transactions: Json[]) => JSON.stringify({ schemaVersion: 1, batchId, storeId: STORE, register: 'R1', currency: 'USD', transactions });
// 2 mugs at 18.00 less 2.00, 1.36 of tax: 35.36 in cash.
const sale = (id: string): Json => ({
  id, type: 'SALE', at: '2026-12-05T10:15:00-05:00',
  lines: [{ id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity: 2, unitPrice: '18.00', discounts: [{ amount: '2.00' }], taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '1.36' }] }],
  tenders: [{ kind: 'CASH', amount: '40.00', change: '4.64' }], total: '35.36',
});

/**
 * A store sale the target posts as a cash sale (counterSales CASH_SALE), one unit of it returned at
 * the till: NetSuite gets a return authorization from the cash sale, the item receipt at the store
 * and a cash refund out of the tender's account, never a credit memo; sent twice, once.
 */
describe('A return at the till of a sale a target holds as a cash sale: a NetSuite cash refund (PostgreSQL, Redis, NetSuite sandbox)', () => {
  let hub: TestHub;
  let ns: NetSuiteSandbox;
  const prefix = `e2e-pos-cash-refunds-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const send = (body: string) => request(hub.app.getHttpServer()).post(`/webhooks/pos/${STORE}/batches`)
    .set('Content-Type', 'application/json').set('X-Pos-Signature', signPosBody(body, SECRET)).send(body);
  const sandboxReturns = async (): Promise<Json> => (await (await fetch(`${ns.url}/_sandbox/returns`)).json()) as Json;

  beforeAll(async () => {
    ns = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-7': '4' } } });
    hub = await startHub({ databaseUrl: await freshDatabase('pos_cash_refunds'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    expect((await admin('put', '/admin/channel-accounts', { channel: 'POS', account: STORE, webhookSecret: SECRET, timezone: 'America/New_York' })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns', {
      variant: 'netsuite', baseUrl: ns.url, credentials: ns.credentials, concurrencyCap: 2, timeoutMs: 5000,
      routing: { channels: ['POS'] }, settings: { counterSales: 'CASH_SALE', taxMode: 'CHANNEL_AMOUNTS' },
    })).status).toBe(200);
    for (const mapping of POS_MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'POS', account: STORE, note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await ns?.close();
    await dropQueueKeys(prefix);
  });

  async function cashSaleOf(id: string): Promise<void> {
    await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT p.status FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 AND p.document_type = 'CASH_SALE'`, [id]);
      if (row?.status !== 'POSTED') throw new Error(`cash sale ${JSON.stringify(row)}`);
    }, 30_000);
  }

  const creditOf = (refundExternalId: string) => eventually(async () => {
    const [row] = await hub.sql<Json>(
      `SELECT p.status, p.last_error, p.erp_internal_id, p.erp_total::text AS erp_total, p.variance::text AS variance, r.state, r.total::text AS total
       FROM return_refunds r JOIN postings p ON p.subject_id::uuid = r.id AND p.document_type = 'CREDIT_MEMO' WHERE r.external_id = $1`, [refundExternalId]);
    if (row?.status !== 'POSTED') throw new Error(`credit ${JSON.stringify(row)}`);
    return row;
  }, 30_000);

  it('a unit of a cash sale back at the till: restocked at the store, and NetSuite pays the cash back with a cash refund from the cash sale', async () => {
    expect((await send(batch('B-1', [sale('T-3001')]))).status).toBe(202);
    await cashSaleOf('T-3001');
    const returned = batch('B-2', [{
      id: 'T-3002', type: 'RETURN', at: '2026-12-05T15:00:00-05:00', reason: 'chipped',
      original: { channel: 'POS', orderId: 'T-3001' }, lines: [{ originalLineId: '1', quantity: 1, subtotal: '17.00', tax: '0.68' }], tenders: [{ kind: 'CASH', amount: '17.68' }], total: '17.68',
    }]);
    expect((await send(returned)).status).toBe(202);
    expect((await send(returned)).body.counts).toMatchObject({ duplicate: 1 });
    const credit = await creditOf(`${STORE}-T-3002`);
    expect(credit).toMatchObject({ erp_total: '1768', variance: '0', state: 'CREDITED', total: '1768' });
    const all = await sandboxReturns();
    const key = `POS-R${STORE}-T-3002`;
    const [ra] = (all.returnAuthorizations as Json[]).filter((r) => r.externalId === `${key}-RA`);
    expect(ra.createdFrom.refName).toMatch(/^Cash Sale #/);
    const receipts = (all.itemReceipts as Json[]).filter((r) => r.externalId === `${key}-IR`);
    expect(receipts.map((r) => r.item.items.map((l: Json) => [l.quantity, l.location]))).toEqual([[[1, { id: '12' }]]]);
    const refunds = (all.cashRefunds as Json[]).filter((r) => r.externalId === `${key}-CRF`);
    expect(refunds.map((r) => [r.total, r.account])).toEqual([[17.68, { id: '1010' }]]);
    expect((all.creditMemos as Json[]).filter((m) => String(m.externalId).startsWith(key))).toEqual([]);
  });

});
