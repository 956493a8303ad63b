/**
 * `npm run bench:erp`: ERP posting throughput of the hub against the NetSuite sandbox
 * (its own process) with a fixed latency and concurrency cap, on real PostgreSQL and Redis.
 * Compares the measured rate with the ceiling the ERP allows (cap ÷ latency) and, side by
 * side, with a bare client's against the same sandbox process (the baseline).
 * See docs/PERFORMANCE.md, "ERP posting throughput".
 */
import { cleanUpOnSignals, cleanupRegistry } from '../shared/cleanups.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { buildDeliveries, loadTemplate } from '../ingest/bodies.js';
import { createDatabase, deleteRedisPrefix, dropDatabase, logTail } from '../ingest/infra.js';
import { runLoad } from '../ingest/load.js';
import { parseArgs, type Args } from './args.js';
import { runBaseline, type BaselineResult } from './baseline.js';
import { holdTargetQueue, type Hold } from './hold.js';
import { profiles, startHubs, type Hub } from './hubs.js';
import { measureHub, quantile, sideBySide, type Row } from './measure.js';
import { checkSandbox, startSandboxProcess, type SandboxCheck, type SandboxProcess } from './sandbox.js';

const SECRET = 'bench-shopify-secret-0123456789';
const SHOP = 'example-shop.myshopify.com';
const ADMIN_KEY = 'admin-key-123';
const TARGET_ID = 'netsuite-bench';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '501' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
];
const EFFICIENCY_AIM = 0.9;

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

const cleanups = cleanupRegistry(log);
const onCleanup = (label: string, fn: () => Promise<unknown>): (() => Promise<void>) => cleanups.add(label, fn);
const runCleanups = (): Promise<void> => cleanups.run();

function runId(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').toLowerCase();
}

