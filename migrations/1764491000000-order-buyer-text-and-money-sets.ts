import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the buyer wrote (the order note, the PO number, each line's properties), whether the channel
 * marks the order a test, the buyer's currency when it is not the shop's, and the order's money in it when the shop's is converted
 * from it: a JSON view, amounts as text minor units, lines and shipping lines by position.
 */
export class OrderBuyerTextAndMoneySets1764491000000 implements MigrationInterface {
  name = 'OrderBuyerTextAndMoneySets1764491000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN note text, ADD COLUMN po_number text, ADD COLUMN test boolean NOT NULL DEFAULT false,
      ADD COLUMN presentment_currency char(3), ADD COLUMN presentment jsonb CHECK (presentment IS NULL OR jsonb_typeof(presentment) = 'object')`);
    await q.query(`ALTER TABLE order_lines ADD COLUMN properties jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(properties) = 'array')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_lines DROP COLUMN IF EXISTS properties');
    await q.query(`ALTER TABLE orders DROP COLUMN IF EXISTS note, DROP COLUMN IF EXISTS po_number, DROP COLUMN IF EXISTS test,
      DROP COLUMN IF EXISTS presentment_currency, DROP COLUMN IF EXISTS presentment`);
  }
}
