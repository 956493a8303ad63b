import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the channel withdrew a fulfilment the hub had taken as a shipment (Shopify cancelled
 * it). The shipment stays what it was, CONFIRMED with its ERP item fulfilments or HELD
 * with nothing posted: this says the channel no longer agrees, for a person to settle.
 */
export class ShipmentChannelCancelled1764360000000 implements MigrationInterface {
  name = 'ShipmentChannelCancelled1764360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE shipments ADD COLUMN channel_cancelled_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE shipments DROP COLUMN channel_cancelled_at`);
  }
}
