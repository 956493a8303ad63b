import type { DataSource, QueryRunner } from 'typeorm';
import { inTransaction } from '../../platform/database/sql.js';
import { DEFAULT_CUSTOMER } from '../master-data/mapping-kinds.js';
import type { MappingGroup } from '../master-data/mapping-cache.js';

/** A held order whose missing keys are now mapped, and the delivery to re-evaluate it from. */
export interface HeldDelivery {
  readonly orderId: string;
  readonly inboxId: string;
  readonly correlationId: string;
}

export interface ScanOptions {
  /** Held orders looked at per batch (one short transaction each). */
  readonly batchSize?: number;
  /** statement_timeout of each batch's queries. */
  readonly statementTimeoutMs?: number;
  /** Checked between batches: once aborted, the scan ends after the batch in hand. */
  readonly signal?: AbortSignal;
}

export interface ScanResult {
  /** Orders handed on for re-evaluation. */
  readonly orders: number;
  readonly batches: number;
  /** The longest a batch held its connection. */
  readonly longestBatchMs: number;
  /** False when the signal stopped the scan before the end. */
  readonly complete: boolean;
}

/** Handed each batch's findings after its transaction ended, so no connection is held meanwhile. */
export type OnFound = (deliveries: readonly HeldDelivery[]) => Promise<void>;

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
/** Changed keys looked up per statement. */
const GROUPS_PER_STATEMENT = 500;
/** Below every uuid: where a scan by order id starts. */
const FIRST = '00000000-0000-0000-0000-000000000000';

/**
 * Of these orders, the ones still held with at least one missing key that is now mapped,
 * each with its latest applied delivery. Every step is a per-order (per-key) index lookup
 * under LIMIT 1, so the plan is nested loops over index scans whatever the table sizes. A
 * key is mapped when a current mapping answers it as the resolver asks: its value, or the
 * account's default customer for a customer; for its account or every account; for every
 * ERP target. The alternatives are one multi-key index condition (= ANY), never an OR.
 */
const READY_DELIVERIES = `
  SELECT b.order_id, d.inbox_id, d.correlation_id
    FROM unnest($1::uuid[]) AS b(order_id)
   CROSS JOIN LATERAL (
     SELECT 1 FROM order_unmapped_keys u
      CROSS JOIN LATERAL (
        SELECT 1 FROM mappings m
         WHERE m.kind = u.kind AND m.channel = u.channel
           AND m.source_value = ANY (ARRAY[u.source_value, CASE WHEN u.kind = 'CUSTOMER' THEN '${DEFAULT_CUSTOMER}' END])
           AND coalesce(m.account, '') = ANY (ARRAY['', u.account])
           AND coalesce(m.erp_target, '') = '' AND m.valid_to IS NULL AND NOT m.retired
         LIMIT 1) m
      WHERE u.order_id = b.order_id
      LIMIT 1) ready
   CROSS JOIN LATERAL (
     SELECT e.inbox_id, i.correlation_id
       FROM orders o
       JOIN order_source_events e ON e.order_id = o.id AND e.outcome = 'APPLIED'
       JOIN inbox i ON i.id = e.inbox_id
      WHERE o.id = b.order_id AND o.status = 'ON_HOLD'
      ORDER BY e.id DESC
      LIMIT 1) d`;

/** The next page of orders held on any key (primary key order). */
const NEXT_HELD = `SELECT DISTINCT order_id FROM order_unmapped_keys WHERE order_id > $1 ORDER BY order_id LIMIT $2`;

/** The next page of orders held on one of these exact keys (key index, then order id). */
const NEXT_HELD_ON_KEYS = `
  SELECT DISTINCT u.order_id
    FROM unnest($1::text[], $2::text[], $3::text[]) AS g(kind, channel, source_value)
    JOIN order_unmapped_keys u ON u.kind = g.kind AND u.channel = g.channel AND u.source_value = g.source_value AND u.order_id > $4
   ORDER BY u.order_id
   LIMIT $5`;

/**
 * The live mappings begun after an instant, as the groups they touch, and the database's
 * clock. A minute of margin: a version's valid_from is taken inside its transaction, so it
 * can become visible after a later instant was already read.
 */
const CHANGED_SINCE = `
  SELECT statement_timestamp()::text AS at,
         (SELECT coalesce(json_agg(c), '[]') FROM (
            SELECT DISTINCT kind, channel, source_value AS "sourceValue" FROM mappings
             WHERE valid_to IS NULL AND NOT retired AND valid_from > $1::timestamptz - interval '1 minute'
             LIMIT $2) c) AS groups`;

