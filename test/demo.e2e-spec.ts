import { jest } from '@jest/globals';
import { runDemo, type DemoSummary } from '../demo/demo.js';
import { expectedShipments, planOrders } from '../demo/plan.js';
import { expectedCash } from '../demo/stores.js';

jest.setTimeout(120_000);

/**
 * `npm run demo` end to end, in this process: 50 orders through checkout, every release gate,
 * NetSuite, split and pickup fulfilment and tracking, on the embedded database. The sandboxes
 * are the judges of what each system received.
 */
describe('the one-command demo', () => {
  const lines: string[] = [];
  let summary: DemoSummary;

  beforeAll(async () => {
    summary = await runDemo({ orders: 50, exit: true, port: 0, timeoutMs: 100_000, log: (line) => lines.push(line) });
  });

  afterAll(() => {
    // The demo's own account of the run, where a failure is easiest to read.
    if (!summary?.ok) process.stdout.write(`${lines.join('\n')}\n`);
  });

  it('takes all 50 orders to FULFILLED, through every scenario, with no duplicates', () => {
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.orders.byStatus).toEqual({ FULFILLED: 50 });
    expect(summary.duplicates).toEqual({ netsuiteSalesOrders: 0, netsuiteItemFulfillments: 0, shopifyFulfillments: 0, total: 0 });
    // At least a few of each scenario, and each held one was held for its own reason first.
    for (const scenario of ['SPLIT', 'PICKUP', 'UNPAID', 'FRAUD', 'UNMAPPED']) expect(summary.orders.scenarios[scenario]).toBeGreaterThanOrEqual(3);
    expect(summary.orders.heldOnArrival).toEqual({
      AWAITING_PAYMENT: summary.orders.scenarios.UNPAID, FRAUD_REVIEW: summary.orders.scenarios.FRAUD, UNMAPPED: summary.orders.scenarios.UNMAPPED,
    });
  });

  it('posts free-shipping, tipped and VAT-inclusive euro orders whose ERP totals equal the channel totals, every one', () => {
    for (const scenario of ['FREE_SHIPPING', 'TIP', 'VAT_EUR']) expect(summary.orders.scenarios[scenario]).toBe(5);
    expect(summary.erpTotals).toEqual({ equal: 50, posted: 50, different: [] });
    expect(lines.some((l) => l.startsWith('ERP totals equal channel totals: 50/50'))).toBe(true);
  });

  it('returns five orders (restock, scrap, refund before receipt, a refund delivered twice, an exchange): one NetSuite credit per refund, each equal to it', () => {
    expect(summary.returns).toMatchObject({
      scenarios: ['RESTOCK', 'SCRAP', 'REFUND_BEFORE_RECEIPT', 'DUPLICATE_REFUND', 'EXCHANGE'], refunds: 5, creditMemos: 5, duplicateCredits: 0, creditsEqual: 5,
      // The exchange's new item: an order of its own, linked to the return, paid by the credit, its NetSuite sales order equal to it.
      exchangeOrders: { posted: 1, equal: 1 },
    });
    expect(lines.some((l) => l.startsWith('ERP credits equal refunds: 5/5'))).toBe(true);
  });

  it('leaves each system exactly the documents the orders call for', () => {
    const plans = planOrders(50, 2026).map(expectedShipments);
    const parcels = plans.reduce((n, s) => n + s.parcels, 0);
    const pickups = plans.reduce((n, s) => n + s.pickups, 0);
    const splits = plans.filter((s) => s.pickups === 0).length;
    expect(pickups).toBe(10);
    // Every split order ships at least one parcel per location, some a second from the warehouse.
    expect(parcels).toBeGreaterThan(2 * splits);
    const { netsuite, shopify, wms, store } = summary.documents;
    // The 50 Shopify orders, the exchange order, the 4 Amazon orders and the store's 5 sales: one sales order each.
    expect(netsuite.salesOrders).toBe(50 + 1 + 4 + 5);
    // One item fulfilment per confirmed parcel or handover (each Amazon order and store sale is one); Shopify hears of its own, pickups included.
    expect(netsuite.itemFulfillments).toBe(parcels + pickups + 4 + 5);
    expect(shopify.fulfillments).toBe(parcels + pickups);
    expect(shopify.orders).toBe(50);
    // The warehouse also ships the 2 merchant-fulfilled Amazon orders and gets the exchange's new item.
    expect(wms.requests).toBe(splits + 2 + 1);
    expect(store.requests).toBe(50);
    // Each pickup is two store events, each parcel one; the returns add the warehouse's receipts and inspections (one each, the duplicate refund none).
    // (+1 for the exchange's inspected unit, +2 Amazon parcels.)
    expect(wms.events + store.events).toBe(parcels + 2 * pickups + 3 + 1 + 2);
    expect(wms.callbacksFailed + store.callbacksFailed).toBe(0);
    // The hub's own account (GraphQL) agrees with NetSuite's, and nothing is left dead or retrying.
    expect(summary.hubPostings).toEqual({ salesOrdersPosted: 50, itemFulfillmentsPosted: parcels + pickups, dead: 0, retrying: 0, stuck: [] });
  });

  it('takes Amazon orders (MFN and FBA) and a store\'s day of POS sales to the ERP, counted per channel', () => {
    expect(summary.channels.AMAZON).toEqual({ orders: 4, byStatus: { FULFILLED: 4 }, salesOrdersPosted: 4, itemFulfillmentsPosted: 4, totalsEqual: 4 });
    expect(summary.channels.POS).toEqual({ orders: 5, byStatus: { FULFILLED: 5 }, salesOrdersPosted: 5, itemFulfillmentsPosted: 5, totalsEqual: 5 });
    expect(summary.channels.SHOPIFY).toMatchObject({ orders: 50, byStatus: { FULFILLED: 50 }, salesOrdersPosted: 50, totalsEqual: 50 });
    // Both merchant-fulfilled orders were confirmed back to Amazon once; the Pending one waited for its payment.
    expect(summary.marketplace).toEqual({ mfn: 2, fba: 2, confirmations: 2, heldForPayment: 1 });
    // The till's batch: 5 sales, a no-sale, cash paid out and in accepted, the wrong one kept as rejected; sent again, all 9 duplicates.
    expect(summary.stores).toMatchObject({ sales: 5, accepted: 8, rejected: 1, duplicatesOnResend: 9 });
    // The manager counted the drawer 1.25 short: NetSuite got one journal of that variance.
    expect(summary.stores?.day).toEqual({ status: 'POSTED', expected: expectedCash(), counted: expectedCash() - 125n, variance: -125n, journalsPosted: 1 });
    expect(lines.some((l) => l.startsWith('Channel AMAZON      4 orders: FULFILLED 4'))).toBe(true);
  });

  it('settles the USD orders in a Shopify Payments payout that matches its bank line, with no unexplained break', () => {
    const usd = planOrders(50, 2026).filter((p) => p.money !== 'VAT_EUR').length;
    expect(usd).toBe(45);
    expect(summary.settlement).toMatchObject({ charges: usd, chargesMatched: usd, payoutBankMatched: true, unexplained: 0, openBreaks: [] });
    expect(lines).toContain(`Settlement: ${usd} charges matched, payout ↔ bank matched, breaks: ${summary.settlement!.breaks} (0 unexplained)`);
  });

  it('measures latency for every order and shipment and says where to look', () => {
    const { checkoutToErp, checkoutToTracking, shipmentToTracking } = summary.latencyMs;
    expect(checkoutToErp.count).toBe(50);
    expect(checkoutToTracking.count).toBe(50);
    expect(shipmentToTracking.count).toBe(summary.documents.shopify.fulfillments);
    for (const s of [checkoutToErp, checkoutToTracking, shipmentToTracking]) {
      expect(s.p50).toBeLessThanOrEqual(s.p95);
      expect(s.p95).toBeLessThanOrEqual(s.max);
    }
    expect(summary.graphql.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(summary.graphql.examples.map((e) => e.query).join('\n')).toMatch(/fulfillmentRequests[\s\S]*postings[\s\S]*unmappedValues/);
    expect(lines.some((l) => l.includes('Summary (all good)'))).toBe(true);
  });
});
