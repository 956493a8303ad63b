/**
 * The marketplace leg of the demo: the brand's Amazon seller account. Orders appear in the
 * Amazon sandbox and Amazon's ORDER_CHANGE notifications reach the hub as an EventBridge API
 * destination posts them; the hub fetches each order from the Orders API (the whole address
 * through a Restricted Data Token for the ones it ships itself). One order waits Pending (no
 * prices yet) before Amazon takes the payment. Merchant-fulfilled (MFN) orders ship from the
 * warehouse and the tracking goes back with confirmShipment; Amazon-fulfilled (FBA) orders
 * ship from Amazon's warehouse and the ERP gets their item fulfilment from the FBA location.
 * One FBA listing is mapped by its ASIN only.
 */
import { randomUUID } from 'node:crypto';
import { readChannelOrders, type ChannelOrderView } from './channel-orders.js';
import { decimal } from './money.js';
import { requestJson, type Json } from './http.js';
import { waitFor, type Pace } from './progress.js';
import type { World } from './world.js';

export const SELLER = 'A2DEMOOUTFITTERS';
export const MARKETPLACE = 'ATVPDKIKX0DER';
/** The seller's refresh token (Login with Amazon), as the sandbox knows it. */
export const SELLER_REFRESH_TOKEN = 'Atzr|demo-outfitters-refresh-token';

interface AmazonLine {
  readonly sku: string;
  readonly asin: string;
  readonly title: string;
  readonly cents: bigint;
  readonly quantity: number;
}

interface AmazonPlan {
  readonly id: string;
  readonly channel: 'MFN' | 'AFN';
  readonly pendingFirst: boolean;
  readonly lines: readonly AmazonLine[];
}

const SOCKS: AmazonLine = { sku: 'SOCK-TRAIL-3PK', asin: 'B0DEMO0004', title: 'Trail Socks 3-Pack, Charcoal', cents: 2450n, quantity: 2 };
const MUG: AmazonLine = { sku: 'MUG-ENAMEL-WHT', asin: 'B0DEMO0006', title: 'Enamel Camp Mug, White', cents: 1800n, quantity: 1 };
const BEANIE: AmazonLine = { sku: 'BEANIE-WOOL-GRY', asin: 'B0DEMO0002', title: 'Wool Beanie, Grey', cents: 3200n, quantity: 1 };
/** Listed under a seller SKU nobody mapped: the item master knows its ASIN (mapping asin:B0DEMO0009). */
const TABS_FBA: AmazonLine = { sku: 'AMZ-DESCALE-12-FBA', asin: 'B0DEMO0009', title: 'Descaling Tablets (12)', cents: 1200n, quantity: 3 };

const PLANS: readonly AmazonPlan[] = [
  { id: '113-2026001-0000001', channel: 'MFN', pendingFirst: true, lines: [SOCKS, MUG] },
  { id: '113-2026001-0000002', channel: 'MFN', pendingFirst: false, lines: [BEANIE] },
  { id: '113-2026001-0000003', channel: 'AFN', pendingFirst: false, lines: [MUG, TABS_FBA] },
  { id: '113-2026001-0000004', channel: 'AFN', pendingFirst: false, lines: [SOCKS] },
];

/** Washington's combined rate, in parts per 100,000, as Amazon collects it (marketplace facilitator). */
const TAX_PER_100K = 10_250n;
const MFN_SHIPPING = 499n;

const money = (cents: bigint): Json => ({ CurrencyCode: 'USD', Amount: decimal(cents) });
const taxOf = (cents: bigint): bigint => (cents * TAX_PER_100K + 50_000n) / 100_000n;

function amazonOrder(plan: AmazonPlan, status: string): { order: Json; items: Json[] } {
  const items = plan.lines.map((line, i) => {
    const price = line.cents * BigInt(line.quantity);
    const shipping = plan.channel === 'MFN' && i === 0 ? MFN_SHIPPING : 0n;
    return {
      ASIN: line.asin, OrderItemId: `${plan.id.replace(/-/g, '').slice(-10)}${i + 1}`, SellerSKU: line.sku, Title: line.title,
      QuantityOrdered: line.quantity, QuantityShipped: status === 'Shipped' ? line.quantity : 0,
      ItemPrice: money(price), ItemTax: money(taxOf(price)), ShippingPrice: money(shipping), ShippingTax: money(0n),
      PromotionDiscount: money(0n), PromotionDiscountTax: money(0n),
    };
  });
  const total = plan.lines.reduce((n, line, i) => {
    const price = line.cents * BigInt(line.quantity);
    return n + price + taxOf(price) + (plan.channel === 'MFN' && i === 0 ? MFN_SHIPPING : 0n);
  }, 0n);
  const units = plan.lines.reduce((n, l) => n + l.quantity, 0);
  const now = `${new Date().toISOString().slice(0, 19)}Z`;
  return {
    order: {
      AmazonOrderId: plan.id, PurchaseDate: now, LastUpdateDate: now, OrderStatus: status, FulfillmentChannel: plan.channel, SalesChannel: 'Amazon.com',
      ShipServiceLevel: plan.channel === 'MFN' ? 'Std US D2D Dom' : 'Expedited', OrderTotal: money(total), NumberOfItemsShipped: status === 'Shipped' ? units : 0,
      NumberOfItemsUnshipped: status === 'Shipped' ? 0 : units, PaymentMethod: 'Other', MarketplaceId: MARKETPLACE, ShipmentServiceLevelCategory: 'Standard',
      OrderType: 'StandardOrder', IsPrime: plan.channel === 'AFN', IsBusinessOrder: false,
      ShippingAddress: { Name: 'Sam Rivera', AddressLine1: '1200 Pine St', City: 'SEATTLE', StateOrRegion: 'WA', PostalCode: '98101', CountryCode: 'US', Phone: '+1 206-555-0142' },
    },
    items,
  };
}

