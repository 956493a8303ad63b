/** Command-line flags of `npm run bench:ingest -- --flag value`. */

export interface BenchArgs {
  readonly deliveries: number;
  readonly concurrency: number;
  readonly warmup: number;
  readonly loadTimeoutS: number;
  readonly drainTimeoutS: number;
  readonly sampleMs: number;
  readonly ingestConcurrency: number | null;
  readonly logLevel: string;
  readonly profile: boolean;
  readonly split: boolean;
  readonly apiOnly: boolean;
  readonly baseline: boolean;
  readonly hub: boolean;
  readonly pgUrl: string;
  readonly redisUrl: string;
  readonly resultsDir: string;
  readonly fixture: string;
  readonly keepDatabases: boolean;
  /** Line items per order; null: the fixture's own lines, unchanged. */
  readonly lines: number | null;
  /** MAPPING_REQUIRED for the hub; null: not set, the hub's default (every kind). */
  readonly mappingRequired: string | null;
  /** Concurrent GraphQL clients during a second ROLE=all run; 0: no such run. */
  readonly graphqlLoad: number;
  /** Channel shares of the deliveries (mixed mode); null: Shopify only. */
  readonly mix: string | null;
  /** Sales per POS batch in mixed mode. */
  readonly posBatch: number;
}

const USAGE = `usage: node dist/bench/ingest/run.js [options]
  --deliveries N          timed deliveries per scenario (default 20000)
  --concurrency C         concurrent keep-alive connections (default 50)
  --warmup N              untimed deliveries first, drained before the timed run (default 1000)
  --load-timeout S        stop sending after S seconds (default 120)
  --drain-timeout S       give up waiting for all orders S seconds after the load (default 120)
  --sample-ms MS          backlog sampling interval (default 1000)
  --ingest-concurrency N  INGEST_CONCURRENCY for the hub worker (default: the hub's own, 16)
  --log-level L           LOG_LEVEL of the hub (default info)
  --profile               CPU-profile the hub process(es) during the timed run
  --split                 also run the hub as ROLE=api + ROLE=worker processes
  --api-only              also run the hub as ROLE=api with no worker (request path alone, like the baseline)
  --no-baseline           skip the bare Fastify baseline
  --no-hub                skip the ROLE=all hub scenario
  --pg-url URL            PostgreSQL server, no database (default postgres://postgres@127.0.0.1:5432)
  --redis-url URL         Redis (default redis://127.0.0.1:6379)
  --results-dir DIR       where the JSON result goes (default bench/results)
  --fixture FILE          orders/create body (default test/fixtures/shopify/order-create.json)
  --keep-databases        leave the bench databases for inspection (Redis keys are still deleted)
  --lines N               orders with N line items: N copies of the fixture's first line with SKUs
                          BENCH-SKU-001…, totals recomputed, an ITEM mapping seeded per SKU
                          (default: the fixture's own line items, 2)
  --mapping-required V    MAPPING_REQUIRED for the hub: none, or kinds such as ITEM,TAX_CODE
                          (default: not set, so the hub requires ITEM,LOCATION,TAX_CODE,TENDER,CUSTOMER)
  --graphql-load N        also run the ROLE=all hub while N GraphQL clients (reader key) send heavy
                          allowed and over-limit queries during the timed load (default 0: not run)
  --mix SHARES            mixed channels, e.g. shopify=60,pos=30,amazon=10: Shopify webhooks, signed POS
                          batches and Amazon ORDER_CHANGE notifications (the hub fetches each order from an
                          Amazon sandbox, within Amazon's usage plans: at most 24 per run, the rest of that
                          share goes to Shopify) interleaved in these shares (default: Shopify only)
  --mixed                 the same as --mix shopify=60,pos=30,amazon=10
  --pos-batch N           sales per POS batch in mixed mode (default 10)`;

function positiveInt(name: string, value: string | undefined, max: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new Error(`${name} needs a whole number\n${USAGE}`);
  const n = Number(value);
  if (n < 1 || n > max) throw new Error(`${name} must be between 1 and ${max}`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args = {
    deliveries: 20_000,
    concurrency: 50,
    warmup: 1000,
    loadTimeoutS: 120,
    drainTimeoutS: 120,
    sampleMs: 1000,
    ingestConcurrency: null as number | null,
    logLevel: 'info',
    profile: false,
    split: false,
    apiOnly: false,
    baseline: true,
    hub: true,
    pgUrl: 'postgres://postgres@127.0.0.1:5432',
    redisUrl: 'redis://127.0.0.1:6379',
    resultsDir: 'bench/results',
    fixture: 'test/fixtures/shopify/order-create.json',
    keepDatabases: false,
    lines: null as number | null,
    mappingRequired: null as string | null,
    graphqlLoad: 0,
    mix: null as string | null,
    posBatch: 10,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--deliveries': args.deliveries = positiveInt(flag, value(), 1_000_000); break;
      case '--concurrency': args.concurrency = positiveInt(flag, value(), 1000); break;
      case '--warmup': { const v = value(); args.warmup = v === '0' ? 0 : positiveInt(flag, v, 100_000); break; }
      case '--load-timeout': args.loadTimeoutS = positiveInt(flag, value(), 3600); break;
      case '--drain-timeout': args.drainTimeoutS = positiveInt(flag, value(), 3600); break;
      case '--sample-ms': args.sampleMs = positiveInt(flag, value(), 60_000); break;
      case '--ingest-concurrency': args.ingestConcurrency = positiveInt(flag, value(), 256); break;
      case '--log-level': args.logLevel = value(); break;
      case '--profile': args.profile = true; break;
      case '--split': args.split = true; break;
      case '--api-only': args.apiOnly = true; break;
      case '--no-baseline': args.baseline = false; break;
      case '--no-hub': args.hub = false; break;
      case '--pg-url': args.pgUrl = value(); break;
      case '--redis-url': args.redisUrl = value(); break;
      case '--results-dir': args.resultsDir = value(); break;
      case '--fixture': args.fixture = value(); break;
      case '--keep-databases': args.keepDatabases = true; break;
      case '--lines': args.lines = positiveInt(flag, value(), 1000); break;
      case '--mapping-required': {
        const v = value().trim();
        if (!/^(none|[A-Za-z_]+(\s*,\s*[A-Za-z_]+)*)$/i.test(v)) throw new Error(`${flag} must be none or a comma-separated list of mapping kinds\n${USAGE}`);
        args.mappingRequired = v;
        break;
      }
      case '--graphql-load': args.graphqlLoad = positiveInt(flag, value(), 200); break;
      case '--mix': args.mix = value(); break;
      case '--mixed': args.mix = 'shopify=60,pos=30,amazon=10'; break;
      case '--pos-batch': args.posBatch = positiveInt(flag, value(), 500); break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  return args;
}
