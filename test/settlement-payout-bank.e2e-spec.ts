import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { matchPayoutsToBank } from '../src/modules/settlements/payout-bank-matcher.js';
import { freshDatabase } from './support/test-database.js';

describe('payout ↔ bank line matching', () => {
  let db: DataSource;
  let importId: string;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: await freshDatabase('settlement_payout_bank'), poolSize: 2, migrations: MIGRATIONS, migrationsTransactionMode: 'each' }).initialize();
    await db.runMigrations();
    [{ id: importId }] = await db.query(`
      INSERT INTO settlement_imports (format, report_id, file_hash, channel, currency, status, control_expected, control_actual, line_count, imported_by)
      VALUES ('BANK_CSV', 'x', $1, 'BANK', 'EUR', 'IMPORTED', 0, 0, 0, 'op') RETURNING id`, ['e'.repeat(64)]);
  });
  afterAll(() => db?.destroy());

  async function add(component: 'PAYOUT' | 'BANK_DEPOSIT', ref: string, amount: number, at: string, status: string | null = null): Promise<string> {
    const [{ id }] = await db.query(`
      INSERT INTO settlement_components (import_id, side, component, provider_key, lineage, channel, payout_ref, transaction_ref, amount, currency, event_at, posted_at, payout_status)
      VALUES ($1, 'REPORTED', $2, $2, $3, 'TEST', $4, $3, $5, 'EUR', $6, $6, $7) RETURNING id`,
    [importId, component, `f:${ref}`, component === 'PAYOUT' ? ref : null, amount, at, status]);
    return id;
  }
  async function match() {
    const runner = db.createQueryRunner();
    try {
      return await matchPayoutsToBank(runner, 2);
    } finally {
      await runner.release();
    }
  }
  const partnerOf = async (id: string) => (await db.query(`
    SELECT other.component_id AS id FROM settlement_match_items mine JOIN settlement_match_items other ON other.match_id = mine.match_id AND other.component_id <> mine.component_id
    WHERE mine.component_id = $1`, [id]))[0]?.id ?? null;

  it('matches on the exact amount within the business-day window, never a failed payout, and flags two candidates', async () => {
    const paid = await add('PAYOUT', 'po-paid', 119358, '2026-03-13T00:00:00Z'); // a Friday
    const paidLine = await add('BANK_DEPOSIT', 'b-paid', 119358, '2026-03-17T00:00:00Z'); // Tuesday: 2 business days later
    const failed = await add('PAYOUT', 'po-failed', 5000, '2026-03-02T00:00:00Z', 'FAILED');
    const failedLine = await add('BANK_DEPOSIT', 'b-failed', 5000, '2026-03-03T00:00:00Z');
    const late = await add('PAYOUT', 'po-late', 777, '2026-03-02T00:00:00Z');
    await add('BANK_DEPOSIT', 'b-late', 777, '2026-03-05T00:00:00Z'); // 3 business days: outside
    const twice = await add('PAYOUT', 'po-twice', 4200, '2026-03-09T00:00:00Z');
    await add('BANK_DEPOSIT', 'b-twice-1', 4200, '2026-03-10T00:00:00Z');
    await add('BANK_DEPOSIT', 'b-twice-2', 4200, '2026-03-11T00:00:00Z');
    const cent = await add('PAYOUT', 'po-cent', 1001, '2026-03-09T00:00:00Z');
    await add('BANK_DEPOSIT', 'b-cent', 1000, '2026-03-09T00:00:00Z');

    expect(await match()).toEqual({ matched: 1, ambiguous: 1 });
    expect(await partnerOf(paid)).toBe(paidLine);
    expect(await partnerOf(failed)).toBeNull();
    expect(await partnerOf(failedLine)).toBeNull();
    expect(await partnerOf(late)).toBeNull();
    expect(await partnerOf(twice)).toBeNull();
    expect(await partnerOf(cent)).toBeNull();
    expect(await db.query(`SELECT category, amount, component_id, status FROM settlement_breaks`)).toEqual([
      { category: 'AMBIGUOUS', amount: '4200', component_id: twice, status: 'OPEN' },
    ]);
  });

  it('changes nothing when run again: matched items stay once, the ambiguous break is not repeated', async () => {
    expect(await match()).toEqual({ matched: 0, ambiguous: 1 });
    expect(await db.query('SELECT count(*)::int AS n FROM settlement_matches')).toEqual([{ n: 1 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM settlement_breaks')).toEqual([{ n: 1 }]);
  });
});
