import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Governed master-data mappings. A row is one version of a mapping: a change closes the
 * current version (valid_to) and inserts the next, so history and "as of" resolution are
 * plain range queries. The invariants live here, not only in the service:
 * - one current version per identity (partial unique index, null scopes folded to '');
 * - versions of a mapping are numbered 1, 2, … without repeats;
 * - a closed version ends after it began; a scope is null ("every"), never '';
 * - each kind's target carries the fields that kind needs.
 */
export class MasterData1764300000000 implements MigrationInterface {
  name = 'MasterData1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mappings (
        id uuid PRIMARY KEY,
        mapping_key uuid NOT NULL,
        kind text NOT NULL,
        channel text NOT NULL,
        account text,
        erp_target text,
        source_value text NOT NULL,
        target jsonb NOT NULL,
        version integer NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz,
        retired boolean NOT NULL DEFAULT false,
        changed_by text NOT NULL,
        note text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT mappings_kind_check
          CHECK (kind IN ('ITEM', 'LOCATION', 'TAX_CODE', 'TENDER', 'CUSTOMER', 'RETURN_REASON', 'FEE_TYPE')),
        CONSTRAINT mappings_channel_check CHECK (channel ~ '^[A-Z][A-Z0-9_]*$'),
        -- '' would collide with null ("every account / target") in the unique index below.
        CONSTRAINT mappings_account_check CHECK (account IS NULL OR account <> ''),
        CONSTRAINT mappings_erp_target_check CHECK (erp_target IS NULL OR erp_target <> ''),
        CONSTRAINT mappings_source_value_check CHECK (source_value <> ''),
        -- '*' is the account's default customer; no other kind has a wildcard.
        CONSTRAINT mappings_wildcard_check CHECK (source_value <> '*' OR kind = 'CUSTOMER'),
        CONSTRAINT mappings_version_check CHECK (version >= 1),
        CONSTRAINT mappings_validity_check CHECK (valid_to IS NULL OR valid_to > valid_from),
        CONSTRAINT mappings_changed_by_check CHECK (changed_by <> ''),
        CONSTRAINT mappings_note_check CHECK (btrim(note) <> ''),
        CONSTRAINT mappings_target_check CHECK (
          jsonb_typeof(target) = 'object' AND CASE kind
            WHEN 'ITEM' THEN target ? 'itemId'
            WHEN 'LOCATION' THEN target ?& ARRAY['locationId', 'subsidiaryId']
            WHEN 'TAX_CODE' THEN target ? 'taxCode'
            WHEN 'TENDER' THEN target ?& ARRAY['paymentMethod', 'clearingAccount']
            WHEN 'CUSTOMER' THEN target ? 'customerId'
            WHEN 'RETURN_REASON' THEN target ? 'reason'
            WHEN 'FEE_TYPE' THEN target ? 'glAccount'
            ELSE false
          END),
        CONSTRAINT mappings_version_key UNIQUE (mapping_key, version)
      )`);
    // One current version per identity. Ordered kind, channel, source_value first so the
    // same index serves current resolution (equality on those three, then a few scopes).
    await q.query(`
      CREATE UNIQUE INDEX mappings_current_key ON mappings
        (kind, channel, source_value, (coalesce(account, '')), (coalesce(erp_target, '')))
        WHERE valid_to IS NULL`);
    // "As of" resolution walks every version of an identity by its start.
    await q.query(`CREATE INDEX mappings_as_of_idx ON mappings (kind, channel, source_value, valid_from)`);
    // Admin listing and export of current mappings by scope.
    await q.query(`CREATE INDEX mappings_current_scope_idx ON mappings (channel, account, kind) WHERE valid_to IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS mappings');
  }
}
