/**
 * Returns after the orders are fulfilled, each as its systems report it: the warehouse receives
 * and inspects what comes back (restock or scrap), Shopify refunds (refunds/create), sometimes
 * before the parcel is back, once delivered twice. Every refund must become exactly one NetSuite
 * credit (return authorization, receipt where goods came back, credit memo) that adds up to it.
 */
import { parseDecimal } from '../src/canonical/money.js';
import { decimal, NY_TAXES, taxLines, taxLinesJson } from './money.js';
import type { PlannedLine, PlannedOrder } from './plan.js';
import { requestJson, type Json } from './http.js';
import { waitFor, type Pace } from './progress.js';
import type { RunRecord } from './scenario.js';
import type { OrderView } from './state.js';
import type { World } from './world.js';

export type ReturnScenario = 'RESTOCK' | 'SCRAP' | 'REFUND_BEFORE_RECEIPT' | 'DUPLICATE_REFUND' | 'EXCHANGE';
const SCENARIOS: readonly ReturnScenario[] = ['RESTOCK', 'SCRAP', 'REFUND_BEFORE_RECEIPT', 'DUPLICATE_REFUND', 'EXCHANGE'];

export interface PlannedReturn {
  readonly scenario: ReturnScenario;
  readonly plan: PlannedOrder;
  readonly line: PlannedLine;
  readonly refundId: string;
  /** What the customer gets back: one unit and its tax, in cents. */
  readonly cents: bigint;
}

const set = (amount: string) => `{"shop_money":{"amount":"${amount}","currency_code":"USD"},"presentment_money":{"amount":"${amount}","currency_code":"USD"}}`;

/** Shopify's refunds/create (REST Refund) for one unit of a line, paid back to the card (an exchange: nothing paid back). */
function refundBody(r: PlannedReturn, restock: 'return' | 'no_restock'): string {
  const subtotal = decimal(r.line.product.cents);
  const tax = decimal(r.cents - r.line.product.cents);
  const now = new Date().toISOString();
  return `{"id":${r.refundId},"order_id":${r.plan.orderId},"created_at":"${now}","processed_at":"${now}","note":"demo: ${r.scenario.toLowerCase()}",
    "duties":[],"total_duties_set":${set('0.00')},
    "refund_line_items":[{"id":${r.refundId}1,"quantity":1,"line_item_id":${r.line.lineId},"location_id":null,"restock_type":"${restock}",
      "subtotal":${subtotal},"total_tax":${tax},"subtotal_set":${set(subtotal)},"total_tax_set":${set(tax)}}],
    "refund_shipping_lines":[],"order_adjustments":[],"return":${r.scenario === 'EXCHANGE' ? `{"id":${returnIdOf(r)}}` : 'null'},
    "transactions":[${r.scenario === 'EXCHANGE' ? '' : `{"id":${r.refundId}2,"order_id":${r.plan.orderId},"kind":"refund","gateway":"shopify_payments","status":"success",
      "amount":"${decimal(r.cents)}","currency":"USD","processed_at":"${now}"}`}]}`;
}

const returnIdOf = (r: PlannedReturn): string => (9_100_000_000_000n + BigInt(r.plan.orderNumber)).toString();

/**
 * Shopify's returns/approve of an exchange: the unit back, the same product in exchange (another
 * colour of the same price, its own order line with the unit's price and NY taxes), as the
 * returns webhook lists exchange_line_items.
 */
function exchangeApproval(r: PlannedReturn): string {
  const taxes = taxLines(r.line.product.cents, NY_TAXES);
  const line = `{"id":${returnIdOf(r)}3,"variant_id":${r.line.product.variantId}9,"sku":"${r.line.product.sku}","title":"${r.line.product.title} (exchange)","quantity":1,
    "price":"${decimal(r.line.product.cents)}","price_set":${set(decimal(r.line.product.cents))},"discount_allocations":[],"tax_lines":${taxLinesJson(taxes)}}`;
  return `{"id":${returnIdOf(r)},"admin_graphql_api_id":"gid://shopify/Return/${returnIdOf(r)}","status":"open","name":"#${r.plan.orderNumber}-R1",
    "order":{"id":${r.plan.orderId},"admin_graphql_api_id":"gid://shopify/Order/${r.plan.orderId}"},"total_return_line_items":1,
    "return_line_items":[{"id":${returnIdOf(r)}1,"quantity":1,"return_reason":"color","fulfillment_line_item":{"id":${returnIdOf(r)}2,"line_item":{"id":${r.line.lineId}}}}],
    "exchange_line_items":[{"id":${returnIdOf(r)}4,"quantity":1,"line_item":${line}}],"total_exchange_line_items":1,"return_shipping_fees":[]}`;
}

