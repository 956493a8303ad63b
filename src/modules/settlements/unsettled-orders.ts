import type { QueryRunner } from 'typeorm';
import type { OrderService } from '../orders/order.service.js';
import { SETTLING_GATEWAYS_SQL } from './settling-gateways.js';

export interface UnsettledOrdersResult {
  /** Orders whose money a channel should have settled by now and no report of it names: one MISSING_IN_REPORT each. */
  readonly open: number;
  readonly closed: number;
}

type Tenders = Pick<OrderService, 'settledTendersQuery'>;

const KEY = 'MISSING_IN_REPORT:UNSETTLED:';

/**
 * Orders no report names. Money a tender took through a channel that settles it (Shopify
 * Payments, Amazon, a payment provider) is owed a line in one of that channel's reports. Once the
 * channel has reported payouts `days` and more after the order was placed, and none of its lines
 * names the order (by channel id or number), the order is MISSING_IN_REPORT for what its tenders
 * there captured. Orders placed before the channel's first imported payout are left alone: they
 * may have settled in reports the hub never had. A later report naming the order, or the order's
 * cancellation, closes the break.
 */
export async function checkUnsettledOrders(runner: QueryRunner, orders: Tenders, days: number): Promise<UnsettledOrdersResult> {
  const own = !runner.isTransactionActive;
  if (own) await runner.startTransaction();
  try {
    const result = await check(runner, orders, days);
    if (own) await runner.commitTransaction();
    return result;
  } catch (error) {
    if (own && runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  }
}

async function check(runner: QueryRunner, orders: Tenders, days: number): Promise<UnsettledOrdersResult> {
  // Each channel's reach from its payouts, read off their index; orders outside every channel's window are never scanned.
  const window = 'o.placed_at >= (SELECT min(first_at) FROM reach) AND o.placed_at < (SELECT max(last_at) FROM reach) - make_interval(days => $1)';
  await runner.query(`
    CREATE TEMP TABLE settlement_unsettled_orders ON COMMIT DROP AS
    WITH reach AS MATERIALIZED (
      SELECT g.channel, p.first_at, p.last_at FROM (SELECT DISTINCT channel FROM ${SETTLING_GATEWAYS_SQL}) g
      CROSS JOIN LATERAL (
        SELECT min(coalesce(c.posted_at, c.event_at)) AS first_at, max(coalesce(c.posted_at, c.event_at)) AS last_at FROM settlement_components c
        WHERE c.side = 'REPORTED' AND c.component = 'PAYOUT' AND c.channel = g.channel) p
      WHERE p.last_at IS NOT NULL
    )
    SELECT x.*, r.last_at, '${KEY}' || x.channel || ':' || x.order_channel || ':' || x.external_id || ':' || x.currency AS break_key
    FROM (${orders.settledTendersQuery(SETTLING_GATEWAYS_SQL, window)}) x
    JOIN reach r ON r.channel = x.channel AND x.placed_at >= r.first_at AND x.placed_at < r.last_at - make_interval(days => $1)
    WHERE NOT EXISTS (SELECT 1 FROM settlement_components c WHERE c.channel = x.channel AND c.order_ref = ANY (ARRAY[x.external_id, x.order_number]))`, [days]);
  await runner.query(`
    INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation)
    SELECT break_key, 'MISSING_IN_REPORT', -captured, currency, channel,
      'order ' || order_number || ' (' || order_channel || ' ' || external_id || ') captured ' || captured || ' minor units of ' || currency || ' through '
        || gateways || ' on ' || to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '; ' || channel || ' has reported payouts through '
        || to_char(last_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ', ' || $1::int || ' days and more after it, and none of its report lines names the order'
    FROM settlement_unsettled_orders
    ON CONFLICT (break_key) WHERE status <> 'RESOLVED'
      DO UPDATE SET amount = EXCLUDED.amount, explanation = EXCLUDED.explanation WHERE settlement_breaks.amount <> EXCLUDED.amount`, [days]);
  const [row]: UnsettledOrdersResult[] = await runner.query(`
    WITH closed AS (
      UPDATE settlement_breaks b SET status = 'RESOLVED', status_by = 'matcher', status_at = now(),
        note = 'explained by later data: a report names the order now, or it was cancelled'
      WHERE b.status <> 'RESOLVED' AND b.category = 'MISSING_IN_REPORT' AND b.break_key LIKE '${KEY}%'
        AND NOT EXISTS (SELECT 1 FROM settlement_unsettled_orders u WHERE u.break_key = b.break_key)
      RETURNING b.id
    ), audit AS (
      INSERT INTO settlement_break_actions (break_id, action, actor, note)
      SELECT id, 'AUTO_CLOSE', 'matcher', 'a report names the order now, or it was cancelled' FROM closed RETURNING id
    )
    SELECT (SELECT count(*) FROM settlement_unsettled_orders)::int AS open, (SELECT count(*) FROM audit)::int AS closed`);
  return row;
}
