import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A hub refund matched to the report lines that settled it is a match of its own kind; and
 * the payout a match or break belongs to is read by GraphQL per payout, so it is indexed
 * where the ledger names it.
 */
export class SettlementRefundMatches1764492000000 implements MigrationInterface {
  name = 'SettlementRefundMatches1764492000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE settlement_matches DROP CONSTRAINT settlement_matches_kind_check');
    await q.query(`ALTER TABLE settlement_matches ADD CONSTRAINT settlement_matches_kind_check CHECK (kind IN ('ORDER_LINE', 'PAYOUT_BANK', 'ORDER_ERP', 'REFUND'))`);
    await q.query('CREATE INDEX settlement_components_order_ref ON settlement_components (channel, order_ref) WHERE order_ref IS NOT NULL');
    await q.query('CREATE INDEX settlement_breaks_component ON settlement_breaks (component_id) WHERE component_id IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS settlement_breaks_component');
    await q.query('DROP INDEX IF EXISTS settlement_components_order_ref');
    await q.query('ALTER TABLE settlement_matches DROP CONSTRAINT settlement_matches_kind_check');
    await q.query(`ALTER TABLE settlement_matches ADD CONSTRAINT settlement_matches_kind_check CHECK (kind IN ('ORDER_LINE', 'PAYOUT_BANK', 'ORDER_ERP'))`);
  }
}
