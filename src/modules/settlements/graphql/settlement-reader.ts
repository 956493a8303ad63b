import { Inject, Injectable } from '@nestjs/common';
import { groupRows } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';
import { REFERENCE_CHANNELS } from '../settling-gateways.js';

type Row = Record<string, unknown>;

export interface PageQuery {
  readonly first: number;
  /** Pages go by descending id; the cursor is the last id seen. */
  readonly afterId?: string;
}

const LINE = `c.id::text AS id, c.side, c.component, c.fee_type, c.provider_key, c.lineage, c.channel, c.order_ref, c.transaction_ref, c.psp_reference,
  c.payout_ref, c.amount::text AS amount, c.currency, c.event_at, c.posted_at, c.import_id::text AS import_id,
  (SELECT i.match_id::text FROM settlement_match_items i WHERE i.component_id = c.id) AS match_id`;
const BREAK = `b.id::text AS id, b.category, b.status, b.amount::text AS amount, b.currency, b.channel, b.explanation, b.opened_at, b.status_at, b.status_by, b.note,
  b.import_id::text AS import_id, b.component_id::text AS component_id, b.match_id::text AS match_id,
  floor(extract(epoch FROM now() - b.opened_at) / 86400)::int AS age_days`;

/** An order as its money trail is looked up: the batch key of Order.settlement's children. */
export const orderTrailKey = (o: { orderId: string; channel: string; externalId: string; orderNumber: string }): string =>
  JSON.stringify([o.orderId, o.channel, o.externalId, o.orderNumber]);

/**
 * The (channel, reference) pairs that name each order (`order_key`, its id) in the ledger: its
 * own channel's id for it, and each payment provider's reference that order matching tied to it
 * (an EXPECTED line with the order's lineage), found through the ledger's (channel, order_ref) index.
 */
const ORDER_TRAIL_REFS = `refs AS (
  SELECT o.order_key, o.channel, o.external_id AS ref FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS o (order_key, channel, external_id, order_number)
  UNION
  SELECT o.order_key, e.channel, e.order_ref FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS o (order_key, channel, external_id, order_number)
  JOIN settlement_components e ON e.channel = ANY ($5::text[]) AND e.order_ref IN (o.external_id, o.order_number) AND e.side = 'EXPECTED' AND e.lineage = 'order:' || o.order_key
)`;

function trailParams(keys: readonly string[]): { params: unknown[]; byId: Map<string, string> } {
  const orders = keys.map((key) => JSON.parse(key) as [string, string, string, string]);
  return {
    params: [orders.map((o) => o[0]), orders.map((o) => o[1]), orders.map((o) => o[2]), orders.map((o) => o[3]), REFERENCE_CHANNELS],
    byId: new Map(orders.map((o, i) => [o[0], keys[i]])),
  };
}

/** Rows grouped by the order id they carry, under the batch keys they were asked by. */
function byTrailKey(rows: Row[], byId: Map<string, string>): Map<string, Row[]> {
  const grouped = groupRows(rows, 'order_key');
  return new Map([...grouped].map(([id, list]) => [byId.get(id) ?? id, list]));
}

/**
 * The settlements module's GraphQL reads, on GraphQL's read pool: a page is one statement,
 * and each child list one statement for every parent of the request (grouped here).
 */
