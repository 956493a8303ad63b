import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { signPosBody } from '../src/adapters/channels/pos/pos-channel.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STORE = 'brooklyn-05';
const SECRET = 'pos-store-secret-brooklyn-05';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MUG-ENAMEL-WHT', target: { itemId: '506' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '900' } },
  { kind: 'LOCATION', sourceValue: STORE, target: { locationId: '12', subsidiaryId: '1' } },
  { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: '-7' } },
  { kind: 'TENDER', sourceValue: 'cash', target: { paymentMethod: '1', clearingAccount: '1010' } },
  { kind: 'TENDER', sourceValue: 'adyen', target: { paymentMethod: '5', clearingAccount: '1020' } },
];

const batch = (batchId: string, transactions: Json[]) => JSON.stringify({ schemaVersion: 1, batchId, storeId: STORE, register: 'R1', currency: 'USD', transactions });
// 2 mugs at 18.00 less 2.00 and 1.36 of tax: 35.36, in cash or by card.
const sale = (id: string, at: string, card = false): Json => ({
  id, type: 'SALE', at,
  lines: [{ id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity: 2, unitPrice: '18.00', discounts: [{ amount: '2.00' }], taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '1.36' }] }],
  tenders: [card ? { kind: 'CARD', gateway: 'adyen', amount: '35.36' } : { kind: 'CASH', amount: '40.00', change: '4.64' }], total: '35.36',
});
const close = (id: string, counted: string): Json => ({
  id, type: 'DAY_CLOSE', at: '2026-12-06T21:00:00-05:00', businessDate: '2026-12-06', registers: ['R1'], cash: [{ currency: 'USD', openingFloat: '100.00', counted }],
});

/**
 * A target that books counter sales as one summary per store and day: nothing per sale; at the
 * close one NetSuite cash sale of the day's sales, equal to them; a sale after the close a summary
 * of its own; the close sent again nothing more.
 */
describe('store sales as one daily summary per store (PostgreSQL, Redis, NetSuite sandbox)', () => {
  let hub: TestHub;
  let ns: NetSuiteSandbox;
  const prefix = `e2e-summaries-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const send = (body: string) => request(hub.app.getHttpServer()).post(`/webhooks/pos/${STORE}/batches`)
    .set('Content-Type', 'application/json').set('X-Pos-Signature', signPosBody(body, SECRET)).send(body);
  const cashSales = async (): Promise<Json[]> => ((await (await fetch(`${ns.url}/_sandbox/cash-sales`)).json()) as Json).cashSales as Json[];
  const summaries = () => hub.sql<Json>(
    `SELECT document_key, status, erp_total::text AS erp_total, variance::text AS variance FROM postings WHERE subject_type = 'STORE_DAY_SALES' ORDER BY document_key`);

  beforeAll(async () => {
    ns = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-7': '4' } } });
    hub = await startHub({ databaseUrl: await freshDatabase('store_day_summaries'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    expect((await admin('put', '/admin/channel-accounts', { channel: 'POS', account: STORE, webhookSecret: SECRET, timezone: 'America/New_York' })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns', {
      variant: 'netsuite', baseUrl: ns.url, credentials: ns.credentials, concurrencyCap: 2, timeoutMs: 5000,
      routing: { channels: ['POS'] }, settings: { counterSales: 'DAILY_SUMMARY', taxMode: 'CHANNEL_AMOUNTS' },
    })).status).toBe(200);
    for (const mapping of MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'POS', account: STORE, note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await ns?.close();
    await dropQueueKeys(prefix);
  });

  it('nothing per sale; the close books the day\'s sales as one cash sale; a late sale is a summary of its own; a second close adds nothing', async () => {
    expect((await send(batch('B-1', [sale('T-5001', '2026-12-06T10:00:00-05:00'), sale('T-5002', '2026-12-06T11:00:00-05:00', true), sale('T-5003', '2026-12-06T12:00:00-05:00')]))).status).toBe(202);
    await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT count(*)::int AS n FROM orders WHERE channel = 'POS' AND status <> 'RECEIVED'`);
      if (row.n < 3) throw new Error(`orders ${row.n as number}`);
    });
    const perSale = await hub.sql<Json>(`SELECT p.document_type FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.channel = 'POS'`);
    expect(perSale).toEqual([]);

    // Opening float 100.00 and two cash sales of 35.36: 170.72 counted, balanced.
    expect((await send(batch('B-2', [close('C-1', '170.72')]))).status).toBe(202);
    const first = await eventually(async () => {
      const rows = await summaries();
      if (rows[0]?.status !== 'POSTED' || rows[0].erp_total === null) throw new Error(`summaries ${JSON.stringify(rows)}`);
      return rows;
    }, 30_000);
    expect(first).toEqual([{ document_key: '1', status: 'POSTED', erp_total: '10608', variance: '0' }]);
    const [day] = (await cashSales()).filter((c) => c.externalId === `POS-SUM-${STORE}-20261206`);
    expect(day.total).toBe(106.08);
    expect((day.item.items as Json[]).map((l) => [l.item.id, l.quantity, l.location?.id])).toEqual([['506', 2, '12'], ['506', 2, '12'], ['506', 2, '12']]);

    // A sale rung up after the close: its own summary, #2.
    expect((await send(batch('B-3', [sale('T-5004', '2026-12-06T20:30:00-05:00', true)]))).status).toBe(202);
    const both = await eventually(async () => {
      const rows = await summaries();
      if (rows.length < 2 || rows[1].status !== 'POSTED' || rows[1].erp_total === null) throw new Error(`summaries ${JSON.stringify(rows)}`);
      return rows;
    }, 30_000);
    expect(both[1]).toEqual({ document_key: '2', status: 'POSTED', erp_total: '3536', variance: '0' });
    expect((await cashSales()).map((c) => c.externalId).sort()).toEqual([`POS-SUM-${STORE}-20261206`, `POS-SUM-${STORE}-20261206-2`]);

    // The same close again: nothing new.
    await send(batch('B-2', [close('C-1', '170.72')]));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await summaries()).toHaveLength(2);
  });
});
