import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which daily summary a store sale is booked in, for targets that take counter sales as one
 * summary per store and day: the sales counted before the close are summary 1, each sale that
 * comes after it a summary of its own (2, 3 …), so no sale is in two summaries or in none.
 */
export class StoreDaySummaries1764506000000 implements MigrationInterface {
  name = 'StoreDaySummaries1764506000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE store_day_transactions ADD COLUMN summary_seq integer');
    await q.query('ALTER TABLE store_days ADD COLUMN summaries integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE store_days DROP COLUMN summaries');
    await q.query('ALTER TABLE store_day_transactions DROP COLUMN summary_seq');
  }
}
