/**
 * `npm run bench:recon`: settlement reconciliation at volume. Writes N settlement lines as
 * files (Amazon V2 TSV and Shopify Payments JSON Lines, half each), seeds the hub's orders they
 * refer to (a few differ on purpose, a few are missing), imports every file through the
 * importer (parse, COPY, control totals) and runs the set-based order matching. In the same
 * run it times a raw-SQL baseline on the same files: COPY into plain tables and one hash join
 * against the orders, with no parsing, checks, lineage or breaks. Prints lines/s, both times,
 * their ratio, the peak RSS and the CPU used by others on the machine meanwhile.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { AmazonSettlementV2Parser } from '../../src/adapters/payments/amazon-settlement-v2.js';
import { ShopifyPaymentsPayoutParser } from '../../src/adapters/payments/shopify-payments-payout.js';
import { OrderService } from '../../src/modules/orders/order.service.js';
import { matchOrdersInLanes } from '../../src/modules/settlements/order-matching-lanes.js';
import { importReport } from '../../src/modules/settlements/settlement-importer.js';
import { createDatabase, dropDatabase } from '../ingest/infra.js';
import { cpuSnapshot, cpuUsage } from '../ingest/stats.js';
import { cleanUpOnSignals, cleanupRegistry } from '../shared/cleanups.js';
import { writeAmazon, writeShopify, type BenchFile, type BenchOrder } from './files.js';
import { writeFloor } from './floor.js';
import { seedOrders, BASELINE_SQL } from './seed.js';

const USAGE = `usage: node dist/bench/recon/run.js [flags]
  --lines N            settlement lines in all (default 100000), half Amazon, half Shopify
  --lines-per-file N   lines per report file (default 100000)
  --parallel N         reports imported at the same time, each in its own transaction (default 2)
  --lanes N            order-matching lanes, each a connection of its own (default 2, as the hub runs it)
  --pg-url URL         PostgreSQL server (default: DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432)
  --floor              also time the ledger's write floor: the hub's own rows written again with the same indexes, no parsing or checks
  --keep-database      leave the bench database for inspection
environment, for profiling: RECON_SLOW=ms prints every statement slower than that (TypeORM);
RECON_EXPLAIN=ms has PostgreSQL log their plans with actual times (auto_explain, to the server log)`;

interface Args { lines: number; perFile: number; parallel: number; lanes: number; floor: boolean; pgUrl: string; keepDatabase: boolean }

function parseArgs(argv: readonly string[]): Args {
  const fromEnv = process.env.DATABASE_URL ? Object.assign(new URL(process.env.DATABASE_URL), { pathname: '/' }).toString() : null;
  const args: Args = { lines: 100_000, perFile: 100_000, parallel: 2, lanes: 2, floor: false, pgUrl: fromEnv ?? 'postgres://postgres@127.0.0.1:5432', keepDatabase: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const whole = (min: number): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number >= ${min}\n${USAGE}`);
      return n;
    };
    switch (flag) {
      case '--lines': args.lines = whole(100); break;
      case '--lines-per-file': args.perFile = whole(100); break;
      case '--parallel': args.parallel = whole(1); break;
      case '--lanes': args.lanes = whole(1); break;
      case '--pg-url': args.pgUrl = argv[++i] ?? ''; break;
      case '--keep-database': args.keepDatabase = true; break;
      case '--floor': args.floor = true; break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  return args;
}

const log = (message: string) => process.stdout.write(`${message}\n`);
const cleanups = cleanupRegistry(log);

interface Phase<T> { value: T; ms: number; other: number; postgres: number; bench: number; load: number; peakRss: number }

/** Times a phase with the CPU others used meanwhile, the 1-minute load average at its start and the process's RSS peak within it. */
async function phase<T>(fn: () => Promise<T>): Promise<Phase<T>> {
  const before = cpuSnapshot({ bench: [process.pid] });
  const load = loadavg()[0];
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 50);
  const started = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - started;
    const usage = cpuUsage(before, cpuSnapshot({ bench: [process.pid] }));
    return { value, ms, other: usage.other, postgres: usage.postgres, bench: usage.bench, load, peakRss: Math.max(peakRss, process.memoryUsage.rss()) };
  } finally {
    clearInterval(sampler);
  }
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
const cores = (p: Phase<unknown>) => `bench ${p.bench.toFixed(2)}, postgres ${p.postgres.toFixed(2)}, other ${p.other.toFixed(2)} cores; load ${p.load.toFixed(1)}; peak RSS ${mib(p.peakRss)}`;

