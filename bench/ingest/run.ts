/**
 * `npm run bench:ingest`: Shopify orders/create ingest throughput, latency, loss and
 * end-to-end order rate of the hub against real PostgreSQL and Redis, beside a bare
 * Fastify baseline doing the same durable work per request. See docs/PERFORMANCE.md.
 */
import { cleanupRegistry } from '../shared/cleanups.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { parseArgs, type BenchArgs } from './args.js';
import { buildDeliveries, loadTemplate, withLineItems, type Delivery } from './bodies.js';
import { AMAZON_CAP, mixDeliveries, mixedAccounts, ordersOf, parseMix, rowsOf, startBenchAmazon } from './mixed.js';
import { calibrate, type RoundTripCost } from './calibrate.js';
import {
  createDatabase, deleteRedisPrefix, dropDatabase, fetchText, freePort, logTail, startChild, stopChild,
  waitForHttpReady, waitForLogLine, type Child,
} from './infra.js';
import { formatGraphQLLoad, startGraphQLLoad, type GraphQLLoadStats } from './graphql-load.js';
import { runLoad, type LoadProgress, type LoadResult } from './load.js';
import { formatProfile, summariseProfile, type ProfileSummary } from './profile.js';
import { cpuSnapshot, cpuUsage } from './stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SECRET = 'bench-shopify-secret-0123456789';
const SHOP = 'bench-shop.myshopify.com';

/**
 * Orders are released only when every identifier is mapped (MAPPING_REQUIRED defaults to
 * all kinds), so the bench loads the quick-start mappings for its shop first: the measured
 * path includes resolution, as in production. With --lines, one ITEM mapping per bench SKU
 * is appended, so every line needs a mapping and finds one.
 */
async function seedMappings(port: number, skus: readonly string[]): Promise<void> {
  let csv = readFileSync('examples/quickstart-mappings.csv', 'utf8').replaceAll('example-shop.myshopify.com', SHOP);
  if (skus.length > 0) {
    if (!csv.endsWith('\n')) csv += '\n';
    csv += skus.map((sku, i) => `ITEM,SHOPIFY,${SHOP},,${sku},"{""itemId"":""${9001 + i}""}",bench: --lines item master\n`).join('');
  }
  const res = await fetch(`http://127.0.0.1:${port}/admin/mappings/import`, {
    method: 'POST',
    headers: { authorization: 'Bearer admin-key-123', 'content-type': 'text/csv' },
    body: csv,
  });
  if (!res.ok) throw new Error(`seeding mappings failed: ${res.status} ${await res.text()}`);
}
const WEBHOOK_PATH = '/webhooks/shopify';

/** Mixed mode: the hub's extra environment (Login with Amazon at the bench's sandbox) and the two channels' accounts and mappings. */
let channels: { env: Record<string, string>; accounts: object[]; mappingsCsv: string } | null = null;

async function seedChannels(port: number): Promise<void> {
  const headers = { authorization: 'Bearer admin-key-123' };
  for (const account of channels?.accounts ?? []) {
    const res = await fetch(`http://127.0.0.1:${port}/admin/channel-accounts`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(account) });
    if (!res.ok) throw new Error(`channel account: ${res.status} ${await res.text()}`);
  }
  const csv = `kind,channel,account,erp_target,source_value,target,note\n${channels?.mappingsCsv ?? ''}\n`;
  const res = await fetch(`http://127.0.0.1:${port}/admin/mappings/import`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body: csv });
  if (!res.ok) throw new Error(`channel mappings: ${res.status} ${await res.text()}`);
}

const TARGETS = {
  acceptedPerSecond: 1500,
  throughputRatio: 0.6,
  p99Ratio: 1.5,
  ordersPerSecond: 500,
} as const;

// ---------------------------------------------------------------- cleanup

const cleanups = cleanupRegistry(log);
const onCleanup = (label: string, fn: () => Promise<unknown>): (() => Promise<void>) => cleanups.add(label, fn);
const runCleanups = (): Promise<void> => cleanups.run();

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

// ---------------------------------------------------------------- types

interface Sample {
  readonly t: number;
  readonly ok: number;
  readonly inbox: number;
  readonly pending: number;
  readonly orders: number;
}

/** CPU ms per unit of work from cores used over a phase. */
function perUnit(cores: Record<string, number>, seconds: number, units: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(cores)) {
    if (key === 'machineCores') continue;
    out[key] = (value * seconds * 1000) / units;
  }
  return out;
}

interface LoadReport {
  readonly deliveries: number;
  readonly ok2xx: number;
  readonly statuses: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly seconds: number;
  readonly acceptedPerSecond: number;
  readonly latencyMs: LoadResult['latencyMs'];
  readonly deadlineHit: boolean;
  readonly cpuCores: Record<string, number>;
  /** CPU ms per accepted delivery during the load, by process group (ROLE=all: the worker's share is in it). */
  readonly cpuMsPerDelivery: Record<string, number>;
}

interface LossCheck {
  readonly expectedRows: number;
  readonly inboxRows: number;
  readonly all2xx: boolean;
  readonly ok: boolean;
  readonly detail: string;
}

