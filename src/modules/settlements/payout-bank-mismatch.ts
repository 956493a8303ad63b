import type { QueryRunner } from 'typeorm';

export interface PayoutMismatchResult {
  /** Payouts past their bank window with no bank line of their amount: one PAYOUT_MISMATCH each. */
  readonly open: number;
  readonly closed: number;
}

const BUSINESS_DAYS = (from: string, to: string) =>
  `(SELECT count(*) FROM generate_series((${from})::date + 1, (${to})::date, interval '1 day') d WHERE extract(isodow FROM d) < 6)`;

/**
 * A payout that should have reached the bank by now (more than `businessDays` working days
 * after it) and matched no bank line is a PAYOUT_MISMATCH. When one unmatched bank line in its
 * window names the payout in its reference or description, the break carries the exact
 * difference bank − payout and names that line; otherwise it carries the whole payout as
 * missing. A FAILED or CANCELED payout is owed nothing. A break closes (AUTO_CLOSE) once its
 * payout matches, e.g. after the corrected statement arrives.
 */
export async function checkPayoutsReachedBank(runner: QueryRunner, businessDays: number, now: Date): Promise<PayoutMismatchResult> {
  const [row]: PayoutMismatchResult[] = await runner.query(`
    WITH due AS (
      SELECT p.id, p.amount, p.currency, p.channel, p.payout_ref, coalesce(p.posted_at, p.event_at) AS at
      FROM settlement_components p
      WHERE p.side = 'REPORTED' AND p.component = 'PAYOUT' AND coalesce(upper(p.payout_status), 'PAID') NOT IN ('FAILED', 'CANCELED')
        AND coalesce(p.posted_at, p.event_at) IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = p.id)
        AND ${BUSINESS_DAYS('coalesce(p.posted_at, p.event_at)', '$2::timestamptz')} > $1
    ), named AS (
      SELECT d.id AS payout_id, count(*) AS lines, min(l.amount) AS bank_amount, min(l.lineage) AS bank_lineage
      FROM due d JOIN settlement_components l ON l.side = 'REPORTED' AND l.component = 'BANK_DEPOSIT' AND l.currency = d.currency
        AND l.event_at::date >= d.at::date AND ${BUSINESS_DAYS('d.at', 'l.event_at')} <= $1
        AND (strpos(coalesce(l.transaction_ref, ''), d.payout_ref) > 0 OR strpos(l.provider_key, d.payout_ref) > 0)
        AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = l.id)
      GROUP BY d.id
    ), opened AS (
      INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation, component_id)
      SELECT 'PAYOUT_MISMATCH:BANK:' || d.id, 'PAYOUT_MISMATCH', CASE WHEN n.lines = 1 THEN n.bank_amount - d.amount ELSE -d.amount END, d.currency, d.channel,
        'payout ' || d.payout_ref || ' (' || d.channel || ') of ' || d.amount || ' minor units of ' || d.currency || ': ' || CASE
          WHEN n.lines = 1 THEN 'the bank line naming it (' || n.bank_lineage || ') is ' || n.bank_amount || ', a difference of ' || (n.bank_amount - d.amount)
          ELSE 'no bank line of that amount within ' || $1 || ' business days' END, d.id
      FROM due d LEFT JOIN named n ON n.payout_id = d.id
      ON CONFLICT (break_key) WHERE status <> 'RESOLVED'
        DO UPDATE SET amount = EXCLUDED.amount, explanation = EXCLUDED.explanation WHERE settlement_breaks.amount <> EXCLUDED.amount
      RETURNING id
    ), closed AS (
      UPDATE settlement_breaks b SET status = 'RESOLVED', status_by = 'matcher', status_at = now(), note = 'the payout matched its bank line'
      WHERE b.status <> 'RESOLVED' AND b.category = 'PAYOUT_MISMATCH' AND b.break_key LIKE 'PAYOUT_MISMATCH:BANK:%'
        AND EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = b.component_id)
      RETURNING b.id
    ), audit AS (
      INSERT INTO settlement_break_actions (break_id, action, actor, note) SELECT id, 'AUTO_CLOSE', 'matcher', 'the payout matched its bank line' FROM closed RETURNING id
    )
    SELECT (SELECT count(*) FROM due)::int AS open, (SELECT count(*) FROM audit)::int AS closed`, [businessDays, now.toISOString()]);
  return row;
}