@Injectable()
export class SettlementReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  async settlements(filter: { channel?: string; format?: string; status?: string }, page: PageQuery): Promise<Row[]> {
    const { where, params } = clauses([['s.channel = ?', filter.channel], ['s.format = ?', filter.format], ['s.status = ?', filter.status], ['s.id < ?::bigint', page.afterId]]);
    params.push(page.first + 1);
    return this.reads.query(`
      SELECT s.id::text AS id, s.format, s.report_id, s.channel, s.status, s.currency, s.control_expected::text AS control_expected,
        s.control_actual::text AS control_actual, s.line_count, s.imported_by, s.imported_at
      FROM settlement_imports s ${where} ORDER BY s.id DESC LIMIT $${params.length}`, params);
  }

  async payouts(filter: { channel?: string; matched?: boolean }, page: PageQuery): Promise<Row[]> {
    const matched = filter.matched === undefined ? undefined : filter.matched ? 'EXISTS' : 'NOT EXISTS';
    const { where, params } = clauses([
      [`c.side = 'REPORTED' AND c.component = 'PAYOUT' AND c.channel = coalesce(?, c.channel)`, filter.channel ?? null],
      ['c.id < ?::bigint', page.afterId],
    ]);
    if (matched) where.push(`${matched} (SELECT 1 FROM settlement_match_items i JOIN settlement_matches m ON m.id = i.match_id AND m.kind = 'PAYOUT_BANK' WHERE i.component_id = c.id)`);
    params.push(page.first + 1);
    return this.reads.query(`SELECT ${LINE}, c.payout_status FROM settlement_components c ${where} ORDER BY c.id DESC LIMIT $${params.length}`, params);
  }

  async breaks(filter: { category?: string; channel?: string; minAge?: number; status?: string }, page: PageQuery): Promise<Row[]> {
    const { where, params } = clauses([
      ['b.category = ?', filter.category], ['b.channel = ?', filter.channel],
      ['b.opened_at <= now() - make_interval(days => ?::int)', filter.minAge],
      [filter.status ? 'b.status = ?' : `b.status <> 'RESOLVED' AND ?::text IS NULL`, filter.status ?? null],
      ['b.id < ?::bigint', page.afterId],
    ]);
    params.push(page.first + 1);
    return this.reads.query(`SELECT ${BREAK} FROM settlement_breaks b ${where} ORDER BY b.id DESC LIMIT $${params.length}`, params);
  }

  async reconciliation(from: Date, to: Date): Promise<{ rows: Row[]; openBreaks: number }> {
    const rows = await this.reads.query(`
      SELECT c.channel, c.component, c.currency,
        coalesce(sum(c.amount) FILTER (WHERE c.side = 'EXPECTED'), 0)::text AS expected,
        coalesce(sum(c.amount) FILTER (WHERE c.side = 'REPORTED'), 0)::text AS reported,
        coalesce(sum(c.amount) FILTER (WHERE c.side = 'REPORTED' AND i.match_id IS NOT NULL), 0)::text AS matched,
        coalesce(sum(c.amount) FILTER (WHERE c.side = 'REPORTED' AND i.match_id IS NULL), 0)::text AS unmatched,
        (SELECT count(*) FROM settlement_breaks b WHERE b.status <> 'RESOLVED' AND b.opened_at >= $1 AND b.opened_at < $2)::int AS open_breaks
      FROM settlement_components c LEFT JOIN settlement_match_items i ON i.component_id = c.id
      WHERE coalesce(c.event_at, c.posted_at, c.recorded_at) >= $1 AND coalesce(c.event_at, c.posted_at, c.recorded_at) < $2
        AND c.component NOT IN ('PAYOUT', 'BANK_DEPOSIT')
      GROUP BY c.channel, c.component, c.currency ORDER BY c.channel, c.component, c.currency`, [from, to]);
    const openBreaks = rows.length ? (rows[0].open_breaks as number) : (await this.reads.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM settlement_breaks WHERE status <> 'RESOLVED' AND opened_at >= $1 AND opened_at < $2`, [from, to]))[0].n;
    return { rows, openBreaks };
  }

  /** The first `first` lines of each report, by id. */
  async linesOfSettlements(keys: readonly string[], first = 100): Promise<Map<string, Row[]>> {
    const [ids, limit] = splitLimit(keys, first);
    const rows = await this.reads.query<Row>(`
      SELECT * FROM (SELECT ${LINE}, row_number() OVER (PARTITION BY c.import_id ORDER BY c.id) AS n
        FROM settlement_components c WHERE c.import_id = ANY($1::bigint[])) t WHERE t.n <= $2 ORDER BY t.id::bigint`, [ids, limit]);
    return regroup(rows, 'import_id', keys);
  }

  async breaksOfSettlements(ids: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>(`SELECT ${BREAK} FROM settlement_breaks b WHERE b.import_id = ANY($1::bigint[]) ORDER BY b.id`, [ids]);
    return groupRows(rows, 'import_id');
  }

  /** A payout's own lines (the same payout ref and channel), keyed `channel|ref`, payout line and bank lines left out. */
  async linesOfPayouts(keys: readonly string[]): Promise<Map<string, Row[]>> {
    const pairs = keys.map((k) => k.split('|'));
    const rows = await this.reads.query<Row>(`
      SELECT ${LINE}, c.channel || '|' || c.payout_ref AS payout_key FROM settlement_components c
      WHERE (c.channel, c.payout_ref) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND c.side = 'REPORTED' AND c.component <> 'PAYOUT'
      ORDER BY c.id`, [pairs.map((p) => p[0]), pairs.map((p) => p.slice(1).join('|'))]);
    return groupRows(rows, 'payout_key');
  }

  async matches(ids: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>(
      `SELECT m.id::text AS id, m.rule, m.kind, m.tolerance_used::text AS tolerance_used, m.matched_at FROM settlement_matches m WHERE m.id = ANY($1::bigint[])`, [ids]);
    return groupRows(rows, 'id');
  }

  async matchItems(matchIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>(`
      SELECT ${LINE}, i.match_id::text AS item_of FROM settlement_match_items i JOIN settlement_components c ON c.id = i.component_id
      WHERE i.match_id = ANY($1::bigint[]) ORDER BY c.id`, [matchIds]);
    return groupRows(rows, 'item_of');
  }

  async breakActions(breakIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>(
      `SELECT a.break_id::text AS break_id, a.action, a.actor, a.note, a.acted_at FROM settlement_break_actions a WHERE a.break_id = ANY($1::bigint[]) ORDER BY a.id`, [breakIds]);
    return groupRows(rows, 'break_id');
  }

  /** Every ledger line naming these orders (keyed by `orderTrailKey`), both sides, a payment provider's included. */
  async linesOfOrders(keys: readonly string[]): Promise<Map<string, Row[]>> {
    const { params, byId } = trailParams(keys);
    const rows = await this.reads.query<Row>(`
      WITH ${ORDER_TRAIL_REFS}
      SELECT ${LINE}, r.order_key FROM refs r JOIN settlement_components c ON c.channel = r.channel AND c.order_ref = r.ref
      ORDER BY coalesce(c.event_at, c.recorded_at), c.id`, params);
    return byTrailKey(rows, byId);
  }

  /** The payouts of these orders' report lines, with the bank lines matched to them, keyed by `orderTrailKey`. */
  async payoutsOfOrders(keys: readonly string[]): Promise<Map<string, Row[]>> {
    const { params, byId } = trailParams(keys);
    const rows = await this.reads.query<Row>(`
      WITH ${ORDER_TRAIL_REFS}, payouts AS (
        SELECT DISTINCT c.channel, c.payout_ref, r.order_key
        FROM refs r JOIN settlement_components c ON c.channel = r.channel AND c.order_ref = r.ref AND c.side = 'REPORTED' AND c.payout_ref IS NOT NULL
      )
      SELECT ${LINE}, c.payout_status, p.order_key FROM payouts p
      JOIN settlement_components c ON c.channel = p.channel AND c.payout_ref = p.payout_ref AND c.side = 'REPORTED' AND c.component = 'PAYOUT'
      ORDER BY coalesce(c.posted_at, c.event_at), c.id`, params);
    return byTrailKey(rows, byId);
  }

  /** The bank lines matched to these payout lines. */
  async bankLinesOfPayouts(payoutIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>(`
      SELECT ${LINE}, p.component_id::text AS payout_id FROM settlement_match_items p
      JOIN settlement_matches m ON m.id = p.match_id AND m.kind = 'PAYOUT_BANK'
      JOIN settlement_match_items b ON b.match_id = p.match_id AND b.component_id <> p.component_id
      JOIN settlement_components c ON c.id = b.component_id AND c.component = 'BANK_DEPOSIT'
      WHERE p.component_id = ANY($1::bigint[]) ORDER BY c.id`, [payoutIds]);
    return groupRows(rows, 'payout_id');
  }
}

/** `?` stands for the value's parameter; undefined values are left out. */
function clauses(parts: readonly (readonly [string, unknown])[]): { where: string[] & { toString(): string }; params: unknown[] } {
  const params: unknown[] = [];
  const list: string[] = [];
  for (const [sql, value] of parts) {
    if (value === undefined) continue;
    params.push(value);
    list.push(sql.replace('?', `$${params.length}`));
  }
  const where = Object.assign(list, { toString: () => (list.length ? `WHERE ${list.join(' AND ')}` : '') });
  return { where, params };
}

/** Batch keys carry the page size of a child list (`id@first`): one statement per distinct size. */
function splitLimit(keys: readonly string[], fallback: number): [string[], number] {
  const ids = keys.map((k) => k.split('@')[0]);
  const limit = Math.max(...keys.map((k) => Number(k.split('@')[1] ?? fallback)));
  return [ids, limit];
}

function regroup(rows: readonly Row[], column: string, keys: readonly string[]): Map<string, Row[]> {
  const byId = groupRows(rows, column);
  const out = new Map<string, Row[]>();
  for (const key of keys) {
    const [id, first] = key.split('@');
    out.set(key, (byId.get(id) ?? []).slice(0, Number(first)));
  }
  return out;
}
