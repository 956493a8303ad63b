import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startAmazonSandbox, type AmazonSandbox } from '../sandboxes/amazon/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { startWmsSandbox, type FulfillmentSandbox } from '../sandboxes/fulfillment/sandbox.js';
import { ChannelPullScheduler } from '../src/modules/ingestion/polling/channel-pull-scheduler.js';
import { channelByCode } from '../src/adapters/channels/registry.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SELLER = 'A3SANDBOXSELLER';
const REFRESH = 'Atzr|sandbox-refresh-token';
const SECRET = 'amazon-eventbridge-secret-e2e';
const MARKETPLACE = 'ATVPDKIKX0DER';
const WAREHOUSE = '71001';
const FULFILLMENT_SECRET = 'amazon-e2e-fulfillment-secret';
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/amazon/order-mfn.json', import.meta.url)), 'utf8')) as { order: Json; items: Json[] };

const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'ITEM', sourceValue: 'MUG-ENAMEL-WHT', target: { itemId: '506' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '310' } },
  { kind: 'TAX_CODE', sourceValue: 'Amazon tax', target: { taxCode: '-7' } },
  { kind: 'LOCATION', sourceValue: `FBA:${MARKETPLACE}`, target: { locationId: '40', subsidiaryId: '1' } },
  { kind: 'LOCATION', sourceValue: WAREHOUSE, target: { locationId: '11', subsidiaryId: '1' } },
];

/** An ORDER_CHANGE notification as an EventBridge API destination posts it (the notification as the event's detail). */
function notification(orderId: string, notificationId = randomUUID()): string {
  return JSON.stringify({
    version: '0', id: randomUUID(), 'detail-type': 'ORDER_CHANGE', source: 'aws.partner/sellingpartnerapi.amazon/amzn1.sellerapps.app.e2e',
    account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [],
    detail: {
      NotificationVersion: '1.0', NotificationType: 'ORDER_CHANGE', PayloadVersion: '1.0', EventTime: new Date().toISOString(),
      Payload: { OrderChangeNotification: { NotificationLevel: 'OrderLevel', SellerId: SELLER, AmazonOrderId: orderId, OrderChangeType: 'OrderStatusChange' } },
      NotificationMetadata: { ApplicationId: 'amzn1.sellerapps.app.e2e', SubscriptionId: 'sub-e2e', PublishTime: new Date().toISOString(), NotificationId: notificationId },
    },
  });
}

