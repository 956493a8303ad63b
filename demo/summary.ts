/**
 * What the run produced, from the hub's GraphQL and each sandbox's /_sandbox endpoints: orders
 * by state, documents per system against what the plan implies, duplicates, and latencies.
 */
import { channelOutcome, type ChannelOrderView, type ChannelOutcome } from './channel-orders.js';
import { requestJson, type Json } from './http.js';
import type { MarketplaceOutcome } from './marketplace.js';
import type { StoreOutcome } from './stores.js';
import type { SettlementOutcome } from './settlement.js';
import { expectedShipments } from './plan.js';
import type { ReturnsSummary } from './returns.js';
import type { RunRecord } from './scenario.js';
import { countByStatus, type OrderView } from './state.js';
import type { World } from './world.js';

export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface SystemCounts {
  readonly requests: number;
  readonly events: number;
  readonly callbacksFailed: number;
}

export interface DemoSummary {
  /** Every order reached its final state, nothing was duplicated and every count adds up. */
  ok: boolean;
  problems: string[];
  runtimeMs: number;
  orders: { total: number; byStatus: Record<string, number>; scenarios: Record<string, number>; heldOnArrival: Record<string, number> };
  /** Sales orders whose total, as the ERP computed it, equals the order's grand total in the channel, of those posted. */
  erpTotals: { equal: number; posted: number; different: string[] };
  /** Return cases by state and each refund's NetSuite credit; null when the run did not get that far. */
  returns: ReturnsSummary | null;
  /** The hub's own record of its ERP postings (GraphQL), beside what NetSuite holds. */
  hubPostings: { salesOrdersPosted: number; itemFulfillmentsPosted: number; dead: number; retrying: number; stuck: string[] };
  documents: {
    netsuite: { salesOrders: number; itemFulfillments: number };
    shopify: { orders: number; fulfillments: number };
    wms: SystemCounts;
    store: SystemCounts;
  };
  expected: { salesOrders: number; parcels: number; pickups: number; itemFulfillments: number; shopifyFulfillments: number; wmsRequests: number; storeRequests: number };
  duplicates: { netsuiteSalesOrders: number; netsuiteItemFulfillments: number; shopifyFulfillments: number; total: number };
  latencyMs: { checkoutToErp: LatencyStats; checkoutToErpNotHeld: LatencyStats; checkoutToTracking: LatencyStats; shipmentToTracking: LatencyStats };
  graphql: { url: string; readerKey: string; examples: { title: string; query: string }[] };
  /** The USD orders' Shopify Payments payout and its bank line, matched; null when the run stopped before it. */
  settlement: SettlementOutcome | null;
  /** Orders per channel: by state, ERP documents posted, ERP totals equal to the channel's. */
  channels: Record<string, ChannelOutcome>;
  marketplace: MarketplaceOutcome | null;
  stores: StoreOutcome | null;
}

/** What the Amazon and store legs did, and the hub's orders of those channels. */
export interface OtherChannels {
  readonly marketplace: MarketplaceOutcome | null;
  readonly stores: StoreOutcome | null;
  readonly orders: { readonly AMAZON: Map<string, ChannelOrderView>; readonly POS: Map<string, ChannelOrderView> };
}

/** Nearest-rank percentiles over whole milliseconds. */
export function latency(samples: readonly number[]): LatencyStats {
  const sorted = samples.map((s) => Math.max(0, Math.round(s))).sort((a, b) => a - b);
  const rank = (p: number): number => (sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]);
  return { count: sorted.length, p50: rank(50), p95: rank(95), max: sorted.length === 0 ? 0 : sorted[sorted.length - 1] };
}

/** Copies of one document beyond the first, counted per natural key. */
function extraCopies(keys: Iterable<string>): number {
  const seen = new Map<string, number>();
  for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  return [...seen.values()].reduce((n, copies) => n + copies - 1, 0);
}

/** A parcel is known by its tracking numbers; an untracked handover by the units it moved. */
function parcelKey(f: Json): string {
  const tracking = (f.tracking_numbers as string[]).join(',');
  const units = (f.line_items as Json[]).map((l) => `${l.id}x${l.quantity}`).sort().join(',');
  return `${f.order_id}|${tracking || `untracked:${units}`}`;
}

const POSTINGS = 'query($status: String) { postings(filter: { status: $status }, first: 500) { documentType documentKey lastError } }';

