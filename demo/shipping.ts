/**
 * The worked example from the ERP on: every order becomes one NetSuite sales order and one
 * fulfilment request per location; the warehouse and the store then ship (the warehouse in
 * two parcels where the quantity allows) or hand pickups over, first part of each order,
 * then the rest. The hub tells Shopify and NetSuite about each parcel.
 */
import { inBatches, requestJson } from './http.js';
import type { PlannedOrder } from './plan.js';
import { checkStopped, waitFor, type Pace } from './progress.js';
import { missingList, plural, type RunRecord } from './scenario.js';
import { countByStatus, formatCounts, readOrders, type OrderView } from './state.js';
import type { World } from './world.js';

type Request = OrderView['fulfillmentRequests'][number];
const DRIVERS = 8;

const expectedRequests = (plan: PlannedOrder): number => (plan.shape === 'PICKUP' ? 1 : 2);
const salesOrderPosted = (o: OrderView): boolean => o.erpReferences.some((r) => r.documentType === 'SALES_ORDER' && r.postingStatus === 'POSTED');

export async function awaitErpAndRequests(world: World, record: RunRecord, pace: Pace): Promise<Map<string, OrderView>> {
  const requested = (p: PlannedOrder, o: OrderView | undefined): boolean =>
    o !== undefined && o.fulfillmentRequests.length === expectedRequests(p) && o.fulfillmentRequests.every((r) => r.status === 'ACCEPTED' && r.deliveryStatus === 'SENT');
  return waitFor(pace, {
    what: 'a NetSuite sales order and accepted fulfilment requests for every order',
    read: () => readOrders(world.hub),
    missing: (o) => missingList('orders not yet posted and requested', record.plans.filter((p) => {
      const order = o.get(p.orderId);
      return !(order?.status === 'POSTED' && salesOrderPosted(order) && requested(p, order));
    }).map((p) => p.name)),
    progress: (o) => {
      const all = [...o.values()];
      const requests = all.flatMap((x) => x.fulfillmentRequests);
      return `sales orders posted ${all.filter(salesOrderPosted).length}/${record.plans.length}, ` +
        `requests accepted ${requests.filter((r) => r.status === 'ACCEPTED').length}/${record.plans.reduce((n, p) => n + expectedRequests(p), 0)}`;
    },
  });
}

function requestOf(order: OrderView, system: 'wms' | 'store'): Request {
  const found = order.fulfillmentRequests.find((r) => r.system === system);
  if (!found) throw new Error(`order ${order.orderNumber} has no ${system} request`);
  return found;
}

/** One admin action on a fulfilment sandbox; the sandbox answers once the hub has heard of it. */
async function act(world: World, system: 'wms' | 'store', request: Request, action: string, body: unknown = {}): Promise<void> {
  const base = system === 'wms' ? world.wms.url : world.store.url;
  await requestJson('POST', `${base}/_sandbox/requests/${encodeURIComponent(request.id)}/${action}`, body);
}

/**
 * First parcels: the warehouse sends part of a line it has two or more units of (the store
 * ships first when it has only one); the store makes pickups ready at the counter.
 */
export async function shipFirstParcels(world: World, record: RunRecord, orders: Map<string, OrderView>, pace: Pace): Promise<void> {
  let parcels = 0;
  let ready = 0;
  await inBatches(record.plans, DRIVERS, async (plan) => {
    checkStopped(pace);
    const order = orders.get(plan.orderId) as OrderView;
    if (plan.shape === 'PICKUP') {
      await act(world, 'store', requestOf(order, 'store'), 'ready-for-pickup');
      ready += 1;
      return;
    }
    const line = plan.lines.find((l) => l.from === 'WAREHOUSE');
    if (line && line.quantity >= 2) {
      await act(world, 'wms', requestOf(order, 'wms'), 'ship', { parcels: [{ lines: [{ lineRef: line.lineId, quantity: Math.ceil(line.quantity / 2) }] }] });
    } else {
      await act(world, 'store', requestOf(order, 'store'), 'ship');
    }
    parcels += 1;
  });
  pace.log(`  ${plural(parcels, 'first parcel')} shipped, ${plural(ready, 'pickup')} ready at the store counter`);
  await waitFor(pace, {
    what: 'partial shipments confirmed and tracked',
    read: () => readOrders(world.hub),
    missing: (o) => missingList('orders not yet partially fulfilled or ready', record.plans.filter((p) => {
      const order = o.get(p.orderId);
      if (!order) return true;
      if (p.shape === 'PICKUP') return order.fulfillmentRequests[0]?.status !== 'READY_FOR_PICKUP';
      return order.status !== 'PARTIALLY_FULFILLED' || order.shipments.length !== 1 || !tracked(order);
    }).map((p) => p.name)),
    progress: (o) => formatCounts(countByStatus(o.values())),
  });
}

/** Everything else: the warehouse's last parcel, the store's parcel, the customer collecting. */
export async function shipTheRest(world: World, record: RunRecord, pace: Pace): Promise<void> {
  const orders = await readOrders(world.hub);
  let parcels = 0;
  let handovers = 0;
  await inBatches(record.plans, DRIVERS, async (plan) => {
    checkStopped(pace);
    const order = orders.get(plan.orderId) as OrderView;
    if (plan.shape === 'PICKUP') {
      await act(world, 'store', requestOf(order, 'store'), 'picked-up');
      handovers += 1;
      return;
    }
    for (const system of ['wms', 'store'] as const) {
      const request = requestOf(order, system);
      if (request.status === 'SHIPPED') continue;
      await act(world, system, request, 'ship');
      parcels += 1;
    }
  });
  pace.log(`  ${plural(parcels, 'more parcel')} shipped, ${plural(handovers, 'pickup')} collected`);
}

/** Every shipment confirmed, its tracking in Shopify and its item fulfilment in NetSuite. */
export function tracked(order: OrderView): boolean {
  return order.shipments.every((s) => s.status === 'CONFIRMED' && s.channelStatus === 'NOTIFIED' && s.erp.length > 0 && s.erp.every((e) => e.postingStatus === 'POSTED'));
}

export async function awaitFulfilled(world: World, record: RunRecord, pace: Pace): Promise<Map<string, OrderView>> {
  return waitFor(pace, {
    what: 'every order fulfilled, tracked in Shopify and fulfilled in NetSuite',
    read: () => readOrders(world.hub),
    missing: (o) => missingList('orders not yet fulfilled and tracked', record.plans.filter((p) => {
      const order = o.get(p.orderId);
      return !(order?.status === 'FULFILLED' && tracked(order));
    }).map((p) => p.name)),
    progress: (o) => {
      const shipments = [...o.values()].flatMap((x) => x.shipments);
      return `${formatCounts(countByStatus(o.values()))}; shipments ${shipments.length}, tracked in Shopify ${shipments.filter((s) => s.channelStatus === 'NOTIFIED').length}, ` +
        `in NetSuite ${shipments.filter((s) => s.erp.some((e) => e.postingStatus === 'POSTED')).length}`;
    },
  });
}