describe('Amazon: pulled orders, notifications, usage plans and tokens (PostgreSQL, Redis, Amazon and NetSuite sandboxes)', () => {
  let hub: TestHub;
  let amazon: AmazonSandbox;
  let netsuite: NetSuiteSandbox;
  let wms: FulfillmentSandbox;
  const prefix = `e2e-amazon-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const sandbox = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${amazon.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.status === 204 ? {} : ((await res.json()) as Json);
  };
  const seed = (id: string, status: string, over: Json = {}) =>
    sandbox('POST', `/_sandbox/sellers/${SELLER}/orders`, { order: { ...fixture.order, AmazonOrderId: id, OrderStatus: status, ...over }, items: fixture.items });
  const poll = () => hub.app.get(ChannelPullScheduler).pollAccount(channelByCode('AMAZON')!, SELLER);
  const order = (id: string) => hub.sql<Json>(`SELECT id, status, hold_reasons, grand_total::text AS grand_total, currency_code AS currency FROM orders WHERE channel = 'AMAZON' AND external_id = $1`, [id]);
  const deliverNotification = (body: string, secret = SECRET) => request(hub.app.getHttpServer()).post('/webhooks/amazon')
    .set('Content-Type', 'application/json').set('X-Amazon-Seller-Id', SELLER).set('X-Amazon-Webhook-Secret', secret).send(body);

  beforeAll(async () => {
    amazon = await startAmazonSandbox({ sellers: { [REFRESH]: SELLER } });
    netsuite = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-7': '9.5' } } });
    hub = await startHub({
      databaseUrl: await freshDatabase('amazon'), queuePrefix: prefix,
      env: {
        MAPPING_REQUIRED: 'ITEM,CUSTOMER', PULL_INTERVAL_MS: '3600000', FULFILLMENT_WEBHOOK_SECRET: FULFILLMENT_SECRET,
        AMAZON_LWA_CLIENT_ID: amazon.clientId, AMAZON_LWA_CLIENT_SECRET: amazon.clientSecret, AMAZON_LWA_TOKEN_URL: `${amazon.url}/auth/o2/token`,
      },
    });
    await hub.app.listen(0, '127.0.0.1');
    wms = await startWmsSandbox({ port: 0, callbackUrl: `${await hub.app.getUrl()}/webhooks/wms/shipments`, callbackSecret: FULFILLMENT_SECRET });
    expect((await admin('put', `/admin/fulfillment-locations/${WAREHOUSE}`, { name: 'Reno DC', kind: 'WAREHOUSE', system: 'wms', baseUrl: wms.url, apiKey: wms.apiKey, isDefault: true })).status).toBe(200);
    expect((await admin('put', '/admin/channel-accounts', {
      channel: 'AMAZON', account: SELLER, webhookSecret: SECRET, adminApiUrl: amazon.url, adminAccessToken: REFRESH, settings: { marketplaceIds: [MARKETPLACE] },
    })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns', {
      variant: 'netsuite', baseUrl: netsuite.url, credentials: netsuite.credentials, concurrencyCap: 2, timeoutMs: 5000, routing: { channels: ['AMAZON'] },
    })).status).toBe(200);
    for (const mapping of MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'AMAZON', account: SELLER, note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await amazon?.close();
    await netsuite?.close();
    await wms?.close();
    await dropQueueKeys(prefix);
  });

  it('Pending is kept and held for payment; Unshipped releases it and NetSuite gets a sales order that adds up to OrderTotal', async () => {
    const id = '113-0000000-0000001';
    await seed(id, 'Pending');
    await poll();
    const [held] = await eventually(async () => {
      const rows = await order(id);
      if (rows.length === 0) throw new Error('no order yet');
      return rows;
    });
    expect(held).toMatchObject({ status: 'ON_HOLD', hold_reasons: ['AWAITING_PAYMENT'], grand_total: '0', currency: 'USD' });

    await sandbox('POST', `/_sandbox/orders/${id}/change`, { order: { OrderStatus: 'Unshipped' } });
    await poll();
    const posting = await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT p.status, p.erp_total::text AS erp_total, p.variance::text AS variance FROM postings p JOIN orders o ON o.id = p.order_id
                                          WHERE o.external_id = $1 AND p.document_type = 'SALES_ORDER'`, [id]);
      if (!row || row.status !== 'POSTED' || row.erp_total === null) throw new Error(`posting ${JSON.stringify(row)}`);
      return row;
    });
    expect(posting).toEqual({ status: 'POSTED', erp_total: '6131', variance: '0' });
    expect((await order(id))[0]).toMatchObject({ status: 'POSTED', grand_total: '6131' });
    const docs = (await (await fetch(`${netsuite.url}/_sandbox/documents?key=${encodeURIComponent(`AMAZON-${id}`)}`)).json()) as Json;
    const sent = docs.documents[0].document as Json;
    // The socks: ItemPrice 49.00 for 2 (24.50 each), the 2.00 promotion; the mug at 4.50; shipping 4.99.
    expect((sent.item.items as Json[]).map((l) => [l.item.id, l.quantity, l.rate])).toEqual([['502', 2, 24.5], ['506', 1, 4.5]]);
    expect(sent).toMatchObject({ shippingCost: 4.99, total: 61.31 });
  });

  it('a notification and a poll of the same change are one event; a notification delivered twice is kept once', async () => {
    const id = '113-0000000-0000002';
    await seed(id, 'Unshipped');
    const body = notification(id);
    expect((await deliverNotification(body)).status).toBe(202);
    expect((await deliverNotification(body)).status).toBe(200);
    const versions = await eventually(async () => {
      const rows = await hub.sql<Json>(`SELECT topic, dedupe_key, status FROM inbox WHERE source = 'AMAZON' AND dedupe_key LIKE $1`, [`${id}@%`]);
      if (rows.length === 0) throw new Error('not fetched yet');
      return rows;
    });
    expect(versions).toHaveLength(1);
    const outcome = await poll();
    expect(outcome?.duplicates).toBeGreaterThanOrEqual(1);
    const after = await hub.sql<Json>(`SELECT count(*)::int AS n FROM inbox WHERE source = 'AMAZON' AND dedupe_key LIKE $1`, [`${id}@%`]);
    expect(after[0].n).toBe(1);
    const notes = await hub.sql<Json>(`SELECT count(*)::int AS n FROM inbox WHERE source = 'AMAZON' AND topic = 'ORDER_CHANGE'`);
    expect(notes[0].n).toBe(1);
    await eventually(async () => {
      const [row] = await order(id);
      if (row?.status !== 'POSTED') throw new Error(`order ${JSON.stringify(row)}`);
    });
  });

  it('refuses a notification without the seller\'s secret, and keeps nothing of it', async () => {
    const res = await deliverNotification(notification('113-0000000-0000009'), 'wrong-secret-entirely');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'SECRET_INVALID' });
  });

  it('429s are honoured with nothing lost, and an expired access token is exchanged again', async () => {
    const ids = ['113-0000000-0000003', '113-0000000-0000004', '113-0000000-0000005'];
    for (const id of ids) await seed(id, 'Unshipped');
    // getOrderItems refills at 0.5/s; a throttled getOrders would wait a minute for its 0.0167/s, as Amazon makes it.
    await sandbox('POST', '/_sandbox/knobs', { throttleNext: 3, throttleOperation: 'getOrderItems' });
    await sandbox('POST', '/_sandbox/expire-tokens');
    const before = await sandbox('GET', '/_sandbox/stats');
    await poll();
    const stats = await sandbox('GET', '/_sandbox/stats');
    expect(stats.expiredRefusals).toBeGreaterThan(before.expiredRefusals);
    expect(stats.tokensIssued).toBeGreaterThan(before.tokensIssued);
    const throttled = Object.values(stats.throttled as Record<string, number>).reduce((n, v) => n + v, 0);
    expect(throttled).toBeGreaterThanOrEqual(3);
    for (const id of ids) {
      await eventually(async () => {
        const [row] = await order(id);
        if (row?.status !== 'POSTED') throw new Error(`order ${id}: ${JSON.stringify(row)}`);
      }, 20_000);
    }
  });

  it('an Amazon-fulfilled (FBA) order is never requested from a warehouse; once Amazon ships it, the ERP gets its item fulfilment from the FBA location', async () => {
    const id = '113-0000000-0000006';
    await seed(id, 'Unshipped', { FulfillmentChannel: 'AFN' });
    await poll();
    await eventually(async () => {
      const [row] = await order(id);
      if (row?.status !== 'POSTED') throw new Error(`order ${JSON.stringify(row)}`);
    });
    const requests = await hub.sql<Json>(`SELECT r.id FROM fulfillment_requests r JOIN orders o ON o.id = r.order_id WHERE o.external_id = $1`, [id]);
    expect(requests).toEqual([]);
    // Amazon ships every unit from its own warehouse: a new version of the order, Shipped.
    const seeded = (await sandbox('GET', '/_sandbox/orders')).orders.find((o: Json) => o.order.AmazonOrderId === id);
    await sandbox('POST', `/_sandbox/sellers/${SELLER}/orders`, {
      order: { ...seeded.order, OrderStatus: 'Shipped', NumberOfItemsShipped: 3, NumberOfItemsUnshipped: 0 },
      items: seeded.items.map((i: Json) => ({ ...i, QuantityShipped: i.QuantityOrdered })),
    });
    await poll();
    const shipment = await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT s.source, s.location_ref, s.status, o.status AS order_status FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.external_id = $1`, [id]);
      if (!row || row.order_status !== 'FULFILLED') throw new Error(`shipment ${JSON.stringify(row)}`);
      return row;
    });
    expect(shipment).toEqual({ source: 'AMAZON', location_ref: `FBA:${MARKETPLACE}`, status: 'CONFIRMED', order_status: 'FULFILLED' });
    const fulfilment = await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT p.status FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 AND p.document_type = 'ITEM_FULFILLMENT'`, [id]);
      if (row?.status !== 'POSTED') throw new Error(`fulfilment ${JSON.stringify(row)}`);
      return row;
    });
    expect(fulfilment.status).toBe('POSTED');
  });

  it('a merchant-fulfilled (MFN) order ships from the warehouse and Amazon gets one confirmShipment with the carrier, tracking and order items', async () => {
    const id = '113-0000000-0000007';
    await seed(id, 'Unshipped');
    await poll();
    const request = await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT r.id, r.status FROM fulfillment_requests r JOIN orders o ON o.id = r.order_id WHERE o.external_id = $1`, [id]);
      if (row?.status !== 'ACCEPTED') throw new Error(`request ${JSON.stringify(row)}: ${JSON.stringify(await hub.sql(`SELECT status, last_error FROM outbound_messages WHERE subject_id = $1`, [row?.id]))}`);
      return row;
    }, 20_000);
    const shipped = await fetch(`${wms.url}/_sandbox/requests/${request.id as string}/ship`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parcels: [{ carrier: 'UPS', trackingNumber: '1ZAMZMFN0000000001', lines: fixture.items.map((i) => ({ lineRef: i.OrderItemId, quantity: i.QuantityOrdered })) }] }),
    });
    expect(shipped.status).toBeLessThan(300);
    const shipment = await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT s.id, s.channel_status, s.channel_reference, o.status AS order_status FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.external_id = $1`, [id]);
      if (row?.channel_status !== 'NOTIFIED') throw new Error(`shipment ${JSON.stringify(row)}`);
      return row;
    }, 20_000);
    expect(shipment.order_status).toBe('FULFILLED');
    // The warehouse got the whole address: read with a Restricted Data Token, never shown by getOrder.
    const [sent] = (await (await fetch(`${wms.url}/_sandbox/requests`)).json() as Json).requests.filter((r: Json) => r.requestId === request.id);
    expect(sent.shipTo).toMatchObject({ name: 'Jordan Sample', line1: '2201 Westlake Ave', city: 'SEATTLE', countryCode: 'US' });
    expect((await sandbox('GET', '/_sandbox/stats')).restrictedTokensIssued).toBeGreaterThan(0);
    const confirmations = (await sandbox('GET', '/_sandbox/confirmations')).confirmations.filter((c: Json) => c.amazonOrderId === id);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({
      marketplaceId: MARKETPLACE,
      packageDetail: {
        carrierCode: 'UPS', trackingNumber: '1ZAMZMFN0000000001',
        orderItems: fixture.items.map((i) => ({ orderItemId: i.OrderItemId, quantity: i.QuantityOrdered })),
      },
    });
    expect(confirmations[0].packageDetail.packageReferenceId).toMatch(/^[1-9][0-9]*$/);
    expect(shipment.channel_reference).toBe(`${id}/${confirmations[0].packageDetail.packageReferenceId as string}`);
    // Amazon now shows the order Shipped: polling that version adds no shipment and confirms nothing again.
    await poll();
    await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT count(*)::int AS n FROM inbox WHERE source = 'AMAZON' AND topic = 'order.version' AND dedupe_key LIKE $1 AND status <> 'PENDING'`, [`${id}@%`]);
      if (row.n < 2) throw new Error(`versions processed: ${row.n as number}`);
    });
    const shipments = await hub.sql<Json>(`SELECT s.id FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.external_id = $1`, [id]);
    expect(shipments).toHaveLength(1);
    expect((await sandbox('GET', '/_sandbox/confirmations')).confirmations.filter((c: Json) => c.amazonOrderId === id)).toHaveLength(1);
  });

  it('a line is known by its ASIN too: held while neither its SKU nor its ASIN is mapped, released by an ASIN mapping, and posted with that item', async () => {
    const id = '113-0000000-0000008';
    const items = [{ ...fixture.items[0], SellerSKU: 'SOCK-TRAIL-3PK-FBM', ASIN: 'B0HUBASIN9', OrderItemId: '22345678901231' }];
    await sandbox('POST', `/_sandbox/sellers/${SELLER}/orders`, {
      order: { ...fixture.order, AmazonOrderId: id, OrderStatus: 'Unshipped', FulfillmentChannel: 'AFN', OrderTotal: { CurrencyCode: 'USD', Amount: '56.46' } }, items,
    });
    await poll();
    const held = await eventually(async () => {
      const [row] = await order(id);
      if (row?.status !== 'ON_HOLD') throw new Error(`order ${JSON.stringify(row)}`);
      return row;
    });
    expect(held.hold_reasons).toEqual(['UNMAPPED']);
    const unmapped = await hub.sql<Json>(`SELECT source_value FROM order_unmapped_keys WHERE order_id = $1 ORDER BY source_value`, [held.id]);
    expect(unmapped.map((u) => u.source_value)).toEqual(['SOCK-TRAIL-3PK-FBM', 'asin:B0HUBASIN9']);

    expect((await admin('post', '/admin/mappings', { kind: 'ITEM', channel: 'AMAZON', account: SELLER, sourceValue: 'asin:B0HUBASIN9', target: { itemId: '509' }, note: 'by ASIN' })).status).toBe(201);
    await eventually(async () => {
      const [row] = await order(id);
      if (row?.status !== 'POSTED') throw new Error(`order ${JSON.stringify(row)}`);
    }, 20_000);
    const docs = (await (await fetch(`${netsuite.url}/_sandbox/documents?key=${encodeURIComponent(`AMAZON-${id}`)}`)).json()) as Json;
    expect((docs.documents[0].document.item.items as Json[]).map((l) => l.item.id)).toEqual(['509']);
  });
});
