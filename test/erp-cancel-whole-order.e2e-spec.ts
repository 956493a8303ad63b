import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { deliver, fixture, orderIdOf, withField } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '501' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
  { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: '-7' } },
  { kind: 'TAX_CODE', sourceValue: 'New York City Tax', target: { taxCode: '-8', taxAccount: '22120' } },
];

/** A cancel after posting, with nothing shipped, leaves the ERP order owing nothing: no item, no shipping, no tax. */
describe('Business Central: an order cancelled after posting is closed whole', () => {
  let hub: TestHub;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-cancel-whole-${randomUUID()}`;

  beforeAll(async () => {
    bc = await startBusinessCentralSandbox({ port: 0, taxRates: { NOTAX: '0' } });
    hub = await startHub({ databaseUrl: await freshDatabase('cancelwhole'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    expect((await admin('put', '/admin/erp-targets/bc-main', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 4, timeoutMs: 5000,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId },
      settings: { localCurrency: 'USD', shippingAccountNumber: '40250', taxMode: 'CHANNEL_AMOUNTS', taxAccountNumber: '22100', exemptTaxCode: 'NOTAX' },
    })).status).toBe(200);
    for (const mapping of MAPPINGS) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await bc?.close();
    await dropQueueKeys(prefix);
  });

  const posting = async (externalId: string, documentType: string) =>
    (await hub.sql<{ status: string; last_error: string | null }>(
      `SELECT p.status, p.last_error FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 AND p.document_type = $2`, [externalId, documentType]))[0];
  const salesOrder = async (externalId: string): Promise<Json | undefined> =>
    ((await (await fetch(`${bc.url}/_sandbox/documents`)).json()) as Json).documents.find((d: Json) => d.key === `SHOPIFY-${externalId}`)?.document as Json | undefined;

  it('deletes the item lines, the shipping line and the tax G/L lines', async () => {
    const base = fixture('order-create.json');
    const id = '6012345678900077001';
    const body = base.replace(new RegExp(orderIdOf(base), 'g'), id);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    await eventually(async () => {
      const row = await posting(id, 'SALES_ORDER');
      if (row?.status !== 'POSTED') throw new Error(`sales order ${row?.status} ${row?.last_error}`);
    }, 30_000);
    const before = await salesOrder(id);
    expect((before!.salesOrderLines as Json[]).map((l) => l.lineObjectNumber)).toEqual(['501', '502', '40250', '22100', '22120']);

    const cancelled = withField(withField(body, 'cancelled_at', '2026-03-14T11:00:00-04:00'), 'updated_at', '2026-03-14T11:00:00-04:00');
    expect((await deliver(hub.app, { topic: 'orders/cancelled', body: cancelled })).status).toBe(202);
    await eventually(async () => {
      const row = await posting(id, 'SALES_ORDER_CHANGE');
      if (row?.status !== 'POSTED') throw new Error(`line change ${row?.status} ${row?.last_error}`);
    }, 30_000);
    const after = await salesOrder(id);
    expect(after!.salesOrderLines).toEqual([]);
  });
});
