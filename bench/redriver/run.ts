/**
 * `npm run bench:redriver`: the held-order redriver's scans at production size (20k
 * mappings, ~132k unmapped keys), on a scratch PostgreSQL database it creates and drops.
 * Times (a) the start-up scan of every held order and (b) the pass after an import of a
 * few mappings, each beside the single statement the redriver ran before (the baseline,
 * cut off by a statement_timeout), and prints the plan node types of both.
 */
import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { HELD_ORDER_SCAN_SQL, HeldOrderScan, type HeldDelivery, type ScanResult } from '../../src/modules/ingestion/held-order-scan.js';
import { MappingStore } from '../../src/modules/master-data/mapping-store.js';
import { createDatabase, dropDatabase } from '../ingest/infra.js';
import { cleanUpOnSignals, cleanupRegistry } from '../shared/cleanups.js';
import { explain, formatPlan } from './plans.js';
import { importSkus, seed } from './seed.js';

const USAGE = `usage: node dist/bench/redriver/run.js [flags]
  --mappings N       live mappings (default 20000)
  --keys N           unmapped keys, 4 per held order (default 132000)
  --import N         mappings in the import, each for a value a few held orders wait for (default 5)
  --old-timeout S    statement_timeout of the old statement, seconds (default 60)
  --pg-url URL       PostgreSQL server (default: DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432)
  --keep-database    leave the bench database for inspection`;

/** The statement of the redriver before this change, as it was: one join on (kind, channel) with an OR. */
const OLD_SCAN = `SELECT DISTINCT ON (o.id) o.id AS order_id, e.inbox_id, i.correlation_id
  FROM (SELECT DISTINCT u.order_id
        FROM mappings m JOIN order_unmapped_keys u
          ON u.kind = m.kind AND u.channel = m.channel
         AND (u.source_value = m.source_value OR (m.kind = 'CUSTOMER' AND m.source_value = '*'))
         AND (m.account IS NULL OR m.account = u.account)
        WHERE m.valid_to IS NULL AND NOT m.retired AND ($2::timestamptz IS NULL OR m.valid_from > $2)) held
  JOIN orders o ON o.id = held.order_id AND o.status = 'ON_HOLD'
  JOIN order_source_events e ON e.order_id = o.id AND e.outcome = 'APPLIED'
  JOIN inbox i ON i.id = e.inbox_id
  ORDER BY o.id, e.id DESC
  LIMIT $1`;

