/**
 * The worked example, up to the ERP: checkout (each order seeded in the Shopify sandbox and
 * sent to the hub as a signed orders/create), the release gates holding what they should,
 * and what lets each held order go: a payment, a fraud reviewer's accept, a new mapping.
 */
import { mapNewProduct } from './configure.js';
import { inBatches, requestJson, type Json } from './http.js';
import { orderBody, shopifyTime, type OrderVersion } from './orders.js';
import type { Gate, PlannedOrder } from './plan.js';
import { checkStopped, waitFor, type Pace } from './progress.js';
import { countByStatus, formatCounts, readOrders, type OrderView } from './state.js';
import type { World } from './world.js';

/** What the demo did and saw, for the summary. */
export interface RunRecord {
  readonly plans: readonly PlannedOrder[];
  /** Shopify order id → when its orders/create left the "shop" (epoch ms). */
  readonly checkoutAt: Map<string, number>;
  readonly versions: Map<string, OrderVersion>;
  /** Hold reasons seen before the demo resolved them, and the unmapped worklist then. */
  held: Record<string, number>;
  unmappedValues: { kind: string; sourceValue: string; orderCount: number }[];
}

export const HOLD_FOR: Readonly<Record<Exclude<Gate, 'NONE'>, string>> = { UNPAID: 'AWAITING_PAYMENT', FRAUD: 'FRAUD_REVIEW', UNMAPPED: 'UNMAPPED' };
const SENDERS = 8;
const PAST_GATES = new Set(['RELEASED', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED']);

export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A few ids of what is missing, for the progress line and a timeout message. */
export function missingList(label: string, names: readonly string[]): string | null {
  if (names.length === 0) return null;
  return `${names.length} ${label} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`;
}

/** Shopify's updated_at has whole seconds; every new version must be strictly newer. */
function nextVersion(previous: OrderVersion, change: Partial<OrderVersion>): OrderVersion {
  const last = Date.parse(previous.updatedAt);
  return { ...previous, ...change, updatedAt: shopifyTime(new Date(Math.max(Date.now(), last + 1000))) };
}

export const newRecord = (plans: readonly PlannedOrder[]): RunRecord => ({ plans, checkoutAt: new Map(), versions: new Map(), held: {}, unmappedValues: [] });

export async function checkout(world: World, record: RunRecord, pace: Pace): Promise<void> {
  await inBatches(record.plans, SENDERS, async (plan) => {
    checkStopped(pace);
    const now = shopifyTime(new Date());
    const version: OrderVersion = { createdAt: now, updatedAt: now, paid: plan.gate !== 'UNPAID', risk: plan.gate === 'FRAUD' ? 'investigate' : null };
    const body = orderBody(plan, version);
    // The shop has the order (and its fulfillment orders) before any webhook says so.
    await requestJson('POST', `${world.shopify.url}/_sandbox/orders`, body);
    record.checkoutAt.set(plan.orderId, Date.now());
    await world.hub.shopifyWebhook('orders/create', body, plan.shop);
    record.versions.set(plan.orderId, version);
  });
  pace.log(`  ${plural(record.plans.length, 'orders/create webhook')} accepted by the hub (202)`);
}

function gateMissing(plans: readonly PlannedOrder[], orders: Map<string, OrderView>): string | null {
  const late = plans.filter((p) => {
    const o = orders.get(p.orderId);
    if (!o) return true;
    if (p.gate === 'NONE') return !PAST_GATES.has(o.status);
    return o.status !== 'ON_HOLD' || o.holdReasons.join() !== HOLD_FOR[p.gate];
  });
  return missingList('orders not yet where their gates put them', late.map((p) => p.name));
}

const holdCounts = (orders: Iterable<OrderView>): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const o of orders) for (const r of o.holdReasons) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};

/** Waits until every order is released or held for exactly the reason its scenario gives it. */
export async function awaitGates(world: World, record: RunRecord, pace: Pace): Promise<void> {
  const orders = await waitFor(pace, {
    what: 'every order through its release gates',
    read: () => readOrders(world.hub),
    missing: (o) => gateMissing(record.plans, o),
    progress: (o) => `${o.size}/${record.plans.length} orders in the hub: ${formatCounts(countByStatus(o.values()))}`,
  });
  record.held = holdCounts(orders.values());
  pace.log(`  held: ${formatCounts(record.held)}`);
  const worklist = await world.hub.graphql('{ unmappedValues { kind sourceValue orderCount } }');
  record.unmappedValues = worklist.unmappedValues as RunRecord['unmappedValues'];
  for (const v of record.unmappedValues) pace.log(`  unmappedValues: ${v.kind} ${v.sourceValue} holds ${plural(v.orderCount, 'order')}`);
}

/** Pays the unpaid, accepts the reviewed, maps the new product; then waits for every release. */
export async function resolveHolds(world: World, record: RunRecord, pace: Pace): Promise<void> {
  const byGate = (gate: Gate) => record.plans.filter((p) => p.gate === gate);
  const update = async (plan: PlannedOrder, topic: string, change: Partial<OrderVersion>): Promise<void> => {
    checkStopped(pace);
    const version = nextVersion(record.versions.get(plan.orderId) as OrderVersion, change);
    record.versions.set(plan.orderId, version);
    await world.hub.shopifyWebhook(topic, orderBody(plan, version), plan.shop);
  };
  await inBatches(byGate('UNPAID'), SENDERS, (p) => update(p, 'orders/paid', { paid: true }));
  pace.log(`  ${plural(byGate('UNPAID').length, 'bank transfer')} arrived: orders/paid sent (financial_status paid)`);
  await inBatches(byGate('FRAUD'), SENDERS, (p) => update(p, 'orders/updated', { risk: 'accept' }));
  pace.log(`  ${plural(byGate('FRAUD').length, 'order')} reviewed: orders/updated sent with risk recommendation accept`);
  if (byGate('UNMAPPED').length > 0) {
    const mapping: Json = await mapNewProduct(world.hub);
    pace.log(`  mapping added through POST /admin/mappings: ${mapping.kind} ${mapping.sourceValue} → ${JSON.stringify(mapping.target)}`);
  }
  await waitFor(pace, {
    what: 'every held order released',
    read: () => readOrders(world.hub),
    missing: (o) => missingList('orders still held', record.plans.filter((p) => !PAST_GATES.has(o.get(p.orderId)?.status ?? '')).map((p) => p.name)),
    progress: (o) => formatCounts(countByStatus(o.values())),
  });
}
