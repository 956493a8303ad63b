import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbox, channel accounts and the order aggregate. Invariants live in SQL: unique source
 * keys, CHECKed states, money as bigint minor units beside its currency.
 */
export class InitialSchema1764259200000 implements MigrationInterface {
  name = 'InitialSchema1764259200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE channel_accounts (
        id uuid PRIMARY KEY,
        channel text NOT NULL,
        account text NOT NULL,
        webhook_secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT channel_accounts_source_key UNIQUE (channel, account),
        CONSTRAINT channel_accounts_secret_length CHECK (length(webhook_secret) >= 8)
      )`);
    await q.query(`
      CREATE TABLE inbox (
        id uuid PRIMARY KEY,
        source text NOT NULL,
        account text,
        topic text NOT NULL,
        dedupe_key text NOT NULL,
        event_id text,
        body_hash text NOT NULL,
        raw_body bytea NOT NULL,
        redacted_fields text[] NOT NULL DEFAULT '{}',
        headers jsonb NOT NULL,
        correlation_id text NOT NULL,
        status text NOT NULL,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        triggered_at timestamptz,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        CONSTRAINT inbox_dedupe_key UNIQUE (source, dedupe_key),
        CONSTRAINT inbox_status_check CHECK (status IN ('PENDING', 'PROCESSED', 'IGNORED', 'REJECTED', 'FAILED'))
      )`);
    await q.query(`CREATE INDEX inbox_pending_idx ON inbox (received_at) WHERE status = 'PENDING'`);
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        channel text NOT NULL,
        account text NOT NULL,
        external_id text NOT NULL,
        order_number text NOT NULL,
        status text NOT NULL,
        hold_reasons text[] NOT NULL DEFAULT '{}',
        hold_details jsonb NOT NULL DEFAULT '[]',
        currency_code char(3) NOT NULL,
        placed_at timestamptz NOT NULL,
        source_updated_at timestamptz NOT NULL,
        cancelled_at timestamptz,
        payment_status text NOT NULL,
        risk_recommendation text NOT NULL,
        tax_status text NOT NULL,
        taxes_included boolean NOT NULL,
        subtotal bigint NOT NULL,
        discounts bigint NOT NULL,
        tax bigint NOT NULL,
        shipping bigint NOT NULL,
        grand_total bigint NOT NULL,
        customer jsonb,
        billing_address jsonb,
        shipping_address jsonb,
        tags text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_source_key UNIQUE (channel, account, external_id),
        CONSTRAINT orders_status_check CHECK (status IN ('RECEIVED', 'ON_HOLD', 'RELEASED', 'CANCELLED')),
        CONSTRAINT orders_hold_reasons_check CHECK ((status = 'ON_HOLD') = (cardinality(hold_reasons) > 0))
      )`);
    await q.query(`CREATE INDEX orders_page_idx ON orders (placed_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_status_idx ON orders (status, placed_at DESC)`);
    // orderBySource may omit the account; channel ids are unique per channel in practice.
    await q.query(`CREATE INDEX orders_external_id_idx ON orders (channel, external_id)`);
    await q.query(`
      CREATE TABLE order_lines (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        position integer NOT NULL,
        external_id text NOT NULL,
        sku text,
        variant_id text,
        product_id text,
        title text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        currency_code char(3) NOT NULL,
        unit_price bigint NOT NULL,
        discount_total bigint NOT NULL,
        tax_total bigint NOT NULL,
        fulfillment_method text NOT NULL,
        location_ref text,
        requires_shipping boolean NOT NULL,
        gift_card boolean NOT NULL,
        CONSTRAINT order_lines_position UNIQUE (order_id, position)
      )`);
    await q.query(`
      CREATE TABLE order_shipping_lines (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        position integer NOT NULL,
        external_id text,
        title text NOT NULL,
        code text,
        currency_code char(3) NOT NULL,
        price bigint NOT NULL,
        discount_total bigint NOT NULL,
        tax_total bigint NOT NULL,
        CONSTRAINT order_shipping_lines_position UNIQUE (order_id, position)
      )`);
    await q.query(`
      CREATE TABLE order_adjustments (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_id uuid REFERENCES order_lines (id) ON DELETE CASCADE,
        shipping_line_id uuid REFERENCES order_shipping_lines (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('TAX', 'DISCOUNT')),
        title text,
        code text,
        rate text,
        jurisdiction text,
        currency_code char(3) NOT NULL,
        amount bigint NOT NULL,
        CONSTRAINT order_adjustments_one_parent CHECK (line_id IS NULL OR shipping_line_id IS NULL)
      )`);
    await q.query(`CREATE INDEX order_adjustments_order_idx ON order_adjustments (order_id)`);
    await q.query(`
      CREATE TABLE order_tenders (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        position integer NOT NULL,
        kind text NOT NULL,
        gateway text NOT NULL,
        currency_code char(3) NOT NULL,
        authorized bigint NOT NULL,
        captured bigint NOT NULL,
        CONSTRAINT order_tenders_position UNIQUE (order_id, position)
      )`);
    await q.query(`
      CREATE TABLE order_history (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        from_status text,
        to_status text NOT NULL,
        hold_reasons text[] NOT NULL DEFAULT '{}',
        reason text NOT NULL,
        correlation_id text NOT NULL,
        inbox_id uuid REFERENCES inbox (id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX order_history_order_idx ON order_history (order_id, id)`);
    await q.query(`
      CREATE TABLE order_source_events (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        inbox_id uuid NOT NULL REFERENCES inbox (id) ON DELETE RESTRICT,
        topic text NOT NULL,
        source_version timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('APPLIED', 'STALE')),
        correlation_id text NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT order_source_events_once UNIQUE (order_id, inbox_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'order_source_events', 'order_history', 'order_tenders', 'order_adjustments',
      'order_shipping_lines', 'order_lines', 'orders', 'inbox', 'channel_accounts',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
