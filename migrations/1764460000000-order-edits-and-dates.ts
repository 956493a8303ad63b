import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order edits and the accounting period. A line edited away stays on the order with quantity 0
 * (lines keep their positions, which the ERPs find them by). Each order keeps the day it belongs
 * to in the books (its date in the shop's own time) and the zone its later documents are dated
 * in; a channel account may name its zone for channels whose timestamps carry no offset.
 */
export class OrderEditsAndDates1764460000000 implements MigrationInterface {
  name = 'OrderEditsAndDates1764460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_lines DROP CONSTRAINT IF EXISTS order_lines_quantity_check');
    await q.query('ALTER TABLE order_lines ADD CONSTRAINT order_lines_quantity_check CHECK (quantity >= 0)');
    await q.query('ALTER TABLE orders ADD COLUMN accounting_date date, ADD COLUMN time_zone text');
    await q.query('ALTER TABLE channel_accounts ADD COLUMN timezone text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE channel_accounts DROP COLUMN IF EXISTS timezone');
    await q.query('ALTER TABLE orders DROP COLUMN IF EXISTS accounting_date, DROP COLUMN IF EXISTS time_zone');
    await q.query('DELETE FROM order_lines WHERE quantity = 0');
    await q.query('ALTER TABLE order_lines DROP CONSTRAINT IF EXISTS order_lines_quantity_check');
    await q.query('ALTER TABLE order_lines ADD CONSTRAINT order_lines_quantity_check CHECK (quantity > 0)');
  }
}
