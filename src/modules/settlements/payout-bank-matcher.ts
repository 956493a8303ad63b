import type { QueryRunner } from 'typeorm';

export interface PayoutBankResult {
  readonly matched: number;
  readonly ambiguous: number;
}

/**
 * Payout ↔ bank line, which share no key: the exact amount and currency, the bank line on or
 * after the payout and within `businessDays` working days (Monday to Friday) of it. Each side
 * is taken only while unmatched; a FAILED or CANCELED payout never matches. When a payout has
 * two candidate lines, or a line two candidate payouts, nothing is picked: each payout involved
 * gets one AMBIGUOUS break. One statement for the whole ledger, never a loop per row.
 */
export async function matchPayoutsToBank(runner: QueryRunner, businessDays: number): Promise<PayoutBankResult> {
  const [row]: { matched: number; ambiguous: number }[] = await runner.query(`
    WITH payouts AS (
      SELECT c.id, c.amount, c.currency, c.channel, c.payout_ref, coalesce(c.posted_at, c.event_at) AS at
      FROM settlement_components c
      WHERE c.side = 'REPORTED' AND c.component = 'PAYOUT' AND coalesce(upper(c.payout_status), 'PAID') NOT IN ('FAILED', 'CANCELED')
        AND coalesce(c.posted_at, c.event_at) IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = c.id)
    ), lines AS (
      SELECT c.id, c.amount, c.currency, c.event_at AS at
      FROM settlement_components c
      WHERE c.side = 'REPORTED' AND c.component = 'BANK_DEPOSIT' AND c.event_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = c.id)
    ), pairs AS (
      SELECT p.id AS payout_id, l.id AS line_id, p.amount, p.currency, p.channel, p.payout_ref
      FROM payouts p JOIN lines l ON l.amount = p.amount AND l.currency = p.currency AND l.at::date >= p.at::date
      WHERE (SELECT count(*) FROM generate_series(p.at::date + 1, l.at::date, interval '1 day') d WHERE extract(isodow FROM d) < 6) <= $1
    ), counted AS (
      SELECT *, count(*) OVER (PARTITION BY payout_id) AS per_payout, count(*) OVER (PARTITION BY line_id) AS per_line FROM pairs
    ), sure AS (
      SELECT payout_id, line_id, nextval(pg_get_serial_sequence('settlement_matches', 'id')) AS match_id FROM counted WHERE per_payout = 1 AND per_line = 1
    ), matches AS (
      INSERT INTO settlement_matches (id, rule, kind) SELECT match_id, 'payout-bank-exact-amount', 'PAYOUT_BANK' FROM sure RETURNING id
    ), items AS (
      INSERT INTO settlement_match_items (match_id, component_id)
      SELECT match_id, payout_id FROM sure UNION ALL SELECT match_id, line_id FROM sure RETURNING match_id
    ), unsure AS (
      SELECT payout_id, min(amount) AS amount, min(currency) AS currency, min(channel) AS channel, min(payout_ref) AS payout_ref, count(*) AS candidates
      FROM counted WHERE per_payout > 1 OR per_line > 1 GROUP BY payout_id
    ), breaks AS (
      INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation, component_id)
      SELECT 'AMBIGUOUS:PAYOUT_BANK:' || payout_id, 'AMBIGUOUS', amount, currency, channel,
        'payout ' || coalesce(payout_ref, payout_id::text) || ' has ' || candidates || ' bank lines of the same amount in its window, or shares its line with another payout; none was picked',
        payout_id
      FROM unsure
      ON CONFLICT (break_key) WHERE status <> 'RESOLVED' DO NOTHING
      RETURNING id
    )
    SELECT (SELECT count(*) FROM matches)::int AS matched, (SELECT count(*) FROM unsure)::int AS ambiguous`, [businessDays]);
  return row;
}
