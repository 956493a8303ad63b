import type { QueryRunner } from 'typeorm';
import type { PostedTotalsReader } from '../erp-sync/posted-totals.js';
import { ORDER_COMPONENTS } from './order-matcher.js';

export interface ErpLegResult {
  readonly agreeing: number;
  readonly mismatched: number;
  readonly missing: number;
  readonly closed: number;
}

type Posted = Pick<PostedTotalsReader, 'ofOrders'>;

const PARTS = `(${ORDER_COMPONENTS.map((part) => `'${part}'`).join(', ')})`;
const KEYED = `('AMOUNT_MISMATCH', 'MISSING_IN_ERP')`;

/**
 * The second leg: what the reports settled for an order (its captured principal, discount,
 * shipping and tax lines) against the total each ERP target read back for its sales order.
 * A difference is an AMOUNT_MISMATCH per target with the exact amount; a settled order no
 * target holds as posted is MISSING_IN_ERP. Either closes by itself once the data agrees.
 */
export async function checkErpLeg(runner: QueryRunner, posted: Posted): Promise<ErpLegResult> {
  const own = !runner.isTransactionActive;
  if (own) await runner.startTransaction();
  try {
    await runner.query(`
      CREATE TEMP TABLE settlement_erp_settled ON COMMIT DROP AS
      SELECT e.order_id, r.channel, r.order_ref, r.currency, sum(r.amount) AS settled
      FROM (SELECT DISTINCT channel, order_ref, substr(lineage, 7) AS order_id FROM settlement_components
            WHERE side = 'EXPECTED' AND provider_key = 'hub:order' AND lineage LIKE 'order:%') e
      JOIN settlement_components r ON r.side = 'REPORTED' AND r.channel = e.channel AND r.order_ref = e.order_ref AND r.component IN ${PARTS}
      GROUP BY e.order_id, r.channel, r.order_ref, r.currency`);
    const ids: { order_id: string }[] = await runner.query('SELECT DISTINCT order_id FROM settlement_erp_settled');
    const totals = await posted.ofOrders(runner, ids.map((i) => i.order_id));
    await runner.query(`
      CREATE TEMP TABLE settlement_erp_verdicts ON COMMIT DROP AS
      WITH p AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS p (order_id, target, status, erp_total, currency)
      )
      SELECT s.*, p.target, p.erp_total, CASE
          WHEN p.target IS NULL THEN 'MISSING_IN_ERP'
          WHEN p.currency = s.currency AND p.erp_total = s.settled THEN 'AGREE'
          ELSE 'AMOUNT_MISMATCH' END AS verdict
      FROM settlement_erp_settled s
      LEFT JOIN p ON p.order_id = s.order_id AND p.status = 'POSTED' AND p.erp_total IS NOT NULL`, [
      totals.map((t) => t.orderId), totals.map((t) => t.target), totals.map((t) => t.status),
      totals.map((t) => t.erpTotal?.toString() ?? null), totals.map((t) => t.currency),
    ]);
    await runner.query(`
      INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation)
      SELECT CASE verdict WHEN 'MISSING_IN_ERP' THEN 'MISSING_IN_ERP:ORDER:' || order_id ELSE 'AMOUNT_MISMATCH:ERP:' || target || ':' || order_id END,
        verdict, CASE verdict WHEN 'MISSING_IN_ERP' THEN settled ELSE settled - erp_total END, currency, channel,
        CASE verdict
          WHEN 'MISSING_IN_ERP' THEN 'order ' || order_ref || ' (' || channel || '): the reports settled ' || settled || ' minor units of ' || currency
            || ', and no ERP target holds its sales order as posted'
          ELSE 'order ' || order_ref || ' (' || channel || '): the reports settled ' || settled || ' minor units of ' || currency || ', ERP target ' || target
            || ' holds ' || erp_total || ', a difference of ' || (settled - erp_total) END
      FROM settlement_erp_verdicts WHERE verdict IN ${KEYED}
      ON CONFLICT (break_key) WHERE status <> 'RESOLVED'
        DO UPDATE SET amount = EXCLUDED.amount, explanation = EXCLUDED.explanation WHERE settlement_breaks.amount <> EXCLUDED.amount`);
    const [row]: ErpLegResult[] = await runner.query(`
      WITH closed AS (
        UPDATE settlement_breaks b SET status = 'RESOLVED', status_by = 'matcher', status_at = now(), note = 'explained by later data: the ERP agrees with the settlement'
        WHERE b.status <> 'RESOLVED' AND b.category IN ${KEYED} AND (b.break_key LIKE 'MISSING\\_IN\\_ERP:ORDER:%' OR b.break_key LIKE 'AMOUNT\\_MISMATCH:ERP:%')
          AND NOT EXISTS (SELECT 1 FROM settlement_erp_verdicts v WHERE v.verdict IN ${KEYED}
            AND b.break_key = CASE v.verdict WHEN 'MISSING_IN_ERP' THEN 'MISSING_IN_ERP:ORDER:' || v.order_id ELSE 'AMOUNT_MISMATCH:ERP:' || v.target || ':' || v.order_id END)
        RETURNING b.id
      ), audit AS (
        INSERT INTO settlement_break_actions (break_id, action, actor, note) SELECT id, 'AUTO_CLOSE', 'matcher', 'the ERP leg no longer finds this difference' FROM closed RETURNING id
      )
      SELECT count(*) FILTER (WHERE verdict = 'AGREE')::int AS agreeing, count(*) FILTER (WHERE verdict = 'AMOUNT_MISMATCH')::int AS mismatched,
        count(*) FILTER (WHERE verdict = 'MISSING_IN_ERP')::int AS missing, (SELECT count(*) FROM audit)::int AS closed
      FROM settlement_erp_verdicts`);
    if (own) await runner.commitTransaction();
    return row;
  } catch (error) {
    if (own && runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  }
}
