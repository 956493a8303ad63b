/** The summary as a person reads it at the end of `npm run demo`. */
import { formatCounts } from './state.js';
import type { DemoSummary, LatencyStats } from './summary.js';

const ms = (n: number): string => (n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);
const stats = (s: LatencyStats): string => (s.count === 0 ? 'no samples' : `p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  max ${ms(s.max)}  (${s.count})`);
const money = (cents: bigint): string => `${cents < 0n ? '-' : ''}${(cents < 0n ? -cents : cents) / 100n}.${((cents < 0n ? -cents : cents) % 100n).toString().padStart(2, '0')}`;
const vs = (actual: number, expected: number): string => (actual === expected ? `${actual}` : `${actual} (expected ${expected})`);

/** A curl line a reader can paste; the query has no single quotes, so the shell quoting holds. */
export function curlFor(url: string, key: string, query: string): string {
  return `curl -s ${url} -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' -d '${JSON.stringify({ query })}'`;
}

function settlementLine(s: DemoSummary): string {
  const t = s.settlement;
  if (!t) return 'Settlement: not run';
  return `Settlement: ${t.chargesMatched} charges matched, payout ↔ bank ${t.payoutBankMatched ? 'matched' : 'NOT matched'}, ` +
    `breaks: ${t.breaks} (${t.unexplained} unexplained)`;
}

export function formatSummary(s: DemoSummary): string[] {
  const d = s.documents;
  const e = s.expected;
  const lines = [
    '',
    `══ Summary ${s.ok ? '(all good)' : '(FAILED)'} ══  ${s.orders.total} order${s.orders.total === 1 ? '' : 's'} in ${ms(s.runtimeMs)}`,
    `Orders by state     ${formatCounts(s.orders.byStatus)}   (expected: FULFILLED ${s.orders.total})`,
    `Scenarios           ${formatCounts(s.orders.scenarios)}`,
    `Held on arrival     ${formatCounts(s.orders.heldOnArrival)}`,
    ...Object.entries(s.channels).map(([channel, c]) =>
      `Channel ${channel.padEnd(11)} ${c.orders} orders: ${formatCounts(c.byStatus)}; ERP sales orders ${c.salesOrdersPosted}, item fulfilments ${c.itemFulfillmentsPosted}, totals equal ${c.totalsEqual}/${c.salesOrdersPosted}`),
    ...(s.marketplace ? [`  Amazon            ${s.marketplace.mfn} MFN (shipped by the warehouse, ${s.marketplace.confirmations} confirmed to Amazon), ${s.marketplace.fba} FBA; ${s.marketplace.heldForPayment} held Pending until paid`] : []),
    ...(s.stores ? [`  Store POS         ${s.stores.sales} sales; batch: ${s.stores.accepted} accepted, ${s.stores.rejected} rejected (kept with its reason); sent again: ${s.stores.duplicatesOnResend} duplicates`] : []),
    ...(s.stores?.day ? [`  Store day         ${s.stores.day.status}: cash expected ${money(s.stores.day.expected)}, counted ${money(s.stores.day.counted)}, ` +
      `variance ${money(s.stores.day.variance)} USD; ${s.stores.day.journalsPosted} variance journal posted`] : []),
    `Hub postings        POSTED ${s.hubPostings.salesOrdersPosted} sales orders, ${s.hubPostings.itemFulfillmentsPosted} item fulfilments; ` +
      `DEAD ${s.hubPostings.dead}, RETRYING ${s.hubPostings.retrying}`,
    `ERP totals equal channel totals: ${s.erpTotals.equal}/${s.erpTotals.posted}   (NetSuite's own total of each sales order, read back, against the order's grand total)`,
    settlementLine(s),
    ...(s.returns ? [
      `Returns             cases ${formatCounts(s.returns.cases)}; refunds ${s.returns.refunds}, NetSuite credit memos ${s.returns.creditMemos}, duplicates ${s.returns.duplicateCredits}`,
      `ERP credits equal refunds: ${s.returns.creditsEqual}/${s.returns.scenarios.length}   (${s.returns.scenarios.map((x) => x.toLowerCase().replace(/_/g, ' ')).join(', ')})`,
      ...(s.returns.exchangeOrders.posted > 0 ? [`Exchange orders     ${s.returns.exchangeOrders.posted} linked to their return, paid by the exchange credit; NetSuite sales orders equal to them: ${s.returns.exchangeOrders.equal}/${s.returns.exchangeOrders.posted}`] : []),
    ] : []),
    'Documents',
    `  NetSuite          sales orders ${vs(d.netsuite.salesOrders, e.salesOrders)}, item fulfilments ${vs(d.netsuite.itemFulfillments, e.itemFulfillments)}` +
      ` (${e.parcels} parcels + ${e.pickups} pickups${e.itemFulfillments > e.parcels + e.pickups ? ` + ${e.itemFulfillments - e.parcels - e.pickups} Amazon and store` : ''})`,
    `  Shopify           orders seeded ${d.shopify.orders}, fulfillments ${vs(d.shopify.fulfillments, e.shopifyFulfillments)}`,
    `  WMS (warehouse)   requests ${vs(d.wms.requests, e.wmsRequests)}, shipment events ${d.wms.events}, failed callbacks ${d.wms.callbacksFailed}`,
    `  Store             requests ${vs(d.store.requests, e.storeRequests)}, shipment/pickup events ${d.store.events}, failed callbacks ${d.store.callbacksFailed}`,
    `Duplicates          ${s.duplicates.total}  (NetSuite sales orders ${s.duplicates.netsuiteSalesOrders}, item fulfilments ${s.duplicates.netsuiteItemFulfillments}; ` +
      `Shopify fulfillments per parcel ${s.duplicates.shopifyFulfillments})`,
    'Latency',
    `  checkout → NetSuite sales order          ${stats(s.latencyMs.checkoutToErp)}`,
    `    of orders never held                   ${stats(s.latencyMs.checkoutToErpNotHeld)}`,
    `  checkout → all tracking in Shopify       ${stats(s.latencyMs.checkoutToTracking)}`,
    `  shipment confirmed → tracking in Shopify ${stats(s.latencyMs.shipmentToTracking)}`,
    '  (held orders wait for the demo to pay, review or map them; tracking waits for the demo to ship)',
  ];
  if (s.problems.length > 0) lines.push('Problems', ...s.problems.map((p) => `  ✗ ${p}`));
  lines.push(`GraphQL             ${s.graphql.url}   reader key ${s.graphql.readerKey}`);
  for (const example of s.graphql.examples) lines.push(`  # ${example.title}`, `  ${curlFor(s.graphql.url, s.graphql.readerKey, example.query)}`);
  return lines;
}
