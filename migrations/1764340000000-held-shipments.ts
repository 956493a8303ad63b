import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Held shipments are looked at again once their order can take them. A confirmation for an
 * order not yet in the hub names it only by the channel's id, so every shipment keeps the
 * order reference its confirmation carried (rows already there get the hub's order id
 * they were matched to; one held for an unknown order before this gains its reference on
 * redelivery). The fulfilment systems are told about cancellations: a third outbound kind.
 */
export class HeldShipments1764340000000 implements MigrationInterface {
  name = 'HeldShipments1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE shipments ADD COLUMN order_ref jsonb`);
    await q.query(`
      UPDATE shipments SET order_ref = jsonb_build_object('by', 'HUB', 'orderId', order_id::text, 'requestId', request_id::text)
      WHERE order_id IS NOT NULL`);
    // Finds what an arriving order's release must apply: held rows for an order unknown when they came.
    await q.query(`
      CREATE INDEX shipments_held_order_ref_idx ON shipments ((order_ref->>'channel'), (order_ref->>'account'), (order_ref->>'externalId'))
      WHERE status = 'HELD' AND order_id IS NULL`);
    // The sweep reads held rows every few seconds; they are few among all shipments.
    await q.query(`CREATE INDEX shipments_held_idx ON shipments (shipped_at) WHERE status = 'HELD'`);
    await q.query(`ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_kind_check`);
    await q.query(`ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_kind_check CHECK (kind IN ('FULFILLMENT_REQUEST', 'CHANNEL_FULFILLMENT', 'FULFILLMENT_CANCEL'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM outbound_messages WHERE kind = 'FULFILLMENT_CANCEL'`);
    await q.query(`ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_kind_check`);
    await q.query(`ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_kind_check CHECK (kind IN ('FULFILLMENT_REQUEST', 'CHANNEL_FULFILLMENT'))`);
    await q.query('DROP INDEX IF EXISTS shipments_held_idx');
    await q.query('DROP INDEX IF EXISTS shipments_held_order_ref_idx');
    await q.query('ALTER TABLE shipments DROP COLUMN order_ref');
  }
}
