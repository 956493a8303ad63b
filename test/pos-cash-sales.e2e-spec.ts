import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { signPosBody } from '../src/adapters/channels/pos/pos-channel.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STORE = 'brooklyn-02';
const SECRET = 'pos-store-secret-brooklyn-02';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MUG-ENAMEL-WHT', target: { itemId: '506' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '900' } },
  { kind: 'LOCATION', sourceValue: STORE, target: { locationId: '12', subsidiaryId: '1' } },
  { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: '-7', taxAccount: '22100' } },
  { kind: 'TENDER', sourceValue: 'cash', target: { paymentMethod: '1', clearingAccount: '1010' } },
  { kind: 'TENDER', sourceValue: 'adyen', target: { paymentMethod: '5', clearingAccount: '1020' } },
];

// 36.00 − 2.00 + 24.50 + 2.34 tax = 60.84.
const LINES = [
  { id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity: 2, unitPrice: '18.00', discounts: [{ amount: '2.00', code: 'STAFF' }], taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '1.36' }] },
  { id: '2', sku: 'SOCK-TRAIL-3PK', title: 'Trail Socks 3-Pack', quantity: 1, unitPrice: '24.50', taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '0.98' }] },
];
const BATCH = JSON.stringify({
  schemaVersion: 1, batchId: 'B-20261205-01', storeId: STORE, register: 'R2', currency: 'USD',
  transactions: [
    { id: 'T-2001', type: 'SALE', at: '2026-12-05T10:15:00-05:00', lines: LINES, tenders: [{ kind: 'CASH', amount: '70.00', change: '9.16' }], total: '60.84' },
    // Split across two tender mappings: card and cash.
    { id: 'T-2002', type: 'SALE', at: '2026-12-05T11:40:00-05:00', lines: LINES, tenders: [{ kind: 'CARD', gateway: 'adyen', amount: '40.00' }, { kind: 'CASH', amount: '25.00', change: '4.16' }], total: '60.84' },
  ],
});

