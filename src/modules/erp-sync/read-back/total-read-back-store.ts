import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../../platform/database/sql.js';

/** A posted document whose ERP total is still to be read. */
export interface PendingReadBack {
  readonly postingId: string;
  readonly internalId: string;
  readonly currency: string;
  /** Posted long enough ago that a document the ERP does not find is given up on. */
  readonly overdue: boolean;
}

/** A total read, as the posting now holds it. */
export interface ReadBackLanded {
  readonly postingId: string;
  readonly erpTotal: bigint;
  readonly expectedTotal: bigint;
  readonly variance: bigint;
  readonly currency: string;
}

export interface ReadBackFound {
  readonly postingId: string;
  readonly erpTotal: bigint;
  readonly documentNumber: string | null;
}

/** The postings' read-back columns (migration 1764493000000); the posting store writes the rest. */
@Injectable()
export class TotalReadBackStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The oldest pending read-backs of one target. */
  async pending(targetId: string, limit: number, overdueAfterMs: number): Promise<PendingReadBack[]> {
    const rows: { id: string; erp_internal_id: string; read_back_currency: string; overdue: boolean }[] = await this.dataSource.query(
      `SELECT id, erp_internal_id, read_back_currency, posted_at < now() - ($3 * interval '1 millisecond') AS overdue
       FROM postings WHERE target_id = $1 AND read_back_currency IS NOT NULL AND erp_internal_id IS NOT NULL
       ORDER BY posted_at LIMIT $2`,
      [targetId, limit, overdueAfterMs],
    );
    return rows.map((r) => ({ postingId: r.id, internalId: r.erp_internal_id, currency: r.read_back_currency, overdue: r.overdue }));
  }

  /** Keeps the totals read, with the variance against the document's own total; one statement for the batch. */
  async landed(found: readonly ReadBackFound[]): Promise<ReadBackLanded[]> {
    if (found.length === 0) return [];
    const rows = returnedRows<{ id: string; erp_total: string; expected_total: string; variance: string; erp_total_currency: string }>(await this.dataSource.query(
      `UPDATE postings p SET erp_total = r.total, erp_total_currency = p.read_back_currency, variance = r.total - p.expected_total,
              erp_document_number = coalesce(p.erp_document_number, r.number), read_back_currency = NULL, updated_at = now()
       FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS r(id, total, number)
       WHERE p.id = r.id AND p.read_back_currency IS NOT NULL
       RETURNING p.id, p.erp_total::text, p.expected_total::text, p.variance::text, p.erp_total_currency`,
      [found.map((f) => f.postingId), found.map((f) => f.erpTotal.toString()), found.map((f) => f.documentNumber)],
    ));
    return rows.map((r) => ({
      postingId: r.id, erpTotal: BigInt(r.erp_total), expectedTotal: BigInt(r.expected_total), variance: BigInt(r.variance), currency: r.erp_total_currency,
    }));
  }

  /** Stops reading these: the ERP does not know them, or answered a total that is no amount of the currency. */
  async giveUp(postingIds: readonly string[]): Promise<void> {
    if (postingIds.length === 0) return;
    await this.dataSource.query(`UPDATE postings SET read_back_currency = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`, [postingIds]);
  }
}
