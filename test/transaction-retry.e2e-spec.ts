import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { inTransaction } from '../src/platform/database/sql.js';
import { freshDatabase } from './support/test-database.js';

/** Two transactions that lock two rows in opposite orders: PostgreSQL kills one as a deadlock. */
describe('inTransaction on a real deadlock', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: await freshDatabase('tx_retry'), poolSize: 4 }).initialize();
    await db.query(`CREATE TABLE pair (id int PRIMARY KEY, n int NOT NULL)`);
    await db.query(`INSERT INTO pair VALUES (1, 0), (2, 0)`);
    await db.query(`ALTER DATABASE ${db.driver.database} SET deadlock_timeout = '50ms'`);
  });
  afterAll(() => db.destroy());

  it('runs the victim once more, so both transactions land', async () => {
    const runs = { a: 0, b: 0 };
    let arrived = 0;
    let release!: () => void;
    const bothHoldFirstLock = new Promise<void>((resolve) => (release = resolve));
    const crossing = (name: 'a' | 'b', first: number, second: number) =>
      inTransaction(db, async (runner) => {
        runs[name] += 1;
        await runner.query(`UPDATE pair SET n = n + 1 WHERE id = $1`, [first]);
        if (runs[name] === 1) {
          arrived += 1;
          if (arrived === 2) release();
          await bothHoldFirstLock;
        }
        await runner.query(`UPDATE pair SET n = n + 1 WHERE id = $1`, [second]);
      });

    await Promise.all([crossing('a', 1, 2), crossing('b', 2, 1)]);

    expect(runs.a + runs.b).toBe(3);
    const rows: { id: number; n: number }[] = await db.query(`SELECT id, n FROM pair ORDER BY id`);
    expect(rows).toEqual([{ id: 1, n: 2 }, { id: 2, n: 2 }]);
  });

  it('does not retry other errors', async () => {
    let runs = 0;
    await expect(inTransaction(db, async (runner) => {
      runs += 1;
      await runner.query(`INSERT INTO pair VALUES (1, 0)`);
    })).rejects.toThrow(/duplicate key/);
    expect(runs).toBe(1);
  });
});
