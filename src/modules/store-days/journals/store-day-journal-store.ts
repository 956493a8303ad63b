import type { DataSource, QueryRunner } from 'typeorm';
import { returnedRows } from '../../../platform/database/sql.js';

export type StoreDayJournalState = 'PENDING' | 'POSTED' | 'HELD';

export interface StoreDayJournalHead {
  readonly id: string;
  readonly state: StoreDayJournalState;
}

export interface StoreDayJournalRow {
  readonly id: string;
  readonly externalId: string;
  readonly channel: string;
  readonly store: string;
  readonly businessDate: string;
  readonly currency: string;
  readonly amount: bigint;
  readonly seq: number;
}

/** store_day_journals: the subject rows of store days' variance journal postings. */
export class StoreDayJournalStore {
  async lock(runner: QueryRunner, id: string): Promise<StoreDayJournalHead | null> {
    const rows: StoreDayJournalHead[] = await runner.query('SELECT id, state FROM store_day_journals WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] ?? null;
  }

  async setState(runner: QueryRunner, id: string, state: StoreDayJournalState, hold: { code: string; reason: string } | null): Promise<void> {
    returnedRows(await runner.query(
      'UPDATE store_day_journals SET state = $2, hold_code = $3, hold_reason = $4, updated_at = now() WHERE id = $1',
      [id, state, hold?.code ?? null, hold?.reason ?? null]));
  }

  async forJournal(db: DataSource, id: string): Promise<StoreDayJournalRow | null> {
    const rows: { id: string; external_id: string; channel: string; store: string; business_date: string; currency: string; amount: string; seq: number }[] = await db.query(
      `SELECT j.id, j.external_id, d.channel, d.store, d.business_date::text AS business_date, j.currency, j.amount::text AS amount, j.seq
       FROM store_day_journals j JOIN store_days d ON d.id = j.store_day_id WHERE j.id = $1`, [id]);
    const r = rows[0];
    return r ? { id: r.id, externalId: r.external_id, channel: r.channel, store: r.store, businessDate: r.business_date, currency: r.currency, amount: BigInt(r.amount), seq: r.seq } : null;
  }
}
