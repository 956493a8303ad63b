/**
 * `npm run bench:erp`: ERP posting throughput of the hub against the NetSuite sandbox
 * (in-process) with a fixed latency and concurrency cap, on real PostgreSQL and Redis.
 * Compares the measured rate with the ceiling the ERP allows (cap ÷ latency).
 * See docs/PERFORMANCE.md, "ERP posting throughput".
 */
import { cleanupRegistry } from '../shared/cleanups.js';
import { existsSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { buildDeliveries, loadTemplate } from '../ingest/bodies.js';
import {
  createDatabase, deleteRedisPrefix, dropDatabase, freePort, logTail, startChild, stopChild, waitForHttpReady, type Child,
} from '../ingest/infra.js';
import { runLoad } from '../ingest/load.js';
import { formatProfile, summariseProfile } from '../ingest/profile.js';
import { parseArgs, type Args } from './args.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
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

interface SandboxStats {
  apiRequests: number;
  peakConcurrency: number;
  peakAttempted: number;
  refusedOverCap: number;
  documents: number;
  byStatus: Record<string, number>;
}
interface SandboxDocuments {
  count: number;
  creates: number;
  updates: number;
  duplicateKeys: unknown[];
  documents: { key: string | null; creates: number }[];
}

async function sandboxGet<T>(sandbox: NetSuiteSandbox, urlPath: string): Promise<T> {
  const res = await fetch(`${sandbox.url}${urlPath}`);
  if (!res.ok) throw new Error(`sandbox ${urlPath} answered ${res.status}`);
  return (await res.json()) as T;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

interface Hub {
  readonly role: 'all' | 'api' | 'worker';
  readonly port: number;
  readonly child: Child;
  readonly profileOut: string | null;
}

/** One ROLE=all hub, or one ROLE=api hub (first, it takes the webhooks) and `workers` ROLE=worker hubs. */
async function startHubs(args: Args, at: { url: string; prefix: string; tmp: string }): Promise<Hub[]> {
  const roles: Hub['role'][] = args.workers === 0 ? ['all'] : ['api', ...Array.from({ length: args.workers }, () => 'worker' as const)];
  const hubs: Hub[] = [];
  for (const [i, role] of roles.entries()) {
    const port = await freePort();
    const name = `${role}${role === 'worker' ? i : ''}`;
    const profileOut = args.profile ? path.join(at.tmp, `${name}.cpuprofile`) : null;
    const child = startChild(`hub ${name}`, [
      ...(profileOut ? ['--import', path.join(HERE, '..', 'ingest', 'profile-hook.js')] : []),
      path.join(HERE, '..', '..', 'src', 'main.js'),
    ], {
      ...process.env,
      DATABASE_URL: at.url, REDIS_URL: args.redisUrl, PORT: String(port), HOST: '127.0.0.1',
      API_KEYS: `admin:${ADMIN_KEY},reader:reader-key-123`, SHOPIFY_WEBHOOK_SECRET: SECRET, QUEUE_PREFIX: at.prefix,
      ROLE: role, MAPPING_REQUIRED: 'ITEM,CUSTOMER', LOG_LEVEL: 'warn',
      ...(profileOut ? { BENCH_PROFILE_OUT: profileOut } : {}),
    }, path.join(at.tmp, `${name}.log`));
    onCleanup(`stop hub ${name}`, () => stopChild(child));
    hubs.push({ role, port, child, profileOut });
    // The first process migrates the database; the others start once it is ready.
    if (i === 0) await waitForHttpReady(child, port, '/health/ready', 60_000);
  }
  await Promise.all(hubs.slice(1).map((h) => waitForHttpReady(h.child, h.port, '/health/ready', 60_000)));
  return hubs;
}

/**
 * --profile: SIGWINCH starts and stops profile-hook in every hub; on stop, each profile is
 * summarised (per posting POSTED in the window) and kept under the window's name.
 */
async function profiles(hubs: readonly Hub[], step: 'start' | 'stop', window: string, postings = 0): Promise<void> {
  const profiled = hubs.filter((h) => h.profileOut);
  if (profiled.length === 0) return;
  for (const hub of profiled) hub.child.process.kill('SIGWINCH');
  if (step === 'start') {
    await sleep(300);
    return;
  }
  for (const hub of profiled) {
    const file = hub.profileOut!;
    const deadline = Date.now() + 20_000;
    while (!existsSync(`${file}.counts.json`) && Date.now() < deadline) await sleep(200);
    await sleep(300);
    if (!existsSync(file)) {
      log(`  profile ${file} was not written`);
      continue;
    }
    const kept = `${file.replace(/\.cpuprofile$/, '')}-${window}.cpuprofile`;
    renameSync(file, kept);
    renameSync(`${file}.counts.json`, `${kept}.counts.json`);
    log(`\n${window} window, ${hub.role} (pid ${hub.child.pid}) ${formatProfile(summariseProfile(kept))}`);
    const counts = JSON.parse(readFileSync(`${kept}.counts.json`, 'utf8')) as { pgQueries: number; redisCommands: number };
    const per = (n: number): string => (postings > 0 ? ` (${(n / postings).toFixed(1)} per posting POSTED in the window)` : '');
    log(`  sent meanwhile: ${counts.pgQueries} PostgreSQL queries${per(counts.pgQueries)}, ${counts.redisCommands} Redis commands${per(counts.redisCommands)}`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const id = runId();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-erp-'));
  const ceiling = (args.cap * 1000) / args.latencyMs;
  log(`ERP posting bench ${id}: ${args.orders} orders, cap ${args.cap}, latency ${args.latencyMs} ms (ceiling ${ceiling.toFixed(1)}/s); logs in ${tmp}`);

  // Sandbox, in-process: cap equal to the target's cap, fixed latency.
  const sandbox = await startNetSuiteSandbox({ port: 0, host: '127.0.0.1', knobs: { latencyMs: args.latencyMs, concurrency: args.cap } });
  onCleanup('sandbox', () => sandbox.close());
  log(`  NetSuite sandbox at ${sandbox.url}`);

  // Hub on a fresh database and its own Bull prefix.
  const db = `bench_erp_${id}`;
  const prefix = `bench-erp-${id}`;
  const url = await createDatabase(args.pgUrl, db);
  onCleanup(`drop ${db}`, async () => {
    if (args.keepDatabase) log(`  kept database ${db}`);
    else await dropDatabase(args.pgUrl, db);
  });
  onCleanup(`redis ${prefix}`, async () => log(`  removed ${await deleteRedisPrefix(args.redisUrl, prefix)} Redis keys under ${prefix}:`));
  const hubs = await startHubs(args, { url, prefix, tmp });
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

  const deliveries = buildDeliveries({
    template: loadTemplate(args.fixture), secret: SECRET, shopDomain: SHOP,
    firstOrderId: 6_300_000_000_000_000_000n, count: args.orders, label: 'E',
  });
  await profiles(hubs, 'start', 'intake');
  const load = await runLoad({
    port, path: '/webhooks/shopify', deliveries, concurrency: args.concurrency, requestTimeoutMs: 30_000, deadlineMs: 120_000,
  });
  log(`  sent ${load.sent} deliveries: ${load.ok2xx} 2xx in ${load.seconds.toFixed(2)} s (${load.acceptedPerSecond.toFixed(0)}/s)`);
  if (load.ok2xx !== args.orders) throw new Error(`deliveries failed: statuses ${JSON.stringify(load.statuses)} errors ${JSON.stringify(load.errors)}`);

  // Bounded wait for every posting to be POSTED.
  const deadline = Date.now() + args.waitTimeoutS * 1000;
  let byStatus: Record<string, number> = {};
  let lastLog = 0;
  // Profiled in two windows: while the webhooks come in, and the backlog after every posting exists.
  let phase: 'intake' | 'backlog' = 'intake';
  let postedBefore = 0;
  for (;;) {
    const dead = hubs.find((h) => h.child.exited);
    if (dead) throw new Error(`hub ${dead.role} exited with ${dead.child.exitCode}:\n${logTail(dead.child)}`);
    const { rows } = await pool.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM postings GROUP BY status');
    byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    const posted = byStatus.POSTED ?? 0;
    const created = Object.values(byStatus).reduce((a, b) => a + b, 0);
    if (phase === 'intake' && created >= args.orders) {
      await profiles(hubs, 'stop', phase, posted);
      phase = 'backlog';
      postedBefore = posted;
      await profiles(hubs, 'start', phase);
    }
    if (posted >= args.orders) break;
    if (Date.now() > deadline) {
      const orders = await pool.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM orders GROUP BY status');
      throw new Error(`only ${posted}/${args.orders} postings POSTED after ${args.waitTimeoutS} s: postings ${JSON.stringify(byStatus)}, orders ${JSON.stringify(orders.rows)}\n${hubs.map((h) => logTail(h.child)).join('\n')}`);
    }
    if (Date.now() - lastLog > 2000) {
      lastLog = Date.now();
      log(`  postings ${JSON.stringify(byStatus)}`);
    }
    await sleep(250);
  }
  log(`  postings ${JSON.stringify(byStatus)}`);
  await profiles(hubs, 'stop', phase, args.orders - postedBefore);

  const { rows: [window] } = await pool.query<{ first_attempt: Date; first_created: Date; last_posted: Date; max_attempts: number; n: string }>(
    `SELECT min(first_attempt_at) AS first_attempt, min(created_at) AS first_created, max(posted_at) AS last_posted,
            max(attempts) AS max_attempts, count(*) AS n
       FROM postings WHERE status = 'POSTED'`);
  const seconds = (window.last_posted.getTime() - window.first_attempt.getTime()) / 1000;
  const throughput = args.orders / seconds;
  const efficiency = throughput / ceiling;

  // Once every posting exists (the webhooks are all in), the backlog alone drives the ERP:
  // that stretch measures posting against the ceiling without intake competing for the cores.
  const { rows: [backlog] } = await pool.query<{ from: Date; last: Date; n: string }>(
    `SELECT max(created_at) AS from, max(posted_at) AS last,
            (SELECT count(*) FROM postings WHERE status = 'POSTED' AND posted_at > (SELECT max(created_at) FROM postings)) AS n
       FROM postings WHERE status = 'POSTED'`);
  const backlogSeconds = (backlog.last.getTime() - backlog.from.getTime()) / 1000;
  const backlogThroughput = Number(backlog.n) / backlogSeconds;

  const { rows: lat } = await pool.query<{ ms: number }>(
    `SELECT extract(epoch FROM (p.posted_at - min(i.received_at))) * 1000 AS ms
       FROM postings p JOIN order_source_events e ON e.order_id = p.order_id JOIN inbox i ON i.id = e.inbox_id
      WHERE p.status = 'POSTED' GROUP BY p.id, p.posted_at`);
  const latencies = lat.map((r) => Number(r.ms)).sort((a, b) => a - b);
  const { rows: [stage] } = await pool.query<{ queue_ms: number; attempt_ms: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (first_attempt_at - created_at)) * 1000) AS queue_ms,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (posted_at - first_attempt_at)) * 1000) AS attempt_ms
       FROM postings WHERE status = 'POSTED'`);

  const stats = await sandboxGet<SandboxStats>(sandbox, '/_sandbox/stats');
  const docs = await sandboxGet<SandboxDocuments>(sandbox, '/_sandbox/documents');
  const createdOnce = docs.documents.every((d) => d.creates === 1);

  log('\nresults');
  log(`  orders posted                 ${window.n} (max attempts per posting ${window.max_attempts})`);
  log(`  window (first attempt → last posted_at)  ${seconds.toFixed(2)} s`);
  log(`  throughput                    ${throughput.toFixed(1)} orders/s`);
  log(`  ERP ceiling (C ÷ L)           ${ceiling.toFixed(1)} /s  (cap ${args.cap} ÷ ${args.latencyMs} ms)`);
  log(`  efficiency                    ${efficiency.toFixed(3)}  (aim ≥ ${EFFICIENCY_AIM}: ${efficiency >= EFFICIENCY_AIM ? 'met' : 'NOT met'})`);
  log(`  backlog phase (all postings exist → last posted): ${backlog.n} in ${backlogSeconds.toFixed(2)} s = ${backlogThroughput.toFixed(1)}/s, efficiency ${(backlogThroughput / ceiling).toFixed(3)}`);
  log(`  receipt → ERP ack             p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms, max ${quantile(latencies, 1).toFixed(0)} ms (${latencies.length} postings)`);
  log(`  posting created → 1st attempt p50 ${Number(stage.queue_ms).toFixed(0)} ms; 1st attempt → posted p50 ${Number(stage.attempt_ms).toFixed(0)} ms`);
  log(`  sandbox peak concurrency      ${stats.peakConcurrency} (attempted ${stats.peakAttempted}, cap ${args.cap}: ${stats.peakAttempted <= args.cap ? 'ok' : 'EXCEEDED'}); refused over cap ${stats.refusedOverCap}`);
  log(`  sandbox API requests          ${stats.apiRequests} ${JSON.stringify(stats.byStatus)}`);
  log(`  sandbox documents             ${docs.count} (creates ${docs.creates}, updates ${docs.updates}, duplicate keys ${docs.duplicateKeys.length}; each created once: ${createdOnce ? 'yes' : 'NO'})`);
  const ok = docs.count === args.orders && createdOnce && docs.duplicateKeys.length === 0 && stats.peakAttempted <= args.cap;
  log(`  checks                        ${ok ? 'ok' : 'FAILED'}`);
  if (!ok) process.exitCode = 1;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  });
}

main()
  .catch((error: unknown) => {
    log(`bench:erp failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!interrupted) await runCleanups();
  });