async function hubPostings(world: World, orders: Map<string, OrderView>): Promise<DemoSummary['hubPostings']> {
  const [dead, retrying] = await Promise.all(['DEAD', 'RETRYING'].map(async (status) => (await world.hub.graphql(POSTINGS, { status })).postings as Json[]));
  const posted = (type: string): number =>
    [...orders.values()].reduce((n, o) => n + o.erpReferences.filter((r) => r.documentType === type && r.postingStatus === 'POSTED').length, 0);
  const stuck = [...dead, ...retrying].slice(0, 3).map((p) => `${p.documentType} ${p.documentKey}: ${String(p.lastError ?? '').slice(0, 200)}`);
  return { salesOrdersPosted: posted('SALES_ORDER'), itemFulfillmentsPosted: posted('ITEM_FULFILLMENT'), dead: dead.length, retrying: retrying.length, stuck };
}

async function systemCounts(url: string): Promise<SystemCounts> {
  const stats = await requestJson('GET', `${url}/_sandbox/stats`);
  return { requests: stats.fulfillmentRequests as number, events: stats.events as number, callbacksFailed: stats.deliveries.failed as number };
}

function examples(record: RunRecord): DemoSummary['graphql']['examples'] {
  const sample = record.plans.find((p) => p.gate === 'UNPAID' && p.shape === 'SPLIT' && p.lines[0].quantity >= 2) ?? record.plans[0];
  return [
    {
      title: `order ${sample?.name ?? ''} with its history, fulfilment requests and shipments`,
      query: `{ orderBySource(channel: SHOPIFY, externalId: "${sample?.orderId ?? ''}") { orderNumber status history { toStatus reason } ` +
        'fulfillmentRequests { locationRef method system status } shipments { kind carrier trackingNumbers channelStatus erp { target postingStatus } } } }',
    },
    { title: 'ERP postings, most recent first', query: '{ postings(first: 5) { documentType documentKey status erpInternalId } }' },
    { title: 'the unmapped worklist (empty once the new product was mapped)', query: '{ unmappedValues { kind sourceValue orderCount since } }' },
    {
      title: 'the payout with its bank line, and the settlement breaks not resolved',
      query: '{ payouts(first: 5) { nodes { payoutRef amount { amount currencyCode } matchId bankLines { transactionRef } } } breaks { nodes { category status explanation } } }',
    },
    { title: 'fulfilled orders', query: '{ orders(first: 5, filter: { status: FULFILLED }) { edges { node { orderNumber status totals { grandTotal { amount currencyCode } } } } } }' },
  ];
}

/** The ERP's own total of each posted sales order against the channel's grand total, to the cent. */
function erpTotals(record: RunRecord, orders: Map<string, OrderView>): DemoSummary['erpTotals'] {
  let equal = 0;
  let posted = 0;
  const different: string[] = [];
  for (const plan of record.plans) {
    const order = orders.get(plan.orderId);
    const ref = order?.erpReferences.find((r) => r.documentType === 'SALES_ORDER' && r.postingStatus === 'POSTED');
    if (!order || !ref) continue;
    posted++;
    const channel = order.totals.grandTotal;
    if (ref.erpTotal && ref.erpTotal.amount === channel.amount && ref.erpTotal.currencyCode === channel.currencyCode) equal++;
    else different.push(`${plan.name} ${channel.amount} ${channel.currencyCode} vs ERP ${ref.erpTotal ? `${ref.erpTotal.amount} ${ref.erpTotal.currencyCode}` : 'not read'}`);
  }
  return { equal, posted, different };
}