interface EndToEnd {
  readonly expectedOrders: number;
  readonly ordersPersisted: number;
  readonly complete: boolean;
  readonly secondsToAllOrders: number | null;
  readonly ordersPerSecond: number;
  readonly ordersPerSecondDuringLoad: number;
  readonly ordersPerSecondAfterLoad: number | null;
  readonly pendingAtLoadEnd: number;
  readonly maxPending: number;
  readonly backlogGrowthPerSecond: number;
  readonly backlogGrew: boolean;
  readonly inboxByStatus: Record<string, number>;
  /** Orders (warm-up included) by status, e.g. RELEASED or ON_HOLD. */
  readonly ordersByStatus: Record<string, number>;
  /** Hold reasons over the ON_HOLD orders (an order may have several). */
  readonly holdReasons: Record<string, number>;
  readonly drainCpuCores: Record<string, number> | null;
  /** CPU milliseconds per order drained after the load, by process group (worker cost alone when ROLE=all is idle on HTTP). */
  readonly drainCpuMsPerOrder: Record<string, number> | null;
  readonly lagSeconds: { p50: number | null; p99: number | null; mean: number | null; count: number } | null;
  readonly samples: readonly Sample[];
  /** Index in samples of the one taken as the load ended. */
  readonly loadEndSample: number;
  /** The hub's InboxSweeper re-offering PENDING rows older than SWEEP_INTERVAL_MS, from the hub logs. */
  readonly sweeper: { runs: number; rowsReoffered: number };
  /** PostgreSQL queries and Redis commands per timed order, from the profile hook (--profile only). */
  readonly perOrder: { pgQueries: number; redisCommands: number; process: string }[];
}

interface ScenarioReport {
  readonly name: string;
  readonly description: string;
  readonly load: LoadReport;
  readonly loss: LossCheck;
  readonly endToEnd: EndToEnd | null;
  readonly profiles: ProfileSummary[];
  readonly logs: string[];
  /** What the GraphQL clients of --graphql-load got, for the run they ran beside. */
  readonly graphql?: GraphQLLoadStats;
}

// ---------------------------------------------------------------- helpers

function runId(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').toLowerCase();
}

async function timedLoad(
  port: number,
  deliveries: readonly Delivery[],
  args: BenchArgs,
  cpuPids: Record<string, readonly number[]>,
  progress?: LoadProgress,
): Promise<{ result: LoadResult; report: LoadReport }> {
  const before = cpuSnapshot(cpuPids);
  const result = await runLoad(
    { port, path: WEBHOOK_PATH, deliveries, concurrency: args.concurrency, requestTimeoutMs: 30_000, deadlineMs: args.loadTimeoutS * 1000 },
    progress,
  );
  const after = cpuSnapshot(cpuPids);
  return {
    result,
    report: {
      deliveries: result.sent,
      ok2xx: result.ok2xx,
      statuses: result.statuses,
      errors: result.errors,
      seconds: result.seconds,
      acceptedPerSecond: result.acceptedPerSecond,
      latencyMs: result.latencyMs,
      deadlineHit: result.deadlineHit,
      cpuCores: cpuUsage(before, after),
      cpuMsPerDelivery: perUnit(cpuUsage(before, after), result.seconds, Math.max(1, result.ok2xx)),
    },
  };
}

async function warmUp(port: number, deliveries: readonly Delivery[], args: BenchArgs, label: string): Promise<void> {
  if (deliveries.length === 0) return;
  const result = await runLoad({
    port, path: WEBHOOK_PATH, deliveries, concurrency: args.concurrency, requestTimeoutMs: 30_000, deadlineMs: 60_000,
  });
  log(`  warm-up ${label}: ${result.ok2xx}/${deliveries.length} 2xx in ${result.seconds.toFixed(1)} s`);
  if (result.ok2xx !== deliveries.length) {
    throw new Error(`warm-up against ${label} failed: statuses ${JSON.stringify(result.statuses)} errors ${JSON.stringify(result.errors)}`);
  }
}

async function countRows(pool: pg.Pool, sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql);
  return Number(rows[0].n);
}

function lossCheck(expectedRows: number, inboxRows: number, load: LoadResult): LossCheck {
  const all2xx = load.ok2xx === load.sent && load.sent === load.completed;
  const ok = all2xx && inboxRows === expectedRows;
  return {
    expectedRows,
    inboxRows,
    all2xx,
    ok,
    detail: `${inboxRows} inbox rows for ${expectedRows} deliveries (warm-up included); ${load.ok2xx}/${load.sent} answered 2xx`,
  };
}

/** delivery → processed lag quantiles from the hub's Prometheus histogram (bucket upper bounds). */
function lagFromMetrics(text: string): EndToEnd['lagSeconds'] {
  const buckets: { le: number; count: number }[] = [];
  let sum: number | null = null;
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('hub_inbox_lag_seconds')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('hub_inbox_lag_seconds_bucket')) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le) buckets.push({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), count: value });
    } else if (line.startsWith('hub_inbox_lag_seconds_sum')) {
      sum = (sum ?? 0) + value;
    } else if (line.startsWith('hub_inbox_lag_seconds_count')) {
      count += value;
    }
  }
  if (count === 0) return null;
  buckets.sort((a, b) => a.le - b.le);
  const quantile = (q: number): number | null => buckets.find((b) => b.count >= q * count)?.le ?? null;
  return { p50: quantile(0.5), p99: quantile(0.99), mean: sum === null ? null : sum / count, count };
}

function sweeperActivity(logFiles: readonly string[]): { runs: number; rowsReoffered: number } {
  let runs = 0;
  let rowsReoffered = 0;
  for (const file of logFiles) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.includes('swept pending inbox rows')) continue;
      runs++;
      rowsReoffered += Number(/"rows":(\d+)/.exec(line)?.[1] ?? 0);
    }
  }
  return { runs, rowsReoffered };
}

