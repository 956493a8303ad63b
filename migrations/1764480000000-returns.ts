import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The returns module: a case per return, linked to its order by the channel's key (not a
 * foreign key into another module's table), with per-line unit counts per step, refunds with
 * their parts and transactions, exchange lines, and every event that moved it (unique per
 * source event, which is what makes a redelivered or re-fired event harmless).
 */
export class Returns1764480000000 implements MigrationInterface {
  name = 'Returns1764480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE return_cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel text NOT NULL CHECK (channel ~ '^[A-Z][A-Z0-9_]*$'),
        account text NOT NULL,
        order_external_id text NOT NULL,
        order_id uuid,
        return_ref text,
        rma_ref text,
        status text NOT NULL,
        flags text[] NOT NULL DEFAULT '{}',
        hold_reason text,
        currency_code char(3),
        opened_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX return_cases_return_ref ON return_cases (channel, account, return_ref) WHERE return_ref IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX return_cases_rma_ref ON return_cases (channel, account, rma_ref) WHERE rma_ref IS NOT NULL`);
    await q.query(`CREATE INDEX return_cases_order ON return_cases (channel, account, order_external_id)`);
    await q.query(`CREATE INDEX return_cases_status ON return_cases (status, opened_at)`);
    await q.query(`
      CREATE TABLE return_lines (
        case_id uuid NOT NULL REFERENCES return_cases (id) ON DELETE CASCADE,
        line_ref text NOT NULL,
        requested integer NOT NULL DEFAULT 0 CHECK (requested >= 0),
        approved integer NOT NULL DEFAULT 0 CHECK (approved >= 0),
        in_transit integer NOT NULL DEFAULT 0 CHECK (in_transit >= 0),
        received integer NOT NULL DEFAULT 0 CHECK (received >= 0),
        inspected integer NOT NULL DEFAULT 0 CHECK (inspected >= 0),
        dispositioned integer NOT NULL DEFAULT 0 CHECK (dispositioned >= 0),
        refunded integer NOT NULL DEFAULT 0 CHECK (refunded >= 0),
        reason text,
        condition text,
        PRIMARY KEY (case_id, line_ref)
      )`);
    await q.query(`
      CREATE TABLE return_events (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES return_cases (id) ON DELETE CASCADE,
        source_system text NOT NULL,
        account text NOT NULL,
        event_key text NOT NULL,
        kind text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        description text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        inbox_id uuid,
        correlation_id text NOT NULL,
        CONSTRAINT return_events_once UNIQUE (source_system, account, event_key)
      )`);
    await q.query(`CREATE INDEX return_events_case ON return_events (case_id, occurred_at, id)`);
    await q.query(`
      CREATE TABLE return_dispositions (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES return_cases (id) ON DELETE CASCADE,
        event_id bigint NOT NULL REFERENCES return_events (id) ON DELETE CASCADE,
        line_ref text NOT NULL,
        disposition text NOT NULL CHECK (disposition IN ('RESTOCK', 'SCRAP', 'VENDOR_RETURN', 'REFURBISH')),
        quantity integer NOT NULL CHECK (quantity > 0),
        location_ref text
      )`);
    await q.query(`CREATE INDEX return_dispositions_case ON return_dispositions (case_id)`);
    await q.query(`
      CREATE TABLE return_refunds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES return_cases (id) ON DELETE CASCADE,
        channel text NOT NULL,
        account text NOT NULL,
        external_id text NOT NULL,
        state text NOT NULL CHECK (state IN ('WAITING', 'FAILED', 'HELD', 'READY', 'CREDITED', 'SETTLED')),
        reason text,
        detail text,
        currency_code char(3) NOT NULL,
        total bigint NOT NULL,
        processed_at timestamptz NOT NULL,
        note text,
        settled_at timestamptz,
        settlement_ref text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT return_refunds_once UNIQUE (channel, account, external_id)
      )`);
    await q.query(`CREATE INDEX return_refunds_case ON return_refunds (case_id)`);
    await q.query(`CREATE INDEX return_refunds_unsettled ON return_refunds (processed_at) WHERE settled_at IS NULL AND state IN ('READY', 'CREDITED')`);
    await q.query(`
      CREATE TABLE return_refund_components (
        refund_id uuid NOT NULL REFERENCES return_refunds (id) ON DELETE CASCADE,
        position integer NOT NULL,
        kind text NOT NULL,
        line_ref text,
        quantity integer NOT NULL DEFAULT 0,
        restock_type text,
        location_ref text,
        currency_code char(3) NOT NULL,
        amount bigint NOT NULL,
        PRIMARY KEY (refund_id, position)
      )`);
    await q.query(`
      CREATE TABLE return_refund_transactions (
        refund_id uuid NOT NULL REFERENCES return_refunds (id) ON DELETE CASCADE,
        external_id text NOT NULL,
        tender text NOT NULL CHECK (tender IN ('ORIGINAL_PAYMENT', 'GIFT_CARD', 'STORE_CREDIT')),
        gateway text NOT NULL,
        status text NOT NULL CHECK (status IN ('SUCCESS', 'PENDING', 'FAILURE')),
        currency_code char(3) NOT NULL,
        amount bigint NOT NULL,
        PRIMARY KEY (refund_id, external_id)
      )`);
    await q.query(`
      CREATE TABLE return_exchange_lines (
        case_id uuid NOT NULL REFERENCES return_cases (id) ON DELETE CASCADE,
        external_id text NOT NULL,
        sku text,
        variant_id text,
        quantity integer NOT NULL CHECK (quantity > 0),
        currency_code char(3) NOT NULL,
        total bigint NOT NULL,
        PRIMARY KEY (case_id, external_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'return_exchange_lines', 'return_refund_transactions', 'return_refund_components', 'return_refunds',
      'return_dispositions', 'return_events', 'return_lines', 'return_cases',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
