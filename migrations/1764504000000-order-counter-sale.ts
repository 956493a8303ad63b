import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An order paid and handed over in one step at a till (a counter sale): a target may book it as a
 * cash sale instead of a sales order and its item fulfilment (ERP target setting counterSales).
 */
export class OrderCounterSale1764504000000 implements MigrationInterface {
  name = 'OrderCounterSale1764504000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN counter_sale boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN counter_sale');
  }
}
