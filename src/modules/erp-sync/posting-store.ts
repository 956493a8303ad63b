import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction, returnedRows } from '../../platform/database/sql.js';
import type { FailureDetail, OutboxClaim } from '../../platform/outbox/outbox-attempt.js';
import { OutboxSql } from '../../platform/outbox/outbox-sql.js';
import { DUE_PAYLOAD_SQL, POSTINGS_DUE_CHANNEL } from './outbox/posting-outbox.js';
import { PostingDocuments, type PostingSubject } from './posting-documents.js';

export interface ReplayFilter {
  readonly targetId?: string;
  readonly status?: 'DEAD' | 'RETRYING';
  readonly errorCode?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export interface ClaimedPosting extends PostingSubject, OutboxClaim {}

/** The code of a document refused before sending because it does not add up to its subject's money. */
const DOCUMENT_REFUSED = 'DOCUMENT_TOTAL_MISMATCH';

const POSTED_SET = `status = 'POSTED', erp_internal_id = $2, erp_document_number = $3, posted_at = now(), updated_at = now(),
  last_error = NULL, last_error_kind = NULL, last_error_code = NULL, lookup_first = false`;

/** The read-back columns of a landing, from parameter $n on: erp_total, its currency, expected_total, variance, read_back_currency. */
const totalsSet = (n: number): string =>
  `erp_total = $${n}, erp_total_currency = $${n + 1}, expected_total = $${n + 2}, variance = $${n + 3}, read_back_currency = $${n + 4}`;

/** What the ERP said the document adds up to, beside what the hub's document adds up to (see posting-totals.ts). */
export interface PostedTotals {
  readonly erpTotal: bigint | null;
  readonly currency: string | null;
  readonly expectedTotal: bigint | null;
  readonly variance: bigint | null;
  /** Set while the ERP's total is still to be read (in a batch, read-back/): the currency to read it in. */
  readonly readBackCurrency?: string | null;
}

const NO_TOTALS: PostedTotals = { erpTotal: null, currency: null, expectedTotal: null, variance: null };
const totalsParams = (t: PostedTotals): unknown[] =>
  [t.erpTotal?.toString() ?? null, t.currency, t.expectedTotal?.toString() ?? null, t.variance?.toString() ?? null, t.readBackCurrency ?? null];

/**
 * SQL for postings; every state change is one guarded UPDATE, so a stale job changes nothing.
 * The outcome of an attempt is written only while the posting is still IN_FLIGHT under that
 * attempt: a worker that lost its posting to recovery cannot overwrite the next attempt's.
 * A posting is one document about one subject to one target; a posting that acts on another
 * (depends_on: a fulfilment or line change acts on the target's sales order) waits for it.
 */
@Injectable()
export class PostingStore {
  private readonly outbox: OutboxSql;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PostingDocuments) private readonly documents: PostingDocuments,
  ) {
    this.outbox = new OutboxSql(dataSource, 'postings', { errorCode: true });
  }

  /**
   * PENDING or RETRYING and due → IN_FLIGHT, attempts + 1; null when someone else has it,
   * it is not due, or (for documents acting on another posting) another document acting on
   * the same posting is in flight: fulfilments and line changes of one order edit one ERP
   * record, and two at once would race on it. Those wait for the relay's next round.
   */
  async claim(id: string, worker: string): Promise<ClaimedPosting | null> {
    // Primary documents (sales orders), nearly all the traffic, are claimed in one statement.
    const primary = await this.claimNow(this.dataSource, id, false, worker);
    if (primary) return primary;
    return inTransaction(this.dataSource, async (runner) => {
      // The posting acted on is the mutex of the documents acting on it; the claim after it sees every claim committed before.
      const locked: unknown[] = await runner.query(
        `SELECT d.id FROM postings p JOIN postings d ON d.id = p.depends_on WHERE p.id = $1 FOR UPDATE OF d`,
        [id],
      );
      return locked.length > 0 ? this.claimNow(runner, id, true, worker) : null;
    });
  }

  private async claimNow(db: Pick<DataSource, 'query'>, id: string, followUp: boolean, worker: string): Promise<ClaimedPosting | null> {
    const rows = returnedRows<Record<string, unknown>>(await db.query(
      `UPDATE postings p SET status = 'IN_FLIGHT', attempts = p.attempts + 1, updated_at = now(), claimed_by = $3,
              first_attempt_at = coalesce(p.first_attempt_at, now())
       WHERE p.id = $1 AND p.status IN ('PENDING', 'RETRYING') AND p.next_attempt_at <= now()
         AND (p.depends_on IS NOT NULL) = $2
         AND (NOT $2 OR NOT EXISTS (
           SELECT 1 FROM postings s WHERE s.depends_on = p.depends_on AND s.id <> p.id AND s.status = 'IN_FLIGHT'))
       RETURNING p.id, p.target_id, p.subject_type, p.subject_id, p.document_type, p.document_key, p.attempts, p.lookup_first,
                 p.correlation_id, p.depends_on,
                 (SELECT json_build_object('documentType', d.document_type,
                           'internalId', CASE WHEN d.status = 'POSTED' THEN d.erp_internal_id END,
                           'documentNumber', CASE WHEN d.status = 'POSTED' THEN d.erp_document_number END)
                  FROM postings d WHERE d.id = p.depends_on) AS dependency`,
      [id, followUp, worker],
    ));
    const r = rows[0];
    return r
      ? {
          id: r.id as string, targetId: r.target_id as string, subjectType: r.subject_type as string, subjectId: r.subject_id as string,
          documentType: r.document_type as string, documentKey: r.document_key as string, attempts: r.attempts as number,
          lookupFirst: r.lookup_first as boolean, correlationId: r.correlation_id as string, dependsOn: (r.depends_on as string | null) ?? null,
          dependency: (r.dependency as ClaimedPosting['dependency']) ?? null,
        }
      : null;
  }

  /**
   * POSTED with the ERP's ids. A primary document landing re-drives the documents waiting for
   * it (fulfilments, line changes) at once; when the last open primary document of its subject
   * landed, the subject's module hears of it (a RELEASED order becomes POSTED). That happens
   * under the subject's row lock, taken first: whatever adds a primary document to the subject
   * (a release) holds the same lock, so the count of open ones sees every committed sibling and
   * misses none in flight, and exactly one landing sees none left.
   */
  async posted(posting: ClaimedPosting, internalId: string, documentNumber: string | null, totals: PostedTotals = NO_TOTALS): Promise<void> {
    const subject = this.documents.subject(posting.subjectType);
    if (posting.dependsOn) {
      // Nothing waits for a document that acts on another; its subject hears of it if it asks to.
      const sql = `UPDATE postings SET ${POSTED_SET}, ${totalsSet(5)} WHERE id = $1 AND status = 'IN_FLIGHT' AND attempts = $4 RETURNING id`;
      const params = [posting.id, internalId, documentNumber, posting.attempts, ...totalsParams(totals)];
      if (!subject.documentPosted) {
        await this.dataSource.query(sql, params);
        return;
      }
      await inTransaction(this.dataSource, async (runner) => {
        const head = await subject.lock(runner, posting.subjectId);
        const done = returnedRows(await runner.query(sql, params));
        if (!head || done.length !== 1) return;
        const [{ open }]: { open: number }[] = await runner.query(
          `SELECT count(*)::int AS open FROM postings WHERE subject_type = $1 AND subject_id = $2 AND document_type = $3 AND status NOT IN ('POSTED', 'WITHDRAWN')`,
          [posting.subjectType, posting.subjectId, posting.documentType],
        );
        await subject.documentPosted!(runner, head, { documentType: posting.documentType, openOfType: open }, { correlationId: posting.correlationId });
      });
      return;
    }
    await inTransaction(this.dataSource, async (runner) => {
      const head = await subject.lock(runner, posting.subjectId);
      const [row]: { done: number; open: number }[] = await runner.query(
        `WITH done AS (
           UPDATE postings SET ${POSTED_SET}, ${totalsSet(8)} WHERE id = $1 AND status = 'IN_FLIGHT' AND attempts = $4 RETURNING id
         ), due AS (
           UPDATE postings SET next_attempt_at = now(), updated_at = now()
           WHERE depends_on = $1 AND status = 'RETRYING' AND last_error_kind = 'MISSING_DEPENDENCY' AND EXISTS (SELECT 1 FROM done)
           RETURNING id, target_id, attempts
         ), notified AS (
           SELECT pg_notify($5, ${DUE_PAYLOAD_SQL}) FROM due
         )
         SELECT (SELECT count(*) FROM done)::int AS done, (SELECT count(*) FROM notified)::int AS notified,
                (SELECT count(*) FROM postings WHERE subject_type = $6 AND subject_id = $7 AND depends_on IS NULL AND id <> $1
                   AND status <> 'POSTED')::int AS open`,
        [posting.id, internalId, documentNumber, posting.attempts, POSTINGS_DUE_CHANNEL, posting.subjectType, posting.subjectId, ...totalsParams(totals)],
      );
      if (head && row.done === 1 && row.open === 0) await subject.primaryDocumentsPosted(runner, head, { correlationId: posting.correlationId });
    });
  }

  /**
   * RETRYING after the given delay. A document waiting for the posting it acts on (its sales
   * order) is due at once if that landed meanwhile: the landing re-drives only documents already RETRYING, and this
   * one was still IN_FLIGHT then. Returns the delay that applies.
   */
  async retry(posting: ClaimedPosting, delayMs: number, lookupFirst: boolean, error: FailureDetail): Promise<number> {
    const { dueNow } = await this.outbox.retry(this.dataSource, posting.id, delayMs, lookupFirst, error, {
      attempt: posting.attempts,
      dueNowIf: (code) => `EXISTS (SELECT 1 FROM postings d WHERE d.id = r.depends_on AND d.status = 'POSTED' AND ${code} = d.document_type || '_PENDING')`,
    });
    return dueNow ? 0 : delayMs;
  }

  async dead(posting: ClaimedPosting, error: FailureDetail): Promise<void> {
    const subject = error.code === DOCUMENT_REFUSED ? this.documents.subject(posting.subjectType) : undefined;
    if (!subject?.documentRefused) {
      await this.outbox.dead(this.dataSource, posting.id, error, posting.attempts);
      return;
    }
    // A document refused for not adding up holds its subject, in the transaction that marks it DEAD.
    await inTransaction(this.dataSource, async (runner) => {
      const head = await subject.lock(runner, posting.subjectId);
      const dead = await this.outbox.dead(runner, posting.id, error, posting.attempts);
      if (head && dead) {
        await subject.documentRefused!(runner, head, { code: DOCUMENT_REFUSED, message: error.message }, { correlationId: posting.correlationId });
      }
    });
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
    await this.outbox.renew(ids);
  }

  /**
   * IN_FLIGHT and not renewed for stuckAfterMs: its worker died mid-call. The ERP may have the
   * document, so the next attempt looks it up before sending again.
   */
  async recoverStuck(stuckAfterMs: number): Promise<number> {
    return this.outbox.recoverStuck(stuckAfterMs);
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
      `WITH replayed AS (${this.outbox.replayStatement('id, target_id, attempts')})
       SELECT id, pg_notify($2, ${DUE_PAYLOAD_SQL}) FROM replayed`,
      [[...ids], POSTINGS_DUE_CHANNEL],
    );
    return rows.map((r) => r.id);
  }
}