export async function summarize(
  world: World, record: RunRecord, orders: Map<string, OrderView>, startedAt: number, failure: string | null,
  settlement: SettlementOutcome | null = null, returns: ReturnsSummary | null = null, others: OtherChannels | null = null,
): Promise<DemoSummary> {
  const [postings, netsuite, shopify, shopifyStats, wms, store] = await Promise.all([
    hubPostings(world, orders),
    requestJson('GET', `${world.netsuite.url}/_sandbox/documents`),
    requestJson('GET', `${world.shopify.url}/_sandbox/fulfillments`),
    requestJson('GET', `${world.shopify.url}/_sandbox/stats`),
    systemCounts(world.wms.url),
    systemCounts(world.store.url),
  ]);
  const plans = record.plans;
  const planned = plans.map(expectedShipments);
  const parcels = planned.reduce((n, s) => n + s.parcels, 0);
  const pickups = planned.reduce((n, s) => n + s.pickups, 0);
  const shopifyOutcome = channelOutcome([...orders.values()].map((o) => ({ ...o, grandTotal: o.totals.grandTotal })));
  const amazon = channelOutcome(others?.orders.AMAZON.values() ?? []);
  const pos = channelOutcome(others?.orders.POS.values() ?? []);
  const channels = { SHOPIFY: shopifyOutcome, ...(others && { AMAZON: amazon, POS: pos }) };
  // Every Amazon order is one sales order and one item fulfilment (one parcel, from the warehouse or FBA); every store sale too, from the store.
  const mfn = others?.marketplace?.mfn ?? 0;
  // A return's exchange order is one more sales order, and its new item one more request to the warehouse (not shipped in the demo).
  const exchanges = returns?.exchangeOrders.posted ?? 0;
  const expected = {
    salesOrders: plans.length + amazon.orders + pos.orders + exchanges, parcels, pickups, itemFulfillments: parcels + pickups + amazon.orders + pos.orders,
    shopifyFulfillments: parcels + pickups, wmsRequests: plans.filter((p) => p.shape === 'SPLIT').length + mfn + exchanges, storeRequests: plans.length,
  };
  const nsFulfillments = netsuite.fulfillments as Json;
  const duplicates = {
    netsuiteSalesOrders: extraCopies((netsuite.documents as Json[]).map((d) => String(d.key))) + (netsuite.documents as Json[]).reduce((n, d) => n + d.creates - 1, 0),
    netsuiteItemFulfillments: Object.values(nsFulfillments.createsByKey as Record<string, number>).reduce((n, c) => n + c - 1, 0),
    shopifyFulfillments: extraCopies((shopify.fulfillments as Json[]).map(parcelKey)),
    total: 0,
  };
  duplicates.total = duplicates.netsuiteSalesOrders + duplicates.netsuiteItemFulfillments + duplicates.shopifyFulfillments;
  const documents = {
    netsuite: { salesOrders: netsuite.count as number, itemFulfillments: nsFulfillments.count as number },
    shopify: { orders: shopifyStats.orders as number, fulfillments: shopify.count as number },
    wms,
    store,
  };

  const views = plans.map((p) => ({ plan: p, order: orders.get(p.orderId), at: record.checkoutAt.get(p.orderId) ?? startedAt }));
  const erpAt = (o: OrderView | undefined): number | null => {
    const posted = o?.erpReferences.find((r) => r.documentType === 'SALES_ORDER')?.postedAt;
    return posted ? Date.parse(posted) : null;
  };
  const since = (list: typeof views, pick: (o: OrderView | undefined) => number | null): number[] =>
    list.flatMap((v) => { const t = pick(v.order); return t === null ? [] : [t - v.at]; });
  const lastTracking = (o: OrderView | undefined): number | null => {
    const times = (o?.shipments ?? []).map((s) => (s.channelNotifiedAt ? Date.parse(s.channelNotifiedAt) : NaN));
    return times.length === 0 || times.some(Number.isNaN) ? null : Math.max(...times);
  };
  const shipments = [...orders.values()].flatMap((o) => o.shipments);

  const problems: string[] = failure ? [failure] : [];
  const notFulfilled = plans.filter((p) => orders.get(p.orderId)?.status !== 'FULFILLED');
  if (notFulfilled.length > 0) {
    problems.push(`${notFulfilled.length} of ${plans.length} orders are not FULFILLED: ${notFulfilled.slice(0, 8).map((p) => `${p.name} ${orders.get(p.orderId)?.status ?? 'missing'}`).join(', ')}`);
  }
  if (duplicates.total > 0) problems.push(`${duplicates.total} duplicate documents (${JSON.stringify(duplicates)})`);
  const check = (what: string, actual: number, wanted: number): void => {
    if (actual !== wanted) problems.push(`${what}: ${actual}, expected ${wanted}`);
  };
  if (postings.dead + postings.retrying > 0) problems.push(`postings not posted: ${postings.dead} DEAD, ${postings.retrying} RETRYING (GraphQL postings): ${postings.stuck.join('; ')}`);
  check('NetSuite sales orders', documents.netsuite.salesOrders, expected.salesOrders);
  check('NetSuite item fulfilments', documents.netsuite.itemFulfillments, expected.itemFulfillments);
  check('Shopify fulfillments', documents.shopify.fulfillments, expected.shopifyFulfillments);
  check('WMS requests', wms.requests, expected.wmsRequests);
  check('store requests', store.requests, expected.storeRequests);
  if (settlement) {
    check('settled charges matched to their orders', settlement.chargesMatched, settlement.charges);
    check('USD orders in the payout', settlement.charges, plans.filter((p) => p.money !== 'VAT_EUR').length);
    if (!settlement.payoutBankMatched) problems.push('the payout did not match its bank line');
    if (settlement.unexplained > 0) problems.push(`${settlement.unexplained} unexplained settlement breaks: ${settlement.openBreaks.slice(0, 5).join('; ')}`);
  } else if (!failure) {
    problems.push('the settlement step did not run');
  }
  const totals = erpTotals(record, orders);
  if (returns) {
    const wanted = returns.scenarios.length;
    if (returns.creditMemos !== wanted || returns.duplicateCredits > 0 || returns.creditsEqual !== wanted) {
      problems.push(`ERP credits: ${returns.creditMemos} credit memos for ${wanted} refunds, ${returns.duplicateCredits} duplicates, ${returns.creditsEqual} equal to their refund`);
    }
    const swaps = returns.scenarios.filter((x) => x === 'EXCHANGE').length;
    if (returns.exchangeOrders.posted !== swaps || returns.exchangeOrders.equal !== swaps) problems.push(`exchange orders: ${JSON.stringify(returns.exchangeOrders)} for ${swaps} exchanges`);
  }
  if (totals.equal !== totals.posted) problems.push(`ERP totals differ from channel totals: ${totals.different.slice(0, 5).join('; ')}`);
  if (others) {
    const { marketplace, stores } = others;
    for (const [channel, outcome, wanted] of [['AMAZON', amazon, marketplace ? marketplace.mfn + marketplace.fba : 0], ['POS', pos, stores?.sales ?? 0]] as const) {
      if (outcome.orders !== wanted || (outcome.byStatus.FULFILLED ?? 0) !== wanted) problems.push(`${channel}: ${JSON.stringify(outcome.byStatus)}, expected FULFILLED ${wanted}`);
      if (outcome.totalsEqual !== outcome.salesOrdersPosted) problems.push(`${channel}: ${outcome.salesOrdersPosted - outcome.totalsEqual} ERP totals differ from the channel's`);
    }
    if (marketplace && marketplace.confirmations !== marketplace.mfn) problems.push(`Amazon: ${marketplace.confirmations} shipments confirmed for ${marketplace.mfn} MFN orders`);
    if (stores && stores.duplicatesOnResend !== stores.accepted + stores.rejected) problems.push(`store batch sent again: ${stores.duplicatesOnResend} duplicates of ${stores.accepted + stores.rejected}`);
    if (stores && (stores.day?.status !== 'POSTED' || stores.day.journalsPosted !== 1 || stores.day.variance !== stores.day.counted - stores.day.expected)) {
      problems.push(`store day: ${JSON.stringify(stores.day, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
    }
  }

  const scenarios: Record<string, number> = {};
  for (const p of plans) {
    for (const tag of [p.shape, p.gate === 'NONE' ? 'NOT_HELD' : p.gate, ...(p.money === 'STANDARD' ? [] : [p.money])]) scenarios[tag] = (scenarios[tag] ?? 0) + 1;
  }
  return {
    ok: problems.length === 0,
    problems,
    runtimeMs: Date.now() - startedAt,
    orders: { total: plans.length, byStatus: countByStatus(orders.values()), scenarios, heldOnArrival: record.held },
    erpTotals: totals,
    returns,
    hubPostings: postings,
    documents,
    expected,
    duplicates,
    latencyMs: {
      checkoutToErp: latency(since(views, erpAt)),
      checkoutToErpNotHeld: latency(since(views.filter((v) => v.plan.gate === 'NONE'), erpAt)),
      checkoutToTracking: latency(since(views, lastTracking)),
      shipmentToTracking: latency(shipments.flatMap((s) => (s.channelNotifiedAt ? [Date.parse(s.channelNotifiedAt) - Date.parse(s.receivedAt)] : []))),
    },
    graphql: { url: `${world.hubUrl}/graphql`, readerKey: world.keys.reader, examples: examples(record) },
    settlement,
    channels,
    marketplace: others?.marketplace ?? null,
    stores: others?.stores ?? null,
  };
}
