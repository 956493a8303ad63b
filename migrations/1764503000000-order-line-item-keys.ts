import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The other ITEM source values a line is known by (a marketplace's catalogue id, such as
 * Amazon's ASIN), so a mapping by either releases the order and builds its documents.
 */
export class OrderLineItemKeys1764503000000 implements MigrationInterface {
  name = 'OrderLineItemKeys1764503000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_lines ADD COLUMN item_keys jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_lines DROP COLUMN item_keys');
  }
}
