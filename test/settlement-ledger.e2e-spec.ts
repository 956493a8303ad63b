import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { freshDatabase } from './support/test-database.js';

const HASH = 'a'.repeat(64);

describe('the settlement ledger schema', () => {
  let db: DataSource;
  let importId: string;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: await freshDatabase('settlement_ledger'), poolSize: 2, migrations: MIGRATIONS, migrationsTransactionMode: 'each' }).initialize();
    await db.runMigrations();
    [{ id: importId }] = await db.query(`
      INSERT INTO settlement_imports (format, report_id, file_hash, channel, currency, status, control_expected, control_actual, line_count, imported_by)
      VALUES ('AMAZON_V2', '1234', $1, 'AMAZON', 'EUR', 'IMPORTED', 1000, 1000, 2, 'op') RETURNING id`, [HASH]);
  });
  afterAll(() => db?.destroy());

  const component = (amount: number) => db.query(`
    INSERT INTO settlement_components (import_id, side, component, provider_key, lineage, channel, order_ref, amount, currency)
    VALUES ($1, 'REPORTED', 'PRINCIPAL', 'Order|ItemPrice|Principal', 'f:2', 'AMAZON', '111-1', $2, 'EUR') RETURNING id`, [importId, amount]);

  it('keeps components append-only: no update, no delete', async () => {
    const [{ id }] = await component(1000);
    await expect(db.query('UPDATE settlement_components SET amount = 1 WHERE id = $1', [id])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM settlement_components WHERE id = $1', [id])).rejects.toThrow(/append-only/);
    expect(await db.query('SELECT amount FROM settlement_components WHERE id = $1', [id])).toEqual([{ amount: '1000' }]);
  });

  it('lets a component be consumed by one match only', async () => {
    const [{ id }] = await component(500);
    const [{ id: first }] = await db.query(`INSERT INTO settlement_matches (rule, kind) VALUES ('order-key', 'ORDER_LINE') RETURNING id`);
    const [{ id: second }] = await db.query(`INSERT INTO settlement_matches (rule, kind) VALUES ('order-key', 'ORDER_LINE') RETURNING id`);
    await db.query('INSERT INTO settlement_match_items (match_id, component_id) VALUES ($1, $2)', [first, id]);
    await expect(db.query('INSERT INTO settlement_match_items (match_id, component_id) VALUES ($1, $2)', [second, id])).rejects.toThrow(/settlement_match_items_once/);
  });

  it('checks the ledger references per statement: no item without its match and component, no line without its import, none removed under them', async () => {
    const [{ id }] = await component(700);
    const [{ id: match }] = await db.query(`INSERT INTO settlement_matches (rule, kind) VALUES ('order-key', 'ORDER_LINE') RETURNING id`);
    const item = (matchId: string, componentId: string) => db.query('INSERT INTO settlement_match_items (match_id, component_id) VALUES ($1, $2)', [matchId, componentId]);
    await expect(item(match, '999999999')).rejects.toMatchObject({ code: '23503', message: expect.stringContaining('component that does not exist') });
    await expect(item('999999999', id)).rejects.toMatchObject({ code: '23503', message: expect.stringContaining('match that does not exist') });
    await item(match, id);
    await expect(db.query('DELETE FROM settlement_matches WHERE id = $1', [match])).rejects.toMatchObject({ code: '23503' });
    await expect(db.query('UPDATE settlement_matches SET id = id + 1000000 WHERE id = $1', [match])).rejects.toMatchObject({ code: '23503' });
    await expect(db.query(`
      INSERT INTO settlement_components (import_id, side, component, provider_key, lineage, channel, amount, currency)
      VALUES (999999999, 'REPORTED', 'PRINCIPAL', 'k', 'f:9', 'AMAZON', 1, 'EUR')`)).rejects.toMatchObject({ code: '23503', message: expect.stringContaining('import that does not exist') });
    await expect(db.query('DELETE FROM settlement_imports WHERE id = $1', [importId])).rejects.toMatchObject({ code: '23503' });
    expect(await db.query('SELECT count(*)::int AS n FROM settlement_match_items WHERE match_id = $1', [match])).toEqual([{ n: 1 }]);
  });

  it('refuses a report identity twice and an IMPORTED status whose control totals differ', async () => {
    const insert = (reportId: string, hash: string, status: string, actual: number) => db.query(`
      INSERT INTO settlement_imports (format, report_id, file_hash, channel, currency, status, control_expected, control_actual, line_count, imported_by)
      VALUES ('AMAZON_V2', $1, $2, 'AMAZON', 'EUR', $3, 1000, $4, 0, 'op')`, [reportId, hash, status, actual]);
    await expect(insert('1234', 'b'.repeat(64), 'IMPORTED', 1000)).rejects.toThrow(/duplicate key/);
    await expect(insert('999', 'c'.repeat(64), 'IMPORTED', 999)).rejects.toThrow(/check constraint/);
    await insert('999', 'c'.repeat(64), 'CONTROL_TOTAL_FAILED', 999);
  });

  it('keeps one live break per key, and a resolved break needs its note and who', async () => {
    const open = () => db.query(`
      INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation)
      VALUES ('k1', 'UNKNOWN_FEE_TYPE', -35, 'EUR', 'AMAZON', 'fee type X is not mapped') RETURNING id`);
    const [{ id }] = await open();
    await expect(open()).rejects.toThrow(/settlement_breaks_live/);
    await expect(db.query(`UPDATE settlement_breaks SET status = 'RESOLVED', status_by = 'op' WHERE id = $1`, [id])).rejects.toThrow(/check constraint/);
    await db.query(`UPDATE settlement_breaks SET status = 'RESOLVED', status_by = 'op', note = 'fee mapped' WHERE id = $1`, [id]);
    await open();
    expect(await db.query(`SELECT status FROM settlement_breaks WHERE break_key = 'k1' ORDER BY id`)).toEqual([{ status: 'RESOLVED' }, { status: 'OPEN' }]);
  });
});
