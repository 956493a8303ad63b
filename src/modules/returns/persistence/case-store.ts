import type { QueryRunner } from 'typeorm';
import type { CanonicalReturnEvent, KeyedReturnEvent, ReturnLineQuantity } from '../../../canonical/return.js';
import type { CaseFlag, LineCounts, UnitStep } from '../domain/case-status.js';

export interface CaseRow {
  readonly id: string;
  readonly channel: string;
  readonly account: string;
  readonly order_external_id: string;
  readonly order_id: string | null;
  readonly return_ref: string | null;
  readonly rma_ref: string | null;
  readonly status: string;
  readonly flags: string[];
}

/** Cases an event no longer joins by the order alone. */
const CLOSED = `('COMPLETED', 'CLOSED', 'CANCELLED', 'DECLINED')`;

const CASE_COLUMNS = 'id, channel, account, order_external_id, order_id, return_ref, rma_ref, status, flags';

/** Where each event kind writes its units, and whether its quantities are a snapshot or an increment. */
const STEP_COLUMN: Readonly<Partial<Record<CanonicalReturnEvent['kind'], { column: string; mode: 'SNAPSHOT' | 'ADD' }>>> = {
  // A return's request and approval list the return's whole quantity (Shopify re-sends it on each change).
  REQUESTED: { column: 'requested', mode: 'SNAPSHOT' },
  APPROVED: { column: 'approved', mode: 'SNAPSHOT' },
  // Parcels, receipts, inspections and dispositions report what happened this time.
  IN_TRANSIT: { column: 'in_transit', mode: 'SNAPSHOT' },
  RECEIVED: { column: 'received', mode: 'ADD' },
  INSPECTED: { column: 'inspected', mode: 'ADD' },
  DISPOSITIONED: { column: 'dispositioned', mode: 'ADD' },
  REFUNDED: { column: 'refunded', mode: 'ADD' },
};

const UNIT_COLUMNS = ['requested', 'approved', 'in_transit', 'received', 'inspected', 'dispositioned'];

/** The returns module's case rows: found by the ids an event carries, opened when none matches. */
export class CaseStore {
  /**
   * The case an event belongs to, row-locked: by the channel's return id, then the RMA, then
   * the refund it re-reports, then an open case of the same order that no return or RMA has
   * claimed yet (a blind receipt or a goodwill refund), else a new one. Ids the event brings
   * that the case lacks are attached, which is how an RMA joins the case its receipt opened.
   */
  async resolve(runner: QueryRunner, event: KeyedReturnEvent): Promise<CaseRow> {
    const { channel, account, orderExternalId, returnRef, rmaRef } = event.identity;
    const found =
      (returnRef ? await this.one(runner, 'return_ref = $3', [channel, account, returnRef]) : null) ??
      (rmaRef ? await this.one(runner, 'rma_ref = $3', [channel, account, rmaRef]) : null) ??
      (event.refund ? await this.byRefund(runner, channel, account, event.refund.externalId) : null) ??
      (await this.one(
        runner,
        `order_external_id = $3 AND return_ref IS NULL AND rma_ref IS NULL AND status NOT IN ${CLOSED}`,
        [channel, account, orderExternalId],
      )) ??
      (returnRef === null && rmaRef === null ? await this.onlyOpen(runner, channel, account, orderExternalId) : null);
    if (found) return this.attach(runner, found, returnRef, rmaRef);
    const [created]: CaseRow[] = await runner.query(
      `INSERT INTO return_cases (channel, account, order_external_id, return_ref, rma_ref, status)
       VALUES ($1, $2, $3, $4, $5, 'OPEN') RETURNING ${CASE_COLUMNS}`,
      [channel, account, orderExternalId, returnRef, rmaRef],
    );
    return created;
  }

  /**
   * An event that names no return and no RMA (a refund made at the till, a blind receipt) joins
   * the order's one open case, whatever ids that case has: it can only be about that return.
   * With two or more open cases it cannot tell them apart and opens its own.
   */
  private async onlyOpen(runner: QueryRunner, channel: string, account: string, orderExternalId: string): Promise<CaseRow | null> {
    const rows: CaseRow[] = await runner.query(
      `SELECT ${CASE_COLUMNS} FROM return_cases WHERE channel = $1 AND account = $2 AND order_external_id = $3 AND status NOT IN ${CLOSED}
       ORDER BY opened_at LIMIT 2 FOR UPDATE`,
      [channel, account, orderExternalId],
    );
    return rows.length === 1 ? rows[0] : null;
  }

