import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** A GraphQL query ran past GRAPHQL_TIMEOUT_MS; its remaining statements are never sent. */
export class QueryTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the query ran longer than ${timeoutMs} ms and was cancelled`);
    this.name = 'QueryTimeoutError';
  }
}

/** Too many GraphQL queries at once in this process; the caller may retry shortly. */
export class GraphQLBusyError extends Error {
  readonly statusCode = 503;
  constructor(readonly maxConcurrent: number) {
    super(`the hub is already running ${maxConcurrent} GraphQL queries; retry shortly`);
    this.name = 'GraphQLBusyError';
  }
}

interface QueryDeadline {
  deadline: number;
  readonly timeoutMs: number;
}

const deadlines = new AsyncLocalStorage<QueryDeadline>();

/**
 * Puts the rest of this request under a deadline, for a hook that cannot wrap what follows.
 * Call it before the hook's first await (only what runs synchronously reaches the caller);
 * the returned start() sets the clock going, e.g. once the query has its slot.
 */
export function enterQueryDeadline(timeoutMs: number): { start(): void } {
  const scope: QueryDeadline = { deadline: Number.POSITIVE_INFINITY, timeoutMs };
  deadlines.enterWith(scope);
  return { start: () => { scope.deadline = Date.now() + timeoutMs; } };
}

function checkDeadline(): void {
  const scope = deadlines.getStore();
  if (scope && Date.now() >= scope.deadline) throw new QueryTimeoutError(scope.timeoutMs);
}

/** Time the gate may lend GraphQL ahead of its share, so a lone query never waits. */
const BURST_MS = 1000;

/**
 * At most `max` GraphQL executions at once, and on average no more than `share` of the
 * process's time: each execution's wall time is debited from a budget that refills at
 * `share` ms per ms, and while the budget is spent the next query waits. GraphQL runs in
 * the process that answers webhooks, so this keeps at least 1 − share of its time for
 * them however heavy the reads. Waiting is bounded by `waitMs`, and a line longer than a
 * few rounds is refused at once, so a flood costs the hub little more than the refusals.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private budgetMs = BURST_MS;
  private refilledAt = performance.now();
  private wake: NodeJS.Timeout | null = null;

  constructor(private readonly max: number, private readonly waitMs: number, private readonly share = 1) {}

  /** A release function, to be called exactly once when the execution ends. */
  enter(): Promise<() => void> {
    if (this.waiting.length === 0 && this.canStart()) return Promise.resolve(this.start());
    if (this.waitMs === 0 || this.waiting.length >= this.max * 4) return Promise.reject(new GraphQLBusyError(this.max));
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(this.start());
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(new GraphQLBusyError(this.max));
      }, this.waitMs);
      this.waiting.push(grant);
      this.pump();
    });
  }

  private canStart(): boolean {
    const now = performance.now();
    this.budgetMs = Math.min(BURST_MS, this.budgetMs + (now - this.refilledAt) * this.share);
    this.refilledAt = now;
    // A share of 1 is no budget: GraphQL may take the whole process.
    return this.active < this.max && (this.share >= 1 || this.budgetMs > 0);
  }

  private start(): () => void {
    this.active += 1;
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.canStart();
      this.budgetMs -= performance.now() - started;
      this.pump();
    };
  }

  /** Lets waiters in while there is room, or sets a timer for when the budget is back. */
  private pump(): void {
    while (this.waiting.length > 0 && this.canStart()) this.waiting.shift()!();
    if (this.waiting.length > 0 && this.active < this.max && this.wake === null) {
      this.wake = setTimeout(() => {
        this.wake = null;
        this.pump();
      }, Math.ceil(-this.budgetMs / this.share) + 1);
      this.wake.unref();
    }
  }
}

/**
 * Where GraphQL resolvers read. On PostgreSQL: a small pool of its own, apart from the
 * pool webhook intake writes through, whose sessions carry statement_timeout, so the
 * server itself cancels a statement that outlives GRAPHQL_TIMEOUT_MS. On the embedded
 * database (one session, no server-side timeout) it reads through the app's DataSource
 * and only the deadline check applies. Either way a statement is never started once the
 * query's deadline has passed.
 */
@Injectable()
export class GraphQLReads implements OnModuleDestroy {
  private readonly pool: pg.Pool | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(DataSource) private readonly dataSource: DataSource) {
    const limits = config.graphql;
    this.pool = config.databaseUrl
      ? new pg.Pool({
        connectionString: config.databaseUrl,
        max: limits.maxConcurrent,
        statement_timeout: limits.timeoutMs,
        application_name: 'retail-sync-hub:graphql',
      })
      : null;
    const logger = new Logger('GraphQLReads');
    // An idle session the server dropped must not crash the process; the pool replaces it.
    this.pool?.on('error', (error) => logger.warn(`idle GraphQL read session failed: ${error.message}`));
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (!this.pool) {
      checkDeadline();
      return (await this.dataSource.query(sql, [...params])) as T[];
    }
    // Checked once a session is ours: waiting for one may have used up the query's time.
    const client = await this.pool.connect();
    try {
      checkDeadline();
      return (await client.query(sql, [...params])).rows as T[];
    } finally {
      client.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.end();
  }
}
