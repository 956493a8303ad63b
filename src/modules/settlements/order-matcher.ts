import type { QueryRunner } from 'typeorm';
import type { OrderService } from '../orders/order.service.js';
import { REFERENCE_CHANNELS, SETTLING_GATEWAYS_SQL } from './settling-gateways.js';

/** The parts of an order the hub can expect a channel to settle; fees and reserves it cannot. */
export const ORDER_COMPONENTS = ['PRINCIPAL', 'DISCOUNT', 'SHIPPING', 'TAX'] as const;
export type OrderComponent = (typeof ORDER_COMPONENTS)[number];

/**
 * One rule per component: how far, in absolute minor units, reported may differ from expected
 * and still match. Zero unless said; what a tolerance absorbs is kept as a ROUNDING break.
 */
export type OrderTolerances = Partial<Record<OrderComponent, bigint>>;

export interface OrderMatchResult {
  readonly expectedAdded: number;
  readonly matched: number;
  readonly rounding: number;
  readonly amountMismatch: number;
  readonly missingInReport: number;
  readonly orphans: number;
  /** Provider references that name more than one of the hub's orders. */
  readonly ambiguous: number;
  readonly closed: number;
}

/** What order matching reads of the orders module. */
export type Expectations = Pick<OrderService, 'settlementExpectationsQuery' | 'settledTendersQuery'>;

/** Enough for the matching's hashes and sorts to stay in memory at a million lines. */
const MATCHING_WORK_MEM = '256MB';
const PARTS = `(${ORDER_COMPONENTS.map((part) => `'${part}'`).join(', ')})`;
/** The verdicts that are breaks, each keyed `CATEGORY:ORDER:channel:order_ref:component:currency`. */
const BREAKS = `('ORPHAN_REPORT_LINE', 'MISSING_IN_REPORT', 'AMOUNT_MISMATCH', 'AMBIGUOUS')`;

/**
 * One share of the orders, by a hash of the order reference: disjoint shares touch disjoint
 * ledger items and break keys, so they can be matched at the same time on separate connections.
 */
export interface Partition {
  readonly count: number;
  readonly index: number;
}
const WHOLE: Partition = { count: 1, index: 0 };

function inPartition(ref: string, { count, index }: Partition): string {
  if (count === 1) return '';
  if (!Number.isInteger(count) || !Number.isInteger(index) || index < 0 || index >= count) throw new Error(`not a partition: ${index} of ${count}`);
  return `AND (hashtext(${ref}) & 2147483647) % ${count} = ${index}`;
}

/** The order reference inside an order break's key, `CATEGORY:ORDER:channel:order_ref:component:currency`. */
const ORDER_OF_BREAK_KEY = '^[A-Z_]+:ORDER:[^:]*:(.*):[A-Z_]+:[A-Z]{3}$';

/**
 * Order ↔ report matching, set-based: what the hub expects per order (from the orders module)
 * against what the reports say, per (channel, order, component, currency), to the minor unit.
 * Only items not yet consumed by a match take part, so every run works on what is still open:
 * a difference a later report or a late order explains matches then, and its break is closed.
 * A payment provider reports a capture, the whole amount paid, not its parts: for
 * `captureChannels` the order's expected parts are compared as one PRINCIPAL (its grand total).
 */
