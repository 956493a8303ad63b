import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction, returnedRows } from '../../platform/database/sql.js';
import { DUE_PAYLOAD_SQL, POSTINGS_DUE_CHANNEL } from './outbox/posting-outbox.js';
import type { DocumentType } from './posting-documents.js';
import { ORDER_ROW_SQL, type OrderRow } from './sales-order-builder.js';

export interface ReplayFilter {
  readonly targetId?: string;
  readonly status?: 'DEAD' | 'RETRYING';
  readonly errorCode?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export interface ClaimedPosting {
  readonly id: string;
  readonly targetId: string;
  readonly orderId: string;
  readonly documentType: DocumentType;
  readonly documentKey: string;
  readonly attempts: number;
  readonly lookupFirst: boolean;
  readonly correlationId: string;
  readonly orderChannel: string;
  readonly orderExternalId: string;
  /** The order's version when claimed, and whether the posting was its only one then. */
  readonly orderVersion: number;
  readonly alone: boolean;
  /** The order with its lines, read by the claim (ORDER_ROW_SQL). */
  readonly orderRow: OrderRow | null;
}

const POSTED_SET = `status = 'POSTED', erp_internal_id = $2, erp_document_number = $3, posted_at = now(), updated_at = now(),
  last_error = NULL, last_error_kind = NULL, last_error_code = NULL, lookup_first = false`;
const POSTED_HISTORY = 'posted to every ERP target it routes to';

/**
 * SQL for postings; every state change is one guarded UPDATE, so a stale job changes nothing.
 * The outcome of an attempt is written only while the posting is still IN_FLIGHT under that
 * attempt: a worker that lost its posting to recovery cannot overwrite the next attempt's.
 */
@Injectable()
export class PostingStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * PENDING or RETRYING and due → IN_FLIGHT, attempts + 1; null when someone else has it,
   * it is not due, or (for documents acting on a sales order) another document of the same
   * order is in flight to the same ERP: fulfilments and line changes of one order edit one
   * ERP record, and two at once would race on it. Those wait for the relay's next round.
   */
  async claim(id: string, worker: string): Promise<ClaimedPosting | null> {
    // Sales orders, nearly all the traffic, are claimed in one statement.
    const salesOrder = await this.claimNow(this.dataSource, id, false, worker);
    if (salesOrder) return salesOrder;
    return inTransaction(this.dataSource, async (runner) => {
      // The order's sales-order posting row is the per-order mutex; the claim after it sees every claim committed before.
      const locked: unknown[] = await runner.query(
        `SELECT so.id FROM postings p
         JOIN postings so ON so.order_id = p.order_id AND so.target_id = p.target_id AND so.document_type = 'SALES_ORDER'
         WHERE p.id = $1 AND p.document_type <> 'SALES_ORDER' FOR UPDATE OF so`,
        [id],
      );
      return locked.length > 0 ? this.claimNow(runner, id, true, worker) : null;
    });
  }

  private async claimNow(db: Pick<DataSource, 'query'>, id: string, followUp: boolean, worker: string): Promise<ClaimedPosting | null> {
    const rows = returnedRows<Record<string, unknown>>(await db.query(
      `UPDATE postings p SET status = 'IN_FLIGHT', attempts = p.attempts + 1, updated_at = now(), claimed_by = $3,
              first_attempt_at = coalesce(p.first_attempt_at, now())
       FROM orders o
       WHERE p.id = $1 AND p.status IN ('PENDING', 'RETRYING') AND p.next_attempt_at <= now() AND o.id = p.order_id
         AND (p.document_type = 'SALES_ORDER') <> $2
         AND (NOT $2 OR NOT EXISTS (
           SELECT 1 FROM postings s WHERE s.order_id = p.order_id AND s.target_id = p.target_id AND s.id <> p.id
             AND s.document_type <> 'SALES_ORDER' AND s.status = 'IN_FLIGHT'))
       RETURNING p.id, p.target_id, p.order_id, p.document_type, p.document_key, p.attempts, p.lookup_first, p.correlation_id,
                 o.channel, o.external_id, o.version AS order_version,
                 NOT EXISTS (SELECT 1 FROM postings q WHERE q.order_id = p.order_id AND q.id <> p.id) AS alone,
                 ${ORDER_ROW_SQL} AS order_row`,
      [id, followUp, worker],
    ));
    const r = rows[0];
    return r
      ? {
          id: r.id as string, targetId: r.target_id as string, orderId: r.order_id as string, documentType: r.document_type as DocumentType,
          documentKey: r.document_key as string, attempts: r.attempts as number, lookupFirst: r.lookup_first as boolean,
          correlationId: r.correlation_id as string, orderChannel: r.channel as string, orderExternalId: r.external_id as string,
          orderVersion: r.order_version as number, alone: r.alone as boolean, orderRow: (r.order_row as OrderRow | null) ?? null,
        }
      : null;
  }