/** What Amazon's EventBridge relay posts: the ORDER_CHANGE notification as the event's detail. */
async function notify(world: World, plan: AmazonPlan, change: string): Promise<void> {
  const body = JSON.stringify({
    version: '0', id: randomUUID(), 'detail-type': 'ORDER_CHANGE', source: 'aws.partner/sellingpartnerapi.amazon/demo', account: '000000000000',
    time: new Date().toISOString(), region: 'us-east-1', resources: [],
    detail: {
      NotificationVersion: '1.0', NotificationType: 'ORDER_CHANGE', PayloadVersion: '1.0', EventTime: new Date().toISOString(),
      Payload: { OrderChangeNotification: { NotificationLevel: 'OrderLevel', SellerId: SELLER, AmazonOrderId: plan.id, OrderChangeType: change } },
      NotificationMetadata: { ApplicationId: 'amzn1.sellerapps.app.demo', SubscriptionId: 'demo', PublishTime: new Date().toISOString(), NotificationId: randomUUID() },
    },
  });
  await requestJson('POST', `${world.hubUrl}/webhooks/amazon`, body, {
    'x-amazon-seller-id': SELLER, 'x-amazon-webhook-secret': world.amazonWebhookSecret,
  });
}

export interface MarketplaceOutcome {
  readonly mfn: number;
  readonly fba: number;
  /** Shipments confirmed back to Amazon (confirmShipment), one per MFN parcel. */
  readonly confirmations: number;
  readonly heldForPayment: number;
}

const done = (o: ChannelOrderView | undefined): boolean =>
  o?.status === 'FULFILLED' && o.shipments.length > 0 && o.shipments.every((s) => s.erp.length > 0 && s.erp.every((e) => e.postingStatus === 'POSTED'));

export async function runMarketplace(world: World, pace: Pace, log: (line: string) => void): Promise<MarketplaceOutcome> {
  const sandbox = (method: string, path: string, body?: unknown) => requestJson(method, `${world.amazon.url}${path}`, body);
  for (const plan of PLANS) {
    await sandbox('POST', `/_sandbox/sellers/${SELLER}/orders`, amazonOrder(plan, plan.pendingFirst ? 'Pending' : 'Unshipped'));
    await notify(world, plan, 'OrderStatusChange');
  }
  const pending = PLANS.filter((p) => p.pendingFirst);
  const held = await waitFor(pace, {
    what: 'Amazon orders fetched after their notifications (the Pending one held for payment)',
    read: () => readChannelOrders(world.hub, 'AMAZON'),
    missing: (orders) => (orders.size < PLANS.length ? `${orders.size}/${PLANS.length} fetched` : pending.some((p) => orders.get(p.id)?.status !== 'ON_HOLD') ? 'the Pending order is not held' : null),
    progress: (orders) => `${orders.size}/${PLANS.length} orders`,
  });
  log(`  Pending order held: ${pending.map((p) => `${p.id} ${held.get(p.id)?.holdReasons.join(',')}`).join('; ')}`);
  for (const plan of pending) {
    await sandbox('POST', `/_sandbox/orders/${plan.id}/change`, { order: { OrderStatus: 'Unshipped' } });
    await notify(world, plan, 'OrderStatusChange');
  }

  // The warehouse ships the MFN orders; Amazon ships the FBA ones from its own.
  const mfn = PLANS.filter((p) => p.channel === 'MFN');
  const requested = await waitFor(pace, {
    what: 'MFN orders released and requested from the warehouse',
    read: () => readChannelOrders(world.hub, 'AMAZON'),
    missing: (orders) => {
      const waiting = mfn.filter((p) => !orders.get(p.id)?.fulfillmentRequests.some((r) => r.status === 'ACCEPTED'));
      return waiting.length === 0 ? null : `${waiting.length} MFN orders without an accepted warehouse request`;
    },
    progress: (orders) => `${mfn.filter((p) => orders.get(p.id)?.fulfillmentRequests.length).length}/${mfn.length} requested`,
  });
  for (const plan of mfn) {
    const request = requested.get(plan.id)!.fulfillmentRequests.find((r) => r.system === 'wms')!;
    await requestJson('POST', `${world.wms.url}/_sandbox/requests/${encodeURIComponent(request.id)}/ship`, {});
  }
  for (const plan of PLANS.filter((p) => p.channel === 'AFN')) {
    await sandbox('POST', `/_sandbox/sellers/${SELLER}/orders`, amazonOrder(plan, 'Shipped'));
    await notify(world, plan, 'OrderStatusChange');
  }
  const final = await waitFor(pace, {
    what: 'Amazon orders shipped, item fulfilments posted, MFN tracking confirmed to Amazon',
    read: async () => ({ orders: await readChannelOrders(world.hub, 'AMAZON'), confirmations: ((await sandbox('GET', '/_sandbox/confirmations')).confirmations as Json[]).length }),
    missing: ({ orders, confirmations }) => {
      const open = PLANS.filter((p) => !done(orders.get(p.id)));
      if (open.length > 0) return `${open.length} Amazon orders not fulfilled and posted`;
      return confirmations < mfn.length ? `${confirmations}/${mfn.length} shipments confirmed to Amazon` : null;
    },
    progress: ({ orders, confirmations }) => `${PLANS.filter((p) => done(orders.get(p.id))).length}/${PLANS.length} fulfilled, ${confirmations} confirmed to Amazon`,
  });
  return { mfn: mfn.length, fba: PLANS.length - mfn.length, confirmations: final.confirmations, heldForPayment: pending.length };
}

export const AMAZON_ORDERS = PLANS.length;