/** Least-squares slope of pending over time, for the samples taken while the load ran. */
function slope(samples: readonly Sample[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mp = samples.reduce((s, x) => s + x.pending, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.pending - mp);
    den += (s.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function startProfiles(children: readonly Child[], args: BenchArgs): Promise<void> {
  if (!args.profile) return;
  for (const child of children) child.process.kill('SIGWINCH');
  await sleep(300);
}

async function stopProfiles(children: readonly Child[], files: readonly string[], args: BenchArgs): Promise<ProfileSummary[]> {
  if (!args.profile) return [];
  for (const child of children) child.process.kill('SIGWINCH');
  const summaries: ProfileSummary[] = [];
  for (const file of files) {
    const deadline = Date.now() + 20_000;
    while (!existsSync(file) && Date.now() < deadline) await sleep(200);
    await sleep(300);
    if (!existsSync(file)) {
      log(`  profile ${file} was not written`);
      continue;
    }
    const summary = summariseProfile(file);
    let counts: ProfileSummary['counts'] = null;
    try {
      counts = JSON.parse(readFileSync(`${file}.counts.json`, 'utf8')) as ProfileSummary['counts'];
    } catch {
      // counts missing: leave null
    }
    summaries.push({ ...summary, counts });
    log(formatProfile(summary));
    if (counts) log(`  sent meanwhile: ${counts.pgQueries} PostgreSQL queries, ${counts.redisCommands} Redis commands`);
  }
  return summaries;
}

// ---------------------------------------------------------------- baseline

async function baselineScenario(args: BenchArgs, id: string, tmp: string, warm: Delivery[], timed: Delivery[]): Promise<ScenarioReport> {
  log('\n== baseline: bare Fastify + pg INSERT + Bull add ==');
  const db = `bench_ingest_${id}_base`;
  const prefix = `bench-${id}-base`;
  const url = await createDatabase(args.pgUrl, db);
  const dropDb = onCleanup(`drop ${db}`, async () => {
    if (args.keepDatabases) log(`  kept database ${db}`);
    else await dropDatabase(args.pgUrl, db);
  });
  const dropKeys = onCleanup(`redis ${prefix}`, () => deleteRedisPrefix(args.redisUrl, prefix));
  const port = await freePort();
  const logFile = path.join(tmp, 'baseline.log');
  const child = startChild('baseline', [path.join(HERE, 'baseline-server.js')], {
    ...process.env, DATABASE_URL: url, REDIS_URL: args.redisUrl, PORT: String(port), SHOPIFY_WEBHOOK_SECRET: SECRET,
    QUEUE_PREFIX: prefix, PG_POOL_MAX: '20',
  }, logFile);
  const stop = onCleanup('stop baseline', () => stopChild(child));
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const endPool = onCleanup('baseline pool', () => pool.end());
  try {
    await waitForHttpReady(child, port, '/health/ready', 30_000);
    log(`  baseline pid ${child.pid} on port ${port}, db ${db}, prefix ${prefix}`);
    await warmUp(port, warm, args, 'baseline');
    const { result, report } = await timedLoad(port, timed, args, { baseline: [child.pid], generator: [process.pid] });
    const inboxRows = await countRows(pool, 'SELECT count(*) AS n FROM inbox');
    const redis = new Redis(args.redisUrl);
    const queued = await redis.llen(`${prefix}:ingest:wait`).finally(() => redis.disconnect());
    const loss = lossCheck(warm.length + timed.length, inboxRows, result);
    log(`  ${report.acceptedPerSecond.toFixed(0)} accepted/s, p50 ${report.latencyMs.p50.toFixed(1)} ms, p99 ${report.latencyMs.p99.toFixed(1)} ms; ${loss.detail}; ${queued} Bull jobs waiting`);
    return {
      name: 'baseline',
      description: 'bare Fastify 5: HMAC verify, one INSERT into an inbox table of the same shape, one Bull add (same job options); no worker',
      load: report,
      loss: { ...loss, detail: `${loss.detail}; ${queued} jobs in the Bull wait list`, ok: loss.ok && queued === warm.length + timed.length },
      endToEnd: null,
      profiles: [],
      logs: [logFile],
    };
  } finally {
    await endPool();
    await stop();
    await dropKeys();
    await dropDb();
  }
}

// ---------------------------------------------------------------- hub

type HubMode = 'all' | 'split' | 'api' | 'graphql';

const HUB_MODES: Record<HubMode, { name: string; title: string; description: string }> = {
  graphql: {
    name: 'hub-gql',
    title: 'one process, ROLE=all, with GraphQL load',
    description: 'hub as one process, ROLE=all, while --graphql-load clients send heavy allowed and over-limit GraphQL queries',
  },
  all: {
    name: 'hub',
    title: 'one process, ROLE=all',
    description: 'hub as one process, ROLE=all: webhook API and queue worker share one event loop',
  },
  split: {
    name: 'hub-split',
    title: 'ROLE=api + ROLE=worker processes',
    description: 'hub as two processes against one database and queue: ROLE=api (webhooks) and ROLE=worker (queue consumer)',
  },
  api: {
    name: 'hub-api',
    title: 'ROLE=api alone, no worker (request path only, like the baseline)',
    description: 'hub as one ROLE=api process with no queue consumer: the request path alone, comparable with the baseline',
  },
};

/** One hub scenario's processes, database and counters; torn down by its cleanups. */
interface HubRun {
  readonly args: BenchArgs;
  readonly name: string;
  readonly tmp: string;
  readonly url: string;
  readonly prefix: string;
  readonly pool: pg.Pool;
  readonly children: Child[];
  readonly stops: (() => Promise<void>)[];
  readonly profileFiles: string[];
  readonly logs: string[];
}

interface Counts {
  inbox: number;
  pending: number;
  orders: number;
}

async function counts(pool: pg.Pool): Promise<Counts> {
  const { rows } = await pool.query<{ inbox: string; pending: string; orders: string }>(
    `SELECT (SELECT count(*) FROM inbox) AS inbox, (SELECT count(*) FROM inbox WHERE status = 'PENDING') AS pending, (SELECT count(*) FROM orders) AS orders`,
  );
  return { inbox: Number(rows[0].inbox), pending: Number(rows[0].pending), orders: Number(rows[0].orders) };
}

/** Starts one hub process of the scenario and waits until it serves (or, for a worker, until it says it started). */
async function launchHub(run: HubRun, role: 'all' | 'api' | 'worker'): Promise<{ child: Child; port: number }> {
  const { args, name, tmp } = run;
  const port = await freePort();
  const logFile = path.join(tmp, `${name}-${role}.log`);
  const profileOut = path.join(tmp, `${name}-${role}.cpuprofile`);
  const nodeArgs = [...(args.profile ? ['--import', path.join(HERE, 'profile-hook.js')] : []), path.resolve('dist/src/main.js')];
  const child = startChild(`hub ${role}`, nodeArgs, {
    ...process.env,
    DATABASE_URL: run.url, REDIS_URL: args.redisUrl, PORT: String(port), HOST: '127.0.0.1',
    API_KEYS: 'admin:admin-key-123,reader:reader-key-123', SHOPIFY_WEBHOOK_SECRET: SECRET, QUEUE_PREFIX: run.prefix,
    ROLE: role, LOG_LEVEL: args.logLevel,
    ...(args.ingestConcurrency ? { INGEST_CONCURRENCY: String(args.ingestConcurrency) } : {}),
    ...(args.mappingRequired !== null ? { MAPPING_REQUIRED: args.mappingRequired } : {}),
    ...(args.profile ? { BENCH_PROFILE_OUT: profileOut } : {}),
    ...channels?.env,
  }, logFile);
  run.children.push(child);
  run.logs.push(logFile);
  if (args.profile) run.profileFiles.push(profileOut);
  run.stops.push(onCleanup(`stop hub ${role}`, () => stopChild(child)));
  // A worker logs "worker started", or "hub listening" when it also serves health/metrics.
  if (role === 'worker') await waitForLogLine(child, ['"msg":"worker started"', '"msg":"hub listening'], 60_000);
  else await waitForHttpReady(child, port, '/health/ready', 60_000);
  log(`  hub ${role} pid ${child.pid}${role === 'worker' ? '' : ` on port ${port}`}`);
  return { child, port };
}

/** The api-only mode: requests answered and rows queued, nothing processed. */
async function measureApiOnly(run: HubRun, api: { child: Child; port: number }, warm: Delivery[], timed: Delivery[], description: string): Promise<ScenarioReport> {
  const { args, name, pool, children, profileFiles, logs } = run;
  const cpuOnly: Record<string, number[]> = { generator: [process.pid], 'hub-api': [api.child.pid] };
  await startProfiles(children, args);
  const { result, report } = await timedLoad(api.port, timed, args, cpuOnly);
  const profiles = await stopProfiles(children, profileFiles, args);
  const inboxRows = await countRows(pool, 'SELECT count(*) AS n FROM inbox');
  const redis = new Redis(args.redisUrl);
  const queued = await redis.llen(`${run.prefix}:ingest:wait`).finally(() => redis.disconnect());
  const loss = lossCheck(rowsOf(warm) + rowsOf(timed), inboxRows, result);
  log(`  ${report.acceptedPerSecond.toFixed(0)} accepted/s, p50 ${report.latencyMs.p50.toFixed(1)} ms, p99 ${report.latencyMs.p99.toFixed(1)} ms; ${loss.detail}; ${queued} Bull jobs waiting`);
  return {
    name, description, load: report,
    loss: { ...loss, detail: `${loss.detail}; ${queued} jobs in the Bull wait list`, ok: loss.ok && queued === rowsOf(warm) + rowsOf(timed) },
    endToEnd: null, profiles, logs,
  };
}

/** Samples the counts every sampleMs while the load runs; stop() takes the last one. */
function startSampler(pool: pg.Pool, sampleMs: number, progress: LoadProgress): { samples: Sample[]; sample(): Promise<Sample>; stop(): Promise<Sample> } {
  const samples: Sample[] = [];
  const t0 = performance.now();
  const sample = async (): Promise<Sample> => {
    const s: Sample = { t: (performance.now() - t0) / 1000, ok: progress.ok, ...(await counts(pool)) };
    samples.push(s);
    return s;
  };
  let running = true;
  const loop = (async () => {
    await sample();
    while (running) {
      await sleep(sampleMs);
      if (running) await sample();
    }
  })();
  return {
    samples,
    sample,
    async stop() {
      running = false;
      await loop;
      return sample();
    },
  };
}

/** What the database says once the timed orders drained (or the wait ran out). */
async function summariseEndToEnd(
  run: HubRun, split: boolean, apiPort: number, warm: Delivery[], timed: Delivery[], samples: Sample[], atLoadEnd: Sample, last: Sample,
  drainCpu: Record<string, number> | null, profiles: ProfileSummary[],
): Promise<EndToEnd> {
  const { pool, children, logs } = run;
  const target = ordersOf(warm) + ordersOf(timed);
  const loadSamples = samples.slice(0, samples.indexOf(atLoadEnd) + 1);
  const byStatus = await pool.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM inbox GROUP BY status');
  const inboxByStatus = Object.fromEntries(byStatus.rows.map((r) => [r.status, Number(r.n)]));
  const orderStatus = await pool.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status');
  const ordersByStatus = Object.fromEntries(orderStatus.rows.map((r) => [r.status, Number(r.n)]));
  const holds = await pool.query<{ reason: string; n: string }>(
    'SELECT reason, count(*) AS n FROM orders, unnest(hold_reasons) AS reason GROUP BY reason ORDER BY reason',
  );
  const holdReasons = Object.fromEntries(holds.rows.map((r) => [r.reason, Number(r.n)]));
  const lagSeconds = split ? null : lagFromMetrics(await fetchText(apiPort, '/metrics').catch(() => ''));
  const complete = last.orders >= target;
  const timedOrders = last.orders - ordersOf(warm);
  return {
    expectedOrders: ordersOf(timed),
    ordersPersisted: timedOrders,
    complete,
    secondsToAllOrders: complete ? last.t : null,
    ordersPerSecond: timedOrders / last.t,
    ordersPerSecondDuringLoad: (atLoadEnd.orders - ordersOf(warm)) / atLoadEnd.t,
    ordersPerSecondAfterLoad: last.t > atLoadEnd.t ? (last.orders - atLoadEnd.orders) / (last.t - atLoadEnd.t) : null,
    pendingAtLoadEnd: atLoadEnd.pending,
    maxPending: Math.max(...samples.map((s) => s.pending)),
    backlogGrowthPerSecond: slope(loadSamples),
    backlogGrew: atLoadEnd.pending > Math.max(200, 0.05 * ordersOf(timed)) && slope(loadSamples) > 0,
    inboxByStatus,
    ordersByStatus,
    holdReasons,
    drainCpuCores: drainCpu,
    drainCpuMsPerOrder: drainCpu && last.orders > atLoadEnd.orders ? perUnit(drainCpu, last.t - atLoadEnd.t, last.orders - atLoadEnd.orders) : null,
    lagSeconds,
    samples,
    loadEndSample: samples.indexOf(atLoadEnd),
    sweeper: sweeperActivity(logs),
    perOrder: profiles.flatMap((p, i) => (p.counts ? [{
      process: children[i]?.name ?? '?',
      pgQueries: p.counts.pgQueries / Math.max(1, timedOrders),
      redisCommands: p.counts.redisCommands / Math.max(1, timedOrders),
    }] : [])),
  };
}

async function hubScenario(
  args: BenchArgs, id: string, tmp: string, warm: Delivery[], timed: Delivery[], mode: HubMode, skus: readonly string[],
): Promise<ScenarioReport> {
  const split = mode === 'split';
  const { name, title, description } = HUB_MODES[mode];
  log(`\n== ${name}: ${title} ==`);
  const db = `bench_ingest_${id}_${name.replace('-', '_')}`;
  const prefix = `bench-${id}-${name}`;
  const url = await createDatabase(args.pgUrl, db);
  const dropDb = onCleanup(`drop ${db}`, async () => {
    if (args.keepDatabases) log(`  kept database ${db}`);
    else await dropDatabase(args.pgUrl, db);
  });
  const dropKeys = onCleanup(`redis ${prefix}`, () => deleteRedisPrefix(args.redisUrl, prefix));
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const endPool = onCleanup(`${name} pool`, () => pool.end());
  const run: HubRun = { args, name, tmp, url, prefix, pool, children: [], stops: [], profileFiles: [], logs: [] };

  try {
    // One at a time: each process runs the migrations at start.
    const api = await launchHub(run, mode === 'all' || mode === 'graphql' ? 'all' : 'api');
    if (split) await launchHub(run, 'worker');
    await seedMappings(api.port, skus);
    if (channels) await seedChannels(api.port);
    log(`  db ${db}, prefix ${prefix}, logs in ${tmp}`);

    await warmUp(api.port, warm, args, name);
    if (mode === 'api') return await measureApiOnly(run, api, warm, timed, description);
    const warmDeadline = Date.now() + 60_000;
    while ((await counts(pool)).orders < ordersOf(warm) && Date.now() < warmDeadline) await sleep(250);
    log(`  warm-up drained: ${(await counts(pool)).orders}/${ordersOf(warm)} orders`);

    const cpuPids: Record<string, number[]> = { generator: [process.pid] };
    for (const child of run.children) cpuPids[child.name.replace(' ', '-')] = [child.pid];
    const progress: LoadProgress = { sent: 0, done: 0, ok: 0 };
    await startProfiles(run.children, args);
    const sampler = startSampler(pool, args.sampleMs, progress);
    const graphqlLoad = mode === 'graphql' ? startGraphQLLoad(api.port, 'reader-key-123', args.graphqlLoad) : null;
    const { result, report } = await timedLoad(api.port, timed, args, cpuPids, progress);
    const graphql = await graphqlLoad?.stop();
    if (graphql) log(`  ${formatGraphQLLoad(graphql)}`);
    const atLoadEnd = await sampler.stop();
    log(`  load: ${report.acceptedPerSecond.toFixed(0)} accepted/s, p50 ${report.latencyMs.p50.toFixed(1)} ms, p99 ${report.latencyMs.p99.toFixed(1)} ms in ${report.seconds.toFixed(1)} s; ${atLoadEnd.orders - ordersOf(warm)} orders persisted, ${atLoadEnd.pending} pending at load end`);

    // Drain: poll until every order exists or the bounded wait runs out.
    const target = ordersOf(warm) + ordersOf(timed);
    const drainStart = cpuSnapshot(cpuPids);
    const drainDeadline = performance.now() + args.drainTimeoutS * 1000;
    let last = atLoadEnd;
    while (last.orders < target && performance.now() < drainDeadline) {
      await sleep(Math.min(args.sampleMs, 500));
      last = await sampler.sample();
    }
    const drainCpu = last.t > atLoadEnd.t + 0.5 ? cpuUsage(drainStart, cpuSnapshot(cpuPids)) : null;
    const profiles = await stopProfiles(run.children, run.profileFiles, args);
    const endToEnd = await summariseEndToEnd(run, split, api.port, warm, timed, sampler.samples, atLoadEnd, last, drainCpu, profiles);

    const timedOrders = endToEnd.ordersPersisted;
    for (const c of endToEnd.perOrder) log(`  ${c.process}: ${c.pgQueries.toFixed(1)} PostgreSQL queries and ${c.redisCommands.toFixed(1)} Redis commands per timed order (request path included where the process serves it)`);
    const loss = lossCheck(rowsOf(warm) + rowsOf(timed), last.inbox, result);
    log(`  end to end: ${timedOrders}/${ordersOf(timed)} orders in ${last.t.toFixed(1)} s = ${endToEnd.ordersPerSecond.toFixed(0)} orders/s (during load ${endToEnd.ordersPerSecondDuringLoad.toFixed(0)}/s, after ${endToEnd.ordersPerSecondAfterLoad?.toFixed(0) ?? '-'}/s); ${endToEnd.complete ? 'complete' : 'INCOMPLETE (drain timeout)'}`);
    log(`  loss check: ${loss.ok ? 'ok' : 'FAILED'}: ${loss.detail}; inbox by status ${JSON.stringify(endToEnd.inboxByStatus)}`);
    log(`  orders by status ${JSON.stringify(endToEnd.ordersByStatus)}${Object.keys(endToEnd.holdReasons).length > 0 ? `; hold reasons ${JSON.stringify(endToEnd.holdReasons)}` : ''}`);
    log(`  sweeper: ${endToEnd.sweeper.runs} sweeps re-offered ${endToEnd.sweeper.rowsReoffered} PENDING rows to the queue (warm-up included)`);
    for (const child of run.children) if (child.exited) log(`  ${child.name} EXITED (${child.exitCode}):\n${logTail(child)}`);
    return { name, description, load: report, loss, endToEnd, profiles, logs: run.logs, graphql };
  } finally {
    await endPool();
    for (const stop of run.stops.reverse()) await stop();
    await dropKeys();
    await dropDb();
  }
}

// ---------------------------------------------------------------- report

function fmt(n: number | null | undefined, digits = 0): string {
  return n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

function printSamples(report: ScenarioReport): void {
  const e2e = report.endToEnd;
  if (!e2e) return;
  log(`\n${report.name}: backlog samples (t from the first timed delivery)`);
  log('     t s   2xx answered     inbox   pending    orders');
  // At most ~40 rows here (every sample is in the JSON); the last sample of the load is always shown.
  const loadEnd = e2e.loadEndSample;
  const step = Math.max(1, Math.ceil(e2e.samples.length / 40));
  e2e.samples.forEach((s, index) => {
    if (index % step !== 0 && index !== loadEnd && index !== e2e.samples.length - 1) return;
    const mark = index === loadEnd ? '  <- load ends' : '';
    log(`${s.t.toFixed(1).padStart(8)} ${String(s.ok).padStart(14)} ${String(s.inbox).padStart(9)} ${String(s.pending).padStart(9)} ${String(s.orders).padStart(9)}${mark}`);
  });
}

function cpuLine(cores: Record<string, number> | null): string {
  if (!cores) return '-';
  const keys = Object.keys(cores).filter((k) => k !== 'machineBusy' && k !== 'machineCores');
  return `${keys.map((k) => `${k} ${cores[k].toFixed(2)}`).join(', ')}; machine busy ${cores.machineBusy.toFixed(2)} of ${cores.machineCores} cores`;
}

function msLine(ms: Record<string, number> | null): string {
  if (!ms) return '-';
  return Object.entries(ms)
    .filter(([k]) => k !== 'machineBusy' && k !== 'other')
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
}

function summaryTable(reports: readonly ScenarioReport[], base: ScenarioReport | undefined): string[] {
  const rows: [string, ...string[]][] = [];
  const col = (f: (r: ScenarioReport) => string): string[] => reports.map(f);
  rows.push(['', ...reports.map((r) => r.name)]);
  rows.push(['accepted/s', ...col((r) => fmt(r.load.acceptedPerSecond))]);
  rows.push(['latency p50 ms', ...col((r) => fmt(r.load.latencyMs.p50, 1))]);
  rows.push(['latency p90 ms', ...col((r) => fmt(r.load.latencyMs.p90, 1))]);
  rows.push(['latency p99 ms', ...col((r) => fmt(r.load.latencyMs.p99, 1))]);
  rows.push(['latency max ms', ...col((r) => fmt(r.load.latencyMs.max, 1))]);
  if (base) {
    rows.push(['throughput / baseline', ...col((r) => fmt(r.load.acceptedPerSecond / base.load.acceptedPerSecond, 2))]);
    rows.push(['p99 / baseline', ...col((r) => fmt(r.load.latencyMs.p99 / base.load.latencyMs.p99, 2))]);
  }
  rows.push(['2xx / sent', ...col((r) => `${r.load.ok2xx}/${r.load.deliveries}`)]);
  rows.push(['loss check', ...col((r) => (r.loss.ok ? 'ok' : 'FAIL'))]);
  rows.push(['e2e orders/s (whole run)', ...col((r) => fmt(r.endToEnd?.ordersPerSecond))]);
  rows.push(['e2e orders/s during load', ...col((r) => fmt(r.endToEnd?.ordersPerSecondDuringLoad))]);
  rows.push(['orders persisted', ...col((r) => (r.endToEnd ? `${r.endToEnd.ordersPersisted}/${r.endToEnd.expectedOrders}` : '-'))]);
  rows.push(['orders RELEASED (all)', ...col((r) => (r.endToEnd ? `${r.endToEnd.ordersByStatus.RELEASED ?? 0}/${Object.values(r.endToEnd.ordersByStatus).reduce((a, b) => a + b, 0)}` : '-'))]);
  rows.push(['pending at load end', ...col((r) => fmt(r.endToEnd?.pendingAtLoadEnd))]);
  rows.push(['backlog growth /s', ...col((r) => fmt(r.endToEnd?.backlogGrowthPerSecond))]);
  rows.push(['sweeper re-offers', ...col((r) => (r.endToEnd ? `${r.endToEnd.sweeper.rowsReoffered} in ${r.endToEnd.sweeper.runs}` : '-'))]);
  const bound = (v: number | null): string => (v === null ? '-' : Number.isFinite(v) ? `≤${v}` : '>60');
  rows.push(['lag p50/p99 s (histogram)', ...col((r) => (r.endToEnd?.lagSeconds ? `${bound(r.endToEnd.lagSeconds.p50)}/${bound(r.endToEnd.lagSeconds.p99)}` : '-'))]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}

interface TargetCheck {
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

function evaluateTargets(hub: ScenarioReport | undefined, base: ScenarioReport | undefined): TargetCheck[] {
  if (!hub) return [];
  const checks: TargetCheck[] = [
    { target: `accepted/s ≥ ${TARGETS.acceptedPerSecond}`, value: fmt(hub.load.acceptedPerSecond), met: hub.load.acceptedPerSecond >= TARGETS.acceptedPerSecond },
  ];
  if (base) {
    const ratio = hub.load.acceptedPerSecond / base.load.acceptedPerSecond;
    const p99 = hub.load.latencyMs.p99 / base.load.latencyMs.p99;
    checks.push({ target: `throughput ≥ ${TARGETS.throughputRatio} × baseline`, value: fmt(ratio, 2), met: ratio >= TARGETS.throughputRatio });
    checks.push({ target: `p99 ≤ ${TARGETS.p99Ratio} × baseline`, value: fmt(p99, 2), met: p99 <= TARGETS.p99Ratio });
  }
  if (hub.endToEnd) {
    checks.push({
      target: `end to end ≥ ${TARGETS.ordersPerSecond} orders/s`,
      value: fmt(hub.endToEnd.ordersPerSecond),
      met: hub.endToEnd.complete && hub.endToEnd.ordersPerSecond >= TARGETS.ordersPerSecond,
    });
  }
  checks.push({ target: 'no loss (inbox rows = deliveries, all 2xx)', value: hub.loss.ok ? 'ok' : 'FAIL', met: hub.loss.ok });
  return checks;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync('dist/src/main.js')) throw new Error('dist/src/main.js is missing: run from the repository root after npm run build');
  const id = runId();
  const tmp = mkdtempSync(path.join(os.tmpdir(), `bench-ingest-${id}-`));
  const cpus = os.cpus();
  log(`ingest bench ${id}: ${args.deliveries} deliveries at ${args.concurrency} connections (+${args.warmup} warm-up), node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? '?'}`);
  log('note: the load generator runs on the same cores as the server, PostgreSQL and Redis; its CPU share is reported per phase.');

  const started = performance.now();
  const fixture = loadTemplate(args.fixture);
  const { template, skus } = args.lines === null ? { template: fixture, skus: [] as string[] } : withLineItems(fixture, args.lines);
  log(`orders: ${args.lines === null ? 'the fixture\'s own line items' : `${args.lines} line items (${skus[0]}…${skus[skus.length - 1]}, one ITEM mapping each)`}; MAPPING_REQUIRED ${args.mappingRequired ?? 'not set (hub default: every kind)'}`);
  let warm = buildDeliveries({ template, secret: SECRET, shopDomain: SHOP, firstOrderId: 6_100_000_000_000_000_000n, count: args.warmup, label: 'W' });
  let timed = buildDeliveries({ template, secret: SECRET, shopDomain: SHOP, firstOrderId: 6_200_000_000_000_000_000n, count: args.deliveries, label: 'B' });
  if (args.mix) {
    const mix = parseMix(args.mix);
    const w = mixDeliveries(warm, mix, args.posBatch, 'W', SECRET, AMAZON_CAP.warm);
    const t = mixDeliveries(timed, mix, args.posBatch, 'B', SECRET, AMAZON_CAP.timed);
    warm = w.deliveries;
    timed = t.deliveries;
    const amazon = await startBenchAmazon([...w.amazonOrders, ...t.amazonOrders]);
    onCleanup('stop the Amazon sandbox', () => amazon.close());
    channels = {
      ...mixedAccounts(amazon),
      env: { AMAZON_LWA_CLIENT_ID: amazon.clientId, AMAZON_LWA_CLIENT_SECRET: amazon.clientSecret, AMAZON_LWA_TOKEN_URL: `${amazon.url}/auth/o2/token`, PULL_INTERVAL_MS: '3600000' },
    };
    const count = (list: Delivery[], path: string | undefined) => list.filter((d) => d.path === path).length;
    log(`mixed channels ${args.mix}: timed ${count(timed, undefined)} Shopify webhooks, ${count(timed, '/webhooks/pos/bench-store-01/batches')} POS batches of ${args.posBatch} sales, ` +
      `${count(timed, '/webhooks/amazon')} Amazon notifications (at most ${AMAZON_CAP.timed}: Amazon's usage plan, not the hub, bounds a seller's fetches); ` +
      `${ordersOf(timed)} timed orders, ${rowsOf(timed)} inbox rows`);
  }
  log(`pre-signed ${warm.length + timed.length} bodies of ${timed[0].body.length} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const quietBefore = cpuSnapshot({});
  await sleep(2000);
  const background = cpuUsage(quietBefore, cpuSnapshot({}));
  log(`machine busy before the bench: ${background.machineBusy.toFixed(2)} of ${background.machineCores} cores${background.machineBusy > 0.2 ? ' — other work is running; expect noisy numbers (see "other" in the CPU lines)' : ''}`);
  const roundTrips: RoundTripCost[] = await calibrate(args.pgUrl, args.redisUrl);
  log('round-trip cost on this machine (sequential, one connection):');
  for (const r of roundTrips) log(`  ${r.what.padEnd(48)} ${r.wallMicros.toFixed(0).padStart(5)} µs wall, ${r.clientCpuMicros.toFixed(0).padStart(4)} µs client CPU`);

  const reports: ScenarioReport[] = [];
  let base: ScenarioReport | undefined;
  let hub: ScenarioReport | undefined;
  if (args.baseline) reports.push((base = await baselineScenario(args, id, tmp, warm, timed)));
  if (args.hub) reports.push((hub = await hubScenario(args, id, tmp, warm, timed, 'all', skus)));
  if (args.apiOnly) reports.push(await hubScenario(args, id, tmp, warm, timed, 'api', skus));
  if (args.split) reports.push(await hubScenario(args, id, tmp, warm, timed, 'split', skus));
  if (args.graphqlLoad > 0) reports.push(await hubScenario(args, id, tmp, warm, timed, 'graphql', skus));

  for (const report of reports) printSamples(report);
  log('\nCPU use during the timed load (cores; 1.00 = one core busy):');
  for (const report of reports) log(`  ${report.name.padEnd(10)} ${cpuLine(report.load.cpuCores)}`);
  log('CPU ms per accepted delivery during the load:');
  for (const report of reports) log(`  ${report.name.padEnd(10)} ${msLine(report.load.cpuMsPerDelivery)}`);
  const drains = reports.filter((r) => r.endToEnd?.drainCpuCores);
  if (drains.length > 0) {
    log('CPU use while draining the backlog after the load (no HTTP traffic):');
    for (const report of drains) log(`  ${report.name.padEnd(10)} ${cpuLine(report.endToEnd?.drainCpuCores ?? null)}`);
    log('CPU ms per order drained after the load:');
    for (const report of drains) log(`  ${report.name.padEnd(10)} ${msLine(report.endToEnd?.drainCpuMsPerOrder ?? null)}`);
  }

  log('\nsummary');
  for (const line of summaryTable(reports, base)) log(`  ${line}`);
  const targets = evaluateTargets(hub, base);
  if (targets.length > 0) {
    log('\ntargets (hub, ROLE=all)');
    for (const t of targets) log(`  ${t.met ? 'MET ' : 'MISS'}  ${t.target}: ${t.value}`);
  }

  mkdirSync(args.resultsDir, { recursive: true });
  const file = path.join(args.resultsDir, `ingest-${id}.json`);
  const machine = {
    cores: cpus.length, cpuModel: cpus[0]?.model ?? null, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
  writeFileSync(file, `${JSON.stringify({
    bench: 'ingest', id, startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
    durationSeconds: (performance.now() - started) / 1000, args, machine, targets: TARGETS, targetChecks: targets,
    backgroundCores: background.machineBusy, roundTrips, scenarios: reports, bodyBytes: timed[0].body.length,
  }, null, 2)}\n`);
  log(`\nresult written to ${file} (${((performance.now() - started) / 1000).toFixed(0)} s in all); child logs in ${tmp}`);
}

process.once('SIGINT', () => {
  log('interrupted; cleaning up');
  void runCleanups().finally(() => process.exit(130));
});

main()
  .catch(async (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await runCleanups();
  });
