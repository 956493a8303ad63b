import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An exchange line's own figures (title, unit price, discount, taxes), so the case's linked
 * exchange order is built from what the channel charged for the new item.
 */
export class ReturnExchangeLineMoney1764503100000 implements MigrationInterface {
  name = 'ReturnExchangeLineMoney1764503100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE return_exchange_lines
      ADD COLUMN title text NOT NULL DEFAULT '',
      ADD COLUMN unit_price bigint NOT NULL DEFAULT 0,
      ADD COLUMN discount bigint NOT NULL DEFAULT 0,
      ADD COLUMN taxes jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE return_exchange_lines DROP COLUMN title, DROP COLUMN unit_price, DROP COLUMN discount, DROP COLUMN taxes');
  }
}
