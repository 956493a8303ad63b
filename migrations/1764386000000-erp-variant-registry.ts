import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ERP variants a target may name are the code's registry (src/adapters/erp/erp-variants.ts),
 * checked when a target is saved; a CHECK constraint listing them would need a migration for
 * every new variant and could disagree with the code.
 */
export class ErpVariantRegistry1764386000000 implements MigrationInterface {
  name = 'ErpVariantRegistry1764386000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE erp_targets DROP CONSTRAINT IF EXISTS erp_targets_variant_check`);
    await q.query(`ALTER TABLE erp_targets ADD CONSTRAINT erp_targets_variant_format CHECK (variant ~ '^[a-z0-9][a-z0-9-]{0,62}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE erp_targets DROP CONSTRAINT erp_targets_variant_format`);
    await q.query(`ALTER TABLE erp_targets ADD CONSTRAINT erp_targets_variant_check CHECK (variant IN ('netsuite', 'dynamics365-bc'))`);
  }
}
