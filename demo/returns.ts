/**
 * Returns after the orders are fulfilled, each as its systems report it: the warehouse receives
 * and inspects what comes back (restock or scrap), Shopify refunds (refunds/create), sometimes
 * before the parcel is back, once delivered twice. Every refund must become exactly one NetSuite
 * credit (return authorization, receipt where goods came back, credit memo) that adds up to it.
 */
import { parseDecimal } from '../src/canonical/money.js';
import { decimal, NY_TAXES, taxLines } from './money.js';
import type { PlannedLine, PlannedOrder } from './plan.js';
import { requestJson, type Json } from './http.js';
import { waitFor, type Pace } from './progress.js';
import type { RunRecord } from './scenario.js';
import type { OrderView } from './state.js';
import type { World } from './world.js';

export type ReturnScenario = 'RESTOCK' | 'SCRAP' | 'REFUND_BEFORE_RECEIPT' | 'DUPLICATE_REFUND';
const SCENARIOS: readonly ReturnScenario[] = ['RESTOCK', 'SCRAP', 'REFUND_BEFORE_RECEIPT', 'DUPLICATE_REFUND'];

export interface PlannedReturn {
  readonly scenario: ReturnScenario;
  readonly plan: PlannedOrder;
  readonly line: PlannedLine;
  readonly refundId: string;
  /** What the customer gets back: one unit and its tax, in cents. */
  readonly cents: bigint;
}

const set = (amount: string) => `{"shop_money":{"amount":"${amount}","currency_code":"USD"},"presentment_money":{"amount":"${amount}","currency_code":"USD"}}`;

/** Shopify's refunds/create (REST Refund) for one unit of a line, paid back to the card. */
function refundBody(r: PlannedReturn, restock: 'return' | 'no_restock'): string {
  const subtotal = decimal(r.line.product.cents);
  const tax = decimal(r.cents - r.line.product.cents);
  const now = new Date().toISOString();
  return `{"id":${r.refundId},"order_id":${r.plan.orderId},"created_at":"${now}","processed_at":"${now}","note":"demo: ${r.scenario.toLowerCase()}",
    "return":null,"duties":[],"total_duties_set":${set('0.00')},
    "refund_line_items":[{"id":${r.refundId}1,"quantity":1,"line_item_id":${r.line.lineId},"location_id":null,"restock_type":"${restock}",
      "subtotal":${subtotal},"total_tax":${tax},"subtotal_set":${set(subtotal)},"total_tax_set":${set(tax)}}],
    "refund_shipping_lines":[],"order_adjustments":[],
    "transactions":[{"id":${r.refundId}2,"order_id":${r.plan.orderId},"kind":"refund","gateway":"shopify_payments","status":"success",
      "amount":"${decimal(r.cents)}","currency":"USD","processed_at":"${now}"}]}`;
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
    type: disposition ? 'return.inspected' : 'return.received', rmaRef: `RMA-${r.plan.orderNumber}`, lines,
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

const RETURNS = `{ returns(first: 50) { edges { node { status orderExternalId refunds { externalId state total { amount currencyCode } } } } } }`;

export interface ReturnsSummary {
  readonly cases: Record<string, number>;
  readonly refunds: number;
  readonly creditMemos: number;
  readonly duplicateCredits: number;
  /** Credit memos whose NetSuite total equals their refund. */
  readonly creditsEqual: number;
  readonly scenarios: readonly ReturnScenario[];
}

/** Waits for every refund's credit in NetSuite, then counts cases, refunds and credits from the outside. */
export async function awaitCredits(world: World, returns: readonly PlannedReturn[], pace: Pace): Promise<ReturnsSummary> {
  const read = async () => {
    const cases = ((await world.hub.graphql(RETURNS)).returns.edges as { node: Json }[]).map((e) => e.node);
    const ns = await requestJson('GET', `${world.netsuite.url}/_sandbox/returns`);
    return { cases, memos: ns.creditMemos as Json[] };
  };
  const memoOf = (memos: Json[], r: PlannedReturn) => memos.filter((m) => String(m.externalId).startsWith(`SHOPIFY-R${r.refundId}`));
  const seen = await waitFor(pace, {
    what: 'a NetSuite credit memo for every refund',
    read,
    missing: (s) => {
      const late = returns.filter((r) => memoOf(s.memos, r).length === 0);
      return late.length === 0 ? null : `${late.length} refunds without a credit memo (${late.map((r) => r.scenario).join(', ')})`;
    },
    progress: (s) => `credit memos ${s.memos.length}/${returns.length}`,
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
    if (refund && decimal(r.cents) === refund.total.amount && memoTotal === r.cents) creditsEqual++;
  }
  return { cases, refunds: refunds.length, creditMemos: seen.memos.length, duplicateCredits, creditsEqual, scenarios: returns.map((r) => r.scenario) };
}
