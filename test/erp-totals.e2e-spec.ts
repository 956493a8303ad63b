import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { deliver, fixture, graphql, orderIdOf } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
/** NY State Tax at 4 %, the code both ERPs hold for it. */
const TAX_RATES = { '201': '4' };
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'DESCALE-TABS-12', target: { itemId: '504' } },
  { kind: 'ITEM', sourceValue: 'GRIND-CONICAL-SS', target: { itemId: '505' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
  { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: '201' } },
];

interface PostingTotals { target_id: string; status: string; erp_total: string | null; erp_total_currency: string | null; expected_total: string | null; variance: string | null }

/** The discounted fixture (27.00 + 134.00 + 4 % tax per line = 167.44) under a new order id. */
function discountedOrder(id: string): string {
  const base = fixture('order-discounted-units.json');
  return base.replace(new RegExp(orderIdOf(base), 'g'), id);
}

/**
 * After writing a sales order the hub reads the ERP's own total back and keeps it on the posting:
 * a document that adds up has variance 0; a difference stays on the posting, in GraphQL and in the metrics.
 */
describe('ERP totals read back after posting', () => {
  let hub: TestHub;
  let netsuite: NetSuiteSandbox;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-erp-totals-${randomUUID()}`;

  const postingsOf = (orderExternalId: string): Promise<PostingTotals[]> => eventually(async () => {
    const rows = await hub.sql<PostingTotals>(
      `SELECT p.target_id, p.status, p.erp_total::text, p.erp_total_currency, p.expected_total::text, p.variance::text
       FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 ORDER BY p.target_id`, [orderExternalId]);
    // NetSuite's total is read back in a batch shortly after the write.
    if (rows.length !== 2 || rows.some((r) => r.status !== 'POSTED' || r.erp_total === null)) throw new Error(`postings ${JSON.stringify(rows)}`);
    return rows;
  }, 20_000);

  beforeAll(async () => {
    netsuite = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: TAX_RATES } });
    bc = await startBusinessCentralSandbox({ port: 0, taxRates: TAX_RATES });
    hub = await startHub({ databaseUrl: await freshDatabase('erptotals'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    expect((await admin('put', '/admin/erp-targets/ns', { variant: 'netsuite', baseUrl: netsuite.url, credentials: netsuite.credentials, concurrencyCap: 2, timeoutMs: 5000 })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/bc', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 2, timeoutMs: 5000,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId, shippingAccountNumber: '40250' },
      // BC computes the tax from the line's code here, and the read-back compares it with the channel's.
      settings: { localCurrency: 'USD', taxMode: 'ERP_CALCULATES' },
    })).status).toBe(200);
    for (const mapping of MAPPINGS) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await netsuite?.close();
    await bc?.close();
    await dropQueueKeys(prefix);
  });

  it('keeps each ERP total on the posting: equal to the order grand total, variance 0', async () => {
    const id = '6012345678900300001';
    expect((await deliver(hub.app, { body: discountedOrder(id) })).status).toBe(202);
    const rows = await postingsOf(id);
    expect(rows).toEqual([
      { target_id: 'bc', status: 'POSTED', erp_total: '16744', erp_total_currency: 'USD', expected_total: '16744', variance: '0' },
      { target_id: 'ns', status: 'POSTED', erp_total: '16744', erp_total_currency: 'USD', expected_total: '16744', variance: '0' },
    ]);
    const [order] = await hub.sql<{ grand_total: string }>('SELECT grand_total::text FROM orders WHERE external_id = $1', [id]);
    expect(order.grand_total).toBe('16744');

    // The ERPs computed them from the documents: the lines net of discount and 4 % tax on each.
    const nsDoc = ((await (await fetch(`${netsuite.url}/_sandbox/documents?key=SHOPIFY-${id}`)).json()) as Json).documents[0].document;
    expect(nsDoc).toMatchObject({ subtotal: 161, taxTotal: 6.44, total: 167.44 });
    const bcDoc = ((await (await fetch(`${bc.url}/_sandbox/documents?key=SHOPIFY-${id}`)).json()) as Json).documents[0].document;
    expect(bcDoc).toMatchObject({ totalAmountExcludingTax: 161, totalTaxAmount: 6.44, totalAmountIncludingTax: 167.44 });

    const shown = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
      erpReferences { target erpTotal { amount currencyCode } variance { amount currencyCode } } } }`, { id });
    expect(shown.body.data.orderBySource.erpReferences).toEqual([
      { target: 'bc', erpTotal: { amount: '167.44', currencyCode: 'USD' }, variance: { amount: '0.00', currencyCode: 'USD' } },
      { target: 'ns', erpTotal: { amount: '167.44', currencyCode: 'USD' }, variance: { amount: '0.00', currencyCode: 'USD' } },
    ]);
  });

  it('keeps a difference the ERP makes as the posting variance, shows it in GraphQL and counts it in the metrics', async () => {
    await fetch(`${bc.url}/_sandbox/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ totalVarianceMinor: 3 }) });
    await fetch(`${netsuite.url}/_sandbox/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ totalVarianceMinor: -2 }) });
    try {
      const id = '6012345678900300002';
      expect((await deliver(hub.app, { body: discountedOrder(id) })).status).toBe(202);
      const rows = await postingsOf(id);
      expect(rows.map((r) => [r.target_id, r.status, r.erp_total, r.expected_total, r.variance])).toEqual([
        ['bc', 'POSTED', '16747', '16744', '3'],
        ['ns', 'POSTED', '16742', '16744', '-2'],
      ]);

      const shown = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
        erpReferences { target postingStatus erpTotal { amount } variance { amount currencyCode } } } }`, { id });
      expect(shown.body.data.orderBySource.erpReferences).toEqual([
        { target: 'bc', postingStatus: 'POSTED', erpTotal: { amount: '167.47' }, variance: { amount: '0.03', currencyCode: 'USD' } },
        { target: 'ns', postingStatus: 'POSTED', erpTotal: { amount: '167.42' }, variance: { amount: '-0.02', currencyCode: 'USD' } },
      ]);

      const metrics = await request(hub.app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${ADMIN_KEY}`);
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/hub_erp_posting_variance_total\{target="bc"\} [1-9]/);
      expect(metrics.text).toMatch(/hub_erp_posting_variance_minor_units_total\{target="ns",currency="USD"\} [1-9]/);
    } finally {
      for (const url of [bc.url, netsuite.url]) {
        await fetch(`${url}/_sandbox/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ totalVarianceMinor: 0 }) });
      }
    }
  });
});
