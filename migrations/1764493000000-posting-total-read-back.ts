import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A posted document whose ERP total is read later, many at a time (NetSuite: one SuiteQL query
 * instead of a GET per order): read_back_currency is the currency to read it in, and is cleared
 * once the total is read or given up on. Only postings with an expected total wait for one.
 */
export class PostingTotalReadBack1764493000000 implements MigrationInterface {
  name = 'PostingTotalReadBack1764493000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE postings ADD COLUMN read_back_currency text`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_read_back_pending
                   CHECK (read_back_currency IS NULL OR (read_back_currency ~ '^[A-Z]{3}$' AND erp_total IS NULL AND expected_total IS NOT NULL))`);
    await q.query(`CREATE INDEX postings_read_back_idx ON postings (target_id, posted_at) WHERE read_back_currency IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS postings_read_back_idx');
    await q.query('ALTER TABLE postings DROP CONSTRAINT IF EXISTS postings_read_back_pending');
    await q.query('ALTER TABLE postings DROP COLUMN read_back_currency');
  }
}
