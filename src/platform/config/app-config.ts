/**
 * Typed configuration, read once from the environment at start-up. A wrong or missing
 * setting stops the process with one line naming the variable, before anything connects.
 */
export type ProcessRole = 'api' | 'worker' | 'all';
/** What a worker process consumes: webhook inbox rows, ERP postings, fulfilment outbound messages. */
export type WorkerDuty = 'ingest' | 'erp' | 'fulfillment';
export const WORKER_DUTIES: readonly WorkerDuty[] = ['ingest', 'erp', 'fulfillment'];
export type ApiRole = 'admin' | 'operator' | 'reader';

export interface ApiKey {
  readonly role: ApiRole;
  readonly key: string;
  /** A name for audit and logs that never reveals the key itself. */
  readonly name: string;
}

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly role: ProcessRole;
  /**
   * The queues a worker (or `all`) process consumes; all of them unless WORKER_DUTIES says
   * otherwise. ERP posting in processes of its own keeps its slots busy however hard intake runs.
   */
  readonly workerDuties: ReadonlySet<WorkerDuty>;
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly redisUrl: string;
  /** Prefix for every Redis key of the hub's queues, so several hubs or test runs share one Redis. */
  readonly queuePrefix: string;
  readonly apiKeys: readonly ApiKey[];
  readonly shopifyWebhookSecret: string | null;
  /** Signs shipment confirmations from the WMS and store systems (X-Fulfillment-Hmac-Sha256); null refuses them all. */
  readonly fulfillmentWebhookSecret: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly sweepIntervalMs: number;
  readonly ingestConcurrency: number;
  /**
   * How long a posting may stay IN_FLIGHT without its worker vouching for it before another
   * worker takes it back (the worker died mid-call). Live workers renew their postings well
   * within this, so it bounds recovery time, not the length of an ERP call.
   */
  readonly postingStuckAfterMs: number;
  /**
   * How long a sales order's key is watched after an ambiguous outcome: an ERP that does not keep
   * keys unique (Business Central) may commit a timed-out request long after, as a second document.
   */
  readonly duplicateWatchMs: number;
  /** How often the watched keys are looked up for a second document. */
  readonly duplicateScanIntervalMs: number;
  /** How often every sales order of targets that keep no key unique is scanned for doubles; 0 = never. */
  readonly duplicateFullScanIntervalMs: number;
  /** How often written documents whose ERP total is read in batches (NetSuite) are read back, at the latest. */
  readonly totalReadBackIntervalMs: number;
  /** How often pull channels (Amazon) are polled per account: the safety net under their notifications. */
  readonly pullIntervalMs: number;
  /** The hub's own Login with Amazon application (client id and secret), for every seller that authorised it; null: no Amazon. */
  readonly amazonLwa: { readonly clientId: string; readonly clientSecret: string; readonly tokenUrl: string } | null;
  /** A refund whose money moved but no settlement has reported after this many days is a refund exception. */
  readonly refundSettlementDays: number;
  /** Working days a payout's bank line may come after the payout and still match it. */
  readonly settlementBankDays: number;
  /** An order a channel settles is MISSING_IN_REPORT once that channel has reported payouts this many days after it, none naming it. */
  readonly settlementUnsettledDays: number;
  /** A watched folder for settlement report drops (`<format>/<file>`), or null for none; worker role. */
  readonly importDir: string | null;
  /** How often the import folder is looked at. */
  readonly importScanIntervalMs: number;
  /** Watched folders of channels that take file drops, by channel code (POS_DROP_DIR: `<store>/<file>`); worker role. */
  readonly channelDropDirs: Readonly<Record<string, string>>;
  /** How often the channels' drop folders are looked at. */
  readonly dropScanIntervalMs: number;
  /** Mapping kinds an order must resolve before release; empty turns the check off. */
  readonly mappingRequired: readonly string[];
  /** /docs (and /docs-json, /docs-yaml): open to anyone, or only to callers with an API key of any role. */
  readonly docsAccess: OpsAccess;
  /** /metrics: open to anyone, or only to callers with an API key of any role. */
  readonly metricsAccess: OpsAccess;
  readonly httpTimeouts: HttpTimeouts;
  readonly graphql: GraphQLLimits;
}

export type OpsAccess = 'public' | 'key';

/** Slow clients must not hold connections forever (slow headers, slow bodies, idle sockets). */
export interface HttpTimeouts {
  /** The whole request, headers and body, must have arrived by then; else 408 and close. */
  readonly requestMs: number;
  /** The request headers must have arrived by then; at most requestMs. */
  readonly headersMs: number;
  /** A socket with no traffic for this long is closed. */
  readonly connectionMs: number;
}

/**
 * What one GraphQL request may ask for. Checked before execution (depth, aliases, fields,
 * cost) or bounding it (timeout, concurrency), so reads can never starve webhook intake.
 */
