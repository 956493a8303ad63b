import type { DataSource, QueryRunner } from 'typeorm';
import { returnedRows } from '../../../platform/database/sql.js';

export interface SummarySales {
  readonly storeDayId: string;
  readonly channel: string;
  readonly store: string;
  readonly businessDate: string;
  readonly seq: number;
  /** The sales' transaction ids (the orders' external ids), in the order they were made. */
  readonly transactionIds: readonly string[];
}

/**
 * Which sales each daily summary holds: at the close every sale of the day not yet in one is
 * summary 1; a sale counted after the close is a summary of its own. Numbers only grow, and a sale
 * is given one once, so no sale is in two summaries or, once its day closed, in none.
 */
export class SummaryStore {
  /** Gives the day's unsummarised sales the next number; that number, or null when there were none. Under the day's lock. */
  async assign(runner: QueryRunner, storeDayId: string, transactionId?: string): Promise<number | null> {
    const [day]: { summaries: number }[] = await runner.query('SELECT summaries FROM store_days WHERE id = $1', [storeDayId]);
    const seq = day.summaries + 1;
    const assigned = returnedRows<{ transaction_id: string }>(await runner.query(
      `UPDATE store_day_transactions SET summary_seq = $2
       WHERE store_day_id = $1 AND kind = 'SALE' AND summary_seq IS NULL AND ($3::text IS NULL OR transaction_id = $3) RETURNING transaction_id`,
      [storeDayId, seq, transactionId ?? null],
    ));
    if (assigned.length === 0) return null;
    await runner.query('UPDATE store_days SET summaries = $2 WHERE id = $1', [storeDayId, seq]);
    return seq;
  }

  async sales(db: DataSource, storeDayId: string, seq: number): Promise<SummarySales | null> {
    const rows: { channel: string; store: string; business_date: string; transaction_id: string }[] = await db.query(
      `SELECT d.channel, d.store, d.business_date::text AS business_date, t.transaction_id
       FROM store_days d JOIN store_day_transactions t ON t.store_day_id = d.id
       WHERE d.id = $1 AND t.summary_seq = $2 ORDER BY t.at, t.transaction_id`,
      [storeDayId, seq],
    );
    if (rows.length === 0) return null;
    return { storeDayId, channel: rows[0].channel, store: rows[0].store, businessDate: rows[0].business_date, seq, transactionIds: rows.map((r) => r.transaction_id) };
  }

  async lock(runner: QueryRunner, storeDayId: string): Promise<{ id: string } | null> {
    const rows: { id: string }[] = await runner.query('SELECT id FROM store_days WHERE id = $1 FOR UPDATE', [storeDayId]);
    return rows[0] ?? null;
  }
}
