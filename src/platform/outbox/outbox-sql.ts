import type { DataSource, QueryRunner } from 'typeorm';
import { returnedRows } from '../database/sql.js';
import type { FailureDetail } from './outbox-attempt.js';
import { DUE_STATES, statesFor } from './outbox-states.js';

/** A transaction's runner, or the data source for a statement of its own. */
export type OutboxDb = Pick<DataSource, 'query'> | Pick<QueryRunner, 'query'>;

export interface OutboxTableOptions {
  /** The table keeps the error's code (last_error_code) beside its kind. */
  readonly errorCode?: boolean;
}

const inList = (states: readonly string[]): string => states.map((s) => `'${s}'`).join(', ');
const MAX_ERROR_LENGTH = 2000;

/**
 * The statements that read the same on every outbox table: the batch claim, the outcome of an
 * attempt (RETRYING, DEAD), replay, the stuck-row sweep and lease renewal. The core never names
 * a table: the owning module passes its own (an identifier from its code, never from input), so
 * the table stays in its module's SQL. What is the owner's alone (the delivered outcome and what
 * changes with it, a claim with guards of its own) the owner writes. Outcomes are guarded on
 * IN_FLIGHT, and on the attempt when given, so a worker that lost its row changes nothing.
 */
export class OutboxSql {
  constructor(
    private readonly dataSource: DataSource,
    private readonly table: string,
    private readonly options: OutboxTableOptions = {},
  ) {
    if (!/^[a-z_]+$/.test(table)) throw new Error(`not an outbox table name: ${table}`);
  }

  /**
   * Due rows → IN_FLIGHT, attempts + 1, oldest due first, at most `limit`, skipping rows
   * another worker has locked: several workers share the table and none takes another's row.
   * `returning` names the owner's columns (from its code).
   */
  async claimBatch(limit: number, returning: string): Promise<Record<string, unknown>[]> {
    return returnedRows<Record<string, unknown>>(await this.dataSource.query(
      `UPDATE ${this.table} SET status = 'IN_FLIGHT', attempts = attempts + 1, updated_at = now()
       WHERE id IN (SELECT id FROM ${this.table} WHERE status IN (${inList(DUE_STATES)}) AND next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING ${returning}`,
      [limit],
    ));
  }

  /**
   * RETRYING, due after delayMs, or at once when the owner's `dueNowIf` holds: an SQL condition
   * on the row (aliased r), given the placeholder of the error's code. Answers whether the row
   * was still this attempt's, and whether it is due now.
   */
  async retry(
    db: OutboxDb, id: string, delayMs: number, lookupFirst: boolean, error: FailureDetail,
    options: { readonly attempt?: number; readonly dueNowIf?: (codeParam: string) => string } = {},
  ): Promise<{ readonly updated: boolean; readonly dueNow: boolean }> {
    const params: unknown[] = [id, delayMs, lookupFirst, error.message.slice(0, MAX_ERROR_LENGTH), error.kind];
    const codeParam = this.options.errorCode || options.dueNowIf ? `$${params.push(error.code ?? null)}` : null;
    const code = this.options.errorCode ? `, last_error_code = ${codeParam}` : '';
    const guard = options.attempt === undefined ? '' : ` AND r.attempts = $${params.push(options.attempt)}`;
    const later = `now() + ($2 * interval '1 millisecond')`;
    const due = options.dueNowIf ? `CASE WHEN ${options.dueNowIf(codeParam!)} THEN now() ELSE ${later} END` : later;
    const rows = returnedRows<{ due_now: boolean }>(await db.query(
      `UPDATE ${this.table} r SET status = 'RETRYING', next_attempt_at = ${due}, lookup_first = $3,
              last_error = $4, last_error_kind = $5${code}, updated_at = now()
       WHERE r.id = $1 AND r.status = 'IN_FLIGHT'${guard} RETURNING r.next_attempt_at <= now() AS due_now`,
      params,
    ));
    return { updated: rows.length === 1, dueNow: rows[0]?.due_now ?? false };
  }

  /** DEAD with the error, for a person to replay; false when the row was no longer this attempt's. */
  async dead(db: OutboxDb, id: string, error: FailureDetail, attempt?: number): Promise<boolean> {
    const params: unknown[] = [id, error.message.slice(0, MAX_ERROR_LENGTH), error.kind];
    const code = this.options.errorCode ? `, last_error_code = $${params.push(error.code ?? null)}` : '';
    const guard = attempt === undefined ? '' : ` AND attempts = $${params.push(attempt)}`;
    const rows = returnedRows(await db.query(
      `UPDATE ${this.table} SET status = 'DEAD', last_error = $2, last_error_kind = $3${code}, updated_at = now()
       WHERE id = $1 AND status = 'IN_FLIGHT'${guard} RETURNING id`,
      params,
    ));
    return rows.length === 1;
  }

  /**
   * The replay statement, $1 the ids: DEAD or RETRYING rows are due now, looked up first (their
   * last outcome may be unknown), with their attempts counted afresh. An owner wraps it in a CTE
   * to act on the rows in the same statement (postings notify the relay).
   */
  replayStatement(returning = 'id'): string {
    return `UPDATE ${this.table} SET status = 'RETRYING', next_attempt_at = now(), lookup_first = true, attempts = 0, updated_at = now()
         WHERE id = ANY($1::uuid[]) AND status IN (${inList(statesFor('replay'))}) RETURNING ${returning}`;
  }

  /** Replays these rows; returns the ids replayed. */
  async replay(db: OutboxDb, ids: readonly string[]): Promise<string[]> {
    const rows = returnedRows<{ id: string }>(await db.query(this.replayStatement(), [[...ids]]));
    return rows.map((r) => r.id);
  }

  /**
   * IN_FLIGHT and not touched for stuckAfterMs: its worker died mid-send. The receiver may have
   * the document, so the next attempt looks it up before sending again.
   */
  async recoverStuck(stuckAfterMs: number): Promise<number> {
    const rows = returnedRows(await this.dataSource.query(
      `UPDATE ${this.table} SET status = 'RETRYING', lookup_first = true, next_attempt_at = now(), updated_at = now(),
              last_error = 'in flight too long; the outcome is unknown', last_error_kind = 'AMBIGUOUS'
       WHERE status = 'IN_FLIGHT' AND updated_at < now() - ($1 * interval '1 millisecond') RETURNING id`,
      [stuckAfterMs],
    ));
    return rows.length;
  }

  /** A live worker vouches for the rows it has in flight, so that recovery leaves them alone. */
  async renew(ids: readonly string[]): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.table} SET updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'IN_FLIGHT'`, [[...ids]]);
  }
}
