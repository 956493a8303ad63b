import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A settlement's summary journal to the ERPs: one row per imported settlement or payout whose
 * control totals hold, the subject (SETTLEMENT) of its JOURNAL postings, one per target. It
 * carries a uuid because postings name their subject by one; the import is its identity.
 */
export class SettlementJournals1764495000000 implements MigrationInterface {
  name = 'SettlementJournals1764495000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE settlement_journals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        import_id bigint NOT NULL UNIQUE REFERENCES settlement_imports (id),
        external_id text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 255),
        state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'POSTED', 'HELD')),
        hold_code text,
        hold_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'HELD') = (hold_code IS NOT NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS settlement_journals');
  }
}
