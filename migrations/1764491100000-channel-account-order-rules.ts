import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A channel account's rules for its orders: whether test orders go through (a staging target), and
 * how many minor units per line a converted order's rounding may take before it is held.
 */
export class ChannelAccountOrderRules1764491100000 implements MigrationInterface {
  name = 'ChannelAccountOrderRules1764491100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE channel_accounts ADD COLUMN allow_test_orders boolean NOT NULL DEFAULT false,
      ADD COLUMN conversion_rounding_per_line integer NOT NULL DEFAULT 1 CHECK (conversion_rounding_per_line BETWEEN 0 AND 100)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE channel_accounts DROP COLUMN IF EXISTS allow_test_orders, DROP COLUMN IF EXISTS conversion_rounding_per_line');
  }
}