/** Four shipped, never-held orders of the USD shop, one per scenario; their warehouse line, one unit. */
export function planReturns(record: RunRecord): PlannedReturn[] {
  const candidates = record.plans.filter((p) => p.shape === 'SPLIT' && p.gate === 'NONE' && p.money !== 'VAT_EUR');
  return SCENARIOS.slice(0, candidates.length).map((scenario, i) => {
    const plan = candidates[i];
    const line = plan.lines.find((l) => l.from === 'WAREHOUSE') ?? plan.lines[0];
    const tax = taxLines(line.product.cents, NY_TAXES).reduce((n, t) => n + t.cents, 0n);
    return { scenario, plan, line, refundId: (8_800_000_000_000n + BigInt(plan.orderNumber)).toString(), cents: line.product.cents + tax };
  });
}

/** The warehouse reports the unit back: received, or received and inspected with its disposition. */
async function warehouseReturn(world: World, order: OrderView, r: PlannedReturn, disposition: 'RESTOCK' | 'SCRAP' | null): Promise<void> {
  const request = order.fulfillmentRequests.find((q) => q.system === 'wms');
  if (!request) throw new Error(`order ${r.plan.name} has no warehouse request`);
  const lines = [{ lineRef: r.line.lineId, quantity: 1, ...(disposition && { disposition }) }];
  await requestJson('POST', `${world.wms.url}/_sandbox/requests/${encodeURIComponent(request.id)}/return`, {
    // The warehouse knows the exchange's return only by its order: the event joins the return Shopify opened.
    type: disposition ? 'return.inspected' : 'return.received', rmaRef: r.scenario === 'EXCHANGE' ? null : `RMA-${r.plan.orderNumber}`, lines,
  });
}

export async function runReturns(world: World, returns: readonly PlannedReturn[], orders: Map<string, OrderView>, log: (line: string) => void): Promise<void> {
  for (const r of returns) {
    log(`  ${r.plan.name}: ${r.scenario.toLowerCase().replace(/_/g, ' ')}, one ${r.line.product.title}, refund ${decimal(r.cents)} USD`);
    const order = orders.get(r.plan.orderId) as OrderView;
    switch (r.scenario) {
      case 'RESTOCK':
        await warehouseReturn(world, order, r, 'RESTOCK');
        await world.hub.shopifyWebhook('refunds/create', refundBody(r, 'return'), r.plan.shop);
        break;
      case 'SCRAP':
        await warehouseReturn(world, order, r, 'SCRAP');
        await world.hub.shopifyWebhook('refunds/create', refundBody(r, 'no_restock'), r.plan.shop);
        break;
      case 'REFUND_BEFORE_RECEIPT':
        await world.hub.shopifyWebhook('refunds/create', refundBody(r, 'return'), r.plan.shop);
        await warehouseReturn(world, order, r, null);
        break;
      case 'EXCHANGE':
        // The customer swaps the unit for another colour at the same price: nothing is paid back.
        await world.hub.shopifyWebhook('returns/approve', exchangeApproval(r), r.plan.shop);
        await warehouseReturn(world, order, r, 'RESTOCK');
        await world.hub.shopifyWebhook('refunds/create', refundBody(r, 'return'), r.plan.shop);
        break;
      case 'DUPLICATE_REFUND': {
        // Shopify delivers a webhook at least once: the same refund, a second delivery.
        const body = refundBody(r, 'return');
        await world.hub.shopifyWebhook('refunds/create', body, r.plan.shop);
        await world.hub.shopifyWebhook('refunds/create', body, r.plan.shop);
        break;
      }
    }
  }
}

const RETURNS = `{ returns(first: 50) { edges { node { id status orderExternalId exchangeLines { sku } refunds { externalId state total { amount currencyCode } } } } } }`;
const EXCHANGE_ORDER = `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) { status totals { grandTotal { amount } }
  erpReferences { documentType postingStatus erpTotal { amount } } } }`;

