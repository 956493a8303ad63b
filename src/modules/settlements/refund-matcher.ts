import type { QueryRunner } from 'typeorm';
import type { RefundSettlementsService } from '../returns/refund-settlements.service.js';
import { refundExpectations } from './refund-expectations.js';

export interface RefundMatchResult {
  readonly settled: number;
  readonly mismatched: number;
  readonly notSettled: number;
  /** Refunds whose money went back only where no report settles it (gift card, store credit, cash): complete when made. */
  readonly outsideReports: number;
  readonly closed: number;
}

type Refunds = Pick<RefundSettlementsService, 'unsettledRefunds' | 'markRefundSettled'>;

const KEYED = `('AMOUNT_MISMATCH', 'REFUND_NOT_SETTLED')`;

/**
 * The hub's refunds (from the returns module) against the REFUND lines the reports carry, on
 * keys: the report line names the refund itself or one of its money movements, in the channel
 * that settles that money (`refund-expectations.ts`: a Stripe-paid storefront order's refund in
 * Stripe's reports, for what went back through Stripe). A refund whose money went back only to
 * a gift card, store credit or cash is settled when made, and returns is told so. A refund
 * whose lines add up to it, to the minor unit, is matched (its EXPECTED component and the lines
 * consumed together) and returns is told it settled, with the payout
 * that carried it: a refund settled in a later payout than its charge matches all the same.
 * Lines that differ are an AMOUNT_MISMATCH; a refund older than `notSettledDays` with no line
 * at all is REFUND_NOT_SETTLED. Later data closes either break by itself.
 */
