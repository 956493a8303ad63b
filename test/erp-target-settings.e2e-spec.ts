import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { deliver, fixture, graphql, orderIdOf } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';

/** How the ERP account is set up is configuration an operator can see, and the documents follow it. */
describe('ERP target settings', () => {
  let hub: TestHub;
  let sandbox: NetSuiteSandbox;
  const prefix = `e2e-settings-${randomUUID()}`;
  const admin = (method: 'put' | 'post' | 'get', path: string, body?: object) => {
    const call = request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`);
    return body === undefined ? call : call.set('Content-Type', 'application/json').send(body);
  };
  const target = (settings: unknown) => ({ variant: 'netsuite', baseUrl: sandbox.url, credentials: sandbox.credentials, concurrencyCap: 2, timeoutMs: 5000, settings });

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ port: 0 });
    hub = await startHub({ databaseUrl: await freshDatabase('erp_settings'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    for (const mapping of [
      { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '501' } },
      { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
      { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
    ]) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await sandbox?.close();
    await dropQueueKeys(prefix);
  });

  it('refuses a setting the variant does not know or a malformed one, naming it, and keeps nothing', async () => {
    const unknown = await admin('put', '/admin/erp-targets/ns-items', target({ localCurrency: 'USD' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'settings.localCurrency' });
    const malformed = await admin('put', '/admin/erp-targets/ns-items', target({ discountItemId: 900 }));
    expect(malformed.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'settings.discountItemId' });
    expect(await hub.sql('SELECT id FROM erp_targets')).toEqual([]);
  });

  it('shows the settings back and posts with the discount item, the shipping item and the currency record they name', async () => {
    const saved = await admin('put', '/admin/erp-targets/ns-items', target({ discountItemId: '900', shippingItemId: '901', currencyIds: { usd: '2' } }));
    expect(saved.status).toBe(200);
    expect(saved.body.settings).toEqual({ discountItemId: '900', shippingItemId: '901', currencyIds: { USD: '2' } });
    expect(JSON.stringify(saved.body)).not.toContain(sandbox.credentials.tokenSecret);
    const listed = await graphql(hub.app, READER_KEY, '{ erpTargets { id settings } }');
    expect(JSON.parse(listed.body.data.erpTargets[0].settings)).toEqual({ discountItemId: '900', shippingItemId: '901', currencyIds: { USD: '2' } });

    const body = fixture('order-create.json');
    expect((await deliver(hub.app, { body })).status).toBe(202);
    await eventually(async () => {
      const [row] = await hub.sql<{ status: string }>(`SELECT p.status FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1`, [orderIdOf(body)]);
      if (row?.status !== 'POSTED') throw new Error(`posting ${row?.status}`);
    }, 20_000);

    const [doc] = ((await (await fetch(`${sandbox.url}/_sandbox/documents`)).json()) as Json).documents as Json[];
    const sent = doc.document as Json;
    expect(sent.currency).toEqual({ id: '2' });
    expect(sent.shippingCost).toBeUndefined();
    // Each discounted line at gross, its discount as a line of the Discount item right after it; shipping as an item line.
    expect((sent.item.items as Json[]).map((l) => [l.item.id, l.quantity ?? null, Number(l.amount)])).toEqual([
      ['501', 2, 178], ['900', null, -13.19], ['502', 1, 24.5], ['900', null, -1.81], ['901', 1, 9.95],
    ]);
  });
});