export interface ReturnsSummary {
  readonly cases: Record<string, number>;
  readonly refunds: number;
  readonly creditMemos: number;
  readonly duplicateCredits: number;
  /** Credit memos whose NetSuite total equals their refund (an exchange's: the returned unit, nothing paid back). */
  readonly creditsEqual: number;
  readonly scenarios: readonly ReturnScenario[];
  /** Exchange orders (the new items, linked to their return) whose NetSuite sales order equals them. */
  readonly exchangeOrders: { readonly posted: number; readonly equal: number };
}

/** Waits for every refund's credit in NetSuite, then counts cases, refunds and credits from the outside. */
export async function awaitCredits(world: World, returns: readonly PlannedReturn[], pace: Pace): Promise<ReturnsSummary> {
  const read = async () => {
    const cases = ((await world.hub.graphql(RETURNS)).returns.edges as { node: Json }[]).map((e) => e.node);
    const ns = await requestJson('GET', `${world.netsuite.url}/_sandbox/returns`);
    const exchanges = await Promise.all(cases.filter((c) => (c.exchangeLines as Json[]).length > 0).map(async (c) =>
      (await world.hub.graphql(EXCHANGE_ORDER, { id: `${c.orderExternalId as string}-EX-${(c.id as string).slice(0, 8)}` })).orderBySource as Json | null));
    return { cases, memos: ns.creditMemos as Json[], exchanges };
  };
  const wantedExchanges = returns.filter((r) => r.scenario === 'EXCHANGE').length;
  // Posted, and NetSuite's own total read back (it is read in batches after the write).
  const postedExchange = (o: Json | null): boolean =>
    o?.erpReferences.some((e: Json) => e.documentType === 'SALES_ORDER' && e.postingStatus === 'POSTED' && e.erpTotal !== null) === true;
  const memoOf = (memos: Json[], r: PlannedReturn) => memos.filter((m) => String(m.externalId).startsWith(`SHOPIFY-R${r.refundId}`));
  const seen = await waitFor(pace, {
    what: 'a NetSuite credit memo for every refund',
    read,
    missing: (s) => {
      const late = returns.filter((r) => memoOf(s.memos, r).length === 0);
      if (late.length > 0) return `${late.length} refunds without a credit memo (${late.map((r) => r.scenario).join(', ')})`;
      const exchanges = s.exchanges.filter(postedExchange).length;
      return exchanges < wantedExchanges ? `${exchanges}/${wantedExchanges} exchange orders in NetSuite` : null;
    },
    progress: (s) => `credit memos ${s.memos.length}/${returns.length}, exchange orders ${s.exchanges.filter(postedExchange).length}/${wantedExchanges}`,
  });
  const cases: Record<string, number> = {};
  for (const c of seen.cases) cases[c.status as string] = (cases[c.status as string] ?? 0) + 1;
  const refunds = seen.cases.flatMap((c) => c.refunds as Json[]);
  let creditsEqual = 0;
  let duplicateCredits = 0;
  for (const r of returns) {
    const memos = memoOf(seen.memos, r);
    duplicateCredits += Math.max(0, memos.length - 1);
    const refund = refunds.find((x) => x.externalId === r.refundId);
    // NetSuite prints its total as a JSON number: read as the decimal it prints, never as a float.
    const memoTotal = memos.length === 1 ? parseDecimal(String(memos[0].total), 'USD').amount : null;
    // An exchange pays nothing back: its refund is 0 and its credit the returned unit, kept for the new item.
    const paidBack = r.scenario === 'EXCHANGE' ? '0.00' : decimal(r.cents);
    if (refund && paidBack === refund.total.amount && memoTotal === r.cents) creditsEqual++;
  }
  const posted = seen.exchanges.filter(postedExchange);
  const equal = posted.filter((o) => o!.erpReferences.some((e: Json) => e.documentType === 'SALES_ORDER' && e.erpTotal?.amount === o!.totals.grandTotal.amount)).length;
  return {
    cases, refunds: refunds.length, creditMemos: seen.memos.length, duplicateCredits, creditsEqual, scenarios: returns.map((r) => r.scenario),
    exchangeOrders: { posted: posted.length, equal },
  };
}
