import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const ORDERS = 60;
const CAP = 4;

const json = async (url: string): Promise<Json> => (await fetch(url)).json() as Promise<Json>;

/** Each order, three deliveries: the same webhook twice and a second subscription's copy, shuffled. */
function deliveries(): { body: string; webhookId: string }[] {
  const base = fixture('order-create.json');
  const all: { body: string; webhookId: string }[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const body = base.replace(new RegExp(orderIdOf(base), 'g'), `80${String(i).padStart(17, '0')}`);
    all.push({ body, webhookId: `a-${i}` }, { body, webhookId: `a-${i}` }, { body, webhookId: `b-${i}` });
  }
  // Deterministic shuffle, so a failure can be replayed.
  let seed = 7;
  for (let i = all.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

/**
 * Exactly once under faults: two ERP targets, 5xx / 429 / commit-then-timeout injected,
 * two workers of which one stops mid-run, and the queue's Redis keys flushed mid-run.
 */
describe('ERP posting under faults', () => {
  let api: TestHub;
  let secondWorker: TestHub | null = null;
  let netsuite: NetSuiteSandbox;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-erp-faults-${randomUUID()}`;

  beforeAll(async () => {
    const faults = { errorRate: 0.1, rate429: 0.05, commitTimeoutRate: 0.05, commitTimeoutMode: 'delay' as const, commitTimeoutDelayMs: 1500, latencyMs: [5, 25] as const, concurrency: CAP, seed: 11 };
    netsuite = await startNetSuiteSandbox({ port: 0, knobs: faults });
    bc = await startBusinessCentralSandbox({ port: 0, knobs: faults });
    const databaseUrl = await freshDatabase('erpfaults');
    const env = { MAPPING_REQUIRED: 'ITEM,CUSTOMER' };
    api = await startHub({ databaseUrl, queuePrefix: prefix, env });
    secondWorker = await startHub({ databaseUrl, queuePrefix: prefix, role: 'worker', env });
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(api.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    expect((await admin('put', '/admin/erp-targets/ns', { variant: 'netsuite', baseUrl: netsuite.url, credentials: netsuite.credentials, concurrencyCap: CAP, timeoutMs: 800 })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/bc', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: CAP, timeoutMs: 800,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId, shippingAccountNumber: '40250', taxAccountNumber: '22100' },
    })).status).toBe(200);
    for (const mapping of [
      { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '1001' } },
      { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '1002' } },
      { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '10000' } },
    ]) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await secondWorker?.close();
    await api?.close();
    await netsuite?.close();
    await bc?.close();
    await dropQueueKeys(prefix);
  });

  it('ends with every order once in each ERP and every posting POSTED', async () => {
    const all = deliveries();
    const half = Math.floor(all.length / 2);
    for (let i = 0; i < half; i += 10) await Promise.all(all.slice(i, Math.min(i + 10, half)).map((d) => deliver(api.app, d)));

    // A worker goes away and Redis loses every queued job.
    await secondWorker?.close();
    secondWorker = null;
    await dropQueueKeys(prefix);

    for (let i = half; i < all.length; i += 10) await Promise.all(all.slice(i, i + 10).map((d) => deliver(api.app, d)));

    await eventually(async () => {
      const rows = await api.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM postings GROUP BY status');
      const posted = rows.find((r) => r.status === 'POSTED')?.n ?? 0;
      if (posted !== ORDERS * 2) throw new Error(`postings: ${JSON.stringify(rows)}`);
    }, 100_000);

    for (const sandbox of [netsuite.url, bc.url]) {
      const docs = await json(`${sandbox}/_sandbox/documents`);
      expect(docs.count).toBe(ORDERS);
      expect(docs.creates).toBe(ORDERS);
      expect(docs.duplicateKeys).toEqual([]);
      const stats = await json(`${sandbox}/_sandbox/stats`);
      expect(stats.peakAttempted).toBeLessThanOrEqual(CAP);
      // The run really was faulty: each kind of fault was injected and survived.
      expect(stats.faults.serverError).toBeGreaterThan(0);
      expect(stats.faults.throttled).toBeGreaterThan(0);
      expect(stats.faults.commitTimeout).toBeGreaterThan(0);
    }
    const [orders] = await api.sql<{ posted: number }>(`SELECT count(*) FILTER (WHERE status = 'POSTED')::int AS posted FROM orders`);
    expect(orders.posted).toBe(ORDERS);
  });
});
