import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Store days (the store-days module): one row per store and business date, the till transactions
 * that count towards its cash, the count per currency with its expected cash and variance, each
 * variance journal (the subject, STORE_DAY, of JOURNAL postings), and what happened to the day.
 */
export class StoreDays1764502000000 implements MigrationInterface {
  name = 'StoreDays1764502000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE store_days (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel text NOT NULL,
        store text NOT NULL,
        business_date date NOT NULL,
        time_zone text,
        closed boolean NOT NULL DEFAULT false,
        close_id text,
        close_fingerprint text,
        registers text[] NOT NULL DEFAULT '{}',
        closed_at timestamptz,
        restatements integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (channel, store, business_date),
        CHECK (closed = (close_id IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE store_day_transactions (
        store_day_id uuid NOT NULL REFERENCES store_days (id) ON DELETE CASCADE,
        transaction_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('SALE', 'RETURN', 'VOID', 'NO_SALE', 'PAID_IN', 'PAID_OUT')),
        at timestamptz NOT NULL,
        register text,
        currency char(3) NOT NULL,
        cash bigint NOT NULL,
        voids text,
        inbox_id uuid,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_day_id, transaction_id)
      )`);
    await q.query(`
      CREATE TABLE store_day_cash (
        store_day_id uuid NOT NULL REFERENCES store_days (id) ON DELETE CASCADE,
        currency char(3) NOT NULL,
        opening_float bigint NOT NULL,
        counted bigint NOT NULL,
        expected bigint NOT NULL,
        variance bigint NOT NULL,
        PRIMARY KEY (store_day_id, currency),
        CHECK (variance = counted - expected)
      )`);
    await q.query(`
      CREATE TABLE store_day_journals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        store_day_id uuid NOT NULL REFERENCES store_days (id),
        currency char(3) NOT NULL,
        seq integer NOT NULL CHECK (seq >= 1),
        amount bigint NOT NULL CHECK (amount <> 0),
        external_id text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 255),
        state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'POSTED', 'HELD')),
        hold_code text,
        hold_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (store_day_id, currency, seq),
        CHECK ((state = 'HELD') = (hold_code IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE store_day_events (
        id bigserial PRIMARY KEY,
        store_day_id uuid NOT NULL REFERENCES store_days (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('CLOSED', 'CLOSED_AGAIN_SAME', 'RECOUNTED', 'RESTATED')),
        note text NOT NULL,
        inbox_id uuid,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query('CREATE INDEX store_day_events_day_idx ON store_day_events (store_day_id, id)');
    await q.query('CREATE INDEX store_days_date_idx ON store_days (business_date DESC, store)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS store_day_events, store_day_journals, store_day_cash, store_day_transactions, store_days');
  }
}
