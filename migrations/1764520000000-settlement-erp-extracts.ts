import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an ERP itself holds, as finance exports it (a NetSuite saved search, a Business Central
 * list): kept as uploaded, append-only, so a comparison can always be traced to the file and
 * line it read. The same file twice is one extract (its hash).
 */
export class SettlementErpExtracts1764520000000 implements MigrationInterface {
  name = 'SettlementErpExtracts1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE settlement_erp_extracts (
        id bigserial PRIMARY KEY,
        target_id text NOT NULL,
        file_hash text NOT NULL UNIQUE CHECK (file_hash ~ '^[0-9a-f]{64}$'),
        line_count integer NOT NULL CHECK (line_count >= 0),
        imported_by text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE settlement_erp_extract_lines (
        id bigserial PRIMARY KEY,
        extract_id bigint NOT NULL REFERENCES settlement_erp_extracts (id),
        lineage text NOT NULL,
        document_number text NOT NULL,
        document_type text,
        booked_on date NOT NULL,
        amount bigint NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$')
      )`);
    await q.query('CREATE INDEX settlement_erp_extract_lines_extract ON settlement_erp_extract_lines (extract_id, document_number)');
    await q.query(`
      CREATE FUNCTION settlement_erp_extracts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: an ERP extract is kept as it was uploaded', TG_TABLE_NAME USING ERRCODE = 'P0001';
      END $$`);
    for (const table of ['settlement_erp_extracts', 'settlement_erp_extract_lines']) {
      await q.query(`CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION settlement_erp_extracts_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS settlement_erp_extract_lines');
    await q.query('DROP TABLE IF EXISTS settlement_erp_extracts');
    await q.query('DROP FUNCTION IF EXISTS settlement_erp_extracts_append_only()');
  }
}
