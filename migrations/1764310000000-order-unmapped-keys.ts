import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The identifiers an order is waiting for a mapping of, one row each, for holds and the worklist. */
export class OrderUnmappedKeys1764310000000 implements MigrationInterface {
  name = 'OrderUnmappedKeys1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_unmapped_keys (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('ITEM', 'LOCATION', 'TAX_CODE', 'TENDER', 'CUSTOMER', 'RETURN_REASON', 'FEE_TYPE')),
        channel text NOT NULL,
        account text NOT NULL,
        source_value text NOT NULL CHECK (source_value <> ''),
        since timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, kind, source_value)
      )`);
    await q.query(`CREATE INDEX order_unmapped_keys_key_idx ON order_unmapped_keys (kind, channel, source_value)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS order_unmapped_keys');
  }
}
