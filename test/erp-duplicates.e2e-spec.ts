import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { deliver, fixture, graphql, orderIdOf } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const ORDERS = ['6012345678900400001', '6012345678900400002', '6012345678900400003'];
/** The target gives up after this; the sandbox commits every deep insert ten times later. */
const TIMEOUT_MS = 300;
const LATE_COMMIT_MS = 3000;

const json = async (url: string): Promise<Json> => (await fetch(url)).json() as Promise<Json>;

function order(id: string): string {
  const base = fixture('order-discounted-units.json');
  return base.replace(new RegExp(orderIdOf(base), 'g'), id);
}

/**
 * Defect 9. Business Central keeps no key unique, and a deep insert the hub gave up on commits
 * seconds later. Look-ups at growing delays cover the target's timeout, yet a later commit still
 * lands as a second document: the key is watched after the ambiguous outcome and the unposted
 * extra deleted. The end state is one sales order per order.
 */
describe('Business Central late commits after a timeout', () => {
  let hub: TestHub;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-erp-dup-${randomUUID()}`;

  beforeAll(async () => {
    bc = await startBusinessCentralSandbox({ port: 0, taxRates: { '201': '4' }, knobs: { lateCommitMs: LATE_COMMIT_MS } });
    hub = await startHub({
      databaseUrl: await freshDatabase('erpdup'), queuePrefix: prefix,
      env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER', ERP_DUPLICATE_SCAN_INTERVAL_MS: '250', ERP_DUPLICATE_WATCH_MS: '30000' },
    });
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    expect((await admin('put', '/admin/erp-targets/bc', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 4, timeoutMs: TIMEOUT_MS,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId, shippingAccountNumber: '40250' },
      // The duplicates are the point here, not the tax: BC computes it from the lines' codes.
      settings: { localCurrency: 'USD', taxMode: 'ERP_CALCULATES' },
    })).status).toBe(200);
    for (const mapping of [
      { kind: 'ITEM', sourceValue: 'DESCALE-TABS-12', target: { itemId: '504' } },
      { kind: 'ITEM', sourceValue: 'GRIND-CONICAL-SS', target: { itemId: '505' } },
      { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '10000' } },
      { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: '201' } },
    ]) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await bc?.close();
    await dropQueueKeys(prefix);
  });

  it('ends with exactly one sales order per order: the extra late commits are deleted', async () => {
    for (const id of ORDERS) expect((await deliver(hub.app, { body: order(id) })).status).toBe(202);

    const settled = await eventually(async () => {
      const postings = await hub.sql<{ status: string; erp_internal_id: string; erp_total: string | null }>(
        `SELECT p.status, p.erp_internal_id, p.erp_total::text FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = ANY($1)`, [ORDERS]);
      const stats = await json(`${bc.url}/_sandbox/stats`);
      const docs = await json(`${bc.url}/_sandbox/documents`);
      if (postings.length !== 3 || postings.some((p) => p.status !== 'POSTED') || stats.lateCommitsPending !== 0 || docs.duplicateKeys.length > 0 || docs.count !== 3) {
        throw new Error(`postings ${JSON.stringify(postings.map((p) => p.status))}, pending ${stats.lateCommitsPending}, documents ${docs.count}`);
      }
      return { postings, docs };
    }, 40_000);

    // One sales order per key, each the one its posting landed as, with BC's total = the grand total.
    const { postings, docs } = settled;
    expect(docs.documents.map((d: Json) => d.key).sort()).toEqual(ORDERS.map((id) => `SHOPIFY-${id}`));
    expect(docs.documents.map((d: Json) => d.id).sort()).toEqual(postings.map((p) => p.erp_internal_id).sort());
    expect(docs.documents.map((d: Json) => d.document.totalAmountIncludingTax)).toEqual([167.44, 167.44, 167.44]);
    expect(postings.map((p) => p.erp_total)).toEqual(['16744', '16744', '16744']);

    // The late commits did land twice: the second documents were found under the watched keys and deleted.
    const deleted = await hub.sql<{ outcome: string; erp_internal_id: string; kept_internal_id: string; document_key: string }>(
      'SELECT outcome, erp_internal_id, kept_internal_id, document_key FROM erp_duplicate_documents ORDER BY document_key');
    expect(deleted.length).toBeGreaterThanOrEqual(1);
    for (const row of deleted) {
      expect(row.outcome).toBe('DELETED');
      expect(postings.map((p) => p.erp_internal_id)).toContain(row.kept_internal_id);
      expect(docs.documents.map((d: Json) => d.id)).not.toContain(row.erp_internal_id);
    }
    // The operator sees them on the order's ERP reference.
    const shownFor = deleted[0].document_key.replace(/^SHOPIFY-/, '');
    const shown = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
      erpReferences { internalId duplicates { internalId outcome note } } } }`, { id: shownFor });
    const [reference] = shown.body.data.orderBySource.erpReferences;
    expect(reference.internalId).toBe(deleted[0].kept_internal_id);
    expect(reference.duplicates).toContainEqual({ internalId: deleted[0].erp_internal_id, outcome: 'DELETED', note: expect.stringMatching(/deleted/) });

    const metrics = await request(hub.app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(metrics.text).toMatch(/hub_erp_duplicate_documents_total\{target="bc",outcome="DELETED"\} [1-9]/);
  });
});

