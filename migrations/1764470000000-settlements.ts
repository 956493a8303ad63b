import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The settlements module's ledger. Components are append-only (a correction is a new row);
 * a component is consumed by at most one match, which the unique key on the match items
 * enforces rather than the matcher's good behaviour. Breaks keep who acknowledged or
 * resolved them in an audit table of their own.
 */
export class Settlements1764470000000 implements MigrationInterface {
  name = 'Settlements1764470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE settlement_imports (
        id bigserial PRIMARY KEY,
        format text NOT NULL CHECK (format IN ('AMAZON_V2', 'SHOPIFY_PAYMENTS', 'STRIPE', 'ADYEN', 'PAYPAL_STL', 'BANK_CSV')),
        report_id text NOT NULL,
        file_hash text NOT NULL CHECK (file_hash ~ '^[0-9a-f]{64}$'),
        channel text NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('IMPORTED', 'CONTROL_TOTAL_FAILED')),
        control_expected bigint NOT NULL,
        control_actual bigint NOT NULL,
        line_count integer NOT NULL CHECK (line_count >= 0),
        imported_by text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (format, report_id),
        -- IMPORTED means it ties; a report can also fail a further identity its format states.
        CHECK (status = 'CONTROL_TOTAL_FAILED' OR control_expected = control_actual)
      )`);
    await q.query('CREATE UNIQUE INDEX settlement_imports_file_hash ON settlement_imports (file_hash)');
    await q.query(`
      CREATE TABLE settlement_components (
        id bigserial PRIMARY KEY,
        import_id bigint REFERENCES settlement_imports (id),
        side text NOT NULL CHECK (side IN ('EXPECTED', 'REPORTED')),
        component text NOT NULL CHECK (component IN (
          'PRINCIPAL', 'TAX', 'SHIPPING', 'DISCOUNT', 'FEE', 'REFUND', 'GIFT_CARD', 'RESERVE_HOLD', 'RESERVE_RELEASE',
          'CHARGEBACK', 'CHARGEBACK_FEE', 'ADJUSTMENT', 'PAYOUT', 'BANK_DEPOSIT', 'UNKNOWN')),
        fee_type text,
        provider_key text NOT NULL,
        lineage text NOT NULL,
        channel text NOT NULL,
        order_ref text,
        transaction_ref text,
        psp_reference text,
        payout_ref text,
        amount bigint NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        event_at timestamptz,
        posted_at timestamptz,
        payout_status text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK (side = 'EXPECTED' OR import_id IS NOT NULL),
        CHECK ((component = 'FEE') = (fee_type IS NOT NULL) OR component = 'UNKNOWN')
      )`);
    await q.query('CREATE INDEX settlement_components_import ON settlement_components (import_id)');
    await q.query('CREATE INDEX settlement_components_order ON settlement_components (order_ref, component, currency) WHERE order_ref IS NOT NULL');
    await q.query('CREATE INDEX settlement_components_payout ON settlement_components (payout_ref) WHERE payout_ref IS NOT NULL');
    await q.query(`
      CREATE FUNCTION settlement_components_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'settlement_components is append-only: a correction is a new entry' USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER settlement_components_no_change BEFORE UPDATE OR DELETE ON settlement_components
      FOR EACH ROW EXECUTE FUNCTION settlement_components_append_only()`);
    await q.query(`
      CREATE TABLE settlement_matches (
        id bigserial PRIMARY KEY,
        rule text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('ORDER_LINE', 'PAYOUT_BANK', 'ORDER_ERP')),
        tolerance_used bigint NOT NULL DEFAULT 0 CHECK (tolerance_used >= 0),
        matched_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE settlement_match_items (
        match_id bigint NOT NULL REFERENCES settlement_matches (id),
        component_id bigint NOT NULL REFERENCES settlement_components (id),
        PRIMARY KEY (match_id, component_id),
        CONSTRAINT settlement_match_items_once UNIQUE (component_id)
      )`);
    await q.query(`
      CREATE TABLE settlement_breaks (
        id bigserial PRIMARY KEY,
        break_key text NOT NULL,
        category text NOT NULL CHECK (category IN (
          'MISSING_IN_ERP', 'MISSING_IN_REPORT', 'AMOUNT_MISMATCH', 'UNEXPECTED_FEE', 'UNKNOWN_FEE_TYPE', 'REFUND_NOT_SETTLED',
          'DUPLICATE', 'ORPHAN_REPORT_LINE', 'PAYOUT_MISMATCH', 'CONTROL_TOTAL', 'AMBIGUOUS', 'ROUNDING')),
        amount bigint NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        channel text NOT NULL,
        explanation text NOT NULL CHECK (length(explanation) > 0),
        import_id bigint REFERENCES settlement_imports (id),
        component_id bigint REFERENCES settlement_components (id),
        match_id bigint REFERENCES settlement_matches (id),
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
        note text,
        status_by text,
        opened_at timestamptz NOT NULL DEFAULT now(),
        status_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status = 'OPEN' OR status_by IS NOT NULL),
        CHECK (status <> 'RESOLVED' OR note IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX settlement_breaks_live ON settlement_breaks (break_key) WHERE status <> 'RESOLVED'`);
    await q.query('CREATE INDEX settlement_breaks_filter ON settlement_breaks (status, category, channel, opened_at)');
    await q.query(`
      CREATE TABLE settlement_break_actions (
        id bigserial PRIMARY KEY,
        break_id bigint NOT NULL REFERENCES settlement_breaks (id),
        action text NOT NULL CHECK (action IN ('ACKNOWLEDGE', 'RESOLVE', 'AUTO_CLOSE')),
        actor text NOT NULL,
        note text,
        acted_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS settlement_break_actions');
    await q.query('DROP TABLE IF EXISTS settlement_breaks');
    await q.query('DROP TABLE IF EXISTS settlement_match_items');
    await q.query('DROP TABLE IF EXISTS settlement_matches');
    await q.query('DROP TABLE IF EXISTS settlement_components');
    await q.query('DROP FUNCTION IF EXISTS settlement_components_append_only()');
    await q.query('DROP TABLE IF EXISTS settlement_imports');
  }
}
