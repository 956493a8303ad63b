/**
 * `node dist/bench/recon/unsettled.js`: the matching run's look for orders no report names, at
 * volume. Seeds N orders placed over half a year, each with a card tender through Shopify
 * Payments, a Shopify payout every day, and one report line for every order but each 250th;
 * then times `checkUnsettledOrders` (30 days) beside a raw-SQL baseline: one anti-join of the
 * orders against the ledger's lines, with no tenders, gateways, windows or breaks.
 */
import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { OrderService } from '../../src/modules/orders/order.service.js';
import { checkUnsettledOrders } from '../../src/modules/settlements/unsettled-orders.js';
import { createDatabase, dropDatabase } from '../ingest/infra.js';
import { cleanUpOnSignals, cleanupRegistry } from '../shared/cleanups.js';

const log = (message: string) => process.stdout.write(`${message}\n`);
const cleanups = cleanupRegistry(log);
const DAYS = 182;

const SEED = [
  `INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at, payment_status,
     risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
   SELECT gen_random_uuid(), 'SHOPIFY', 'bench', (5000000000 + n)::text, '#' || n, 'RELEASED', 'USD',
     timestamptz '2026-01-01' + make_interval(secs => n::double precision * ${DAYS} * 86400 / $1), now(), 'PAID', 'ACCEPT', 'COMPUTED', true, 1000 + n % 900, 0, 0, 0, 1000 + n % 900
   FROM generate_series(1, $1) AS n`,
  `INSERT INTO order_tenders (id, order_id, position, kind, gateway, currency_code, authorized, captured)
   SELECT gen_random_uuid(), id, 0, 'CARD', 'shopify_payments', 'USD', grand_total, grand_total FROM orders`,
  `INSERT INTO settlement_imports (format, report_id, file_hash, channel, currency, status, control_expected, control_actual, line_count, imported_by)
   VALUES ('SHOPIFY_PAYMENTS', 'bench', repeat('0', 64), 'SHOPIFY', 'USD', 'IMPORTED', 0, 0, 0, 'bench')`,
  // A payout each day, and a line for every order but each 250th, two days after it was placed.
  `INSERT INTO settlement_components (import_id, side, component, provider_key, lineage, channel, payout_ref, amount, currency, event_at, posted_at, payout_status)
   SELECT (SELECT id FROM settlement_imports), 'REPORTED', 'PAYOUT', 'payout|PAID', 'bench:' || d, 'SHOPIFY', 'po-' || d, 1, 'USD',
     timestamptz '2026-01-03' + make_interval(days => d), timestamptz '2026-01-03' + make_interval(days => d), 'PAID'
   FROM generate_series(0, ${DAYS}) AS d`,
  `INSERT INTO settlement_components (import_id, side, component, provider_key, lineage, channel, order_ref, payout_ref, amount, currency, event_at)
   SELECT (SELECT id FROM settlement_imports), 'REPORTED', 'PRINCIPAL', 'CHARGE|CHARGE|', 'bench:o' || o.external_id, 'SHOPIFY', o.external_id,
     'po-' || (o.placed_at::date - date '2026-01-01'), o.grand_total, 'USD', o.placed_at + interval '2 days'
   FROM orders o WHERE substring(o.order_number from 2)::bigint % 250 <> 0`,
  'ANALYZE',
];

const BASELINE = `
  SELECT count(*)::int AS unsettled FROM orders o
  WHERE o.placed_at >= timestamptz '2026-01-03' AND o.placed_at < timestamptz '2026-01-03' + make_interval(days => ${DAYS - 30})
    AND NOT EXISTS (SELECT 1 FROM settlement_components c WHERE c.channel = o.channel AND c.order_ref = o.external_id)`;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--orders');
  const orders = at > 0 ? Number(process.argv[at + 1]) : 200_000;
  if (!Number.isInteger(orders) || orders < 1000) throw new Error('--orders must be a whole number >= 1000');
  const server = process.env.DATABASE_URL ? Object.assign(new URL(process.env.DATABASE_URL), { pathname: '/' }).toString() : 'postgres://postgres@127.0.0.1:5432';
  const name = `bench_unsettled_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const url = await createDatabase(server, name);
  cleanups.add(`drop ${name}`, () => dropDatabase(server, name));
  const dataSource = await new DataSource({ type: 'postgres', url, migrations: MIGRATIONS, migrationsTransactionMode: 'each', logging: false }).initialize();
  cleanups.add('close the data source', () => dataSource.destroy());
  await dataSource.runMigrations({ transaction: 'each' });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  cleanups.add('close the client', () => db.end());

  log(`== orders no report names: ${orders} orders over ${DAYS} days, a payout a day, every 250th order unreported (database ${name}) ==`);
  const seeded = await timed(async () => {
    for (const sql of SEED) await db.query(sql, sql.includes('$1') ? [orders] : []);
  });
  log(`  seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
  const runner = dataSource.createQueryRunner();
  try {
    for (const run of [1, 2]) {
      const hub = await timed(() => checkUnsettledOrders(runner, new OrderService(dataSource), 30));
      log(`hub, run ${run}: ${(hub.ms / 1000).toFixed(2)} s (${JSON.stringify(hub.value)})`);
    }
  } finally {
    await runner.release();
  }
  const baseline = await timed(async () => (await db.query(BASELINE)).rows[0] as { unsettled: number });
  log(`baseline (one anti-join of the orders against the ledger): ${(baseline.ms / 1000).toFixed(2)} s (${JSON.stringify(baseline.value)})`);
}

const interrupted = cleanUpOnSignals(cleanups, log);

main()
  .catch((error: unknown) => {
    log(`bench unsettled failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!interrupted()) await cleanups.run();
  });
