import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each import looks up whether an earlier report already carried its provider transactions
 * (a DUPLICATE break); the lookup is by channel and provider reference, so it is indexed there.
 */
export class SettlementDuplicateLookup1764498000000 implements MigrationInterface {
  name = 'SettlementDuplicateLookup1764498000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX settlement_components_psp ON settlement_components (channel, psp_reference) WHERE psp_reference IS NOT NULL AND side = 'REPORTED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS settlement_components_psp');
  }
}
