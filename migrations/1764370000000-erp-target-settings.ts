import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A target's non-secret settings (NetSuite currency records, discount and shipping items;
 * Business Central's local currency and shipping account) get a column of their own, shown
 * back unlike credentials. Business Central targets kept them among their credentials; they
 * move here.
 */
export class ErpTargetSettings1764370000000 implements MigrationInterface {
  name = 'ErpTargetSettings1764370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE erp_targets ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`
      UPDATE erp_targets
      SET settings = jsonb_strip_nulls(jsonb_build_object(
            'localCurrency', upper(credentials->>'localCurrency'),
            'shippingAccountNumber', credentials->>'shippingAccountNumber',
            'shippingLineType', credentials->>'shippingLineType')),
          credentials = credentials - 'localCurrency' - 'shippingAccountNumber' - 'shippingLineType'
      WHERE variant = 'dynamics365-bc'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE erp_targets SET credentials = credentials || settings WHERE variant = 'dynamics365-bc'`);
    await q.query(`ALTER TABLE erp_targets DROP COLUMN settings`);
  }
}