interface Args {
  mappings: number;
  keys: number;
  importCount: number;
  oldTimeoutS: number;
  pgUrl: string;
  keepDatabase: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const fromEnv = process.env.DATABASE_URL ? Object.assign(new URL(process.env.DATABASE_URL), { pathname: '/' }).toString() : null;
  const args: Args = { mappings: 20_000, keys: 132_000, importCount: 5, oldTimeoutS: 60, pgUrl: fromEnv ?? 'postgres://postgres@127.0.0.1:5432', keepDatabase: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const whole = (min: number): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number >= ${min}\n${USAGE}`);
      return n;
    };
    switch (flag) {
      case '--mappings': args.mappings = whole(10); break;
      case '--keys': args.keys = whole(4); break;
      case '--import': args.importCount = whole(1); break;
      case '--old-timeout': args.oldTimeoutS = whole(1); break;
      case '--pg-url': args.pgUrl = argv[++i] ?? ''; break;
      case '--keep-database': args.keepDatabase = true; break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  return args;
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

const cleanups = cleanupRegistry(log);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/** The old statement under a statement_timeout: its time and orders, or that it was cut off. */
async function oldScan(db: pg.Client, since: string | null, timeoutS: number): Promise<{ ms: number; orders: string[] | null }> {
  await db.query(`SET statement_timeout = ${timeoutS * 1000}`);
  const started = performance.now();
  try {
    const result = await db.query(OLD_SCAN, [500, since]);
    return { ms: performance.now() - started, orders: (result.rows as { order_id: string }[]).map((r) => r.order_id).sort() };
  } catch (error) {
    if ((error as { code?: string }).code === '57014') return { ms: performance.now() - started, orders: null };
    throw error;
  } finally {
    await db.query('RESET statement_timeout');
  }
}

async function newScan(run: (collect: (d: readonly HeldDelivery[]) => Promise<void>) => Promise<ScanResult>) {
  const found: string[] = [];
  const { value, ms } = await timed(() => run(async (deliveries) => {
    found.push(...deliveries.map((d) => d.orderId));
  }));
  return { ms, result: value, orders: found.sort() };
}

function line(label: string, ms: number, detail: string): string {
  return `  ${label.padEnd(34)} ${(ms / 1000).toFixed(3).padStart(9)} s   ${detail}`;
}

function compare(newOrders: string[], old: { orders: string[] | null }, timeoutS: number): string {
  if (old.orders === null) return `old: cut off at ${timeoutS} s`;
  return `same orders as old: ${JSON.stringify(newOrders) === JSON.stringify(old.orders) ? 'yes' : 'NO'}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const name = `bench_redriver_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const url = await createDatabase(args.pgUrl, name);
  cleanups.add(`drop ${name}`, async () => {
    if (args.keepDatabase) log(`kept database ${name}`);
    else await dropDatabase(args.pgUrl, name);
  });
  const dataSource = new DataSource({ type: 'postgres', url, migrations: MIGRATIONS, migrationsTransactionMode: 'each', logging: false, extra: { max: 4 } });
  await dataSource.initialize();
  cleanups.add('close the data source', () => dataSource.destroy());
  await dataSource.runMigrations({ transaction: 'each' });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  cleanups.add('close the client', () => db.end());

  log(`== redriver scans: ${args.mappings} mappings, ~${args.keys} unmapped keys (database ${name}) ==`);
  const seeding = await timed(() => seed(db, { mappings: args.mappings, keys: args.keys }));
  const size = seeding.value;
  log(`  seeded ${size.orders} held orders, ${size.keys} unmapped keys, ${size.mappings} mappings in ${(seeding.ms / 1000).toFixed(1)} s; ${size.stale} orders already mapped`);
  const scan = new HeldOrderScan(dataSource);

  log('\n(a) start-up scan of every held order');
  const fullNew = await newScan((collect) => scan.all(collect));
  log(line('new: batched, index-driven', fullNew.ms, `${fullNew.orders.length} orders, ${fullNew.result.batches} batches, longest batch ${fullNew.result.longestBatchMs.toFixed(1)} ms`));
  const fullOld = await oldScan(db, null, args.oldTimeoutS);
  log(line('old: one statement', fullOld.ms, fullOld.orders === null ? `cut off by statement_timeout ${args.oldTimeoutS} s` : `${fullOld.orders.length} orders`));
  log(`  ${compare(fullNew.orders, fullOld, args.oldTimeoutS)}`);

  log(`\n(b) import of ${args.importCount} mappings, then the pass for what changed`);
  const [{ before }] = (await db.query(`SELECT (clock_timestamp() - interval '60 seconds')::text AS before`)).rows as { before: string }[];
  const skus = importSkus(args.importCount);
  const inserted = await dataSource.transaction(async (manager) => {
    const store = new MappingStore(manager);
    const at = await store.now();
    return store.insert(skus.map((sku) => ({
      kind: 'ITEM' as const, channel: 'SHOPIFY', account: null, erpTarget: null, sourceValue: sku, mappingKey: null, version: 1,
      target: { itemId: `I-${sku}` }, retired: false, note: 'bench import',
    })), 'bench', at);
  });
  const groups = inserted.map((m) => ({ kind: m.kind, channel: m.channel, sourceValue: m.sourceValue }));
  const [{ waiting }] = (await db.query(
    `SELECT count(DISTINCT order_id)::int AS waiting FROM order_unmapped_keys WHERE kind = 'ITEM' AND source_value = ANY($1)`, [skus],
  )).rows as { waiting: number }[];
  const keyedNew = await newScan((collect) => scan.keys(groups, collect));
  log(line('new: orders held on those keys', keyedNew.ms, `${keyedNew.orders.length} orders (${waiting} wait for them), ${keyedNew.result.batches} batches`));
  const keyedOld = await oldScan(db, before, args.oldTimeoutS);
  log(line('old: mappings begun since last scan', keyedOld.ms, keyedOld.orders === null ? `cut off by statement_timeout ${args.oldTimeoutS} s` : `${keyedOld.orders.length} orders`));
  log(`  ${compare(keyedNew.orders, keyedOld, args.oldTimeoutS)}`);

  log('\nplans (node types, top-down)');
  const pageIds = ((await db.query(HELD_ORDER_SCAN_SQL.NEXT_HELD, ['00000000-0000-0000-0000-000000000000', 500])).rows as { order_id: string }[]).map((r) => r.order_id);
  const keyParams = [groups.map((g) => g.kind), groups.map((g) => g.channel), groups.map((g) => g.sourceValue), '00000000-0000-0000-0000-000000000000', 500];
  const keyIds = ((await db.query(HELD_ORDER_SCAN_SQL.NEXT_HELD_ON_KEYS, keyParams)).rows as { order_id: string }[]).map((r) => r.order_id);
  log(formatPlan('new, next page of held orders', await explain(db, HELD_ORDER_SCAN_SQL.NEXT_HELD, ['00000000-0000-0000-0000-000000000000', 500], true)));
  for (const plan of await readyPlans(db, `a page of ${pageIds.length}`, pageIds)) log(plan);
  log(formatPlan('new, orders held on changed keys', await explain(db, HELD_ORDER_SCAN_SQL.NEXT_HELD_ON_KEYS, keyParams, true)));
  for (const plan of await readyPlans(db, 'those', keyIds)) log(plan);
  log(formatPlan('new, sweep: mappings begun since', await explain(db, HELD_ORDER_SCAN_SQL.CHANGED_SINCE, [before, 5001], true)));
  log(formatPlan('old, start-up', await explain(db, OLD_SCAN, [500, null], false)));
  log(formatPlan('old, after the import', await explain(db, OLD_SCAN, [500, before], false)));
  if (fullNew.orders.length !== size.stale || keyedNew.orders.length !== waiting) {
    log('\nCHECK FAILED: the new scans did not find exactly the orders waiting');
    process.exitCode = 1;
  }
}

/** The plans of the steps that find, among some held orders, the ready ones and their deliveries. */
async function readyPlans(db: pg.Client, among: string, orderIds: readonly string[]): Promise<string[]> {
  const sorted = [...orderIds].sort();
  const range = [orderIds, sorted[0], sorted[sorted.length - 1]];
  const keys = (await db.query(HELD_ORDER_SCAN_SQL.UNMAPPED_KEYS_OF, range)).rows as { kind: string; channel: string; account: string; source_value: string }[];
  const keyParams = [keys.map((k) => k.kind), keys.map((k) => k.channel), keys.map((k) => k.account), keys.map((k) => k.source_value)];
  const deliveries = (await db.query(HELD_ORDER_SCAN_SQL.LATEST_APPLIED_DELIVERY, [orderIds])).rows as { inbox_id: string }[];
  return [
    formatPlan(`new, keys of ${among}`, await explain(db, HELD_ORDER_SCAN_SQL.UNMAPPED_KEYS_OF, range, true)),
    formatPlan(`new, which of their ${keys.length} keys are mapped`, await explain(db, HELD_ORDER_SCAN_SQL.MAPPED_KEYS, keyParams, true)),
    formatPlan(`new, latest deliveries among ${among}`, await explain(db, HELD_ORDER_SCAN_SQL.LATEST_APPLIED_DELIVERY, [orderIds], true)),
    formatPlan('new, their correlations', await explain(db, HELD_ORDER_SCAN_SQL.CORRELATIONS, [deliveries.map((d) => d.inbox_id)], true)),
  ];
}

const interrupted = cleanUpOnSignals(cleanups, log);

main()
  .catch((error: unknown) => {
    log(`bench:redriver failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!interrupted()) await cleanups.run();
  });