  /**
   * POSTED with the ERP's ids. A sales order landing re-drives the documents waiting for
   * it (fulfilments, line changes) at once; the order becomes POSTED when every target
   * holds its sales order.
   */
  async posted(posting: ClaimedPosting, internalId: string, documentNumber: string | null): Promise<void> {
    if (posting.alone && (await this.postedAlone(posting, internalId, documentNumber))) return;
    await inTransaction(this.dataSource, async (runner) => {
      const updated = returnedRows(await runner.query(
        `UPDATE postings SET ${POSTED_SET} WHERE id = $1 AND status = 'IN_FLIGHT' AND attempts = $4 RETURNING id`,
        [posting.id, internalId, documentNumber, posting.attempts],
      ));
      if (updated.length === 0 || posting.documentType !== 'SALES_ORDER') return;
      await runner.query(
        `WITH due AS (
           UPDATE postings SET next_attempt_at = now(), updated_at = now()
           WHERE order_id = $1 AND target_id = $2 AND document_type <> 'SALES_ORDER' AND status = 'RETRYING' AND last_error_kind = 'MISSING_DEPENDENCY'
           RETURNING id, target_id, attempts
         )
         SELECT id, pg_notify($3, ${DUE_PAYLOAD_SQL}) FROM due`,
        [posting.orderId, posting.targetId, POSTINGS_DUE_CHANNEL],
      );
      const [order]: { status: string }[] = await runner.query('SELECT status FROM orders WHERE id = $1 FOR UPDATE', [posting.orderId]);
      const [open]: { n: number }[] = await runner.query(
        `SELECT count(*)::int AS n FROM postings WHERE order_id = $1 AND document_type = 'SALES_ORDER' AND status <> 'POSTED'`,
        [posting.orderId],
      );
      if (order?.status !== 'RELEASED' || open.n > 0) return;
      await runner.query(`UPDATE orders SET status = 'POSTED', updated_at = now() WHERE id = $1`, [posting.orderId]);
      await runner.query(
        `INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id)
         VALUES ($1, 'RELEASED', 'POSTED', '{}', $2, $3)`,
        [posting.orderId, POSTED_HISTORY, posting.correlationId],
      );
    });
  }

  /**
   * The usual case, one target, in one statement: the posting and its order move together.
   * Done (true) only while the order still has no other posting and has not changed since
   * the claim. A posting for another target is inserted only by a release, which changes the
   * order under its row lock, so a changed version is what would let a new sibling slip past
   * this statement's snapshot; then (false) the caller takes the locking path.
   */
  private async postedAlone(posting: ClaimedPosting, internalId: string, documentNumber: string | null): Promise<boolean> {
    const [row]: { done: number }[] = await this.dataSource.query(
      `WITH head AS (
         SELECT o.id, o.status FROM orders o
         WHERE o.id = $5 AND o.version = $6 AND NOT EXISTS (SELECT 1 FROM postings q WHERE q.order_id = o.id AND q.id <> $1)
         FOR UPDATE
       ), done AS (
         UPDATE postings SET ${POSTED_SET}
         WHERE id = $1 AND status = 'IN_FLIGHT' AND attempts = $4 AND EXISTS (SELECT 1 FROM head) RETURNING id
       ), moved AS (
         UPDATE orders SET status = 'POSTED', updated_at = now()
         WHERE id IN (SELECT id FROM head WHERE status = 'RELEASED') AND EXISTS (SELECT 1 FROM done) RETURNING id
       ), history AS (
         INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id)
         SELECT id, 'RELEASED', 'POSTED', '{}', $7, $8 FROM moved RETURNING id
       )
       SELECT (SELECT count(*) FROM done)::int AS done, (SELECT count(*) FROM history)::int AS history`,
      [posting.id, internalId, documentNumber, posting.attempts, posting.orderId, posting.orderVersion, POSTED_HISTORY, posting.correlationId],
    );
    return row.done === 1;
  }