export interface GraphQLLimits {
  readonly maxDepth: number;
  /** Cost: every field 1, a page's first/last/limit multiplies the cost of what it selects. */
  readonly maxCost: number;
  readonly maxAliases: number;
  /** Field selections, each fragment counted once per spread. */
  readonly maxFields: number;
  readonly maxBodyBytes: number;
  /** A query's deadline; also each of its SQL statements' statement_timeout on PostgreSQL. */
  readonly timeoutMs: number;
  /** GraphQL executions at once per process; also the size of GraphQL's own read pool. */
  readonly maxConcurrent: number;
  /** How long a query waits for a free slot before it is refused as busy. */
  readonly queueTimeoutMs: number;
  /** The most of a process's time GraphQL may take on average (0.05–1): the rest is kept for webhooks. */
  readonly timeShare: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got "${value}"`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${parsed}`);
  return parsed;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function url(env: Env, name: string, protocols: readonly string[], fallback: string | null): string | null {
  const value = text(env, name) ?? fallback;
  if (value === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return value;
}

const API_ROLES: readonly ApiRole[] = ['admin', 'operator', 'reader'];
const ORDER_MAPPING_KINDS = ['ITEM', 'LOCATION', 'TAX_CODE', 'TENDER', 'CUSTOMER'];

/** `none`, or kinds separated by commas; every order identifier of those kinds must be mapped. */
function mappingKinds(env: Env): string[] {
  const value = text(env, 'MAPPING_REQUIRED');
  if (value === undefined) return [...ORDER_MAPPING_KINDS];
  if (value.toLowerCase() === 'none') return [];
  const kinds = value.split(',').map((kind) => kind.trim().toUpperCase()).filter(Boolean);
  const unknown = kinds.find((kind) => !ORDER_MAPPING_KINDS.includes(kind));
  if (unknown) throw new ConfigError('MAPPING_REQUIRED', `must be none or a list of ${ORDER_MAPPING_KINDS.join(', ')}; got "${unknown}"`);
  return kinds;
}

function workerDuties(env: Env, embedded: boolean): Set<WorkerDuty> {
  const value = text(env, 'WORKER_DUTIES');
  if (value === undefined) return new Set(WORKER_DUTIES);
  const duties = value.split(',').map((duty) => duty.trim().toLowerCase()).filter(Boolean);
  const unknown = duties.find((duty) => !(WORKER_DUTIES as readonly string[]).includes(duty));
  if (unknown !== undefined || duties.length === 0) {
    throw new ConfigError('WORKER_DUTIES', `must be a list of ${WORKER_DUTIES.join(', ')}; got "${unknown ?? value}"`);
  }
  if (embedded && new Set(duties).size < WORKER_DUTIES.length) {
    throw new ConfigError('WORKER_DUTIES', 'the embedded database serves one process, which must do every duty; set DATABASE_URL to split them');
  }
  return new Set(duties as WorkerDuty[]);
}

/** Parses `role:key` pairs; the key is never echoed back in an error. */
export function parseApiKeys(value: string | undefined): ApiKey[] {
  if (value === undefined) return [];
  const seen = new Set<string>();
  return value.split(',').map((pair, index) => {
    const separator = pair.indexOf(':');
    const role = separator > 0 ? pair.slice(0, separator).trim() : '';
    const key = separator > 0 ? pair.slice(separator + 1).trim() : '';
    if (!(API_ROLES as readonly string[]).includes(role)) {
      throw new ConfigError('API_KEYS', `entry ${index + 1} must be role:key with role admin, operator or reader`);
    }
    if (key.length < 8) throw new ConfigError('API_KEYS', `entry ${index + 1} has a key shorter than 8 characters`);
    if (seen.has(key)) throw new ConfigError('API_KEYS', `entry ${index + 1} repeats a key`);
    seen.add(key);
    return { role: role as ApiRole, key, name: `${role}-${index + 1}` };
  });
}

function graphqlLimits(env: Env): GraphQLLimits {
  return {
    maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 15, 2, 100),
    maxCost: integer(env, 'GRAPHQL_MAX_COST', 10_000, 10, 10_000_000),
    maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 30, 0, 10_000),
    maxFields: integer(env, 'GRAPHQL_MAX_FIELDS', 500, 10, 100_000),
    maxBodyBytes: integer(env, 'GRAPHQL_MAX_BODY_BYTES', 128 * 1024, 1024, 2 * 1024 * 1024),
    timeoutMs: integer(env, 'GRAPHQL_TIMEOUT_MS', 10_000, 1, 600_000),
    maxConcurrent: integer(env, 'GRAPHQL_MAX_CONCURRENT', 4, 1, 100),
    queueTimeoutMs: integer(env, 'GRAPHQL_QUEUE_TIMEOUT_MS', 2000, 0, 60_000),
    timeShare: integer(env, 'GRAPHQL_TIME_SHARE_PERCENT', 30, 5, 100) / 100,
  };
}