export async function matchRefunds(runner: QueryRunner, refunds: Refunds, notSettledDays: number, now = new Date()): Promise<RefundMatchResult> {
  const own = !runner.isTransactionActive;
  if (own) await runner.startTransaction();
  try {
    const open = await refunds.unsettledRefunds(runner);
    const perRefund = open.map((refund) => ({ refund, expected: refundExpectations(refund) }));
    const expected = perRefund.flatMap((p) => p.expected);
    // Expected nowhere: every movement went where no report settles it.
    const outside = perRefund.filter((p) => !p.expected.length).map((p) => p.refund);
    for (const refund of outside) {
      const gateways = [...new Set(refund.movements.map((m) => m.gateway))].join(', ');
      await refunds.markRefundSettled(runner, refund.externalId, refund.processedAt, `outside reports: ${gateways}`, refund.channel);
    }
    const keys = expected.flatMap((e) => e.keys.map((key) => ({ e, key })));
    await runner.query(`
      CREATE TEMP TABLE settlement_refund_groups ON COMMIT DROP AS
      WITH hub AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $11::text[])
          AS h (channel, refund_ref, currency, total, processed_at, refund_channel)
      ), refs AS (
        SELECT * FROM unnest($6::text[], $7::text[], $8::text[]) AS k (channel, refund_ref, ref)
      ), lines AS (
        SELECT DISTINCT k.channel, k.refund_ref, c.id, c.amount, c.currency, c.payout_ref, coalesce(c.posted_at, c.event_at) AS at
        FROM refs k JOIN settlement_components c ON c.channel = k.channel AND (c.transaction_ref = k.ref OR c.psp_reference = k.ref)
        WHERE c.side = 'REPORTED' AND c.component = 'REFUND'
          AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = c.id)
      )
      SELECT h.*, l.reported, l.ids, l.payouts, l.settled_at,
        CASE WHEN l.ids IS NULL THEN CASE WHEN h.processed_at < $9::timestamptz - make_interval(days => $10) THEN 'REFUND_NOT_SETTLED' END
             WHEN l.reported = -h.total AND l.currency = h.currency THEN 'MATCH'
             ELSE 'AMOUNT_MISMATCH' END AS verdict
      FROM hub h LEFT JOIN (
        SELECT channel, refund_ref, sum(amount) AS reported, min(currency) AS currency, array_agg(id) AS ids,
          string_agg(DISTINCT payout_ref, ', ') AS payouts, max(at) AS settled_at
        FROM lines GROUP BY channel, refund_ref
      ) l ON l.channel = h.channel AND l.refund_ref = h.refund_ref`, [
      expected.map((e) => e.channel), expected.map((e) => e.refund.externalId), expected.map((e) => e.refund.currency), expected.map((e) => e.total.toString()),
      expected.map((e) => e.refund.processedAt), keys.map((k) => k.e.channel), keys.map((k) => k.e.refund.externalId), keys.map((k) => k.key), now, notSettledDays,
      expected.map((e) => e.refund.channel),
    ]);
    const matched: { refund_channel: string; refund_ref: string; payouts: string | null; settled_at: Date | null }[] = await runner.query(`
      WITH sure AS (
        SELECT g.*, nextval(pg_get_serial_sequence('settlement_matches', 'id')) AS match_id FROM settlement_refund_groups g WHERE verdict = 'MATCH'
      ), expected AS (
        INSERT INTO settlement_components (side, component, provider_key, lineage, channel, transaction_ref, amount, currency, event_at)
        SELECT 'EXPECTED', 'REFUND', 'hub:refund', 'refund:' || refund_ref, channel, refund_ref, -total, currency, processed_at FROM sure
        RETURNING id, transaction_ref, channel
      ), matches AS (
        INSERT INTO settlement_matches (id, rule, kind) SELECT match_id, 'refund-key-exact', 'REFUND' FROM sure RETURNING id
      ), items AS (
        INSERT INTO settlement_match_items (match_id, component_id)
        SELECT s.match_id, unnest(s.ids) FROM sure s
        UNION ALL SELECT s.match_id, e.id FROM sure s JOIN expected e ON e.transaction_ref = s.refund_ref AND e.channel = s.channel
        RETURNING match_id
      )
      SELECT refund_channel, refund_ref, payouts, settled_at FROM sure`);
    for (const m of matched) {
      await refunds.markRefundSettled(runner, m.refund_ref, m.settled_at ? new Date(m.settled_at) : now, m.payouts ?? 'settlement', m.refund_channel);
    }
    await runner.query(`
      INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation)
      SELECT verdict || ':REFUND:' || channel || ':' || refund_ref, verdict, CASE verdict WHEN 'REFUND_NOT_SETTLED' THEN -total ELSE reported + total END, currency, channel,
        CASE verdict
          WHEN 'REFUND_NOT_SETTLED' THEN 'refund ' || refund_ref || ' (' || channel || ') of ' || total || ' minor units of ' || currency || ' moved on '
            || to_char(processed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ', over ' || $1::int || ' days ago, and no report has settled it'
          ELSE 'refund ' || refund_ref || ' (' || channel || ') of ' || total || ' minor units of ' || currency || ': the reports settle ' || (-reported)
            || ' in payout(s) ' || coalesce(payouts, '?') || ', a difference of ' || (reported + total) END
      FROM settlement_refund_groups WHERE verdict IN ${KEYED}
      ON CONFLICT (break_key) WHERE status <> 'RESOLVED'
        DO UPDATE SET amount = EXCLUDED.amount, explanation = EXCLUDED.explanation WHERE settlement_breaks.amount <> EXCLUDED.amount`, [notSettledDays]);
    const [{ closed }]: { closed: number }[] = await runner.query(`
      WITH closed AS (
        UPDATE settlement_breaks b SET status = 'RESOLVED', status_by = 'matcher', status_at = now(), note = 'explained by later data: the refund is settled'
        WHERE b.status <> 'RESOLVED' AND b.category IN ${KEYED} AND b.break_key LIKE b.category || ':REFUND:%'
          AND NOT EXISTS (SELECT 1 FROM settlement_refund_groups g WHERE g.verdict || ':REFUND:' || g.channel || ':' || g.refund_ref = b.break_key)
        RETURNING b.id
      ), audit AS (
        INSERT INTO settlement_break_actions (break_id, action, actor, note) SELECT id, 'AUTO_CLOSE', 'matcher', 'refund matching no longer finds this difference' FROM closed RETURNING id
      )
      SELECT count(*)::int AS closed FROM audit`);
    const [counts]: { mismatched: number; not_settled: number }[] = await runner.query(`
      SELECT count(*) FILTER (WHERE verdict = 'AMOUNT_MISMATCH')::int AS mismatched, count(*) FILTER (WHERE verdict = 'REFUND_NOT_SETTLED')::int AS not_settled
      FROM settlement_refund_groups`);
    if (own) await runner.commitTransaction();
    return { settled: matched.length, mismatched: counts.mismatched, notSettled: counts.not_settled, outsideReports: outside.length, closed };
  } catch (error) {
    if (own && runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  }
}
