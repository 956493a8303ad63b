import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../../platform/database/sql.js';

/** A sales order key watched after an ambiguous outcome, with its posting's state. */
export interface KeyWatch {
  readonly postingId: string;
  readonly targetId: string;
  readonly externalKey: string;
  readonly postingStatus: string;
  /** The document the posting landed as: the one to keep. Null until it is POSTED. */
  readonly keptInternalId: string | null;
}

export interface DuplicateFound {
  readonly postingId: string;
  readonly targetId: string;
  readonly externalKey: string;
  readonly keptInternalId: string;
  readonly internalId: string;
  readonly documentNumber: string | null;
  readonly outcome: 'DELETED' | 'FLAGGED';
  readonly note: string;
}

/**
 * SQL for the keys watched after an ambiguous outcome (erp_key_watches) and the extra documents
 * found under them (erp_duplicate_documents): the operator's list of what was deleted or needs a person.
 */
@Injectable()
export class KeyWatchStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** An ambiguous outcome of the posting: watch its key from now for watchMs (longer if already watched longer). */
  async ambiguous(postingId: string, targetId: string, externalKey: string, watchMs: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO erp_key_watches (posting_id, target_id, external_key, ambiguous_at, watch_until)
       VALUES ($1, $2, $3, now(), now() + ($4 * interval '1 millisecond'))
       ON CONFLICT (posting_id) DO UPDATE SET ambiguous_at = now(), external_key = EXCLUDED.external_key,
         watch_until = greatest(erp_key_watches.watch_until, EXCLUDED.watch_until), scanned_at = NULL`,
      [postingId, targetId, externalKey, watchMs],
    );
  }

  /** Milliseconds since the posting's last ambiguous outcome; null when it had none. */
  async sinceAmbiguous(postingId: string): Promise<number | null> {
    const rows: { ms: number }[] = await this.dataSource.query(
      `SELECT (extract(epoch FROM now() - ambiguous_at) * 1000)::float8 AS ms FROM erp_key_watches WHERE posting_id = $1`,
      [postingId],
    );
    return rows[0] ? Number(rows[0].ms) : null;
  }

  /** Watches still running and not looked at within everyMs, oldest look first. */
  async due(everyMs: number, limit: number): Promise<KeyWatch[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT w.posting_id, w.target_id, w.external_key, p.status, p.erp_internal_id
       FROM erp_key_watches w JOIN postings p ON p.id = w.posting_id
       WHERE w.watch_until > now() AND (w.scanned_at IS NULL OR w.scanned_at <= now() - ($1 * interval '1 millisecond'))
       ORDER BY w.scanned_at NULLS FIRST LIMIT $2`,
      [everyMs, limit],
    );
    return rows.map((r) => ({
      postingId: r.posting_id as string, targetId: r.target_id as string, externalKey: r.external_key as string,
      postingStatus: r.status as string, keptInternalId: r.status === 'POSTED' ? (r.erp_internal_id as string | null) : null,
    }));
  }

  /** The sales order postings of the target that landed as one of these documents. */
  async landedAs(targetId: string, internalIds: readonly string[]): Promise<{ postingId: string; internalId: string }[]> {
    const rows: { id: string; erp_internal_id: string }[] = await this.dataSource.query(
      `SELECT id, erp_internal_id FROM postings
       WHERE target_id = $1 AND status = 'POSTED' AND document_type = 'SALES_ORDER' AND lower(erp_internal_id) = ANY($2::text[])`,
      [targetId, internalIds.map((id) => id.toLowerCase())],
    );
    return rows.map((r) => ({ postingId: r.id, internalId: r.erp_internal_id }));
  }

  async scanned(postingId: string): Promise<void> {
    await this.dataSource.query('UPDATE erp_key_watches SET scanned_at = now() WHERE posting_id = $1', [postingId]);
  }

  /** The target cannot hold two documents with one key: nothing to watch. */
  async stop(postingId: string): Promise<void> {
    await this.dataSource.query('UPDATE erp_key_watches SET watch_until = greatest(ambiguous_at, now()), scanned_at = now() WHERE posting_id = $1', [postingId]);
  }

  /** Records an extra document; false when it was already recorded (a flagged one is seen on every scan). */
  async found(d: DuplicateFound): Promise<boolean> {
    const rows = returnedRows(await this.dataSource.query(
      `INSERT INTO erp_duplicate_documents (posting_id, target_id, document_key, kept_internal_id, erp_internal_id, erp_document_number, outcome, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (target_id, erp_internal_id) DO NOTHING RETURNING id`,
      [d.postingId, d.targetId, d.externalKey, d.keptInternalId, d.internalId, d.documentNumber, d.outcome, d.note.slice(0, 2000)],
    ));
    return rows.length > 0;
  }
}
