import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the ERP says a posted document adds up to, read back after writing it (NetSuite total,
 * Business Central totalAmountIncludingTax), beside the total the hub's document adds up to.
 * variance = erp_total − expected_total, in minor units of erp_total_currency; a non-zero one
 * stays on the posting for reconciliation and the operator to see. NULL where no total was read.
 */
export class PostingErpTotals1764450000000 implements MigrationInterface {
  name = 'PostingErpTotals1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE postings ADD COLUMN erp_total bigint, ADD COLUMN erp_total_currency text,
                   ADD COLUMN expected_total bigint, ADD COLUMN variance bigint`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_erp_total_currency
                   CHECK ((erp_total IS NULL) = (erp_total_currency IS NULL) AND (erp_total_currency IS NULL OR erp_total_currency ~ '^[A-Z]{3}$'))`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_variance_of_totals
                   CHECK (variance IS NULL OR (erp_total IS NOT NULL AND expected_total IS NOT NULL AND variance = erp_total - expected_total))`);
    // Operators and reconciliation look for the documents that do not add up.
    await q.query(`CREATE INDEX postings_variance_idx ON postings (target_id) WHERE variance <> 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS postings_variance_idx');
    await q.query(`ALTER TABLE postings DROP CONSTRAINT IF EXISTS postings_variance_of_totals, DROP CONSTRAINT IF EXISTS postings_erp_total_currency`);
    await q.query('ALTER TABLE postings DROP COLUMN variance, DROP COLUMN expected_total, DROP COLUMN erp_total_currency, DROP COLUMN erp_total');
  }
}
