import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Units dispositioned at a place a channel account owns (a store that took them back at its till):
 * whose LOCATION mapping names the disposition's location_ref, so the ERP credit receives them there.
 */
export class ReturnDispositionLocationScope1764505000000 implements MigrationInterface {
  name = 'ReturnDispositionLocationScope1764505000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE return_dispositions ADD COLUMN location_channel text, ADD COLUMN location_account text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE return_dispositions DROP COLUMN location_channel, DROP COLUMN location_account');
  }
}