/** Runs `work` over `items`, at most `width` at a time. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

async function writeFiles(dir: string, args: Args): Promise<{ files: BenchFile[]; orders: BenchOrder[] }> {
  const files: BenchFile[] = [];
  const orders: BenchOrder[] = [];
  const half = Math.floor(args.lines / 2);
  for (let written = 0, file = 0; written < half; file++) {
    const f = await writeAmazon(dir, file, Math.min(args.perFile, half - written), orders);
    files.push(f);
    written += f.lines;
  }
  for (let written = 0, file = 0; written < args.lines - half; file++) {
    const f = await writeShopify(dir, file, Math.min(args.perFile, args.lines - half - written), orders);
    files.push(f);
    written += f.lines;
  }
  return { files, orders };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const name = `bench_recon_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-recon-'));
  cleanups.add(`remove ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  const url = await createDatabase(args.pgUrl, name);
  cleanups.add(`drop ${name}`, async () => {
    if (args.keepDatabase) log(`kept database ${name}`);
    else await dropDatabase(args.pgUrl, name);
  });
  const { RECON_SLOW: slow, RECON_EXPLAIN: explain } = process.env;
  const plans = explain ? { options: `-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=${explain} -c auto_explain.log_analyze=on -c auto_explain.log_nested_statements=on -c auto_explain.log_triggers=on` } : {};
  const dataSource = new DataSource({
    type: 'postgres', url, migrations: MIGRATIONS, migrationsTransactionMode: 'each', logging: false, extra: { max: 4, ...plans },
    ...(slow ? { maxQueryExecutionTime: Number(slow), logger: 'simple-console' as const } : {}),
  });
  await dataSource.initialize();
  cleanups.add('close the data source', () => dataSource.destroy());
  await dataSource.runMigrations({ transaction: 'each' });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  cleanups.add('close the client', () => db.end());

  log(`== settlement reconciliation: ${args.lines} lines, ${args.perFile} per file, ${args.parallel} imported at a time (database ${name}) ==`);
  const written = await phase(() => writeFiles(dir, args));
  const { files, orders } = written.value;
  log(`  wrote ${files.length} files, ${orders.length} orders referenced, in ${(written.ms / 1000).toFixed(1)} s`);
  const seeded = await phase(() => seedOrders(db, orders));
  log(`  seeded ${seeded.value.orders} hub orders (${seeded.value.mismatched} with a principal 1.00 off, ${seeded.value.taxCent} with tax 0.01 off, ${seeded.value.missing} left out) in ${(seeded.ms / 1000).toFixed(1)} s`);

  // The generated orders are seeded: let their memory go, so the phases below measure the importer's own.
  orders.length = 0;
  const importStartRss = process.memoryUsage.rss();
  const imported = await phase(async () => {
    const statuses: Record<string, number> = {};
    await pool(files, args.parallel, async (file) => {
      const source = { fileName: file.path.split('/').pop() ?? file.path, channel: file.channel, fileHash: '' };
      const parser = file.format === 'AMAZON_V2' ? new AmazonSettlementV2Parser(source) : new ShopifyPaymentsPayoutParser(source);
      const fileHash = createHash('sha256').update(file.path).digest('hex');
      const outcome = await importReport(dataSource, { parser, input: createReadStream(file.path), channel: file.channel, fileHash, importedBy: 'bench' });
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
    });
    return statuses;
  });
  const matched = await phase(() => matchOrdersInLanes(dataSource, new OrderService(dataSource), { TAX: 1n }, [], args.lanes));
  const [{ components }] = (await db.query(`SELECT count(*)::int AS components FROM settlement_components`)).rows as { components: number }[];
  const hub = imported.ms + matched.ms;
  log(`\nhub: import ${(imported.ms / 1000).toFixed(1)} s (${JSON.stringify(imported.value)}; ${cores(imported)})`);
  log(`     match  ${(matched.ms / 1000).toFixed(1)} s (${JSON.stringify(matched.value)}; ${cores(matched)})`);
  log(`     ${components} ledger components; ${Math.round(args.lines / (hub / 1000))} lines/s import + match`);

  const baseline = await phase(async () => {
    await db.query(BASELINE_SQL.tables);
    for (const file of files) {
      const copy = db.query(copyStreams.from(file.format === 'AMAZON_V2' ? BASELINE_SQL.copyAmazon : BASELINE_SQL.copyShopify));
      await pipeline(createReadStream(file.path), copy);
    }
    return (await db.query(BASELINE_SQL.join)).rows[0] as { joined: number; equal: number };
  });
  log(`baseline (COPY into plain tables + one hash join): ${(baseline.ms / 1000).toFixed(1)} s (${JSON.stringify(baseline.value)}; ${cores(baseline)})`);
  log(`ratio hub / baseline: ${(hub / baseline.ms).toFixed(1)}×`);
  if (args.floor) {
    const floor = await phase(() => writeFloor(url));
    log(`write floor (the hub's ${floor.value.rows} rows again, same indexes, no parsing or checks): ${(floor.ms / 1000).toFixed(1)} s (${cores(floor)})`);
    log(`ratio hub / floor: ${(hub / floor.ms).toFixed(1)}×; floor / baseline: ${(floor.ms / baseline.ms).toFixed(1)}×`);
  }
  log(`peak RSS: import ${mib(imported.peakRss)}, match ${mib(matched.peakRss)} (before the import ${mib(importStartRss)}; the bench process at most ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB, its generated orders included)`);
  const expectedMismatch = seeded.value.mismatched;
  if (matched.value.amountMismatch !== expectedMismatch || matched.value.rounding !== seeded.value.taxCent || Object.keys(imported.value).join() !== 'IMPORTED') {
    log('\nCHECK FAILED: the matching did not find exactly the differences seeded');
    process.exitCode = 1;
  }
}

const interrupted = cleanUpOnSignals(cleanups, log);

main()
  .catch((error: unknown) => {
    log(`bench:recon failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!interrupted()) await cleanups.run();
  });
