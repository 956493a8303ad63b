import type { QueryRunner } from 'typeorm';
import type { MappingKind } from '../../master-data/mapping-kinds.js';
import type { UnmappedKey } from '../../master-data/order-mapping-keys.js';

type Sql = Pick<QueryRunner, 'query'>;

/** The next page of orders held on any key (primary key order). */
export const NEXT_HELD = `SELECT DISTINCT order_id FROM order_unmapped_keys WHERE order_id > $1 ORDER BY order_id LIMIT $2`;

/** The next page of orders held on one of these exact keys (key index, then order id). */
export const NEXT_HELD_ON_KEYS = `
  SELECT DISTINCT u.order_id
    FROM unnest($1::text[], $2::text[], $3::text[]) AS g(kind, channel, source_value)
    JOIN order_unmapped_keys u ON u.kind = g.kind AND u.channel = g.channel AND u.source_value = g.source_value AND u.order_id > $4
   ORDER BY u.order_id
   LIMIT $5`;

/**
 * The keys these orders wait for. The ids' range ($2, $3) bounds the primary key scan: a
 * page of held orders is one contiguous stretch of it, which the planner would otherwise
 * price above a whole-table scan.
 */
export const UNMAPPED_KEYS_OF = `
  SELECT order_id, kind, channel, account, source_value FROM order_unmapped_keys
   WHERE order_id = ANY ($1::uuid[]) AND order_id BETWEEN $2::uuid AND $3::uuid`;

/** Of these orders, the ones still ON_HOLD, each with its latest applied delivery (one index lookup each). */
export const LATEST_APPLIED_DELIVERY = `
  SELECT b.order_id, d.inbox_id
    FROM unnest($1::uuid[]) AS b(order_id)
   CROSS JOIN LATERAL (
     SELECT e.inbox_id
       FROM orders o
       JOIN order_source_events e ON e.order_id = o.id AND e.outcome = 'APPLIED'
      WHERE o.id = b.order_id AND o.status = 'ON_HOLD'
      ORDER BY e.id DESC
      LIMIT 1) d`;

export interface HeldKeyGroup {
  readonly kind: string;
  readonly channel: string;
  readonly sourceValue: string;
}

/** An order's unmapped key, with the order it holds. */
export interface HeldOrderKey extends UnmappedKey {
  readonly orderId: string;
}

/**
 * The orders module's reads for the held-order redriver, in the caller's transaction:
 * which orders wait for mappings, on which keys, and the delivery to re-evaluate one from.
 */
export const heldOrders = {
  /** Orders held on any key, after `after` in id order. */
  async nextPage(runner: Sql, after: string, limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await runner.query(NEXT_HELD, [after, limit]);
    return rows.map((r) => r.order_id);
  },

  /** Orders held on one of these keys, after `after` in id order. */
  async nextPageOnKeys(runner: Sql, groups: readonly HeldKeyGroup[], after: string, limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await runner.query(NEXT_HELD_ON_KEYS, [
      groups.map((g) => g.kind), groups.map((g) => g.channel), groups.map((g) => g.sourceValue), after, limit,
    ]);
    return rows.map((r) => r.order_id);
  },

  async keysOf(runner: Sql, orderIds: readonly string[]): Promise<HeldOrderKey[]> {
    if (orderIds.length === 0) return [];
    const sorted = [...orderIds].sort();
    const rows: { order_id: string; kind: MappingKind; channel: string; account: string; source_value: string }[] = await runner.query(
      UNMAPPED_KEYS_OF, [orderIds, sorted[0], sorted[sorted.length - 1]],
    );
    return rows.map((r) => ({ orderId: r.order_id, kind: r.kind, channel: r.channel, account: r.account, sourceValue: r.source_value }));
  },

  /** The latest applied delivery (inbox id) of each order still ON_HOLD, in the order given. */
  async latestAppliedDeliveries(runner: Sql, orderIds: readonly string[]): Promise<{ orderId: string; inboxId: string }[]> {
    if (orderIds.length === 0) return [];
    const rows: { order_id: string; inbox_id: string }[] = await runner.query(LATEST_APPLIED_DELIVERY, [orderIds]);
    return rows.map((r) => ({ orderId: r.order_id, inboxId: r.inbox_id }));
  },
};
