import type { QueryRunner } from 'typeorm';

/**
 * A failed (or cancelled) payout never reaches the bank: its money returns to the balance
 * as a TRANSFER_FAILURE line of a later payout, which then covers it at the bank. The failed
 * payout is matched to that line (same channel, currency and exact amount, the line naming the
 * payout), so the bank line of the later payout accounts for both; a failed payout no later
 * payout carries stays unmatched and shows as such.
 */
export async function matchRetriedPayouts(runner: QueryRunner): Promise<number> {
  const [row]: { matched: number }[] = await runner.query(`
    WITH pairs AS (
      SELECT f.id AS failed_id, r.id AS retry_id, count(*) OVER (PARTITION BY f.id) AS per_failed, count(*) OVER (PARTITION BY r.id) AS per_retry
      FROM settlement_components f
      JOIN settlement_components r ON r.channel = f.channel AND r.transaction_ref = f.payout_ref AND r.currency = f.currency AND r.amount = f.amount
        AND r.side = 'REPORTED' AND r.component = 'ADJUSTMENT' AND (r.provider_key LIKE 'TRANSFER\\_FAILURE|%' OR r.provider_key LIKE 'TRANSFER\\_CANCEL|%')
      WHERE f.side = 'REPORTED' AND f.component = 'PAYOUT' AND upper(f.payout_status) IN ('FAILED', 'CANCELED')
        AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id IN (f.id, r.id))
    ), sure AS (
      SELECT failed_id, retry_id, nextval(pg_get_serial_sequence('settlement_matches', 'id')) AS match_id FROM pairs WHERE per_failed = 1 AND per_retry = 1
    ), matches AS (
      INSERT INTO settlement_matches (id, rule, kind) SELECT match_id, 'payout-retried-in-later-payout', 'PAYOUT_BANK' FROM sure RETURNING id
    ), items AS (
      INSERT INTO settlement_match_items (match_id, component_id) SELECT match_id, failed_id FROM sure UNION ALL SELECT match_id, retry_id FROM sure RETURNING match_id
    )
    SELECT (SELECT count(*) FROM matches)::int AS matched`);
  return row.matched;
}
