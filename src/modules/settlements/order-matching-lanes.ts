import type { DataSource } from 'typeorm';
import { matchOrders, refreshStaleStatistics, type Expectations, type OrderMatchResult, type OrderTolerances } from './order-matcher.js';

/** Two lanes keep both cores of a small server busy; more only queue on the same disk and CPU. */
const DEFAULT_LANES = 2;

/**
 * Order matching split into lanes by a hash of the order reference, each lane in its own
 * transaction on its own connection, all at the same time: the lanes touch disjoint orders,
 * ledger items and break keys. A lane that fails rolls back alone and leaves its orders open
 * for the next run, which is what a failed run does today. The embedded database has one
 * session, so there it is one lane.
 */
export async function matchOrdersInLanes(
  db: DataSource, orders: Expectations, tolerances: OrderTolerances = {}, captureChannels: readonly string[] = [], lanes = DEFAULT_LANES,
): Promise<OrderMatchResult> {
  const pool = (db.options as { extra?: { max?: number } }).extra?.max;
  const count = Math.max(1, Math.min(lanes, pool ?? lanes));
  if (count > 1) {
    // Fresh statistics before the lanes plan their statements (ANALYZE in each lane would queue them behind one another).
    const runner = db.createQueryRunner();
    try {
      await refreshStaleStatistics(runner, 'settlement_components');
    } finally {
      await runner.release();
    }
  }
  const results = await Promise.all(Array.from({ length: count }, async (_, index) => {
    const runner = db.createQueryRunner();
    try {
      return await matchOrders(runner, orders, tolerances, captureChannels, { count, index });
    } finally {
      await runner.release();
    }
  }));
  return results.reduce((sum, r) => ({
    expectedAdded: sum.expectedAdded + r.expectedAdded, matched: sum.matched + r.matched, rounding: sum.rounding + r.rounding,
    amountMismatch: sum.amountMismatch + r.amountMismatch, missingInReport: sum.missingInReport + r.missingInReport,
    orphans: sum.orphans + r.orphans, ambiguous: sum.ambiguous + r.ambiguous, closed: sum.closed + r.closed,
  }));
}