/** Doubles made out of the watch's sight: the full scan of the company's orders finds every key held twice. */
describe('Business Central full duplicate scan', () => {
  let hub: TestHub;
  let bc: BusinessCentralSandbox;
  let accessToken: string;
  const prefix = `e2e-erp-dupfull-${randomUUID()}`;
  const raw = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> => {
    const res = await fetch(`${bc.apiUrl}/companies(${bc.companyId})${path}`, {
      method, headers: { authorization: `Bearer ${accessToken}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
    return res.status === 204 ? {} : ((await res.json()) as Json);
  };
  const extra = (key: string): Promise<Json> => raw('POST', '/salesOrders?$expand=salesOrderLines', {
    externalDocumentNumber: key, customerNumber: '10000', salesOrderLines: [{ lineType: 'Item', lineObjectNumber: '504', quantity: 2, unitPrice: 10 }],
  });

  beforeAll(async () => {
    bc = await startBusinessCentralSandbox({ port: 0, taxRates: { '201': '4' } });
    const token = await fetch(bc.tokenUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: bc.credentials.clientId, client_secret: bc.credentials.clientSecret, scope: bc.scope }),
    });
    accessToken = ((await token.json()) as Json).access_token as string;
    hub = await startHub({
      databaseUrl: await freshDatabase('erpdupfull'), queuePrefix: prefix,
      env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER', ERP_DUPLICATE_FULL_SCAN_INTERVAL_MS: '300' },
    });
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    expect((await admin('put', '/admin/erp-targets/bc', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 2, timeoutMs: 5000,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId, shippingAccountNumber: '40250' },
      // The duplicates are the point here, not the tax: BC computes it from the lines' codes.
      settings: { localCurrency: 'USD', taxMode: 'ERP_CALCULATES' },
    })).status).toBe(200);
    for (const mapping of [
      { kind: 'ITEM', sourceValue: 'DESCALE-TABS-12', target: { itemId: '504' } },
      { kind: 'ITEM', sourceValue: 'GRIND-CONICAL-SS', target: { itemId: '505' } },
      { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '10000' } },
    ]) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await bc?.close();
    await dropQueueKeys(prefix);
  });

  it('deletes an unposted double of a posted order, flags a shipped one, and leaves a key no posting owns alone', async () => {
    const [unposted, shipped] = ['6012345678900500001', '6012345678900500002'];
    for (const id of [unposted, shipped]) expect((await deliver(hub.app, { body: order(id) })).status).toBe(202);
    await eventually(async () => {
      const rows = await hub.sql<{ status: string }>(`SELECT p.status FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = ANY($1)`, [[unposted, shipped]]);
      if (rows.length !== 2 || rows.some((r) => r.status !== 'POSTED')) throw new Error(`postings ${JSON.stringify(rows)}`);
    }, 20_000);

    const deleteMe = await extra(`SHOPIFY-${unposted}`);
    const shippedDouble = await extra(`SHOPIFY-${shipped}`);
    const line = shippedDouble.salesOrderLines[0] as Json;
    await raw('PATCH', `/salesOrders(${shippedDouble.id})/salesOrderLines(${line.id})`, { shipQuantity: 1 }, { 'if-match': line['@odata.etag'] });
    await raw('POST', `/salesOrders(${shippedDouble.id})/Microsoft.NAV.shipAndInvoice`);
    const foreign = [await extra('OTHER-INTEGRATION-1'), await extra('OTHER-INTEGRATION-1')];

    const found = await eventually(async () => {
      const rows = await hub.sql<{ erp_internal_id: string; outcome: string; document_key: string }>(
        'SELECT erp_internal_id, outcome, document_key FROM erp_duplicate_documents ORDER BY document_key');
      if (rows.length < 2) throw new Error(`duplicates ${JSON.stringify(rows)}`);
      return rows;
    }, 20_000);
    expect(found).toEqual([
      { erp_internal_id: deleteMe.id, outcome: 'DELETED', document_key: `SHOPIFY-${unposted}` },
      { erp_internal_id: shippedDouble.id, outcome: 'FLAGGED', document_key: `SHOPIFY-${shipped}` },
    ]);
    const docs = await json(`${bc.url}/_sandbox/documents`);
    expect(docs.documents.map((d: Json) => d.id)).not.toContain(deleteMe.id);
    expect(docs.documents.map((d: Json) => d.id)).toEqual(expect.arrayContaining([shippedDouble.id, ...foreign.map((f) => f.id)]));
    expect([...docs.duplicateKeys].sort()).toEqual(['OTHER-INTEGRATION-1', `SHOPIFY-${shipped}`]);

    const shown = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
      erpReferences { duplicates { internalId outcome note } } } }`, { id: shipped });
    expect(shown.body.data.orderBySource.erpReferences[0].duplicates).toEqual([
      { internalId: shippedDouble.id, outcome: 'FLAGGED', note: expect.stringMatching(/posted shipments or invoices/) },
    ]);
    // The scan may still be walking the groups after the rows above: the foreign key's group can come last.
    const metrics = await eventually(async () => {
      const res = await request(hub.app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${ADMIN_KEY}`);
      if (!/hub_erp_duplicate_documents_total\{target="bc",outcome="UNMATCHED"\}/.test(res.text)) throw new Error('the scan has not reached the foreign key yet');
      return res;
    }, 20_000);
    expect(metrics.text).toMatch(/hub_erp_duplicate_documents_total\{target="bc",outcome="UNMATCHED"\} [1-9]/);
  });
});
