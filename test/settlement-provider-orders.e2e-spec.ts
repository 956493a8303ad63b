import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { StripeBalanceTransactionsParser } from '../src/adapters/payments/stripe-balance-transactions.js';
import { OrderService } from '../src/modules/orders/order.service.js';
import { RefundSettlementsService } from '../src/modules/returns/refund-settlements.service.js';
import { matchRefunds } from '../src/modules/settlements/refund-matcher.js';
import { matchOrdersInLanes } from '../src/modules/settlements/order-matching-lanes.js';
import { CAPTURE_CHANNELS } from '../src/modules/settlements/report-formats.js';
import { importReport, sha256 } from '../src/modules/settlements/settlement-importer.js';
import { checkUnsettledOrders } from '../src/modules/settlements/unsettled-orders.js';
import { freshDatabase } from './support/test-database.js';

type Tender = { gateway: string; kind?: string; captured: number };

/**
 * A payment provider names the order by the merchant's reference, whatever storefront took it:
 * the hub finds the order by its channel id or number among those paid through that provider,
 * and expects what its tenders there captured.
 */
describe('payment provider lines ↔ the orders paid through them', () => {
  let db: DataSource;
  let orders: OrderService;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: await freshDatabase('settlement_provider_orders'), poolSize: 4, migrations: MIGRATIONS, migrationsTransactionMode: 'each' }).initialize();
    await db.runMigrations();
    orders = new OrderService(db);
  });
  afterAll(() => db?.destroy());

  async function order(channel: string, externalId: string, orderNumber: string, tenders: Tender[], placedAt = '2026-03-01T10:00:00Z') {
    const id = randomUUID();
    const total = tenders.reduce((sum, t) => sum + t.captured, 0);
    await db.query(`INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at, payment_status,
        risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
      VALUES ($1, $2, 'main', $3, $4, 'RELEASED', 'USD', $5, $5, 'PAID', 'ACCEPT', 'COMPUTED', true, $6, 0, 0, 0, $6)`, [id, channel, externalId, orderNumber, placedAt, total]);
    for (const [position, t] of tenders.entries()) {
      await db.query(`INSERT INTO order_tenders (id, order_id, position, kind, gateway, currency_code, authorized, captured) VALUES ($1, $2, $3, $4, $5, 'USD', $6, $6)`,
        [randomUUID(), id, position, t.kind ?? 'CARD', t.gateway, t.captured]);
    }
    return id;
  }

  /** A Stripe payout's balance transactions, newest first, as the API lists them: charges named by metadata.order_id. */
  async function stripePayout(payoutId: string, charges: { id: string; orderRef: string; amount: number; fee: number }[], paidOut = 1772870400,
    refunds: { id: string; orderRef: string; amount: number }[] = []) {
    const net = charges.reduce((sum, c) => sum + c.amount - c.fee, 0) + refunds.reduce((sum, r) => sum + r.amount, 0);
    const lines = [
      { id: `txn_${payoutId}`, object: 'balance_transaction', amount: -net, fee: 0, net: -net, currency: 'usd', created: paidOut, reporting_category: 'payout', type: 'payout', fee_details: [], source: payoutId },
      ...charges.map((c) => ({
        id: `txn_${c.id}`, object: 'balance_transaction', amount: c.amount, fee: c.fee, net: c.amount - c.fee, currency: 'usd', created: paidOut - 172800, available_on: paidOut,
        reporting_category: 'charge', type: 'charge', fee_details: [{ amount: c.fee, currency: 'usd', type: 'stripe_fee' }], source: { id: c.id, metadata: { order_id: c.orderRef } },
      })),
      ...refunds.map((r) => ({
        id: `txn_${r.id}`, object: 'balance_transaction', amount: r.amount, fee: 0, net: r.amount, currency: 'usd', created: paidOut - 86400, available_on: paidOut,
        reporting_category: 'refund', type: 'refund', fee_details: [], source: { id: r.id, metadata: { order_id: r.orderRef } },
      })),
    ];
    const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    const fileHash = sha256(text);
    const parser = new StripeBalanceTransactionsParser({ fileName: `${payoutId}.jsonl`, channel: 'STRIPE', fileHash });
    expect((await importReport(db, { parser, input: Readable.from([text]), channel: 'STRIPE', fileHash, importedBy: 'op' })).status).toBe('IMPORTED');
  }

  const match = () => matchOrdersInLanes(db, orders, {}, CAPTURE_CHANNELS);
  const openBreaks = () => db.query(`SELECT category, break_key, amount, explanation FROM settlement_breaks WHERE status = 'OPEN' ORDER BY break_key`);

  it('matches a charge to the order whose number it names, paid through Stripe on another storefront, for what Stripe captured of it', async () => {
    const adobe = await order('ADOBE_COMMERCE', '7001', '000007001', [{ gateway: 'stripe_payments', captured: 10000 }]);
    // A gift card paid part of this one: Stripe settles only its own 8000.
    const split = await order('SHOPIFY', '5550001', '#1042', [{ gateway: 'gift_card', kind: 'GIFT_CARD', captured: 2000 }, { gateway: 'stripe', captured: 8000 }]);
    await stripePayout('po_A1', [
      { id: 'ch_a1', orderRef: '000007001', amount: 10000, fee: 320 },
      { id: 'ch_a2', orderRef: '5550001', amount: 8000, fee: 262 },
    ]);
    expect(await match()).toMatchObject({ expectedAdded: 2, matched: 2, orphans: 0, ambiguous: 0, amountMismatch: 0 });
    const matched = await db.query(`SELECT e.lineage, e.provider_key, e.amount AS expected, r.amount AS reported, r.transaction_ref
      FROM settlement_components e JOIN settlement_match_items ie ON ie.component_id = e.id
      JOIN settlement_match_items ir ON ir.match_id = ie.match_id AND ir.component_id <> e.id JOIN settlement_components r ON r.id = ir.component_id
      WHERE e.side = 'EXPECTED' ORDER BY r.transaction_ref`);
    expect(matched).toEqual([
      { lineage: `order:${adobe}`, provider_key: 'hub:tender:stripe_payments', expected: '10000', reported: '10000', transaction_ref: 'ch_a1' },
      { lineage: `order:${split}`, provider_key: 'hub:tender:stripe', expected: '8000', reported: '8000', transaction_ref: 'ch_a2' },
    ]);
    expect(await openBreaks()).toEqual([]);
  });

  it('leaves a reference that names two orders paid through Stripe AMBIGUOUS, and one that names none an ORPHAN_REPORT_LINE', async () => {
    await order('SHOPIFY', '5550002', '1050', [{ gateway: 'stripe', captured: 4500 }]);
    await order('ADOBE_COMMERCE', '1050', '000001050', [{ gateway: 'stripe_payments', captured: 4500 }]);
    // Paid through PayPal: not a candidate for a Stripe line, though its number is the reference.
    await order('BIGCOMMERCE', '9001', 'SO-77', [{ gateway: 'paypal_express', captured: 1200 }]);
    await stripePayout('po_A2', [{ id: 'ch_b1', orderRef: '1050', amount: 4500, fee: 160 }, { id: 'ch_b2', orderRef: 'SO-77', amount: 1200, fee: 65 }]);
    expect(await match()).toMatchObject({ expectedAdded: 0, matched: 0, ambiguous: 1, orphans: 1 });
    expect(await openBreaks()).toEqual([
      {
        category: 'AMBIGUOUS', break_key: 'AMBIGUOUS:ORDER:STRIPE:1050:PRINCIPAL:USD', amount: '4500',
        explanation: 'order reference 1050 (STRIPE): 4500 minor units of USD in 1 report line(s), and the reference names several of the hub\'s orders paid through STRIPE '
          + '(ADOBE_COMMERCE 000001050, SHOPIFY 1050); the hub does not pick one',
      },
      expect.objectContaining({ category: 'ORPHAN_REPORT_LINE', break_key: 'ORPHAN_REPORT_LINE:ORDER:STRIPE:SO-77:PRINCIPAL:USD', amount: '1200' }),
    ]);
    expect(await db.query(`SELECT count(*)::int AS n FROM settlement_components WHERE side = 'EXPECTED' AND order_ref IN ('1050', 'SO-77')`)).toEqual([{ n: 0 }]);
  });

  it('closes the ambiguity once an operator cancels the wrong order, and matches the other', async () => {
    await db.query(`UPDATE orders SET status = 'CANCELLED', cancelled_at = now() WHERE channel = 'ADOBE_COMMERCE' AND external_id = '1050'`);
    expect(await match()).toMatchObject({ expectedAdded: 1, matched: 1, ambiguous: 0, closed: 1 });
    expect((await openBreaks()).map((b: { category: string }) => b.category)).toEqual(['ORPHAN_REPORT_LINE']);
  });

  describe('orders no report names', () => {
    const APRIL_20 = 1776643200;
    const unsettled = async () => {
      const runner = db.createQueryRunner();
      try {
        return await checkUnsettledOrders(runner, orders, 30);
      } finally {
        await runner.release();
      }
    };
    const missing = () => db.query(`SELECT break_key, amount, currency, channel, status, explanation FROM settlement_breaks WHERE break_key LIKE 'MISSING_IN_REPORT:UNSETTLED:%' ORDER BY id`);

    it('calls an order Stripe captured MISSING_IN_REPORT once Stripe has paid out 30 days past it without naming it, and only that order', async () => {
      await order('ADOBE_COMMERCE', '7100', '000007100', [{ gateway: 'stripe_payments', captured: 4000 }], '2026-03-10T09:00:00Z');
      await order('ADOBE_COMMERCE', '7101', '000007101', [{ gateway: 'gift_card', kind: 'GIFT_CARD', captured: 2500 }], '2026-03-10T09:00:00Z');
      // Shopify Payments settles this one, and no Shopify payout is in: nothing can be said of it yet.
      await order('SHOPIFY', '5550100', '#1100', [{ gateway: 'shopify_payments', captured: 900 }], '2026-03-10T09:00:00Z');
      // Stripe's newest payout is less than 30 days after this one: it may still come.
      await order('ADOBE_COMMERCE', '7102', '000007102', [{ gateway: 'stripe_payments', captured: 700 }], '2026-04-01T09:00:00Z');
      expect(await unsettled()).toEqual({ open: 0, closed: 0 });

      await stripePayout('po_A3', [{ id: 'ch_c1', orderRef: '000007102', amount: 700, fee: 50 }], APRIL_20);
      expect(await unsettled()).toEqual({ open: 1, closed: 0 });
      expect(await missing()).toEqual([{
        break_key: 'MISSING_IN_REPORT:UNSETTLED:STRIPE:ADOBE_COMMERCE:7100:USD', amount: '-4000', currency: 'USD', channel: 'STRIPE', status: 'OPEN',
        explanation: 'order 000007100 (ADOBE_COMMERCE 7100) captured 4000 minor units of USD through stripe_payments on 2026-03-10; STRIPE has reported payouts '
          + 'through 2026-04-20, 30 days and more after it, and none of its report lines names the order',
      }]);
      expect(await unsettled()).toEqual({ open: 1, closed: 0 });
      expect(await db.query(`SELECT count(*)::int AS n FROM settlement_breaks WHERE break_key LIKE 'MISSING_IN_REPORT:UNSETTLED:%'`)).toEqual([{ n: 1 }]);
    });

    it('closes the break when a late payout names the order, and the order matches', async () => {
      await stripePayout('po_A4', [{ id: 'ch_d1', orderRef: '000007100', amount: 4000, fee: 146 }], APRIL_20 + 5 * 86400);
      // The PayPal-paid SO-77 of earlier stays the one orphan.
      expect(await match()).toMatchObject({ matched: 2, amountMismatch: 0, orphans: 1 });
      expect(await unsettled()).toEqual({ open: 0, closed: 1 });
      expect((await missing()).map((b: { status: string }) => b.status)).toEqual(['RESOLVED']);
      expect(await db.query(`SELECT a.action, a.actor FROM settlement_break_actions a JOIN settlement_breaks b ON b.id = a.break_id
        WHERE b.break_key LIKE 'MISSING_IN_REPORT:UNSETTLED:%'`)).toEqual([{ action: 'AUTO_CLOSE', actor: 'matcher' }]);
    });
  });

  describe('refunds of those orders', () => {
    const APRIL_25 = 1777075200;
    async function refund(externalId: string, total: number, processedAt: string, movements: { id: string; tender: string; gateway: string; amount: number }[]) {
      const [{ id: caseId }] = await db.query(`INSERT INTO return_cases (channel, account, order_external_id, status) VALUES ('ADOBE_COMMERCE', 'main', '7001', 'COMPLETED') RETURNING id`);
      const [{ id }] = await db.query(`INSERT INTO return_refunds (case_id, channel, account, external_id, state, currency_code, total, processed_at)
        VALUES ($1, 'ADOBE_COMMERCE', 'main', $2, 'CREDITED', 'USD', $3, $4) RETURNING id`, [caseId, externalId, total, processedAt]);
      for (const m of movements) {
        await db.query(`INSERT INTO return_refund_transactions (refund_id, external_id, tender, gateway, status, currency_code, amount) VALUES ($1, $2, $3, $4, 'SUCCESS', 'USD', $5)`,
          [id, m.id, m.tender, m.gateway, m.amount]);
      }
    }
    const refunds = async () => {
      const runner = db.createQueryRunner();
      try {
        return await matchRefunds(runner, new RefundSettlementsService(), 7, new Date('2026-04-30T00:00:00Z'));
      } finally {
        await runner.release();
      }
    };

    it('settles in Stripe\'s reports what went back through Stripe, completes a store-credit refund without a report, and misses a Stripe refund no payout has', async () => {
      // 30.00 back: 20.00 to the card through Stripe, 10.00 to a gift card.
      await refund('R-1', 3000, '2026-04-22T10:00:00Z', [
        { id: 're_s1', tender: 'ORIGINAL_PAYMENT', gateway: 'stripe_payments', amount: 2000 }, { id: 'gc-1', tender: 'GIFT_CARD', gateway: 'gift_card', amount: 1000 }]);
      await refund('R-2', 1500, '2026-04-22T10:00:00Z', [{ id: 'sc-2', tender: 'STORE_CREDIT', gateway: 'store_credit', amount: 1500 }]);
      await refund('R-3', 500, '2026-04-01T10:00:00Z', [{ id: 're_s3', tender: 'ORIGINAL_PAYMENT', gateway: 'stripe_payments', amount: 500 }]);
      await stripePayout('po_A5', [{ id: 'ch_e1', orderRef: '000007102', amount: 100, fee: 5 }], APRIL_25, [{ id: 're_s1', orderRef: '000007001', amount: -2000 }]);

      expect(await refunds()).toEqual({ settled: 1, mismatched: 0, notSettled: 1, outsideReports: 1, closed: 0 });
      expect(await db.query(`SELECT external_id, state, settlement_ref FROM return_refunds ORDER BY external_id`)).toEqual([
        { external_id: 'R-1', state: 'SETTLED', settlement_ref: 'po_A5' },
        { external_id: 'R-2', state: 'SETTLED', settlement_ref: 'outside reports: store_credit' },
        { external_id: 'R-3', state: 'CREDITED', settlement_ref: null },
      ]);
      const [refundMatch] = await db.query(`SELECT array_agg(c.channel || ':' || c.side || ':' || c.amount ORDER BY c.side) AS items FROM settlement_matches m
        JOIN settlement_match_items i ON i.match_id = m.id JOIN settlement_components c ON c.id = i.component_id WHERE m.kind = 'REFUND' GROUP BY m.id`);
      expect(refundMatch.items).toEqual(['STRIPE:EXPECTED:-2000', 'STRIPE:REPORTED:-2000']);
      expect(await db.query(`SELECT break_key, amount, channel FROM settlement_breaks WHERE category = 'REFUND_NOT_SETTLED'`)).toEqual([
        { break_key: 'REFUND_NOT_SETTLED:REFUND:STRIPE:R-3', amount: '-500', channel: 'STRIPE' },
      ]);
    });
  });
});