function fulfillmentSecret(env: Env): string | null {
  const value = text(env, 'FULFILLMENT_WEBHOOK_SECRET') ?? null;
  if (value !== null && value.length < 16) throw new ConfigError('FULFILLMENT_WEBHOOK_SECRET', 'must be at least 16 characters');
  return value;
}

function httpTimeouts(env: Env): HttpTimeouts {
  const requestMs = integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  const headersMs = integer(env, 'HTTP_HEADERS_TIMEOUT_MS', Math.min(10_000, requestMs), 100, 3_600_000);
  if (headersMs > requestMs) throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS', `must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestMs})`);
  return { requestMs, headersMs, connectionMs: integer(env, 'HTTP_CONNECTION_TIMEOUT_MS', 60_000, 100, 3_600_000) };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], null);
  const role = oneOf<ProcessRole>(env, 'ROLE', ['api', 'worker', 'all'], 'all');
  if (databaseUrl === null && role !== 'all') {
    throw new ConfigError(
      'ROLE',
      `is ${role}, but the embedded database serves one process; set DATABASE_URL to run api and worker separately`,
    );
  }
  const secret = text(env, 'SHOPIFY_WEBHOOK_SECRET') ?? null;
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    role,
    workerDuties: workerDuties(env, databaseUrl === null),
    databaseUrl,
    dataDir: text(env, 'DATA_DIR') ?? './var/data',
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379') as string,
    queuePrefix: text(env, 'QUEUE_PREFIX') ?? 'hub',
    apiKeys: parseApiKeys(text(env, 'API_KEYS')),
    shopifyWebhookSecret: secret,
    fulfillmentWebhookSecret: fulfillmentSecret(env),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    sweepIntervalMs: integer(env, 'SWEEP_INTERVAL_MS', 5000, 100, 3_600_000),
    ingestConcurrency: integer(env, 'INGEST_CONCURRENCY', 100, 1, 1000),
    postingStuckAfterMs: integer(env, 'POSTING_STUCK_AFTER_MS', 120_000, 1000, 86_400_000),
    duplicateWatchMs: integer(env, 'ERP_DUPLICATE_WATCH_MS', 900_000, 1000, 7 * 86_400_000),
    duplicateScanIntervalMs: integer(env, 'ERP_DUPLICATE_SCAN_INTERVAL_MS', 30_000, 100, 3_600_000),
    duplicateFullScanIntervalMs: integer(env, 'ERP_DUPLICATE_FULL_SCAN_INTERVAL_MS', 3_600_000, 0, 7 * 86_400_000),
    totalReadBackIntervalMs: integer(env, 'ERP_TOTAL_READ_BACK_INTERVAL_MS', 2000, 100, 3_600_000),
    pullIntervalMs: integer(env, 'PULL_INTERVAL_MS', 120_000, 100, 86_400_000),
    amazonLwa: amazonLwa(env),
    refundSettlementDays: integer(env, 'REFUND_SETTLEMENT_DAYS', 7, 1, 365),
    settlementBankDays: integer(env, 'SETTLEMENT_BANK_DAYS', 3, 0, 30),
    settlementUnsettledDays: integer(env, 'SETTLEMENT_UNSETTLED_DAYS', 30, 1, 365),
    importDir: text(env, 'IMPORT_DIR') ?? null,
    importScanIntervalMs: integer(env, 'IMPORT_SCAN_INTERVAL_MS', 5000, 100, 3_600_000),
    channelDropDirs: Object.fromEntries(text(env, 'POS_DROP_DIR') ? [['POS', text(env, 'POS_DROP_DIR')!]] : []),
    dropScanIntervalMs: integer(env, 'DROP_SCAN_INTERVAL_MS', 5000, 100, 3_600_000),
    mappingRequired: mappingKinds(env),
    docsAccess: oneOf<OpsAccess>(env, 'DOCS_ACCESS', ['public', 'key'], 'public'),
    metricsAccess: oneOf<OpsAccess>(env, 'METRICS_ACCESS', ['public', 'key'], 'public'),
    httpTimeouts: httpTimeouts(env),
    graphql: graphqlLimits(env),
  };
}

function amazonLwa(env: Env): AppConfig['amazonLwa'] {
  const clientId = text(env, 'AMAZON_LWA_CLIENT_ID');
  const clientSecret = text(env, 'AMAZON_LWA_CLIENT_SECRET');
  if (!clientId && !clientSecret) return null;
  if (!clientId || !clientSecret) throw new ConfigError(clientId ? 'AMAZON_LWA_CLIENT_SECRET' : 'AMAZON_LWA_CLIENT_ID', 'is required with the other Login with Amazon credential');
  return { clientId, clientSecret, tokenUrl: url(env, 'AMAZON_LWA_TOKEN_URL', ['https:', 'http:'], 'https://api.amazon.com/auth/o2/token') as string };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
