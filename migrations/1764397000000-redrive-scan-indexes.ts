import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the held-order redriver, so its scans are index lookups whatever the size:
 * - the keys an order is held on, by key and then order, so "orders held on these keys"
 *   pages through one key's orders in order (it replaces the same index without order_id);
 * - the live mappings by when they began, so the periodic sweep finds the few mappings
 *   changed since its last pass without reading them all.
 */
export class RedriveScanIndexes1764397000000 implements MigrationInterface {
  name = 'RedriveScanIndexes1764397000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX order_unmapped_keys_key_order_idx ON order_unmapped_keys (kind, channel, source_value, order_id) INCLUDE (account)`);
    await q.query('DROP INDEX order_unmapped_keys_key_idx');
    await q.query(`CREATE INDEX mappings_live_since_idx ON mappings (valid_from) WHERE valid_to IS NULL AND NOT retired`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS mappings_live_since_idx');
    await q.query('CREATE INDEX order_unmapped_keys_key_idx ON order_unmapped_keys (kind, channel, source_value)');
    await q.query('DROP INDEX IF EXISTS order_unmapped_keys_key_order_idx');
  }
}
