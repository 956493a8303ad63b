import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An order's charges beside its lines and shipping (tips, duties): [{ kind, title, amount }] with
 * the amount as text minor units in the order's currency, so no JSON number can round it.
 */
export class OrderCharges1764482000000 implements MigrationInterface {
  name = 'OrderCharges1764482000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN charges jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(charges) = 'array')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN IF EXISTS charges');
  }
}
