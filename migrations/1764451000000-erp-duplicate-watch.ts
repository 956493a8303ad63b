import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Business Central does not keep externalDocumentNumber unique, and a request can commit long
 * after the client gave up on it. After an ambiguous outcome the posting's key is watched for a
 * while (erp_key_watches): the hub looks for a second document with the key, deletes an unposted
 * extra and flags a posted one (erp_duplicate_documents, one row per extra document found).
 */
export class ErpDuplicateWatch1764451000000 implements MigrationInterface {
  name = 'ErpDuplicateWatch1764451000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE erp_key_watches (
        posting_id uuid PRIMARY KEY REFERENCES postings (id) ON DELETE CASCADE,
        target_id text NOT NULL,
        -- The document's natural key in the ERP (BC externalDocumentNumber before shortening).
        external_key text NOT NULL,
        ambiguous_at timestamptz NOT NULL,
        watch_until timestamptz NOT NULL,
        scanned_at timestamptz,
        CHECK (watch_until >= ambiguous_at)
      )`);
    await q.query('CREATE INDEX erp_key_watches_due_idx ON erp_key_watches (watch_until)');
    await q.query(`
      CREATE TABLE erp_duplicate_documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        posting_id uuid NOT NULL REFERENCES postings (id) ON DELETE CASCADE,
        target_id text NOT NULL,
        document_key text NOT NULL,
        kept_internal_id text NOT NULL,
        erp_internal_id text NOT NULL,
        erp_document_number text,
        outcome text NOT NULL CHECK (outcome IN ('DELETED', 'FLAGGED')),
        note text NOT NULL,
        found_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (target_id, erp_internal_id)
      )`);
    await q.query('CREATE INDEX erp_duplicate_documents_posting_idx ON erp_duplicate_documents (posting_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS erp_duplicate_documents');
    await q.query('DROP TABLE IF EXISTS erp_key_watches');
  }
}
