import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fulfilment: where each location's orders go (fulfilment systems), the requests sent to
 * them, the shipments confirmed back, and the outbound messages (requests out, tracking to
 * the channel) that an outbox relays. ERP postings gain a document key, so one order can
 * carry one item fulfilment per shipment and line changes beside its sales order.
 */
export class Fulfillments1764330000000 implements MigrationInterface {
  name = 'Fulfillments1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE channel_accounts ADD COLUMN admin_api_url text, ADD COLUMN admin_access_token text`);
    await q.query(`
      CREATE TABLE fulfillment_locations (
        location_ref text PRIMARY KEY CHECK (length(location_ref) BETWEEN 1 AND 255),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('WAREHOUSE', 'STORE', 'DROP_SHIP_VENDOR')),
        system text NOT NULL CHECK (system IN ('wms', 'store')),
        base_url text NOT NULL,
        api_key text NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX fulfillment_locations_one_default ON fulfillment_locations (is_default) WHERE is_default`);
    await q.query(`
      CREATE TABLE fulfillment_requests (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        location_ref text NOT NULL,
        method text NOT NULL CHECK (method IN ('SHIP', 'SHIP_FROM_STORE', 'PICKUP_IN_STORE', 'DROP_SHIP')),
        system text NOT NULL CHECK (system IN ('wms', 'store')),
        status text NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'READY_FOR_PICKUP', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED')),
        lines jsonb NOT NULL,
        external_id text,
        correlation_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        ready_at timestamptz,
        CONSTRAINT fulfillment_requests_once UNIQUE (order_id, location_ref, method)
      )`);
    await q.query(`
      CREATE TABLE shipments (
        id uuid PRIMARY KEY,
        order_id uuid REFERENCES orders (id) ON DELETE RESTRICT,
        request_id uuid REFERENCES fulfillment_requests (id) ON DELETE RESTRICT,
        source text NOT NULL CHECK (source IN ('WMS', 'STORE', 'SHOPIFY')),
        account text NOT NULL DEFAULT '',
        external_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('SHIPMENT', 'PICKUP')),
        status text NOT NULL CHECK (status IN ('CONFIRMED', 'HELD')),
        hold_reason text,
        location_ref text,
        carrier text,
        tracking_numbers text[] NOT NULL DEFAULT '{}',
        tracking_url text,
        lines jsonb NOT NULL,
        shipped_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        channel_status text NOT NULL CHECK (channel_status IN ('NOT_REQUIRED', 'PENDING', 'NOTIFIED', 'FAILED')),
        channel_reference text,
        channel_notified_at timestamptz,
        inbox_id uuid,
        correlation_id text NOT NULL,
        CONSTRAINT shipments_once UNIQUE (source, account, external_id),
        CONSTRAINT shipments_held_has_reason CHECK ((status = 'HELD') = (hold_reason IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX shipments_order_idx ON shipments (order_id)`);
    await q.query(`
      CREATE TABLE outbound_messages (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('FULFILLMENT_REQUEST', 'CHANNEL_FULFILLMENT')),
        subject_id uuid NOT NULL,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        status text NOT NULL CHECK (status IN ('PENDING', 'IN_FLIGHT', 'SENT', 'RETRYING', 'DEAD')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lookup_first boolean NOT NULL DEFAULT false,
        last_error text,
        last_error_kind text,
        external_ref text,
        correlation_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT outbound_messages_once UNIQUE (kind, subject_id)
      )`);
    await q.query(`CREATE INDEX outbound_messages_due_idx ON outbound_messages (next_attempt_at) WHERE status IN ('PENDING', 'RETRYING')`);

    await q.query(`ALTER TABLE postings ADD COLUMN document_key text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_once`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_once UNIQUE (target_id, document_type, order_id, document_key)`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_document_type_check`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_document_type_check CHECK (document_type IN ('SALES_ORDER', 'ITEM_FULFILLMENT', 'SALES_ORDER_CHANGE'))`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_status_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('RECEIVED', 'ON_HOLD', 'RELEASED', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE orders SET status = 'POSTED' WHERE status IN ('PARTIALLY_FULFILLED', 'FULFILLED')`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_status_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('RECEIVED', 'ON_HOLD', 'RELEASED', 'POSTED', 'CANCELLED'))`);
    await q.query(`DELETE FROM postings WHERE document_type <> 'SALES_ORDER'`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_document_type_check`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_document_type_check CHECK (document_type IN ('SALES_ORDER'))`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_once`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_once UNIQUE (target_id, document_type, order_id)`);
    await q.query(`ALTER TABLE postings DROP COLUMN document_key`);
    await q.query('DROP TABLE IF EXISTS outbound_messages');
    await q.query('DROP TABLE IF EXISTS shipments');
    await q.query('DROP TABLE IF EXISTS fulfillment_requests');
    await q.query('DROP TABLE IF EXISTS fulfillment_locations');
    await q.query(`ALTER TABLE channel_accounts DROP COLUMN admin_api_url, DROP COLUMN admin_access_token`);
  }
}
