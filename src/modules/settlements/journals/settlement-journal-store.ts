import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { returnedRows } from '../../../platform/database/sql.js';
import type { ComponentGroup } from './journal-lines.js';

export type JournalState = 'PENDING' | 'POSTED' | 'HELD';

export interface SettlementJournalHead {
  readonly id: string;
  readonly state: JournalState;
}

/** What the journal of one settlement is built from: the import and its components summed. */
export interface SettlementForJournal {
  readonly id: string;
  readonly externalId: string;
  readonly format: string;
  readonly reportId: string;
  readonly channel: string;
  readonly currency: string;
  readonly importStatus: string;
  /** YYYY-MM-DD (UTC): the payout's deposit day, else the day it was imported. */
  readonly date: string;
  readonly groups: ComponentGroup[];
}

/** The ERP key of a settlement's journal: one per report identity, never per amount. */
export const journalKey = (format: string, reportId: string): string => `STL-${format}-${reportId}`.slice(0, 255);

/** Ten characters for ERPs with short document numbers (Business Central batch Code), from the key alone. */
export const journalShortKey = (externalId: string): string => `S${createHash('sha256').update(externalId).digest('hex').slice(0, 9).toUpperCase()}`;

/** settlement_journals: the subject row of each settlement's journal postings. */
export class SettlementJournalStore {
  /** The journal of an import, added once; null when it existed already. */
  async add(runner: QueryRunner, importId: string, externalId: string): Promise<string | null> {
    const rows: { id: string }[] = await runner.query(
      `INSERT INTO settlement_journals (import_id, external_id) VALUES ($1, $2) ON CONFLICT (import_id) DO NOTHING RETURNING id`, [importId, externalId]);
    return rows[0]?.id ?? null;
  }

  async lock(runner: QueryRunner, id: string): Promise<SettlementJournalHead | null> {
    const rows: SettlementJournalHead[] = await runner.query('SELECT id, state FROM settlement_journals WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] ?? null;
  }

  async setState(runner: QueryRunner, id: string, state: JournalState, hold: { code: string; reason: string } | null): Promise<void> {
    returnedRows(await runner.query(
      `UPDATE settlement_journals SET state = $2, hold_code = $3, hold_reason = $4, updated_at = now() WHERE id = $1`,
      [id, state, hold?.code ?? null, hold?.reason ?? null]));
  }

  async forJournal(db: DataSource, id: string): Promise<SettlementForJournal | null> {
    const [head]: { id: string; external_id: string; import_id: string; format: string; report_id: string; channel: string; currency: string; status: string; date: string }[] =
      await db.query(`
        SELECT j.id, j.external_id, i.id AS import_id, i.format, i.report_id, i.channel, i.currency, i.status,
          to_char(coalesce((SELECT max(coalesce(c.posted_at, c.event_at)) FROM settlement_components c WHERE c.import_id = i.id AND c.component = 'PAYOUT'),
            i.imported_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date
        FROM settlement_journals j JOIN settlement_imports i ON i.id = j.import_id WHERE j.id = $1`, [id]);
    if (!head) return null;
    const rows: { kind: ComponentGroup['kind']; fee_type: string | null; provider_key: string | null; amount: string; lines: number }[] = await db.query(`
      SELECT component AS kind, fee_type, CASE WHEN component = 'UNKNOWN' THEN provider_key END AS provider_key, sum(amount)::text AS amount, count(*)::int AS lines
      FROM settlement_components WHERE import_id = $1 AND side = 'REPORTED'
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, [head.import_id]);
    return {
      id: head.id, externalId: head.external_id, format: head.format, reportId: head.report_id, channel: head.channel, currency: head.currency,
      importStatus: head.status, date: head.date,
      groups: rows.map((r) => ({ kind: r.kind, feeType: r.fee_type, providerKey: r.provider_key, amount: BigInt(r.amount), lines: r.lines })),
    };
  }
}