/**
 * The SQL of the held-order redriver, in bounded batches: each batch is one short
 * transaction with its own statement_timeout, and the connection goes back to the pool
 * before the findings are handed on. Every lookup is by index (see the migration
 * RedriveScanIndexes), so a batch costs the same with 100 or 100,000 held orders.
 */
export class HeldOrderScan {
  constructor(private readonly dataSource: DataSource) {}

  /** Every held order (at start-up, or when the changes are unknown). */
  async all(onFound: OnFound, options: ScanOptions = {}): Promise<ScanResult> {
    let cursor = FIRST;
    return this.pages(onFound, options, async (runner, size) => {
      const ids = await this.orderIds(runner, NEXT_HELD, [cursor, size]);
      if (ids.length === 0) return null;
      cursor = ids[ids.length - 1];
      return this.ready(runner, ids);
    });
  }

  /**
   * Only the orders held on these keys. A change to an account's default customer ('*')
   * can release any order held on a customer of that channel, so it scans every held order.
   */
  async keys(groups: readonly MappingGroup[], onFound: OnFound, options: ScanOptions = {}): Promise<ScanResult> {
    if (groups.some((g) => g.kind === 'CUSTOMER' && g.sourceValue === DEFAULT_CUSTOMER)) return this.all(onFound, options);
    const distinct = [...new Map(groups.map((g) => [JSON.stringify([g.kind, g.channel, g.sourceValue]), g])).values()];
    let total: ScanResult = { orders: 0, batches: 0, longestBatchMs: 0, complete: true };
    for (let start = 0; start < distinct.length; start += GROUPS_PER_STATEMENT) {
      const chunk = distinct.slice(start, start + GROUPS_PER_STATEMENT);
      const keys = [chunk.map((g) => g.kind), chunk.map((g) => g.channel), chunk.map((g) => g.sourceValue)];
      let cursor = FIRST;
      const result = await this.pages(onFound, options, async (runner, size) => {
        const ids = await this.orderIds(runner, NEXT_HELD_ON_KEYS, [...keys, cursor, size]);
        if (ids.length === 0) return null;
        cursor = ids[ids.length - 1];
        return this.ready(runner, ids);
      });
      total = {
        orders: total.orders + result.orders,
        batches: total.batches + result.batches,
        longestBatchMs: Math.max(total.longestBatchMs, result.longestBatchMs),
        complete: result.complete,
      };
      if (!result.complete) break;
    }
    return total;
  }

  /**
   * The groups of live mappings begun after `since` (null: none asked), at most `limit`
   * of them, and the database's clock when asked; more than `limit` answers null.
   */
  async changedSince(since: string | null, limit: number): Promise<{ at: string; groups: MappingGroup[] | null }> {
    const rows: { at: string; groups: MappingGroup[] | string }[] = await this.dataSource.query(CHANGED_SINCE, [since ?? 'infinity', limit + 1]);
    const groups = typeof rows[0].groups === 'string' ? (JSON.parse(rows[0].groups) as MappingGroup[]) : rows[0].groups;
    return { at: rows[0].at, groups: since === null || groups.length > limit ? null : groups };
  }

  private async pages(
    onFound: OnFound,
    options: ScanOptions,
    next: (runner: QueryRunner, size: number) => Promise<HeldDelivery[] | null>,
  ): Promise<ScanResult> {
    const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const timeout = String(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
    let orders = 0;
    let batches = 0;
    let longestBatchMs = 0;
    for (;;) {
      if (options.signal?.aborted) return { orders, batches, longestBatchMs, complete: false };
      const started = performance.now();
      const found = await inTransaction(this.dataSource, async (runner) => {
        await runner.query(`SELECT set_config('statement_timeout', $1, true)`, [timeout]);
        return next(runner, size);
      });
      longestBatchMs = Math.max(longestBatchMs, performance.now() - started);
      if (found === null) return { orders, batches, longestBatchMs, complete: true };
      batches += 1;
      if (found.length > 0) {
        await onFound(found);
        orders += found.length;
      }
    }
  }

  private async orderIds(runner: QueryRunner, sql: string, params: unknown[]): Promise<string[]> {
    const rows: { order_id: string }[] = await runner.query(sql, params);
    return rows.map((r) => r.order_id);
  }

  private async ready(runner: QueryRunner, orderIds: readonly string[]): Promise<HeldDelivery[]> {
    const rows: { order_id: string; inbox_id: string; correlation_id: string }[] = await runner.query(READY_DELIVERIES, [orderIds]);
    return rows.map((r) => ({ orderId: r.order_id, inboxId: r.inbox_id, correlationId: r.correlation_id }));
  }
}

/** The statements, for the benchmark's EXPLAIN. */
export const HELD_ORDER_SCAN_SQL = { NEXT_HELD, NEXT_HELD_ON_KEYS, READY_DELIVERIES, CHANGED_SINCE } as const;
