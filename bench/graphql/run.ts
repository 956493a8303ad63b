/**
 * `npm run bench:graphql`: a page of 50 orders read through GraphQL, on a scratch
 * PostgreSQL database it creates and drops and on the embedded PGlite (DATA_DIR
 * memory://): `{ edges { node { id } } }` and a page with lines, history and ERP
 * references, each with 1 and 10 concurrent clients over HTTP, beside its floor (the same
 * rows read by one hand-written statement per table, without GraphQL or HTTP).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/platform/config/app-config.js';
import { JsonLogger } from '../../src/platform/logging/json-logger.js';
import { createDatabase, deleteRedisPrefix, dropDatabase } from '../ingest/infra.js';
import { cleanupRegistry } from '../shared/cleanups.js';
import { IDS_QUERY, PAGE_QUERY, askGraphQL, floorIds, floorPage, timeClients, type Timing } from './measure.js';
import { seedOrders } from './seed.js';

const USAGE = `usage: node dist/bench/graphql/run.js [flags]
  --orders N         orders seeded, each with 3 lines, 2 history entries and a posting (default 2000)
  --requests N       timed requests per read, client count and path (default 400)
  --warmup N         untimed requests before each timing (default 20)
  --backends LIST    postgres,pglite (default both)
  --pg-url URL       PostgreSQL server (default: DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432)
  --redis-url URL    (default REDIS_URL, else redis://127.0.0.1:6379)
  --json FILE        also write the figures as JSON
  --keep-database    leave the PostgreSQL bench database for inspection`;

type Backend = 'postgres' | 'pglite';

interface Args {
  orders: number;
  requests: number;
  warmup: number;
  backends: Backend[];
  pgUrl: string;
  redisUrl: string;
  json: string | null;
  keepDatabase: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const fromEnv = process.env.DATABASE_URL ? Object.assign(new URL(process.env.DATABASE_URL), { pathname: '/' }).toString() : null;
  const args: Args = {
    orders: 2000, requests: 400, warmup: 20, backends: ['postgres', 'pglite'], pgUrl: fromEnv ?? 'postgres://postgres@127.0.0.1:5432',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', json: null, keepDatabase: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const whole = (min: number): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number >= ${min}\n${USAGE}`);
      return n;
    };
    switch (flag) {
      case '--orders': args.orders = whole(51); break;
      case '--requests': args.requests = whole(10); break;
      case '--warmup': args.warmup = whole(0); break;
      case '--backends': {
        const list = (argv[++i] ?? '').split(',');
        if (list.some((b) => b !== 'postgres' && b !== 'pglite')) throw new Error(`--backends takes postgres and/or pglite\n${USAGE}`);
        args.backends = list as Backend[];
        break;
      }
      case '--pg-url': args.pgUrl = argv[++i] ?? ''; break;
      case '--redis-url': args.redisUrl = argv[++i] ?? ''; break;
      case '--json': args.json = argv[++i] ?? null; break;
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

interface Row extends Timing {
  readonly backend: Backend;
  readonly read: 'ids' | 'page';
  readonly path: 'graphql' | 'floor';
}

async function benchBackend(backend: Backend, args: Args): Promise<Row[]> {
  const database = `bench_graphql_${process.pid}`;
  let databaseUrl: string | null = null;
  if (backend === 'postgres') {
    databaseUrl = await createDatabase(args.pgUrl, database);
    if (!args.keepDatabase) cleanups.add(`drop database ${database}`, () => dropDatabase(args.pgUrl, database));
  }
  const prefix = `bench-graphql-${process.pid}-${backend}`;
  cleanups.add(`delete Redis keys ${prefix}`, () => deleteRedisPrefix(args.redisUrl, prefix));
  const readerKey = randomBytes(16).toString('hex');
  const config = loadConfig({
    API_KEYS: `reader:${readerKey}`,
    SHOPIFY_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
    REDIS_URL: args.redisUrl,
    QUEUE_PREFIX: prefix,
    // The embedded database serves one process, which then runs the workers too.
    ROLE: databaseUrl ? 'api' : 'all',
    LOG_LEVEL: 'error',
    // This bench times reads alone: no webhooks to keep time for, so no time budget on GraphQL.
    GRAPHQL_TIME_SHARE_PERCENT: '100',
    GRAPHQL_MAX_CONCURRENT: '10',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: 'memory://' }),
  });
  const app = await createApp(config, new JsonLogger('error'));
  const closeApp = cleanups.add(`stop the ${backend} hub`, () => app.close());
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const dataSource = app.get(DataSource);

  const seedStart = performance.now();
  await seedOrders((text, params) => dataSource.query(text, params), args.orders);
  log(`${backend}: seeded ${args.orders} orders in ${Math.round(performance.now() - seedStart)} ms`);

  // The floor reads as GraphQL does: on PostgreSQL a pool as large as GraphQL's, on PGlite its one session.
  const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: config.graphql.maxConcurrent }) : null;
  const closePool = cleanups.add('close the floor pool', async () => pool?.end());
  const query = async (text: string, params: unknown[] = []): Promise<unknown[]> =>
    pool ? (await pool.query(text, params)).rows : ((await dataSource.query(text, params)) as unknown[]);

  const rows: Row[] = [];
  const reads = [
    { read: 'ids' as const, graphql: () => askGraphQL(port, readerKey, IDS_QUERY), floor: () => floorIds(query) },
    { read: 'page' as const, graphql: () => askGraphQL(port, readerKey, PAGE_QUERY), floor: () => floorPage(query) },
  ];
  for (const { read, graphql, floor } of reads) {
    for (const clients of [1, 10]) {
      for (const [path, send] of [['graphql', graphql], ['floor', floor]] as const) {
        const timing = await timeClients(send, clients, args.requests, args.warmup);
        rows.push({ backend, read, path, ...timing });
        log(`${backend.padEnd(8)} ${read.padEnd(4)} ${path.padEnd(7)} clients=${String(clients).padStart(2)}  p50 ${timing.p50.toFixed(1).padStart(6)} ms  p99 ${timing.p99.toFixed(1).padStart(6)} ms  ${timing.perSecond.toFixed(0).padStart(5)}/s`);
      }
    }
  }
  await closePool();
  await closeApp();
  return rows;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const stop = () => void cleanups.run().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const rows: Row[] = [];
  try {
    for (const backend of args.backends) rows.push(...(await benchBackend(backend, args)));
  } finally {
    await cleanups.run();
  }
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ orders: args.orders, requests: args.requests, rows }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
