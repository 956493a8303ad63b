import type { DataSource, QueryRunner } from 'typeorm';
import { inTransaction } from '../../platform/database/sql.js';
import { CHANGED_SINCE, MAPPED_KEYS, mappedKeys, mappingsChangedSince } from '../master-data/mapped-keys.js';
import { DEFAULT_CUSTOMER } from '../master-data/mapping-kinds.js';
import type { MappingGroup } from '../master-data/mapping-cache.js';
import type { UnmappedKey } from '../master-data/order-mapping-keys.js';
import { heldOrders, LATEST_APPLIED_DELIVERY, NEXT_HELD, NEXT_HELD_ON_KEYS, UNMAPPED_KEYS_OF } from '../orders/persistence/held-orders.js';

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

/** The correlation of each delivery, to re-evaluate its order under. */
const CORRELATIONS = `SELECT id, correlation_id FROM inbox WHERE id = ANY ($1::uuid[])`;

/**
 * The held-order redriver's passes, in bounded batches: each batch is one short
 * transaction with its own statement_timeout, and the connection goes back to the pool
 * before the findings are handed on. The orders module says which orders wait on which
 * keys, master data which keys are now mapped; every lookup is by index (see the
 * migration RedriveScanIndexes), so a batch costs the same with 100 or 100,000 held orders.
 */
export class HeldOrderScan {
  constructor(private readonly dataSource: DataSource) {}

  /** Every held order (at start-up, or when the changes are unknown). */
  async all(onFound: OnFound, options: ScanOptions = {}): Promise<ScanResult> {
    let cursor = FIRST;
    return this.pages(onFound, options, async (runner, size) => {
      const ids = await heldOrders.nextPage(runner, cursor, size);
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
      let cursor = FIRST;
      const result = await this.pages(onFound, options, async (runner, size) => {
        const ids = await heldOrders.nextPageOnKeys(runner, chunk, cursor, size);
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
  changedSince(since: string | null, limit: number): Promise<{ at: string; groups: MappingGroup[] | null }> {
    return mappingsChangedSince(this.dataSource, since, limit);
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

  /**
   * Of these orders, the ones still held with at least one missing key that is now
   * mapped, each with its latest applied delivery, in the order given.
   */
  private async ready(runner: QueryRunner, orderIds: readonly string[]): Promise<HeldDelivery[]> {
    const keys = await heldOrders.keysOf(runner, orderIds);
    const distinct = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
    const mapped = await mappedKeys(runner, distinct);
    const nowMapped = new Set(distinct.filter((_, i) => mapped[i]).map(keyOf));
    const waiting = new Set(keys.filter((k) => nowMapped.has(keyOf(k))).map((k) => k.orderId));
    const deliveries = await heldOrders.latestAppliedDeliveries(runner, orderIds.filter((id) => waiting.has(id)));
    if (deliveries.length === 0) return [];
    const rows: { id: string; correlation_id: string }[] = await runner.query(CORRELATIONS, [deliveries.map((d) => d.inboxId)]);
    const correlation = new Map(rows.map((r) => [r.id, r.correlation_id]));
    return deliveries
      .filter((d) => correlation.has(d.inboxId))
      .map((d) => ({ orderId: d.orderId, inboxId: d.inboxId, correlationId: correlation.get(d.inboxId)! }));
  }
}

function keyOf(k: UnmappedKey): string {
  return JSON.stringify([k.kind, k.channel, k.account, k.sourceValue]);
}

/** The statements, for the benchmark's EXPLAIN. */
export const HELD_ORDER_SCAN_SQL = { NEXT_HELD, NEXT_HELD_ON_KEYS, UNMAPPED_KEYS_OF, MAPPED_KEYS, LATEST_APPLIED_DELIVERY, CORRELATIONS, CHANGED_SINCE } as const;