  /**
   * RETRYING after the given delay. A document waiting for its sales order is due at once if
   * that landed meanwhile: the landing re-drives only documents already RETRYING, and this
   * one was still IN_FLIGHT then. Returns the delay that applies.
   */
  async retry(posting: ClaimedPosting, delayMs: number, lookupFirst: boolean, error: { message: string; kind: string; code?: string }): Promise<number> {
    const rows = returnedRows<{ due_now: boolean }>(await this.dataSource.query(
      `UPDATE postings p SET status = 'RETRYING', lookup_first = $3,
              next_attempt_at = CASE WHEN $6 = 'SALES_ORDER_PENDING' AND EXISTS (
                SELECT 1 FROM postings so WHERE so.order_id = p.order_id AND so.target_id = p.target_id
                  AND so.document_type = 'SALES_ORDER' AND so.status = 'POSTED') THEN now() ELSE now() + ($2 * interval '1 millisecond') END,
              last_error = $4, last_error_kind = $5, last_error_code = $6, updated_at = now()
       WHERE p.id = $1 AND p.status = 'IN_FLIGHT' AND p.attempts = $7
       RETURNING p.next_attempt_at <= now() AS due_now`,
      [posting.id, delayMs, lookupFirst, error.message.slice(0, 2000), error.kind, error.code ?? null, posting.attempts],
    ));
    return rows[0]?.due_now ? 0 : delayMs;
  }

  async dead(posting: ClaimedPosting, error: { message: string; kind: string; code?: string }): Promise<void> {
    await this.dataSource.query(
      `UPDATE postings SET status = 'DEAD', last_error = $2, last_error_kind = $3, last_error_code = $4, updated_at = now()
       WHERE id = $1 AND status = 'IN_FLIGHT' AND attempts = $5`,
      [posting.id, error.message.slice(0, 2000), error.kind, error.code ?? null, posting.attempts],
    );
  }

  /** Due postings for the relay, oldest first. */
  async due(limit: number): Promise<{ id: string; target_id: string; attempts: number }[]> {
    return this.dataSource.query(
      `SELECT id, target_id, attempts FROM postings
       WHERE status IN ('PENDING', 'RETRYING') AND next_attempt_at <= now()
       ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
  }

  /** A live worker vouches for the postings it has in flight, so that recovery leaves them alone. */
  async renew(ids: readonly string[]): Promise<void> {
    await this.dataSource.query(`UPDATE postings SET updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'IN_FLIGHT'`, [[...ids]]);
  }

  /**
   * IN_FLIGHT and not renewed for stuckAfterMs: its worker died mid-call. The ERP may have the
   * document, so the next attempt looks it up before sending again.
   */
  async recoverStuck(stuckAfterMs: number): Promise<number> {
    const rows = returnedRows(await this.dataSource.query(
      `UPDATE postings SET status = 'RETRYING', lookup_first = true, next_attempt_at = now(), updated_at = now(),
              last_error = 'in flight too long; the outcome is unknown', last_error_kind = 'AMBIGUOUS'
       WHERE status = 'IN_FLIGHT' AND updated_at < now() - ($1 * interval '1 millisecond') RETURNING id`,
      [stuckAfterMs],
    ));
    return rows.length;
  }

  /**
   * The postings a bulk replay would send: DEAD or RETRYING ones matching every given
   * filter (target, status, error code or kind, last change within a time range).
   */
  async replayable(filter: ReplayFilter, limit: number): Promise<{ id: string; target_id: string; order_id: string; status: string; last_error_code: string | null; last_error: string | null }[]> {
    return this.dataSource.query(
      `SELECT id, target_id, order_id, status, last_error_code, last_error FROM postings
       WHERE status IN ('DEAD', 'RETRYING')
         AND ($1::text IS NULL OR target_id = $1) AND ($2::text IS NULL OR status = $2)
         AND ($3::text IS NULL OR last_error_code = $3 OR last_error_kind = $3)
         AND ($4::timestamptz IS NULL OR updated_at >= $4) AND ($5::timestamptz IS NULL OR updated_at < $5)
       ORDER BY updated_at LIMIT $6`,
      [filter.targetId ?? null, filter.status ?? null, filter.errorCode ?? null, filter.from ?? null, filter.to ?? null, limit],
    );
  }

  /** Replay: a DEAD (or RETRYING) posting is sent again now, looking the document up first. */
  async replay(ids: readonly string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH replayed AS (
         UPDATE postings SET status = 'RETRYING', next_attempt_at = now(), lookup_first = true, attempts = 0, updated_at = now()
         WHERE id = ANY($1::uuid[]) AND status IN ('DEAD', 'RETRYING') RETURNING id, target_id, attempts
       )
       SELECT id, pg_notify($2, ${DUE_PAYLOAD_SQL}) FROM replayed`,
      [[...ids], POSTINGS_DUE_CHANNEL],
    );
    return rows.map((r) => r.id);
  }
}
