/**
 * The mixed-channel mode (`--mix shopify=60,pos=30,amazon=10`): the timed deliveries are
 * Shopify orders/create webhooks, signed store POS batches of `--pos-batch` sales each, and
 * Amazon ORDER_CHANGE notifications, interleaved in the given shares. A notification makes the
 * hub fetch the order (getOrder, getOrderItems and, for a merchant-fulfilled order, its address
 * through a Restricted Data Token) from an Amazon sandbox run by the bench, within Amazon's usage
 * plans as the hub keeps them (getOrder and getOrderItems: 0.5 per second, a burst of 30 per
 * seller). Those plans, not the hub, bound a seller's notified orders to about one every two
 * seconds after a burst; so a run sends at most AMAZON_CAP notifications (fewer than the burst)
 * and gives the rest of the Amazon share to Shopify. The 429 handling is the e2e tests' subject.
 *
 * Each delivery says how many inbox rows and orders it should leave, so the loss check and the
 * end-to-end rate count transactions and fetched orders, not requests. Every delivery also
 * carries a Shopify signature of its body: the bare baseline server verifies that one on any
 * path and does its per-request work (one row, one job) for a batch as for a webhook.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { startAmazonSandbox, type AmazonSandbox } from '../../sandboxes/amazon/sandbox.js';
import type { Delivery } from './bodies.js';

export const POS_STORE = 'bench-store-01';
export const POS_SECRET = 'bench-pos-secret-0123456789';
export const AMAZON_SELLER = 'A1BENCHSELLER';
export const AMAZON_SECRET = 'bench-amazon-eventbridge-secret';
const AMAZON_REFRESH = 'Atzr|bench-refresh-token';
const MARKETPLACE = 'ATVPDKIKX0DER';

export interface Mix {
  readonly shopify: number;
  readonly pos: number;
  readonly amazon: number;
}

export function parseMix(text: string): Mix {
  const mix: Record<string, number> = { shopify: 0, pos: 0, amazon: 0 };
  for (const part of text.split(',')) {
    const [name, share] = part.split('=');
    if (!(name in mix) || !/^\d+$/.test(share ?? '')) throw new Error(`--mix takes shares such as shopify=60,pos=30,amazon=10; "${part}" is not one`);
    mix[name] = Number(share);
  }
  if (mix.shopify + mix.pos + mix.amazon === 0) throw new Error('--mix needs at least one share above 0');
  return mix as unknown as Mix;
}

/** Which channel the n-th delivery belongs to: the shares spread evenly over every 100 (or fewer) deliveries. */
function channelAt(mix: Mix, index: number): keyof Mix {
  const total = mix.shopify + mix.pos + mix.amazon;
  const slot = index % total;
  return slot < mix.shopify ? 'shopify' : slot < mix.shopify + mix.pos ? 'pos' : 'amazon';
}

const shopifySignature = (body: Buffer, secret: string): string => createHmac('sha256', secret).update(body).digest('base64');

function posBatch(label: string, index: number, size: number, shopifySecret: string): Delivery {
  // 2 mugs at 18.00 less 2.00, NY State Tax 1.36: 35.36, paid by card.
  const sale = (n: number) => ({
    id: `${label}-${index}-${n}`, type: 'SALE', at: '2026-12-04T10:15:00-05:00', receipt: `R-${label}-${index}-${n}`,
    lines: [{ id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity: 2, unitPrice: '18.00', discounts: [{ amount: '2.00' }], taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '1.36' }] }],
    tenders: [{ kind: 'CARD', gateway: 'adyen', amount: '35.36' }],
    total: '35.36',
  });
  const body = Buffer.from(JSON.stringify({
    schemaVersion: 1, batchId: `B-${label}-${index}`, storeId: POS_STORE, register: 'R1', currency: 'USD',
    transactions: Array.from({ length: size }, (_, n) => sale(n)),
  }));
  return {
    body, path: `/webhooks/pos/${POS_STORE}/batches`, rows: size, orders: size,
    headers: {
      'content-type': 'application/json', 'content-length': String(body.length),
      'x-pos-signature': `sha256=${createHmac('sha256', POS_SECRET).update(body).digest('hex')}`,
      'x-shopify-hmac-sha256': shopifySignature(body, shopifySecret),
    },
  };
}

export function amazonOrderId(label: string, index: number): string {
  const n = String(index).padStart(7, '0');
  return `11${label === 'W' ? '1' : '2'}-${n}-${n}`;
}

function amazonNotification(label: string, index: number, shopifySecret: string): Delivery {
  const body = Buffer.from(JSON.stringify({
    version: '0', id: randomUUID(), 'detail-type': 'ORDER_CHANGE', source: 'aws.partner/sellingpartnerapi.amazon/bench', account: '000000000000',
    time: new Date().toISOString(), region: 'us-east-1', resources: [],
    detail: {
      NotificationVersion: '1.0', NotificationType: 'ORDER_CHANGE', PayloadVersion: '1.0', EventTime: new Date().toISOString(),
      Payload: { OrderChangeNotification: { NotificationLevel: 'OrderLevel', SellerId: AMAZON_SELLER, AmazonOrderId: amazonOrderId(label, index), OrderChangeType: 'OrderStatusChange' } },
      NotificationMetadata: { ApplicationId: 'amzn1.sellerapps.app.bench', SubscriptionId: 'bench', PublishTime: new Date().toISOString(), NotificationId: randomUUID() },
    },
  }));
  return {
    // The notification's row and the fetched order version's.
    body, path: '/webhooks/amazon', rows: 2, orders: 1,
    headers: {
      'content-type': 'application/json', 'content-length': String(body.length), 'x-amazon-seller-id': AMAZON_SELLER, 'x-amazon-webhook-secret': AMAZON_SECRET,
      'x-shopify-hmac-sha256': shopifySignature(body, shopifySecret),
    },
  };
}