  private async one(runner: QueryRunner, where: string, params: unknown[]): Promise<CaseRow | null> {
    const rows: CaseRow[] = await runner.query(
      `SELECT ${CASE_COLUMNS} FROM return_cases WHERE channel = $1 AND account = $2 AND ${where} ORDER BY opened_at LIMIT 1 FOR UPDATE`,
      params,
    );
    return rows[0] ?? null;
  }

  private async byRefund(runner: QueryRunner, channel: string, account: string, refundRef: string): Promise<CaseRow | null> {
    const rows: CaseRow[] = await runner.query(
      `SELECT ${CASE_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')} FROM return_cases c
       JOIN return_refunds r ON r.case_id = c.id WHERE r.channel = $1 AND r.account = $2 AND r.external_id = $3 FOR UPDATE OF c`,
      [channel, account, refundRef],
    );
    return rows[0] ?? null;
  }

  private async attach(runner: QueryRunner, row: CaseRow, returnRef: string | null, rmaRef: string | null): Promise<CaseRow> {
    const addReturn = returnRef !== null && row.return_ref === null;
    const addRma = rmaRef !== null && row.rma_ref === null;
    if (!addReturn && !addRma) return row;
    const [updated]: CaseRow[] = await runner.query(
      `WITH attached AS (
         UPDATE return_cases SET return_ref = coalesce(return_ref, $2), rma_ref = coalesce(rma_ref, $3), updated_at = now()
         WHERE id = $1 RETURNING ${CASE_COLUMNS}
       ) SELECT * FROM attached`,
      [row.id, addReturn ? returnRef : null, addRma ? rmaRef : null],
    );
    return updated;
  }

  /**
   * Records the event once per source event. Null when the source sent it before (a redelivery
   * under a new webhook id, or a topic Shopify fires twice for one change): nothing else changes.
   */
  async recordEvent(
    runner: QueryRunner, caseId: string, event: CanonicalReturnEvent, lineage: { inboxId: string | null; correlationId: string }, detail: Record<string, unknown>,
  ): Promise<string | null> {
    const rows: { id: string }[] = await runner.query(
      `INSERT INTO return_events (case_id, source_system, account, event_key, kind, occurred_at, description, detail, inbox_id, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT ON CONSTRAINT return_events_once DO NOTHING RETURNING id`,
      [caseId, event.source.system, event.source.account, event.source.eventKey, event.kind, event.source.occurredAt ?? new Date().toISOString(), event.description, JSON.stringify(detail), lineage.inboxId, lineage.correlationId],
    );
    return rows[0]?.id ?? null;
  }

  /** Moves the lines' unit counts for the event's step. */
  async applyUnits(runner: QueryRunner, caseId: string, eventId: string, event: CanonicalReturnEvent): Promise<void> {
    const step = STEP_COLUMN[event.kind];
    if (step && event.allUnits && step.mode === 'SNAPSHOT') {
      // Every unit the line returns reaches this step (a refund alone moves no goods).
      await runner.query(`UPDATE return_lines SET ${step.column} = greatest(${UNIT_COLUMNS.join(', ')}) WHERE case_id = $1`, [caseId]);
      return;
    }
    if (!step || event.lines.length === 0) return;
    const merged = mergeLines(event.lines);
    const counted = step.mode === 'ADD' ? `return_lines.${step.column} + excluded.${step.column}` : `greatest(return_lines.${step.column}, excluded.${step.column})`;
    await runner.query(
      `INSERT INTO return_lines (case_id, line_ref, ${step.column}, reason, condition)
       SELECT $1, u.line_ref, u.quantity, u.reason, u.condition FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) AS u(line_ref, quantity, reason, condition)
       ON CONFLICT (case_id, line_ref) DO UPDATE SET ${step.column} = ${counted},
         reason = coalesce(excluded.reason, return_lines.reason), condition = coalesce(excluded.condition, return_lines.condition)`,
      [caseId, merged.map((l) => l.lineRef), merged.map((l) => l.quantity), merged.map((l) => l.reason ?? null), merged.map((l) => l.condition ?? null)],
    );
    if (event.kind !== 'DISPOSITIONED') return;
    const disposed = event.lines.filter((l) => l.disposition && l.quantity > 0);
    if (disposed.length === 0) return;
    await runner.query(
      `INSERT INTO return_dispositions (case_id, event_id, line_ref, disposition, quantity, location_ref, location_channel, location_account)
       SELECT $1, $2, u.line_ref, u.disposition, u.quantity, u.location_ref, u.location_channel, u.location_account
       FROM unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[]) AS u(line_ref, disposition, quantity, location_ref, location_channel, location_account)`,
      [
        caseId, eventId, disposed.map((l) => l.lineRef), disposed.map((l) => l.disposition), disposed.map((l) => l.quantity), disposed.map((l) => l.locationRef ?? null),
        disposed.map((l) => (l.locationRef && l.locationScope?.channel) || null), disposed.map((l) => (l.locationRef && l.locationScope?.account) || null),
      ],
    );
  }