export async function matchOrders(
  runner: QueryRunner, orders: Expectations, tolerances: OrderTolerances = {}, captureChannels: readonly string[] = [], partition: Partition = WHOLE,
): Promise<OrderMatchResult> {
  const own = !runner.isTransactionActive;
  if (own) await runner.startTransaction();
  const mine = (ref: string) => inPartition(ref, partition);
  try {
    // The grouping and its joins hash hundreds of thousands of rows; the default 4 MB would spill them to disk.
    await runner.query(`SET LOCAL work_mem = '${MATCHING_WORK_MEM}'`);
    // JIT compiling these few statements costs seconds (their estimated cost is high) and saves none.
    await runner.query('SET LOCAL jit = off');
    // Two runs at once (an upload's and the folder's) would reach for the same open items: they take turns per share instead.
    await runner.query(`SELECT pg_advisory_xact_lock(hashtext('settlement_order_matching'), $1)`, [partition.index]);
    if (partition.count === 1) await refreshStaleStatistics(runner, 'settlement_components');
    const expectedAdded = await addExpectations(runner, orders, mine) + await addTenderExpectations(runner, orders, mine);
    // OFFSET 0 keeps the classified rows one subquery: the verdict reads "known" in several
    // branches, and inlined into them its lookup of the expected orders would run once per branch.
    await runner.query(`
      CREATE TEMP TABLE settlement_order_groups ON COMMIT DROP AS
      SELECT *, CASE WHEN verdict IN ${BREAKS} THEN verdict || ':' || group_key END AS break_key
      FROM (SELECT *, CASE
          WHEN candidates IS NOT NULL THEN 'AMBIGUOUS'
          WHEN NOT known THEN 'ORPHAN_REPORT_LINE'
          WHEN reported IS NULL AND expected <> 0 THEN 'MISSING_IN_REPORT'
          WHEN difference = 0 THEN 'MATCH'
          WHEN abs(difference) <= tolerance THEN 'ROUNDING'
          ELSE 'AMOUNT_MISMATCH' END AS verdict
      FROM (
        SELECT g.*, a.candidates, coalesce(g.reported, 0) - coalesce(g.expected, 0) AS difference, coalesce(t.tolerance, 0) AS tolerance,
          'ORDER:' || g.channel || ':' || g.order_ref || ':' || g.component || ':' || g.currency AS group_key,
          g.expected IS NOT NULL OR EXISTS (
            SELECT 1 FROM settlement_components e WHERE e.order_ref = g.order_ref AND e.side = 'EXPECTED' AND e.channel = g.channel) AS known
        FROM (
          SELECT c.channel, c.order_ref, CASE WHEN c.channel = ANY($3::text[]) THEN 'PRINCIPAL' ELSE c.component END AS component, c.currency,
            sum(c.amount) FILTER (WHERE c.side = 'EXPECTED') AS expected, sum(c.amount) FILTER (WHERE c.side = 'REPORTED') AS reported,
            count(*) FILTER (WHERE c.side = 'REPORTED') AS lines, array_agg(c.id) AS ids, min(c.id) AS first_id
          FROM settlement_components c
          WHERE c.order_ref IS NOT NULL AND c.component IN ${PARTS} ${mine('c.order_ref')}
            AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = c.id)
          GROUP BY 1, 2, 3, 4
        ) g
        LEFT JOIN unnest($1::text[], $2::bigint[]) AS t (component, tolerance) ON t.component = g.component
        LEFT JOIN (
          SELECT channel, order_ref, string_agg(DISTINCT order_channel || ' ' || order_number, ', ') AS candidates
          FROM settlement_reference_candidates GROUP BY 1, 2 HAVING count(DISTINCT order_id) > 1
        ) a ON a.channel = g.channel AND a.order_ref = g.order_ref
        OFFSET 0
      ) classified) judged`, [Object.keys(tolerances), Object.values(tolerances).map(String), captureChannels]);
    // Closing explained breaks probes this by key for each open break; a fresh ledger's breaks have no statistics
    // yet, and without the index the planner may loop over the whole table for each of them.
    await runner.query('CREATE INDEX ON settlement_order_groups (break_key)');
    await runner.query('ANALYZE settlement_order_groups');
    const [counts]: { matched: number; rounding: number }[] = await runner.query(`
      WITH sure AS MATERIALIZED (
        -- Ids in ledger order, so the items land in both their indexes mostly at the right edge.
        SELECT g.*, nextval((SELECT pg_get_serial_sequence('settlement_matches', 'id'))::regclass) AS match_id
        FROM (SELECT * FROM settlement_order_groups WHERE verdict IN ('MATCH', 'ROUNDING') ORDER BY first_id) g
      ), matches AS (
        INSERT INTO settlement_matches (id, rule, kind, tolerance_used)
        SELECT match_id, 'order-component:' || component, 'ORDER_LINE', abs(difference) FROM sure
      ), items AS (
        INSERT INTO settlement_match_items (match_id, component_id)
        SELECT match_id, component_id FROM sure CROSS JOIN LATERAL unnest(ids) AS component_id ORDER BY component_id
      ), rounding AS (
        INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation, match_id, status, status_by, note)
        SELECT 'ROUNDING:' || group_key || ':' || match_id, 'ROUNDING', difference, currency, channel,
          'order ' || order_ref || ' (' || channel || '): ' || component || ' reported ' || reported || ', expected ' || coalesce(expected, 0)
            || ' minor units of ' || currency || '; the difference ' || difference || ' is within the rule''s tolerance of ' || tolerance,
          match_id, 'ACKNOWLEDGED', 'matcher', 'matched within tolerance'
        FROM sure WHERE verdict = 'ROUNDING'
      )
      SELECT count(*) FILTER (WHERE verdict = 'MATCH')::int AS matched, count(*) FILTER (WHERE verdict = 'ROUNDING')::int AS rounding FROM sure`);
    await runner.query(`
      INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation)
      SELECT break_key, verdict, difference, currency, channel, CASE verdict
          WHEN 'ORPHAN_REPORT_LINE' THEN 'order ' || order_ref || ' (' || channel || '): ' || component || ' of ' || reported || ' minor units of ' || currency
            || ' in ' || lines || ' report line(s), and the hub has no such order'
          WHEN 'MISSING_IN_REPORT' THEN 'order ' || order_ref || ' (' || channel || '): the hub expects ' || component || ' of ' || expected
            || ' minor units of ' || currency || ', and no report has it'
          WHEN 'AMBIGUOUS' THEN 'order reference ' || order_ref || ' (' || channel || '): ' || reported || ' minor units of ' || currency || ' in ' || lines
            || ' report line(s), and the reference names several of the hub''s orders paid through ' || channel || ' (' || candidates || '); the hub does not pick one'
          ELSE 'order ' || order_ref || ' (' || channel || '): ' || component || ' reported ' || coalesce(reported, 0) || ', the hub expects ' || coalesce(expected, 0)
            || ' minor units of ' || currency || ', a difference of ' || difference || ' (tolerance ' || tolerance || ')' END
      FROM settlement_order_groups WHERE break_key IS NOT NULL
      ON CONFLICT (break_key) WHERE status <> 'RESOLVED'
        DO UPDATE SET amount = EXCLUDED.amount, explanation = EXCLUDED.explanation WHERE settlement_breaks.amount <> EXCLUDED.amount
      `);
    const [{ closed }]: { closed: number }[] = await runner.query(`
      WITH closed AS (
        UPDATE settlement_breaks b SET status = 'RESOLVED', status_by = 'matcher', status_at = now(),
          note = 'explained by later data: order matching no longer finds this difference'
        WHERE b.status <> 'RESOLVED' AND b.category IN ${BREAKS} AND b.break_key LIKE b.category || ':ORDER:%'
          ${mine(`substring(b.break_key from '${ORDER_OF_BREAK_KEY}')`)}
          AND NOT EXISTS (SELECT 1 FROM settlement_order_groups g WHERE g.break_key = b.break_key)
        RETURNING b.id
      ), actions AS (
        INSERT INTO settlement_break_actions (break_id, action, actor, note) SELECT id, 'AUTO_CLOSE', 'matcher', 'order matching no longer finds this difference' FROM closed
      )
      SELECT count(*)::int AS closed FROM closed`);
    const [verdicts]: { mismatch: number; missing: number; orphans: number; ambiguous: number }[] = await runner.query(`
      SELECT count(*) FILTER (WHERE verdict = 'AMOUNT_MISMATCH')::int AS mismatch, count(*) FILTER (WHERE verdict = 'MISSING_IN_REPORT')::int AS missing,
        count(*) FILTER (WHERE verdict = 'ORPHAN_REPORT_LINE')::int AS orphans, count(*) FILTER (WHERE verdict = 'AMBIGUOUS')::int AS ambiguous FROM settlement_order_groups`);
    if (own) await runner.commitTransaction();
    return {
      expectedAdded, matched: counts.matched, rounding: counts.rounding, amountMismatch: verdicts.mismatch, missingInReport: verdicts.missing, orphans: verdicts.orphans,
      ambiguous: verdicts.ambiguous, closed,
    };
  } catch (error) {
    if (own && runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  }
}

/**
 * EXPECTED components, once per order, for the orders the reports name that have none yet: one
 * INSERT … SELECT over the orders module's expectations query, no order passes through the client.
 */
async function addExpectations(runner: QueryRunner, orders: Expectations, mine: (ref: string) => string): Promise<number> {
  // The orders the open report lines name, each once, then those with no expectation yet: the
  // look-up runs per order rather than per line.
  const refs = `(
    SELECT n.channel, n.external_id FROM (
      SELECT DISTINCT c.channel, c.order_ref AS external_id FROM settlement_components c
      WHERE c.side = 'REPORTED' AND c.order_ref IS NOT NULL AND c.component IN ${PARTS} ${mine('c.order_ref')}
        AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = c.id)) n
    WHERE NOT EXISTS (SELECT 1 FROM settlement_components e WHERE e.order_ref = n.external_id AND e.side = 'EXPECTED' AND e.channel = n.channel)) r`;
  const [{ added }]: { added: number }[] = await runner.query(`
    WITH added AS (
      INSERT INTO settlement_components (side, component, provider_key, lineage, channel, order_ref, amount, currency)
      SELECT 'EXPECTED', x.component, 'hub:order', 'order:' || x.order_id, x.channel, x.external_id, x.amount, x.currency
      FROM (${orders.settlementExpectationsQuery(refs)}) x
      RETURNING 1)
    SELECT count(*)::int AS added FROM added`);
  return added;
}

/**
 * A payment provider's report names an order by the merchant's reference: the hub's order is the
 * one whose channel id or number it is and whose tenders went through that provider, whichever
 * storefront took it. Exactly one such order gives its captured money as the expectation; a
 * reference that names two or more stays open as AMBIGUOUS (the candidates are kept for the
 * verdict, in a table of this transaction), and the hub does not pick one.
 */
async function addTenderExpectations(runner: QueryRunner, orders: Expectations, mine: (ref: string) => string): Promise<number> {
  // ARRAY(…) rather than IN (…): inside an OR only arrays let both order look-ups use their index.
  const named = 'o.external_id = ANY (ARRAY(SELECT order_ref FROM refs)) OR o.order_number = ANY (ARRAY(SELECT order_ref FROM refs))';
  await runner.query(`
    CREATE TEMP TABLE settlement_reference_candidates ON COMMIT DROP AS
    WITH refs AS MATERIALIZED (
      SELECT DISTINCT c.channel, c.order_ref FROM settlement_components c
      WHERE c.side = 'REPORTED' AND c.channel = ANY ($1::text[]) AND c.order_ref IS NOT NULL AND c.component IN ${PARTS} ${mine('c.order_ref')}
        AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM settlement_components e WHERE e.channel = c.channel AND e.order_ref = c.order_ref AND e.side = 'EXPECTED')
    )
    SELECT r.channel, r.order_ref, x.order_id, x.order_channel, x.order_number, x.gateways, x.currency, x.captured
    FROM refs r JOIN (${orders.settledTendersQuery(SETTLING_GATEWAYS_SQL, named)}) x ON x.channel = r.channel AND r.order_ref IN (x.external_id, x.order_number)`,
  [REFERENCE_CHANNELS]);
  const [{ added }]: { added: number }[] = await runner.query(`
    WITH sole AS (
      SELECT channel, order_ref FROM settlement_reference_candidates GROUP BY 1, 2 HAVING count(DISTINCT order_id) = 1
    ), added AS (
      INSERT INTO settlement_components (side, component, provider_key, lineage, channel, order_ref, amount, currency)
      SELECT 'EXPECTED', 'PRINCIPAL', 'hub:tender:' || x.gateways, 'order:' || x.order_id, x.channel, x.order_ref, x.captured, x.currency
      FROM settlement_reference_candidates x JOIN sole USING (channel, order_ref)
      RETURNING 1)
    SELECT count(*)::int AS added FROM added`);
  return added;
}

/**
 * A matching run right after a bulk import plans against statistics taken before it: the
 * ledger looks nearly empty and the planner picks loops over hundreds of thousands of rows.
 * ANALYZE samples a fixed number of rows, so it costs a fraction of a second at any size.
 */
export async function refreshStaleStatistics(runner: QueryRunner, table: string): Promise<void> {
  const [row]: { stale: boolean }[] = await runner.query(`
    SELECT n_mod_since_analyze > 10000 AND n_mod_since_analyze > n_live_tup / 10 AS stale FROM pg_stat_user_tables WHERE relname = $1`, [table]);
  if (row?.stale) await runner.query(`ANALYZE ${table}`);
}
