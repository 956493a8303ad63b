import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { jest } from '@jest/globals';
import pg from 'pg';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';
import { deliverTo, fixture, orderIdOf, SHOP, withField, type Delivery } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually } from './support/test-hub.js';

// Compiling the hub on a clean clone takes a while on a busy machine.
jest.setTimeout(300_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORDERS = 500;
const CAP = 5;
/** Every VERSIONED-th order also gets an orders/updated with a newer updated_at. */
const VERSIONED = 4;
const NEWER = '2026-03-14T11:00:00-04:00';

const idOf = (i: number): string => `81${String(i).padStart(17, '0')}`;

/**
 * Three deliveries per order, shuffled: the same webhook twice (Shopify's retry) and either a
 * second subscription's copy or a newer version, which may well arrive before the older one.
 */
function deliveries(): Delivery[] {
  const base = fixture('order-create.json');
  const all: Delivery[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const body = base.replace(new RegExp(orderIdOf(base), 'g'), idOf(i));
    const created = { topic: 'orders/create', body, webhookId: `c-${i}` };
    const third = i % VERSIONED === 0
      ? { topic: 'orders/updated', body: withField(withField(body, 'updated_at', NEWER), 'name', `#V${i}`), webhookId: `u-${i}` }
      : { topic: 'orders/create', body, webhookId: `s-${i}` };
    all.push(created, created, third);
  }
  let seed = 20261127;
  for (let i = all.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

async function sendAll(api: HubProcess, batch: readonly Delivery[], statuses: number[]): Promise<void> {
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < batch.length) {
      const delivery = batch[next++];
      statuses.push((await deliverTo(api.url, delivery)).status);
    }
  };
  await Promise.all(Array.from({ length: 12 }, sender));
}

/**
 * Exactly once with real processes: one API and two workers on one database and queue prefix,
 * the ERP sandbox failing a fifth of its calls, one worker killed with SIGKILL while it has
 * postings in flight (and a replacement started), and every queue key deleted mid-run.
 */
describe('ERP posting across processes under faults', () => {
  const prefix = `e2e-erp-procs-${randomUUID()}`;
  const hubs: HubProcess[] = [];
  let db: pg.Client;
  let netsuite: NetSuiteSandbox;
  let databaseUrl: string;

  const sql = async <T = Json>(text: string, params: unknown[] = []): Promise<T[]> => (await db.query(text, params)).rows as T[];
  const postingCounts = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM postings GROUP BY status')).map((r) => [r.status, r.n]));
  const start = async (role: 'api' | 'worker'): Promise<HubProcess> => {
    const hub = await startHubProcess({ role, databaseUrl, queuePrefix: prefix, env: { POSTING_STUCK_AFTER_MS: '2000' } });
    hubs.push(hub);
    return hub;
  };
  const diagnostics = (): string => hubs.map((h) => `--- ${h.role} ${h.pid}${h.exited ? ' (exited)' : ''}\n${h.stderrTail(15)}`).join('\n');

  beforeAll(async () => {
    netsuite = await startNetSuiteSandbox({
      port: 0,
      knobs: {
        latencyMs: [5, 20], concurrency: CAP, seed: 5,
        // A commit whose answer is lost: stored, then the connection closes.
        errorRate: 0.08, rate429: 0.06, commitTimeoutRate: 0.06, commitTimeoutMode: 'destroy',
      },
    });
    databaseUrl = await freshDatabase('erpprocs');
    db = new pg.Client({ connectionString: databaseUrl });
    // The API migrates the database before the workers start on it.
    const api = await start('api');
    await db.connect();
    await Promise.all([start('worker'), start('worker')]);

    const admin = async (method: 'PUT' | 'POST', path: string, body: object): Promise<number> =>
      (await fetch(`${api.url}${path}`, {
        method, headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      })).status;
    expect(await admin('PUT', '/admin/erp-targets/ns', {
      variant: 'netsuite', baseUrl: netsuite.url, credentials: netsuite.credentials, concurrencyCap: CAP, timeoutMs: 2000,
    })).toBe(200);
    for (const mapping of [
      { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '1001' } },
      { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '1002' } },
      { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '10000' } },
    ]) {
      expect(await admin('POST', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).toBe(201);
    }
  });

  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.stop()));
    await db?.end();
    await netsuite?.close();
    await dropQueueKeys(prefix);
  });

  it('posts 500 orders exactly once through a killed worker and a lost queue, never over the cap', async () => {
    const [api, , doomed] = hubs;
    const all = deliveries();
    const statuses: number[] = [];
    const third = all.length / 3;

    await sendAll(api, all.slice(0, third), statuses);
    // Kill a worker mid-call: some postings are done, and some are in flight in that worker.
    // It is frozen first, so the postings seen in flight in it are still in flight when it dies.
    let orphaned: string[] = [];
    await eventually(async () => {
      const counts = await postingCounts();
      if ((counts.POSTED ?? 0) < 50) throw new Error(`postings ${JSON.stringify(counts)}\n${diagnostics()}`);
      process.kill(doomed.pid, 'SIGSTOP');
      orphaned = (await sql<{ id: string }>(`SELECT id FROM postings WHERE status = 'IN_FLIGHT' AND claimed_by = $1`, [`${hostname()}:${doomed.pid}`])).map((r) => r.id);
      if (orphaned.length === 0) {
        process.kill(doomed.pid, 'SIGCONT');
        throw new Error(`nothing in flight in the doomed worker; postings ${JSON.stringify(counts)}`);
      }
    }, 60_000);
    await doomed.kill('SIGKILL');
    const replacement = start('worker');

    await sendAll(api, all.slice(third, 2 * third), statuses);
    // Redis loses every job and the semaphore's holders: the relay and sweeper must recover.
    await dropQueueKeys(prefix);
    await sendAll(api, all.slice(2 * third), statuses);
    await replacement;

    await eventually(async () => {
      const counts = await postingCounts();
      const [orders] = await sql<{ posted: number; pending: number }>(
        `SELECT (SELECT count(*) FROM orders WHERE status = 'POSTED')::int AS posted, (SELECT count(*) FROM inbox WHERE status = 'PENDING')::int AS pending`);
      if (counts.POSTED !== ORDERS || orders.posted !== ORDERS || orders.pending !== 0) {
        throw new Error(`postings ${JSON.stringify(counts)}, orders POSTED ${orders.posted}, inbox PENDING ${orders.pending}\n${diagnostics()}`);
      }
    }, 120_000);

    // Every delivery was taken: 1000 distinct webhooks, the rest recognised as duplicates.
    expect(statuses.filter((s) => s === 202)).toHaveLength(2 * ORDERS);
    expect(statuses.filter((s) => s === 200)).toHaveLength(ORDERS);

    expect(await postingCounts()).toEqual({ POSTED: ORDERS });
    const [orders] = await sql<{ n: number; posted: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'POSTED')::int AS posted FROM orders`);
    expect(orders).toEqual({ n: ORDERS, posted: ORDERS });

    const docs = (await (await fetch(`${netsuite.url}/_sandbox/documents`)).json()) as Json;
    expect(docs.count).toBe(ORDERS);
    expect(docs.creates).toBe(ORDERS);
    expect(docs.duplicateKeys).toEqual([]);
    expect(docs.documents.every((d: Json) => d.creates === 1)).toBe(true);
    expect(new Set(docs.documents.map((d: Json) => d.key))).toEqual(new Set(Array.from({ length: ORDERS }, (_, i) => `SHOPIFY-${idOf(i)}`)));

    const stats = (await (await fetch(`${netsuite.url}/_sandbox/stats`)).json()) as Json;
    expect(stats.peakAttempted).toBeLessThanOrEqual(CAP);
    expect(stats.refusedOverCap).toBe(0);
    const faults = stats.faults.serverError + stats.faults.throttled + stats.faults.commitTimeout;
    expect(faults / stats.apiRequests).toBeGreaterThan(0.12);
    expect(stats.faults.serverError * stats.faults.throttled * stats.faults.commitTimeout).toBeGreaterThan(0);

    // The newer version won wherever it arrived, and some older ones came after it.
    const versions = await sql<{ external_id: string; order_number: string; updated: Date }>(
      `SELECT external_id, order_number, source_updated_at AS updated FROM orders WHERE order_number LIKE '#V%'`);
    expect(versions).toHaveLength(ORDERS / VERSIONED);
    expect(versions.every((v) => v.updated.toISOString() === new Date(NEWER).toISOString() && v.order_number === `#V${Number(v.external_id.slice(2))}`)).toBe(true);
    const [stale] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM order_source_events WHERE outcome = 'STALE'`);
    expect(stale.n).toBeGreaterThan(0);

    // The killed worker's postings came back through recovery, not through luck.
    expect(orphaned.length).toBeGreaterThan(0);
    expect((await sql<{ status: string }>(`SELECT DISTINCT status FROM postings WHERE id = ANY($1::uuid[])`, [orphaned])).map((r) => r.status)).toEqual(['POSTED']);
    expect(hubs.some((hub) => hub !== doomed && hub.logged('took back postings'))).toBe(true);
  });
});
