import type { QueryRunner } from 'typeorm';
import type { StoreDayClose, TillCount, TillTransaction } from '../../canonical/store-day.js';
import { returnedRows } from '../../platform/database/sql.js';
import type { CashLine, CountedTransaction } from './store-day-cash.js';

export interface StoreDayHead {
  readonly id: string;
  readonly channel: string;
  readonly store: string;
  readonly businessDate: string;
  readonly closed: boolean;
  readonly closeFingerprint: string | null;
}

export type StoreDayEventKind = 'CLOSED' | 'CLOSED_AGAIN_SAME' | 'RECOUNTED' | 'RESTATED';

type HeadRow = { id: string; channel: string; store: string; business_date: string; closed: boolean; close_fingerprint: string | null };
const head = (r: HeadRow): StoreDayHead => ({ id: r.id, channel: r.channel, store: r.store, businessDate: r.business_date, closed: r.closed, closeFingerprint: r.close_fingerprint });

/** The SQL of store days, always on the caller's runner (one transaction spans the delivery). */
export class StoreDayStore {
  /** The day's row, created when it is first named, locked for the rest of the caller's transaction. */
  async lockOrCreate(runner: QueryRunner, key: { channel: string; store: string; businessDate: string; timeZone: string | null }): Promise<StoreDayHead> {
    await runner.query(
      `INSERT INTO store_days (channel, store, business_date, time_zone) VALUES ($1, $2, $3::date, $4) ON CONFLICT (channel, store, business_date) DO NOTHING`,
      [key.channel, key.store, key.businessDate, key.timeZone]);
    const rows: HeadRow[] = await runner.query(
      `SELECT id, channel, store, business_date::text AS business_date, closed, close_fingerprint FROM store_days
       WHERE channel = $1 AND store = $2 AND business_date = $3::date FOR UPDATE`, [key.channel, key.store, key.businessDate]);
    return head(rows[0]);
  }

  /** True when the transaction is new to the day. */
  async addTransaction(runner: QueryRunner, dayId: string, t: TillTransaction, inboxId: string | null): Promise<boolean> {
    const rows: unknown[] = await runner.query(
      `INSERT INTO store_day_transactions (store_day_id, transaction_id, kind, at, register, currency, cash, voids, inbox_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (store_day_id, transaction_id) DO NOTHING RETURNING transaction_id`,
      [dayId, t.transactionId, t.kind, t.at, t.register, t.currency, t.cash.toString(), t.voids, inboxId]);
    return rows.length > 0;
  }

  async transactions(runner: QueryRunner, dayId: string): Promise<CountedTransaction[]> {
    const rows: { transaction_id: string; kind: string; currency: string; cash: string; voids: string | null }[] = await runner.query(
      `SELECT transaction_id, kind, currency, cash::text AS cash, voids FROM store_day_transactions WHERE store_day_id = $1`, [dayId]);
    return rows.map((r) => ({ transactionId: r.transaction_id, kind: r.kind, currency: r.currency, cash: BigInt(r.cash), voids: r.voids }));
  }

  async markClosed(runner: QueryRunner, dayId: string, close: StoreDayClose, fingerprint: string): Promise<void> {
    returnedRows(await runner.query(
      `UPDATE store_days SET closed = true, close_id = $2, close_fingerprint = $3, registers = $4, closed_at = $5, updated_at = now() WHERE id = $1`,
      [dayId, close.closeId, fingerprint, [...close.registers], close.at]));
  }

  async counts(runner: QueryRunner, dayId: string): Promise<TillCount[]> {
    const rows: { currency: string; opening_float: string; counted: string }[] = await runner.query(
      `SELECT currency, opening_float::text AS opening_float, counted::text AS counted FROM store_day_cash WHERE store_day_id = $1`, [dayId]);
    return rows.map((r) => ({ currency: r.currency, openingFloat: BigInt(r.opening_float), counted: BigInt(r.counted) }));
  }

  /** The day's cash lines replace the ones it had. */
  async writeCash(runner: QueryRunner, dayId: string, lines: readonly CashLine[]): Promise<void> {
    await runner.query('DELETE FROM store_day_cash WHERE store_day_id = $1', [dayId]);
    if (lines.length === 0) return;
    await runner.query(
      `INSERT INTO store_day_cash (store_day_id, currency, opening_float, counted, expected, variance)
       SELECT $1, u.currency, u.opening_float, u.counted, u.expected, u.variance
       FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) AS u(currency, opening_float, counted, expected, variance)`,
      [dayId, lines.map((l) => l.currency), ...(['openingFloat', 'counted', 'expected', 'variance'] as const).map((k) => lines.map((l) => l[k].toString()))]);
  }

  /** What the day's journals booked so far, per currency, and the last sequence number of each. */
  async booked(runner: QueryRunner, dayId: string): Promise<{ amounts: Map<string, bigint>; seqs: Map<string, number> }> {
    const rows: { currency: string; amount: string; seq: number }[] = await runner.query(
      `SELECT currency, sum(amount)::text AS amount, max(seq)::int AS seq FROM store_day_journals WHERE store_day_id = $1 GROUP BY currency`, [dayId]);
    return { amounts: new Map(rows.map((r) => [r.currency, BigInt(r.amount)])), seqs: new Map(rows.map((r) => [r.currency, r.seq])) };
  }

  async addJournal(runner: QueryRunner, dayId: string, journal: { currency: string; seq: number; amount: bigint; externalId: string }): Promise<string> {
    const rows: { id: string }[] = await runner.query(
      `INSERT INTO store_day_journals (store_day_id, currency, seq, amount, external_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [dayId, journal.currency, journal.seq, journal.amount.toString(), journal.externalId]);
    return rows[0].id;
  }

  async addEvent(runner: QueryRunner, dayId: string, kind: StoreDayEventKind, note: string, inboxId: string | null): Promise<void> {
    await runner.query(`INSERT INTO store_day_events (store_day_id, kind, note, inbox_id) VALUES ($1, $2, $3, $4)`, [dayId, kind, note.slice(0, 2000), inboxId]);
  }

  async countRestatement(runner: QueryRunner, dayId: string): Promise<void> {
    returnedRows(await runner.query('UPDATE store_days SET restatements = restatements + 1, updated_at = now() WHERE id = $1', [dayId]));
  }
}
