/** Command-line flags of `npm run bench:erp -- --flag value`. */

export interface Args {
  orders: number;
  cap: number;
  latencyMs: number;
  concurrency: number;
  /** 0: one ROLE=all hub; N: one ROLE=api hub for the webhooks and N ROLE=worker hubs. */
  workers: number;
  /** N more ROLE=worker processes that only post to the ERP (WORKER_DUTIES=erp); the others then do ingest and fulfilment. */
  erpWorkers: number;
  profile: boolean;
  waitTimeoutS: number;
  pgUrl: string;
  redisUrl: string;
  fixture: string;
  keepDatabase: boolean;
  /** Skip the bare-client run against the same sandbox before the hub's. */
  noBaseline: boolean;
  /** Hold every posting until all exist, then measure posting alone. */
  backlogFirst: boolean;
}

const USAGE = `usage: node dist/bench/erp/run.js [flags]
  --orders N           distinct orders/create deliveries (default 1000)
  --cap C              ERP concurrency cap: target concurrencyCap and sandbox cap (default 15)
  --latency-ms L       sandbox latency per API request, ms (default 100)
  --concurrency K      webhook sender connections (default 20)
  --workers N          run the hub as one ROLE=api process and N ROLE=worker processes
                       (default 0: one ROLE=all process)
  --erp-workers M      M more worker processes that only post to the ERP (WORKER_DUTIES=erp); the
                       ROLE=all or worker processes then do intake and fulfilment only (default 0)
  --profile            CPU-profile every hub process from the first delivery to the last posting,
                       and count its PostgreSQL queries and Redis commands
  --wait-timeout S     give up waiting for all postings after S seconds (default 300)
  --pg-url URL         PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
  --redis-url URL      Redis (default redis://127.0.0.1:6379)
  --fixture FILE       orders/create body (default test/fixtures/shopify/order-create.json)
  --keep-database      leave the bench database for inspection
  --no-baseline        skip the baseline: N upserts straight to the sandbox, cap in flight,
                       through the hub's NetSuite adapter, before the hub run
  --backlog-first      hold the target's postings (its Bull queue paused) until all N exist,
                       then release them and measure posting alone, release → last posted_at`;

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    orders: 1000, cap: 15, latencyMs: 100, concurrency: 20, workers: 0, erpWorkers: 0, profile: false, waitTimeoutS: 300,
    pgUrl: 'postgres://postgres@127.0.0.1:5432', redisUrl: 'redis://127.0.0.1:6379',
    fixture: 'test/fixtures/shopify/order-create.json', keepDatabase: false,
    noBaseline: false, backlogFirst: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const whole = (min: number): number => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number >= ${min}`);
      return n;
    };
    switch (flag) {
      case '--orders': args.orders = whole(1); break;
      case '--cap': args.cap = whole(1); break;
      case '--latency-ms': args.latencyMs = whole(1); break;
      case '--concurrency': args.concurrency = whole(1); break;
      case '--workers': args.workers = whole(0); break;
      case '--erp-workers': args.erpWorkers = whole(0); break;
      case '--profile': args.profile = true; break;
      case '--wait-timeout': args.waitTimeoutS = whole(1); break;
      case '--pg-url': args.pgUrl = value(); break;
      case '--redis-url': args.redisUrl = value(); break;
      case '--fixture': args.fixture = value(); break;
      case '--keep-database': args.keepDatabase = true; break;
      case '--no-baseline': args.noBaseline = true; break;
      case '--backlog-first': args.backlogFirst = true; break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  return args;
}
