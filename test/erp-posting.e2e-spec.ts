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
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '501' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
];

async function documents(sb: NetSuiteSandbox): Promise<Json> {
  return (await fetch(`${sb.url}/_sandbox/documents`)).json() as Promise<Json>;
}

/** Released orders reach the ERP once, in its terms: the NetSuite sandbox is the judge. */
describe('ERP posting to NetSuite', () => {
  let hub: TestHub;
  let sandbox: NetSuiteSandbox;
  const prefix = `e2e-erp-${randomUUID()}`;

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ port: 0 });
    hub = await startHub({ databaseUrl: await freshDatabase('erp'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    const target = await admin('put', '/admin/erp-targets/netsuite-main', {
      variant: 'netsuite', baseUrl: sandbox.url, credentials: sandbox.credentials, concurrencyCap: 4, timeoutMs: 5000,
    });
    expect(target.status).toBe(200);
    expect(JSON.stringify(target.body)).not.toContain(sandbox.credentials.tokenSecret);
    for (const mapping of MAPPINGS) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await sandbox?.close();
    await dropQueueKeys(prefix);
  });

  it('posts a released order once, with its lines, quantities, prices and currency', async () => {
    const body = fixture('order-create.json');
    const id = orderIdOf(body);
    const deliveries = await Promise.all([
      deliver(hub.app, { body, webhookId: 'erp-1' }),
      deliver(hub.app, { body, webhookId: 'erp-1' }),
      deliver(hub.app, { body, webhookId: 'erp-2' }),
    ]);
    expect(deliveries.map((d) => d.status).sort()).toEqual([200, 202, 202]);

    const posted = await eventually(async () => {
      const [row] = await hub.sql<{ status: string; erp_internal_id: string; attempts: number }>(
        `SELECT p.status, p.erp_internal_id, p.attempts FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1`, [id]);
      if (row?.status !== 'POSTED') throw new Error(`posting ${row?.status}`);
      return row;
    }, 20_000);
    expect(posted.erp_internal_id).toBeTruthy();

    const docs = await documents(sandbox);
    expect(docs.count).toBe(1);
    expect(docs.creates).toBe(1);
    expect(docs.duplicateKeys).toEqual([]);
    const [document] = docs.documents;
    expect(document.key).toBe(`SHOPIFY-${id}`);
    const sent = document.document as Json;
    expect(sent.entity.id).toBe('107');
    const items = sent.item.items as Json[];
    expect(items.map((line) => [line.item.id, line.quantity])).toEqual([['501', 2], ['502', 1]]);
    expect(items.map((line) => Number(line.rate))).toEqual([89, 24.5]);

    const order = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) { status history { toStatus } } }`, { id });
    expect(order.body.data.orderBySource.status).toBe('POSTED');
    expect(order.body.data.orderBySource.history.map((h: Json) => h.toStatus)).toEqual(['RECEIVED', 'RELEASED', 'POSTED']);
  });

  it('sends a document the ERP rejects to DEAD with its message, and a replay after the fix posts it once', async () => {
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    const base = fixture('order-create.json');
    const id = '6012345678900000777';
    const body = base.replace(new RegExp(orderIdOf(base), 'g'), id).replaceAll('MER-CREW-NVY-M', 'BROKEN-SKU');
    const broken = await admin('post', '/admin/mappings', {
      kind: 'ITEM', channel: 'SHOPIFY', account: SHOP, sourceValue: 'BROKEN-SKU', target: { itemId: 'not-an-id' }, note: 'e2e: a typo',
    });
    expect(broken.status).toBe(201);
    expect((await deliver(hub.app, { body })).status).toBe(202);

    const dead = await eventually(async () => {
      const [row] = await hub.sql<{ id: string; status: string; last_error: string; last_error_kind: string }>(
        `SELECT p.id, p.status, p.last_error, p.last_error_kind FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1`, [id]);
      if (row?.status !== 'DEAD') throw new Error(`posting ${row?.status}`);
      return row;
    }, 20_000);
    expect(dead.last_error_kind).toBe('PERMANENT');
    expect(dead.last_error).toMatch(/Invalid Field Value|item/i);
    const before = await documents(sandbox);

    // A dry run of a bulk replay lists it and changes nothing.
    const dryRun = await admin('post', '/admin/postings/replay', { targetId: 'netsuite-main', status: 'DEAD', dryRun: true });
    expect(dryRun.status).toBe(201);
    expect(dryRun.body.postings.map((p: Json) => p.id)).toEqual([dead.id]);
    expect(dryRun.body.replayed).toEqual([]);
    const [still] = await hub.sql<{ status: string }>('SELECT status FROM postings WHERE id = $1', [dead.id]);
    expect(still.status).toBe('DEAD');
    const badFilter = await admin('post', '/admin/postings/replay', { status: 'POSTED' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.field).toBe('status');

    const fixed = await admin('put', `/admin/mappings/${broken.body.mappingKey}`, { target: { itemId: '503' }, note: 'e2e: fix the typo' });
    expect(fixed.status).toBe(200);
    const replay = await request(hub.app.getHttpServer()).post(`/admin/postings/${dead.id}/replay`).set('Authorization', `Bearer ${ADMIN_KEY}`).send({});
    expect(replay.status).toBe(201);
    await eventually(async () => {
      const [row] = await hub.sql<{ status: string }>('SELECT status FROM postings WHERE id = $1', [dead.id]);
      if (row.status !== 'POSTED') throw new Error(`posting ${row.status}`);
    }, 20_000);
    const after = await documents(sandbox);
    expect(after.count).toBe(before.count + 1);
    const doc = after.documents.find((d: Json) => d.key === `SHOPIFY-${id}`);
    expect(doc.creates).toBe(1);
    expect((doc.document.item.items as Json[]).map((line) => line.item.id)).toEqual(['503', '502']);
    const again = await request(hub.app.getHttpServer()).post(`/admin/postings/${dead.id}/replay`).set('Authorization', `Bearer ${ADMIN_KEY}`).send({});
    expect(again.status).toBe(409);
  });
});
