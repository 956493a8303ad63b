import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A channel account's non-secret settings, checked by its channel's adapter: for a pulled
 * marketplace (Amazon) the marketplace ids to ask for. Shown back to admins, unlike the secrets.
 */
export class ChannelAccountSettings1764497000000 implements MigrationInterface {
  name = 'ChannelAccountSettings1764497000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE channel_accounts ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE channel_accounts ADD CONSTRAINT channel_accounts_settings_object CHECK (jsonb_typeof(settings) = 'object')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE channel_accounts DROP CONSTRAINT IF EXISTS channel_accounts_settings_object');
    await q.query('ALTER TABLE channel_accounts DROP COLUMN settings');
  }
}
