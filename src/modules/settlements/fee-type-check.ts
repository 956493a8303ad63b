import type { QueryRunner } from 'typeorm';
import { resolutionKey, type MappingService } from '../master-data/mapping.service.js';

export interface FeeTypeCheckResult {
  /** Fee types (per channel and currency) with no FEE_TYPE mapping: one open break each. */
  readonly unmapped: number;
  readonly closed: number;
}

type Mappings = Pick<MappingService, 'resolve'>;

export const UNKNOWN_FEE_KEY_PREFIX = 'UNKNOWN_FEE_TYPE:FEE:';
const KEY_PREFIX = UNKNOWN_FEE_KEY_PREFIX;

/**
 * Every fee type a report carries must map to a GL account (FEE_TYPE). The fee types in the
 * ledger are resolved in one batch; each unmapped one is one UNKNOWN_FEE_TYPE break per
 * channel and currency carrying the exact sum of its fees, kept current as reports add to it.
 * Once mapped, the next run closes the break (AUTO_CLOSE, audited).
 */
export async function checkFeeTypes(runner: QueryRunner, mappings: Mappings): Promise<FeeTypeCheckResult> {
  const types: { channel: string; fee_type: string }[] = await runner.query(
    `SELECT DISTINCT channel, fee_type FROM settlement_components WHERE side = 'REPORTED' AND component = 'FEE' ORDER BY channel, fee_type`);
  const keys = types.map((t) => ({ kind: 'FEE_TYPE' as const, channel: t.channel, sourceValue: t.fee_type }));
  const answers = keys.length ? await mappings.resolve({ runner }, keys) : new Map();
  const unmapped = types.filter((_, i) => !answers.get(resolutionKey(keys[i])));
  const [row]: { unmapped: number; closed: number }[] = await runner.query(`
    WITH unmapped AS (
      SELECT c.channel, c.fee_type, c.currency, sum(c.amount) AS amount, count(*) AS lines, (array_agg(c.lineage ORDER BY c.id))[1] AS first_line
      FROM settlement_components c JOIN unnest($1::text[], $2::text[]) AS u (channel, fee_type) ON u.channel = c.channel AND u.fee_type = c.fee_type
      WHERE c.side = 'REPORTED' AND c.component = 'FEE'
      GROUP BY c.channel, c.fee_type, c.currency
    ), opened AS (
      INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation)
      SELECT '${KEY_PREFIX}' || channel || ':' || fee_type || ':' || currency, 'UNKNOWN_FEE_TYPE', amount, currency, channel,
        'fee type "' || fee_type || '" (' || channel || ') has no FEE_TYPE mapping to a GL account; ' || lines || ' fee line(s) from ' || first_line
          || ' on, ' || amount || ' minor units of ' || currency || ' in all'
      FROM unmapped
      ON CONFLICT (break_key) WHERE status <> 'RESOLVED'
        DO UPDATE SET amount = EXCLUDED.amount, explanation = EXCLUDED.explanation WHERE settlement_breaks.amount <> EXCLUDED.amount
      RETURNING id
    ), closed AS (
      UPDATE settlement_breaks b SET status = 'RESOLVED', status_by = 'matcher', status_at = now(), note = 'the fee type is mapped now'
      WHERE b.status <> 'RESOLVED' AND b.category = 'UNKNOWN_FEE_TYPE' AND b.break_key LIKE '${KEY_PREFIX}%'
        AND NOT EXISTS (SELECT 1 FROM unmapped u WHERE '${KEY_PREFIX}' || u.channel || ':' || u.fee_type || ':' || u.currency = b.break_key)
      RETURNING b.id
    ), audit AS (
      INSERT INTO settlement_break_actions (break_id, action, actor, note) SELECT id, 'AUTO_CLOSE', 'matcher', 'the fee type is mapped now' FROM closed RETURNING id
    )
    SELECT (SELECT count(*) FROM unmapped)::int AS unmapped, (SELECT count(*) FROM audit)::int AS closed`,
  [unmapped.map((u) => u.channel), unmapped.map((u) => u.fee_type)]);
  return row;
}
