import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ERP targets (configuration) and postings (one document to one target, the outbox row).
 * A posting is unique per (target, document type, order): releasing twice posts once.
 */
export class ErpSync1764320000000 implements MigrationInterface {
  name = 'ErpSync1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE erp_targets (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        variant text NOT NULL CHECK (variant IN ('netsuite', 'dynamics365-bc')),
        base_url text NOT NULL,
        credentials jsonb NOT NULL,
        concurrency_cap integer NOT NULL CHECK (concurrency_cap BETWEEN 1 AND 1000),
        rate_limit_per_second integer CHECK (rate_limit_per_second IS NULL OR rate_limit_per_second > 0),
        timeout_ms integer NOT NULL DEFAULT 30000 CHECK (timeout_ms BETWEEN 100 AND 600000),
        routing jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE postings (
        id uuid PRIMARY KEY,
        target_id text NOT NULL REFERENCES erp_targets (id) ON DELETE RESTRICT,
        document_type text NOT NULL CHECK (document_type IN ('SALES_ORDER')),
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        status text NOT NULL CHECK (status IN ('PENDING', 'IN_FLIGHT', 'POSTED', 'RETRYING', 'DEAD')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lookup_first boolean NOT NULL DEFAULT false,
        last_error text,
        last_error_kind text,
        last_error_code text,
        erp_internal_id text,
        erp_document_number text,
        correlation_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        first_attempt_at timestamptz,
        posted_at timestamptz,
        CONSTRAINT postings_once UNIQUE (target_id, document_type, order_id),
        CONSTRAINT postings_posted_has_ref CHECK (status <> 'POSTED' OR erp_internal_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX postings_due_idx ON postings (next_attempt_at) WHERE status IN ('PENDING', 'RETRYING')`);
    await q.query(`CREATE INDEX postings_order_idx ON postings (order_id)`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_status_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('RECEIVED', 'ON_HOLD', 'RELEASED', 'POSTED', 'CANCELLED'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE orders SET status = 'RELEASED' WHERE status = 'POSTED'`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_status_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('RECEIVED', 'ON_HOLD', 'RELEASED', 'CANCELLED'))`);
    await q.query('DROP TABLE IF EXISTS postings');
    await q.query('DROP TABLE IF EXISTS erp_targets');
  }
}