describe('store POS sales as cash sales, per target setting (PostgreSQL, Redis, NetSuite and Business Central sandboxes)', () => {
  let hub: TestHub;
  let nsCash: NetSuiteSandbox;
  let nsDefault: NetSuiteSandbox;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-pos-cash-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const send = (body: string) => request(hub.app.getHttpServer()).post(`/webhooks/pos/${STORE}/batches`)
    .set('Content-Type', 'application/json').set('X-Pos-Signature', signPosBody(body, SECRET)).send(body);
  const get = async (url: string): Promise<Json> => (await fetch(url)).json() as Promise<Json>;

  /** Every sale's postings, per target, once all of them landed. */
  const landed = () => eventually(async () => {
    const rows = await hub.sql<Json>(
      `SELECT p.id, o.external_id, p.target_id, p.document_type, p.status, p.erp_total::text AS erp_total, p.variance::text AS variance
       FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.channel = 'POS' ORDER BY o.external_id, p.target_id, p.document_type`);
    if (rows.length < 8 || rows.some((r) => r.status !== 'POSTED')) throw new Error(`postings ${JSON.stringify(rows)}`);
    return rows;
  }, 45_000);

  beforeAll(async () => {
    nsCash = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-7': '4' } } });
    nsDefault = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-7': '4' } } });
    bc = await startBusinessCentralSandbox({ port: 0, taxRates: { NOTAX: '0' } });
    hub = await startHub({ databaseUrl: await freshDatabase('pos_cash'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER,LOCATION' } });
    expect((await admin('put', '/admin/channel-accounts', { channel: 'POS', account: STORE, webhookSecret: SECRET, timezone: 'America/New_York' })).status).toBe(200);
    const routing = { channels: ['POS'] };
    expect((await admin('put', '/admin/erp-targets/ns-cash', {
      variant: 'netsuite', baseUrl: nsCash.url, credentials: nsCash.credentials, concurrencyCap: 2, timeoutMs: 5000, routing, settings: { counterSales: 'CASH_SALE' },
    })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns-default', {
      variant: 'netsuite', baseUrl: nsDefault.url, credentials: nsDefault.credentials, concurrencyCap: 2, timeoutMs: 5000, routing,
    })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/bc-cash', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 2, timeoutMs: 5000, routing,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId },
      settings: { localCurrency: 'USD', taxMode: 'CHANNEL_AMOUNTS', taxAccountNumber: '22100', exemptTaxCode: 'NOTAX', counterSales: 'CASH_SALE' },
    })).status).toBe(200);
    for (const mapping of MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'POS', account: STORE, note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await Promise.all([nsCash?.close(), nsDefault?.close(), bc?.close()]);
    await dropQueueKeys(prefix);
  });

  it('refuses a counterSales setting the variant does not know', async () => {
    const res = await admin('put', '/admin/erp-targets/ns-bad', {
      variant: 'netsuite', baseUrl: nsCash.url, credentials: nsCash.credentials, concurrencyCap: 1, timeoutMs: 5000, settings: { counterSales: 'SUMMARY' },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('settings.counterSales must be one of SALES_ORDER, CASH_SALE');
  });

  it('books each sale once as a cash sale where the target says so, with no item fulfilment; the default target gets sales order and fulfilment', async () => {
    expect((await send(BATCH)).body.counts).toEqual({ accepted: 2, duplicate: 0, rejected: 0, conflict: 0 });
    const rows = await landed();
    const kinds = (sale: string) => rows.filter((r) => r.external_id === sale).map((r) => [r.target_id, r.document_type]);
    for (const sale of ['T-2001', 'T-2002']) {
      expect(kinds(sale)).toEqual([['bc-cash', 'CASH_SALE'], ['ns-cash', 'CASH_SALE'], ['ns-default', 'ITEM_FULFILLMENT'], ['ns-default', 'SALES_ORDER']]);
    }
    // The ERPs' own totals, read back, are the till's to the cent.
    for (const r of rows.filter((row) => row.document_type === 'CASH_SALE')) expect([r.erp_total, r.variance]).toEqual(['6084', '0']);
    expect(await hub.sql(`SELECT counter_sale FROM orders WHERE channel = 'POS' ORDER BY external_id`)).toEqual([{ counter_sale: true }, { counter_sale: true }]);

    const cashSales = ((await get(`${nsCash.url}/_sandbox/cash-sales`)).cashSales as Json[]).sort((a, b) => a.externalId.localeCompare(b.externalId));
    expect(cashSales.map((s) => [s.externalId, s.total, s.location.id])).toEqual([['POS-T-2001', 60.84, '12'], ['POS-T-2002', 60.84, '12']]);
    expect(cashSales[0]).toMatchObject({ undepFunds: false, paymentMethod: { id: '1' }, account: { id: '1010' } });
    expect(cashSales[1]).toMatchObject({ undepFunds: true });
    expect(cashSales[1].paymentMethod).toBeUndefined();
    expect(await get(`${nsCash.url}/_sandbox/stats`)).toMatchObject({ documents: 0, fulfillments: 0 });
    expect(await get(`${nsDefault.url}/_sandbox/stats`)).toMatchObject({ documents: 2, fulfillments: 2 });

    const invoices = ((await get(`${bc.url}/_sandbox/sales-invoices`)).salesInvoices as Json[]).sort((a, b) => a.externalDocumentNumber.localeCompare(b.externalDocumentNumber));
    expect(invoices.map((i) => [i.externalDocumentNumber, i.status, i.posts, i.totalAmountIncludingTax])).toEqual([
      ['POS-T-2001', 'Open', 1, 60.84], ['POS-T-2002', 'Open', 1, 60.84],
    ]);
    expect(invoices[0].salesInvoiceLines.filter((l: Json) => l.lineType === 'Item').map((l: Json) => l.locationId)).toEqual(['12', '12']);
    expect(invoices[0].payments.map((p: Json) => [p.journalCode, p.amount])).toEqual([['CS1010', -60.84]]);
    expect(invoices[1].payments.map((p: Json) => [p.journalCode, p.amount]).sort()).toEqual([['CS1010', -20.84], ['CS1020', -40]]);
    expect(await get(`${bc.url}/_sandbox/stats`)).toMatchObject({ documents: 0, fulfillments: 0 });
  });

  it('a batch sent again adds nothing: no order, posting, cash sale, invoice or payment', async () => {
    const before = await landed();
    const again = await send(BATCH);
    expect(again.body.counts).toEqual({ accepted: 0, duplicate: 2, rejected: 0, conflict: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const ids = (rows: Json[]) => rows.map((r) => [r.id, r.status]);
    expect(ids(await landed())).toEqual(ids(before));
    expect((await get(`${nsCash.url}/_sandbox/cash-sales`)).cashSales).toHaveLength(2);
    const bcAfter = await get(`${bc.url}/_sandbox/sales-invoices`);
    expect(bcAfter.count).toBe(2);
    expect((bcAfter.salesInvoices as Json[]).flatMap((i) => i.payments)).toHaveLength(3);
  });
});
