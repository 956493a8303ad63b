import type { MigrationInterface, QueryRunner } from 'typeorm';

const TARGET_CHECK = (withDisposition: boolean) => `
  ALTER TABLE mappings ADD CONSTRAINT mappings_target_check CHECK (
    jsonb_typeof(target) = 'object' AND CASE kind
      WHEN 'ITEM' THEN target ? 'itemId'
      WHEN 'LOCATION' THEN target ?& ARRAY['locationId', 'subsidiaryId']
      WHEN 'TAX_CODE' THEN target ? 'taxCode'
      WHEN 'TENDER' THEN target ?& ARRAY['paymentMethod', 'clearingAccount']
      WHEN 'CUSTOMER' THEN target ? 'customerId'
      WHEN 'RETURN_REASON' THEN target ? 'reason'
      WHEN 'FEE_TYPE' THEN target ? 'glAccount'
      ${withDisposition ? "WHEN 'DISPOSITION' THEN target ? 'locationId'" : ''}
      ELSE false
    END)`;

/**
 * DISPOSITION mappings: what the warehouse decided for a returned unit (RESTOCK, SCRAP,
 * VENDOR_RETURN, REFURBISH) → the ERP location it goes to, and for goods that do not come back a
 * write-off account. Governed like every mapping (versioned, with a note).
 */
export class DispositionMappings1764481000000 implements MigrationInterface {
  name = 'DispositionMappings1764481000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE mappings DROP CONSTRAINT mappings_kind_check');
    await q.query(`ALTER TABLE mappings ADD CONSTRAINT mappings_kind_check
      CHECK (kind IN ('ITEM', 'LOCATION', 'TAX_CODE', 'TENDER', 'CUSTOMER', 'RETURN_REASON', 'FEE_TYPE', 'DISPOSITION'))`);
    await q.query('ALTER TABLE mappings DROP CONSTRAINT mappings_target_check');
    await q.query(TARGET_CHECK(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM mappings WHERE kind = 'DISPOSITION'`);
    await q.query('ALTER TABLE mappings DROP CONSTRAINT mappings_target_check');
    await q.query(TARGET_CHECK(false));
    await q.query('ALTER TABLE mappings DROP CONSTRAINT mappings_kind_check');
    await q.query(`ALTER TABLE mappings ADD CONSTRAINT mappings_kind_check
      CHECK (kind IN ('ITEM', 'LOCATION', 'TAX_CODE', 'TENDER', 'CUSTOMER', 'RETURN_REASON', 'FEE_TYPE'))`);
  }
}