/** Notifications per run (warm-up and timed together stay under the seller's burst of 30). */
export const AMAZON_CAP = { timed: 24, warm: 4 } as const;

/** The Shopify deliveries given, with POS batches and Amazon notifications put in their share of the slots. */
export function mixDeliveries(shopify: readonly Delivery[], mix: Mix, posBatchSize: number, label: string, shopifySecret: string, amazonCap: number): { deliveries: Delivery[]; amazonOrders: string[] } {
  const deliveries: Delivery[] = [];
  const amazonOrders: string[] = [];
  let nextShopify = 0;
  for (let index = 0; index < shopify.length; index++) {
    const channel = channelAt(mix, index);
    if (channel === 'shopify' || (channel === 'amazon' && amazonOrders.length >= amazonCap)) deliveries.push(shopify[nextShopify++]);
    else if (channel === 'pos') deliveries.push(posBatch(label, index, posBatchSize, shopifySecret));
    else {
      deliveries.push(amazonNotification(label, index, shopifySecret));
      amazonOrders.push(amazonOrderId(label, index));
    }
  }
  return { deliveries, amazonOrders };
}

export const rowsOf = (deliveries: readonly Delivery[]): number => deliveries.reduce((n, d) => n + (d.rows ?? 1), 0);
export const ordersOf = (deliveries: readonly Delivery[]): number => deliveries.reduce((n, d) => n + (d.orders ?? 1), 0);

const money = (amount: string) => ({ CurrencyCode: 'USD', Amount: amount });

/** The Amazon sandbox with every order a notification names, Unshipped and merchant-fulfilled. */
export async function startBenchAmazon(orderIds: readonly string[]): Promise<AmazonSandbox> {
  const amazon = await startAmazonSandbox({ port: 0, sellers: { [AMAZON_REFRESH]: AMAZON_SELLER } });
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${amazon.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`Amazon sandbox ${path}: ${res.status} ${await res.text()}`);
  };
  for (const id of orderIds) {
    await admin(`/_sandbox/sellers/${AMAZON_SELLER}/orders`, {
      order: {
        AmazonOrderId: id, PurchaseDate: '2026-12-01T10:00:00Z', LastUpdateDate: '2026-12-01T10:00:00Z', OrderStatus: 'Unshipped', FulfillmentChannel: 'MFN',
        MarketplaceId: MARKETPLACE, OrderTotal: money('35.36'), ShipServiceLevel: 'Std US D2D Dom',
        ShippingAddress: { Name: 'Bench Buyer', AddressLine1: '1 Main St', City: 'SEATTLE', StateOrRegion: 'WA', PostalCode: '98101', CountryCode: 'US' },
      },
      items: [{
        ASIN: 'B0BENCH001', OrderItemId: `${id.replace(/-/g, '')}1`, SellerSKU: 'MUG-ENAMEL-WHT', Title: 'Enamel Camp Mug', QuantityOrdered: 2, QuantityShipped: 0,
        ItemPrice: money('36.00'), ItemTax: money('1.36'), PromotionDiscount: money('2.00'), PromotionDiscountTax: money('0.00'), ShippingPrice: money('0.00'),
      }],
    });
  }
  return amazon;
}

/** What the hub needs for the two channels: the store's and the seller's accounts, and their mappings. */
export function mixedAccounts(amazon: AmazonSandbox): { accounts: object[]; mappingsCsv: string } {
  return {
    accounts: [
      { channel: 'POS', account: POS_STORE, webhookSecret: POS_SECRET, timezone: 'America/New_York' },
      { channel: 'AMAZON', account: AMAZON_SELLER, webhookSecret: AMAZON_SECRET, adminApiUrl: amazon.url, adminAccessToken: AMAZON_REFRESH, settings: { marketplaceIds: [MARKETPLACE] } },
    ],
    mappingsCsv: [
      `ITEM,POS,${POS_STORE},,MUG-ENAMEL-WHT,"{""itemId"":""506""}",bench`,
      `LOCATION,POS,${POS_STORE},,${POS_STORE},"{""locationId"":""12"",""subsidiaryId"":""1""}",bench`,
      `TAX_CODE,POS,${POS_STORE},,NY State Tax,"{""taxCode"":""-7""}",bench`,
      `TENDER,POS,${POS_STORE},,adyen,"{""paymentMethod"":""8"",""clearingAccount"":""1240""}",bench`,
      `CUSTOMER,POS,${POS_STORE},,*,"{""customerId"":""900""}",bench`,
      `ITEM,AMAZON,${AMAZON_SELLER},,MUG-ENAMEL-WHT,"{""itemId"":""506""}",bench`,
      `TAX_CODE,AMAZON,${AMAZON_SELLER},,Amazon tax,"{""taxCode"":""-7""}",bench`,
      `TENDER,AMAZON,${AMAZON_SELLER},,amazon,"{""paymentMethod"":""10"",""clearingAccount"":""1230""}",bench`,
      `CUSTOMER,AMAZON,${AMAZON_SELLER},,*,"{""customerId"":""901""}",bench`,
    ].join('\n'),
  };
}