async function admin(port: number, method: 'PUT' | 'POST', urlPath: string, body: object): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath} answered ${res.status}: ${text}`);
  return text.length > 0 ? JSON.parse(text) : null;
}

interface Counts {
  readonly byStatus: Record<string, number>;
  readonly posted: number;
  readonly created: number;
}

async function postingCounts(pool: pg.Pool): Promise<Counts> {
  const { rows } = await pool.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM postings GROUP BY status');
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return { byStatus, posted: byStatus.POSTED ?? 0, created: Object.values(byStatus).reduce((a, b) => a + b, 0) };
}

function assertAlive(hubs: readonly Hub[]): void {
  const dead = hubs.find((h) => h.child.exited);
  if (dead) throw new Error(`hub ${dead.role} exited with ${dead.child.exitCode}:\n${logTail(dead.child)}`);
}

async function timedOut(args: Args, pool: pg.Pool, hubs: readonly Hub[], counts: Counts, what: string): Promise<never> {
  const orders = await pool.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM orders GROUP BY status');
  throw new Error(`${what} after ${args.waitTimeoutS} s: postings ${JSON.stringify(counts.byStatus)}, orders ${JSON.stringify(orders.rows)}\n${hubs.map((h) => logTail(h.child)).join('\n')}`);
}

/**
 * --backlog-first: once every posting exists and the relay has queued it into the paused queue,
 * release them all; returns when. The relay offers at most 1000 due postings a pass, so past
 * 1000 orders some are queued only after the release: then it waits for the count to settle.
 */
async function releaseWhenHeld(args: Args, hold: Hold, pool: pg.Pool, hubs: readonly Hub[], deadline: number): Promise<number> {
  let held = -1;
  let heldSince = Date.now();
  let lastLog = 0;
  for (;;) {
    assertAlive(hubs);
    const counts = await postingCounts(pool);
    const now = await hold.held();
    if (now !== held) {
      held = now;
      heldSince = Date.now();
    }
    if (counts.created >= args.orders && (held >= args.orders || Date.now() - heldSince > 3000)) {
      log(`  postings ${JSON.stringify(counts.byStatus)}, ${held} held in the paused queue`);
      await profiles(log, hubs, 'stop', 'intake', 0);
      await profiles(log, hubs, 'start', 'backlog');
      const at = await hold.release();
      log('  released: posting alone from now on');
      return at;
    }
    if (Date.now() > deadline) await timedOut(args, pool, hubs, counts, `only ${counts.created}/${args.orders} postings created, ${held} held,`);
    if (Date.now() - lastLog > 2000) {
      lastLog = Date.now();
      log(`  postings ${JSON.stringify(counts.byStatus)}, ${held} held`);
    }
    await sleep(250);
  }
}

/**
 * The bare client against the same sandbox process, checked, then the sandbox is reset for the
 * hub. Two untimed rounds first, so that the baseline is the steady state a client can reach
 * (connections open, both processes' code compiled), not a cold start.
 */
async function baseline(args: Args, sandbox: SandboxProcess): Promise<{ result: BaselineResult; check: SandboxCheck }> {
  const target = { url: sandbox.url, credentials: sandbox.credentials, cap: args.cap };
  await runBaseline({ ...target, orders: 2 * args.cap, key: 'WARMUP' });
  await sandbox.reset();
  const result = await runBaseline({ ...target, orders: args.orders, key: 'BASELINE' });
  const check = await checkSandbox(sandbox, { documents: args.orders, cap: args.cap });
  log(`  baseline: ${args.orders} upserts, ${args.cap} in flight, in ${result.seconds.toFixed(2)} s (${result.throughput.toFixed(1)}/s); checks ${check.ok ? 'ok' : 'FAILED'}`);
  await sandbox.reset();
  return { result, check };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const id = runId();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-erp-'));
  const ceiling = (args.cap * 1000) / args.latencyMs;
  log(`ERP posting bench ${id}: ${args.orders} orders, cap ${args.cap}, latency ${args.latencyMs} ms (ceiling ${ceiling.toFixed(1)}/s); logs in ${tmp}`);

  // Sandbox in its own process: cap equal to the target's cap, fixed latency.
  const sandbox = await startSandboxProcess({ latencyMs: args.latencyMs, cap: args.cap }, path.join(tmp, 'sandbox.log'));
  onCleanup('sandbox', () => sandbox.stop());
  log(`  NetSuite sandbox at ${sandbox.url} (pid ${sandbox.child.pid})`);
  const base = args.noBaseline ? null : await baseline(args, sandbox);

  // Hub on a fresh database and its own Bull prefix.
  const db = `bench_erp_${id}`;
  const prefix = `bench-erp-${id}`;
  const url = await createDatabase(args.pgUrl, db);
  onCleanup(`drop ${db}`, async () => {
    if (args.keepDatabase) log(`  kept database ${db}`);
    else await dropDatabase(args.pgUrl, db);
  });
  onCleanup(`redis ${prefix}`, async () => log(`  removed ${await deleteRedisPrefix(args.redisUrl, prefix)} Redis keys under ${prefix}:`));
  const hubs = await startHubs(args, { url, prefix, tmp, secret: SECRET, adminKey: ADMIN_KEY, onCleanup });
  const port = hubs[0].port;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  onCleanup('pool', () => pool.end());
  log(`  hub ${hubs.map((h) => `${h.role} pid ${h.child.pid}`).join(', ')}; api port ${port}, db ${db}, prefix ${prefix}`);

  await admin(port, 'PUT', `/admin/erp-targets/${TARGET_ID}`, {
    variant: 'netsuite', baseUrl: sandbox.url, credentials: sandbox.credentials, concurrencyCap: args.cap, timeoutMs: 10_000,
  });
  for (const mapping of MAPPINGS) {
    await admin(port, 'POST', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'bench:erp' });
  }
  log(`  target ${TARGET_ID} (concurrencyCap ${args.cap}) and ${MAPPINGS.length} mappings configured`);
  const hold = args.backlogFirst ? await holdTargetQueue(args.redisUrl, prefix, TARGET_ID) : null;
  if (hold) {
    onCleanup('hold', () => hold.close());
    log(`  backlog first: the target's Bull queue is paused until all ${args.orders} postings are queued`);
  }

  const deliveries = buildDeliveries({
    template: loadTemplate(args.fixture), secret: SECRET, shopDomain: SHOP,
    firstOrderId: 6_300_000_000_000_000_000n, count: args.orders, label: 'E',
  });
  await profiles(log, hubs, 'start', 'intake');
  const load = await runLoad({
    port, path: '/webhooks/shopify', deliveries, concurrency: args.concurrency, requestTimeoutMs: 30_000, deadlineMs: 120_000,
  });
  log(`  sent ${load.sent} deliveries: ${load.ok2xx} 2xx in ${load.seconds.toFixed(2)} s (${load.acceptedPerSecond.toFixed(0)}/s)`);
  if (load.ok2xx !== args.orders) throw new Error(`deliveries failed: statuses ${JSON.stringify(load.statuses)} errors ${JSON.stringify(load.errors)}`);

  // Bounded wait for every posting to be POSTED.
  const deadline = Date.now() + args.waitTimeoutS * 1000;
  const releasedAt = hold ? await releaseWhenHeld(args, hold, pool, hubs, deadline) : null;
  let counts: Counts;
  let lastLog = 0;
  // Profiled in two windows: while the webhooks come in, and the backlog after every posting exists.
  let phase: 'intake' | 'backlog' = hold ? 'backlog' : 'intake';
  let postedBefore = 0;
  for (;;) {
    assertAlive(hubs);
    counts = await postingCounts(pool);
    if (phase === 'intake' && counts.created >= args.orders) {
      await profiles(log, hubs, 'stop', phase, counts.posted);
      phase = 'backlog';
      postedBefore = counts.posted;
      await profiles(log, hubs, 'start', phase);
    }
    if (counts.posted >= args.orders) break;
    if (Date.now() > deadline) await timedOut(args, pool, hubs, counts, `only ${counts.posted}/${args.orders} postings POSTED`);
    if (Date.now() - lastLog > 2000) {
      lastLog = Date.now();
      log(`  postings ${JSON.stringify(counts.byStatus)}`);
    }
    await sleep(250);
  }
  log(`  postings ${JSON.stringify(counts.byStatus)}`);
  await profiles(log, hubs, 'stop', phase, args.orders - postedBefore);

  const m = await measureHub(pool, releasedAt);
  const throughput = args.orders / m.seconds;
  const efficiency = throughput / ceiling;
  const backlogThroughput = m.backlog.posted / m.backlog.seconds;
  const hubCheck = await checkSandbox(sandbox, { documents: args.orders, cap: args.cap });

  log('\nresults');
  if (base) {
    const { result: b, check } = base;
    log(`  baseline (bare client, ${args.cap} upserts in flight through the hub's NetSuite adapter, same sandbox process)`);
    log(`  baseline throughput           ${b.throughput.toFixed(1)} orders/s (${args.orders} in ${b.seconds.toFixed(2)} s), efficiency ${(b.throughput / ceiling).toFixed(3)}`);
    log(`  baseline request              p50 ${quantile(b.requestMs, 0.5).toFixed(0)} ms, p99 ${quantile(b.requestMs, 0.99).toFixed(0)} ms, max ${quantile(b.requestMs, 1).toFixed(0)} ms`);
    for (const line of check.lines) log(`  baseline ${line}`);
    log(`  baseline checks               ${check.ok ? 'ok' : 'FAILED'}`);
    log('  hub');
  }
  log(`  orders posted                 ${m.posted} (max attempts per posting ${m.maxAttempts})`);
  log(`  window (first attempt → last posted_at)  ${m.seconds.toFixed(2)} s`);
  log(`  throughput                    ${throughput.toFixed(1)} orders/s`);
  log(`  ERP ceiling (C ÷ L)           ${ceiling.toFixed(1)} /s  (cap ${args.cap} ÷ ${args.latencyMs} ms)`);
  log(`  efficiency                    ${efficiency.toFixed(3)}  (aim ≥ ${EFFICIENCY_AIM}: ${efficiency >= EFFICIENCY_AIM ? 'met' : 'NOT met'})`);
  log(`  backlog phase (all postings exist → last posted): ${m.backlog.posted} in ${m.backlog.seconds.toFixed(2)} s = ${backlogThroughput.toFixed(1)}/s, efficiency ${(backlogThroughput / ceiling).toFixed(3)}`);
  const rows: Row[] = [];
  if (m.released) {
    const releasedThroughput = args.orders / m.released.seconds;
    log(`  backlog first (release → last posted_at): ${args.orders} in ${m.released.seconds.toFixed(2)} s = ${releasedThroughput.toFixed(1)}/s, efficiency ${(releasedThroughput / ceiling).toFixed(3)}; first attempt ${m.released.firstAttemptMs} ms after the release`);
    rows.push({ label: 'hub, backlog first (release → last posted)', throughput: releasedThroughput });
  } else {
    rows.push({ label: 'hub, whole run (first attempt → last posted)', throughput }, { label: 'hub, backlog phase', throughput: backlogThroughput });
  }
  log(`  receipt → ERP ack             p50 ${quantile(m.latencies, 0.5).toFixed(0)} ms, p99 ${quantile(m.latencies, 0.99).toFixed(0)} ms, max ${quantile(m.latencies, 1).toFixed(0)} ms (${m.latencies.length} postings)${hold ? ', including the hold' : ''}`);
  log(`  posting created → 1st attempt p50 ${m.queueMsP50.toFixed(0)} ms; 1st attempt → posted p50 ${m.attemptMsP50.toFixed(0)} ms`);
  for (const line of hubCheck.lines) log(`  ${line}`);
  const baselineRow = base ? { label: `baseline (bare client, ${args.cap} in flight)`, throughput: base.result.throughput } : null;
  for (const line of sideBySide(ceiling, baselineRow, rows)) log(line);
  const ok = hubCheck.ok && (base?.check.ok ?? true);
  log(`  checks                        ${ok ? 'ok' : 'FAILED'}${base ? ` (baseline ${base.check.ok ? 'ok' : 'FAILED'}, hub ${hubCheck.ok ? 'ok' : 'FAILED'})` : ''}`);
  if (!ok) process.exitCode = 1;
}

const interrupted = cleanUpOnSignals(cleanups, log);

main()
  .catch((error: unknown) => {
    log(`bench:erp failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!interrupted()) await runCleanups();
  });
