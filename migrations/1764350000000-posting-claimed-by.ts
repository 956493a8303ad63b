import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which worker process last claimed each posting (`host:pid`): an operator looking at a
 * posting stuck IN_FLIGHT can tell whose it is, and whether that process still runs.
 */
export class PostingClaimedBy1764350000000 implements MigrationInterface {
  name = 'PostingClaimedBy1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE postings ADD COLUMN claimed_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE postings DROP COLUMN claimed_by`);
  }
}
