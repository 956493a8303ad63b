import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payment provider's report names an order by the merchant's reference, which is the order's
 * channel id or its number, without the channel: both are looked up on their own. Each channel's
 * payouts, few among the ledger's lines, give how far its reports reach.
 */
export class SettlementTenderReferences1764530000000 implements MigrationInterface {
  name = 'SettlementTenderReferences1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX orders_order_number_idx ON orders (order_number)');
    await q.query('CREATE INDEX orders_external_id_only_idx ON orders (external_id)');
    await q.query(`CREATE INDEX settlement_components_payouts ON settlement_components (channel, (coalesce(posted_at, event_at)))
      WHERE side = 'REPORTED' AND component = 'PAYOUT'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX settlement_components_payouts');
    await q.query('DROP INDEX orders_external_id_only_idx');
    await q.query('DROP INDEX orders_order_number_idx');
  }
}
