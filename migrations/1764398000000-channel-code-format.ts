import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shipments take a source by format rather than from a fixed list: a new sales channel is a
 * registered adapter (src/adapters/channels/registry.ts), not a schema change. The pull
 * channels' watermarks (one per channel account and stream) belong to the ingestion.
 */
export class ChannelCodeFormat1764398000000 implements MigrationInterface {
  name = 'ChannelCodeFormat1764398000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE shipments DROP CONSTRAINT IF EXISTS shipments_source_check');
    await q.query(`ALTER TABLE shipments ADD CONSTRAINT shipments_source_check CHECK (source ~ '^[A-Z][A-Z0-9_]*$')`);
    await q.query(`
      CREATE TABLE channel_poll_watermarks (
        channel text NOT NULL CHECK (channel ~ '^[A-Z][A-Z0-9_]*$'),
        account text NOT NULL,
        stream text NOT NULL,
        watermark text NOT NULL,
        polled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel, account, stream)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS channel_poll_watermarks');
    await q.query('ALTER TABLE shipments DROP CONSTRAINT IF EXISTS shipments_source_check');
    await q.query(`ALTER TABLE shipments ADD CONSTRAINT shipments_source_check CHECK (source IN ('WMS', 'STORE', 'SHOPIFY'))`);
  }
}