  async addFlag(runner: QueryRunner, caseId: string, flag: string): Promise<void> {
    await runner.query(
      `UPDATE return_cases SET flags = array(SELECT DISTINCT f FROM unnest(array_append(flags, $2::text)) f), updated_at = now() WHERE id = $1`,
      [caseId, flag],
    );
  }

  async removeFlags(runner: QueryRunner, caseId: string, flags: readonly string[]): Promise<void> {
    await runner.query(`UPDATE return_cases SET flags = array(SELECT f FROM unnest(flags) f WHERE f <> ALL($2::text[])), updated_at = now() WHERE id = $1`, [caseId, [...flags]]);
  }

  /** The delivery of the case's latest event that came through the inbox. */
  async lastInboxId(runner: QueryRunner, caseId: string): Promise<string | null> {
    const [row]: { inbox_id: string }[] = await runner.query(
      'SELECT inbox_id FROM return_events WHERE case_id = $1 AND inbox_id IS NOT NULL ORDER BY recorded_at DESC LIMIT 1',
      [caseId],
    );
    return row?.inbox_id ?? null;
  }

  async linkOrder(runner: QueryRunner, caseId: string, orderId: string, currency: string): Promise<void> {
    await runner.query('UPDATE return_cases SET order_id = $2, currency_code = $3 WHERE id = $1 AND order_id IS NULL', [caseId, orderId, currency]);
  }

  async lineCounts(runner: QueryRunner, caseId: string): Promise<LineCounts[]> {
    const rows: Record<string, number>[] = await runner.query(
      'SELECT requested, approved, in_transit, received, inspected, dispositioned, refunded FROM return_lines WHERE case_id = $1',
      [caseId],
    );
    return rows.map((r) => ({
      REQUESTED: r.requested, APPROVED: r.approved, IN_TRANSIT: r.in_transit, RECEIVED: r.received,
      INSPECTED: r.inspected, DISPOSITIONED: r.dispositioned, refunded: r.refunded,
    } satisfies Record<UnitStep, number> & { refunded: number }));
  }

  async flagsOf(runner: QueryRunner, caseId: string): Promise<CaseFlag[]> {
    const [row]: { flags: CaseFlag[] }[] = await runner.query('SELECT flags FROM return_cases WHERE id = $1', [caseId]);
    return row?.flags ?? [];
  }

  /** Writes the derived status; says when this write completed the case (for the cycle-time metric). */
  async setStatus(runner: QueryRunner, caseId: string, status: string, holdReason: string | null): Promise<{ channel: string; openedAt: Date; completedAt: Date } | null> {
    const rows: { channel: string; opened_at: Date; completed_at: Date; newly: boolean }[] = await runner.query(
      `WITH before AS (SELECT completed_at FROM return_cases WHERE id = $1),
       moved AS (
         UPDATE return_cases SET status = $2, hold_reason = $3, updated_at = now(),
           completed_at = CASE WHEN $2 = 'COMPLETED' THEN coalesce(completed_at, now()) ELSE NULL END
         WHERE id = $1 RETURNING channel, opened_at, completed_at
       ) SELECT m.channel, m.opened_at, m.completed_at, (b.completed_at IS NULL AND m.completed_at IS NOT NULL) AS newly FROM moved m, before b`,
      [caseId, status, holdReason],
    );
    const row = rows[0];
    return row?.newly ? { channel: row.channel, openedAt: new Date(row.opened_at), completedAt: new Date(row.completed_at) } : null;
  }
}

/** One row per order line: a source may list a line twice (two parcels, two grades). */
function mergeLines(lines: readonly ReturnLineQuantity[]): ReturnLineQuantity[] {
  const byRef = new Map<string, ReturnLineQuantity>();
  for (const line of lines) {
    const seen = byRef.get(line.lineRef);
    byRef.set(line.lineRef, seen ? { ...seen, quantity: seen.quantity + line.quantity, reason: seen.reason ?? line.reason, condition: seen.condition ?? line.condition } : line);
  }
  return [...byRef.values()];
}
