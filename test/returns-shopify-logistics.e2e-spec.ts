import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startShopifySandbox, type ShopifySandbox } from '../sandboxes/shopify/sandbox.js';
import { deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { returnBody } from './support/shopify-refund.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, SHOPIFY_SECRET, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
/** order-create.json's jacket line: 2 units. */
const JACKET_LINE = '1612345678901234501';
const WAREHOUSE = '70001';

let next = 0;
const uniqueId = (prefix: string) => `${prefix}${String(Date.now()).slice(-8)}${String((next += 1)).padStart(4, '0')}`;
const money = (amount: string) => ({ shopMoney: { amount, currencyCode: 'USD' } });

/**
 * Shopify's reverse-logistics webhooks name objects, not their contents: the hub keeps each
 * webhook and reads what it names from the Admin GraphQL API (the Shopify sandbox), then moves
 * the case: a label in transit, units dispositioned at a location, a processed return's priced
 * exchange items. Duplicates and deliveries out of order change nothing twice.
 */
describe('Shopify reverse logistics read from the Admin GraphQL API (PostgreSQL, Redis, Shopify sandbox)', () => {
  let hub: TestHub;
  let shopify: ShopifySandbox;
  const prefix = `e2e-reverse-${randomUUID()}`;
  const graph = async (objects: Record<string, Json>) => {
    const res = await fetch(`${shopify.url}/_sandbox/returns-graph`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ objects }) });
    expect(res.status).toBe(200);
  };
  const webhook = async (topic: string, body: object | string, eventId = randomUUID()) => {
    const res = await deliver(hub.app, { topic, body: typeof body === 'string' ? body : JSON.stringify(body) }).set('X-Shopify-Event-Id', eventId);
    expect(res.status).toBe(202);
    return res.body.inboxId as string;
  };
  const lines = (orderId: string) => hub.sql<Json>(
    `SELECT c.return_ref, l.line_ref, l.approved, l.in_transit, l.dispositioned FROM return_lines l JOIN return_cases c ON c.id = l.case_id WHERE c.order_external_id = $1 ORDER BY c.opened_at`, [orderId]);

  beforeAll(async () => {
    shopify = await startShopifySandbox({ port: 0, shopDomain: SHOP });
    hub = await startHub({ databaseUrl: await freshDatabase('reverse_logistics'), queuePrefix: prefix });
    expect((await request(hub.app.getHttpServer()).put('/admin/channel-accounts').set('Authorization', `Bearer ${ADMIN_KEY}`).send({
      channel: 'SHOPIFY', account: SHOP, webhookSecret: SHOPIFY_SECRET, adminApiUrl: shopify.adminApiUrl, adminAccessToken: shopify.accessToken,
    })).status).toBe(200);
  });

  afterAll(async () => {
    await hub?.close();
    await shopify?.close();
    await dropQueueKeys(prefix);
  });

  async function placedOrder(): Promise<string> {
    const base = fixture('order-create.json');
    const id = uniqueId('60137');
    expect((await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), id) })).status).toBe(202);
    await eventually(async () => {
      const [row] = await hub.sql('SELECT id FROM orders WHERE external_id = $1', [id]);
      if (!row) throw new Error('no order');
    });
    return id;
  }

  /** The reverse fulfillment order and delivery Shopify made for one returned jacket. */
  async function seedLogistics(orderId: string): Promise<{ rfo: string; rfoLine: string; delivery: string }> {
    const rfo = uniqueId('55');
    const rfoLine = uniqueId('56');
    const delivery = uniqueId('57');
    const lineItem = { id: `gid://shopify/LineItem/${JACKET_LINE}` };
    await graph({
      [`gid://shopify/ReverseFulfillmentOrder/${rfo}`]: {
        id: `gid://shopify/ReverseFulfillmentOrder/${rfo}`, order: { id: `gid://shopify/Order/${orderId}` },
        lineItems: { nodes: [{ id: `gid://shopify/ReverseFulfillmentOrderLineItem/${rfoLine}`, totalQuantity: 1, fulfillmentLineItem: { lineItem } }] },
      },
      [`gid://shopify/ReverseDelivery/${delivery}`]: {
        id: `gid://shopify/ReverseDelivery/${delivery}`, deliverable: { tracking: { number: '1ZRETURN0001', carrierName: 'UPS', url: null } },
        reverseFulfillmentOrder: { id: `gid://shopify/ReverseFulfillmentOrder/${rfo}`, order: { id: `gid://shopify/Order/${orderId}` } },
        reverseDeliveryLineItems: { nodes: [{ id: `gid://shopify/ReverseDeliveryLineItem/${delivery}1`, quantity: 1, reverseFulfillmentOrderLineItem: { fulfillmentLineItem: { lineItem } } }] },
      },
    });
    return { rfo, rfoLine, delivery };
  }

  const dispose = (rfo: string, rfoLine: string) => ({
    id: Number(rfo), admin_graphql_api_id: `gid://shopify/ReverseFulfillmentOrder/${rfo}`, total_dispositions: 1,
    dispositions: [{ reverse_fulfillment_order_line_item: { id: Number(rfoLine), admin_graphql_api_id: `gid://shopify/ReverseFulfillmentOrderLineItem/${rfoLine}` },
      reverse_delivery_line_item: null, type: 'restocked', location: { id: Number(WAREHOUSE) }, quantity: 1 }],
  });

  it('a label in transit and a disposition move the case; the dispose webhook twice disposes once', async () => {
    const orderId = await placedOrder();
    const returnId = uniqueId('64');
    await webhook('returns/approve', returnBody({ id: returnId, orderId, status: 'open', lines: [{ id: uniqueId('81'), lineItemId: JACKET_LINE, quantity: 1 }] }));
    const { rfo, rfoLine, delivery } = await seedLogistics(orderId);

    await webhook('reverse_deliveries/attach_deliverable', { id: Number(delivery), admin_graphql_api_id: `gid://shopify/ReverseDelivery/${delivery}` });
    await eventually(async () => {
      const [line] = await lines(orderId);
      if (line?.in_transit !== 1) throw new Error(`in transit ${JSON.stringify(line)}`);
    });
    const eventId = randomUUID();
    await webhook('reverse_fulfillment_orders/dispose', dispose(rfo, rfoLine), eventId);
    await webhook('reverse_fulfillment_orders/dispose', dispose(rfo, rfoLine), eventId);
    await eventually(async () => {
      const [line] = await lines(orderId);
      if (line?.dispositioned !== 1) throw new Error(`dispositioned ${JSON.stringify(line)}`);
    });
    // Give a second read, if one were made, time to land: still one unit, one disposition, at the warehouse.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await lines(orderId)).toEqual([{ return_ref: returnId, line_ref: JACKET_LINE, approved: 1, in_transit: 1, dispositioned: 1 }]);
    const dispositions = await hub.sql<Json>(
      `SELECT d.disposition, d.quantity, d.location_ref FROM return_dispositions d JOIN return_cases c ON c.id = d.case_id WHERE c.order_external_id = $1`, [orderId]);
    expect(dispositions).toEqual([{ disposition: 'RESTOCK', quantity: 1, location_ref: WAREHOUSE }]);
    const timeline = await hub.sql<Json>(
      `SELECT e.kind, e.description FROM return_events e JOIN return_cases c ON c.id = e.case_id WHERE c.order_external_id = $1 ORDER BY e.recorded_at`, [orderId]);
    expect(timeline.map((e) => e.kind)).toEqual(['APPROVED', 'IN_TRANSIT', 'DISPOSITIONED']);
    expect(timeline[1].description).toContain('UPS 1ZRETURN0001');
    // Both deliveries of the dispose webhook are kept (two webhook ids, one event id); each made a read, and the reads are one stored event.
    const kept = await hub.sql<Json>(`SELECT topic FROM inbox WHERE source = 'SHOPIFY' AND topic IN ('reverse_fulfillment_orders/dispose', 'return.disposed', 'return.in_transit')`);
    expect(kept.map((r) => r.topic).sort()).toEqual(['return.disposed', 'return.in_transit', 'reverse_fulfillment_orders/dispose', 'reverse_fulfillment_orders/dispose']);
    const stats = (await (await fetch(`${shopify.url}/_sandbox/stats`)).json()) as Json;
    expect(stats.graphqlReads).toMatchObject({ reverseDelivery: 1, reverseFulfillmentOrder: 2 });
  });

  it('a disposition before the return is known still lands on the order\'s case, and the approval joins it', async () => {
    const orderId = await placedOrder();
    const { rfo, rfoLine } = await seedLogistics(orderId);
    await webhook('reverse_fulfillment_orders/dispose', dispose(rfo, rfoLine));
    await eventually(async () => {
      const [line] = await lines(orderId);
      if (line?.dispositioned !== 1) throw new Error(`dispositioned ${JSON.stringify(line)}`);
    });
    const returnId = uniqueId('64');
    await webhook('returns/approve', returnBody({ id: returnId, orderId, status: 'open', lines: [{ id: uniqueId('81'), lineItemId: JACKET_LINE, quantity: 1 }] }));
    await eventually(async () => {
      const rows = await lines(orderId);
      if (rows.length !== 1 || rows[0].approved !== 1) throw new Error(`lines ${JSON.stringify(rows)}`);
    });
    const cases = await hub.sql<Json>('SELECT return_ref, status FROM return_cases WHERE order_external_id = $1', [orderId]);
    expect(cases).toEqual([{ return_ref: returnId, status: 'DISPOSITIONED' }]);
  });

  it('returns/process reads return(id:): the exchange items come with their prices', async () => {
    const orderId = await placedOrder();
    const returnId = uniqueId('64');
    await graph({
      [`gid://shopify/Return/${returnId}`]: {
        id: `gid://shopify/Return/${returnId}`, name: '#10421-R1', status: 'OPEN', order: { id: `gid://shopify/Order/${orderId}` },
        returnLineItems: { nodes: [{ id: 'gid://shopify/ReturnLineItem/1', quantity: 1, returnReasonDefinition: { handle: 'size-too-small' }, fulfillmentLineItem: { lineItem: { id: `gid://shopify/LineItem/${JACKET_LINE}` } } }] },
        exchangeLineItems: { nodes: [{ id: 'gid://shopify/ExchangeLineItem/77', quantity: 1, lineItem: {
          id: 'gid://shopify/LineItem/1612345678901239999', sku: 'MER-CREW-NVY-L', title: 'Merino Crew Sweater - Navy / L', variant: { id: 'gid://shopify/ProductVariant/47001' },
          originalUnitPriceSet: money('89.00'), totalDiscountSet: money('6.60'), taxLines: [{ title: 'NY State Tax', rate: 0.08875, priceSet: money('7.31') }],
        } }] },
      },
    });
    // The webhook is thin: its exchange item has no price.
    const thin = returnBody({ id: returnId, orderId, status: 'open', lines: [{ id: uniqueId('81'), lineItemId: JACKET_LINE, quantity: 1 }] });
    await webhook('returns/process', thin);
    const exchange = await eventually(async () => {
      const rows = await hub.sql<Json>(
        `SELECT x.external_id, x.sku, x.variant_id, x.quantity, x.unit_price::text AS unit_price, x.discount::text AS discount, x.total::text AS total
         FROM return_exchange_lines x JOIN return_cases c ON c.id = x.case_id WHERE c.return_ref = $1`, [returnId]);
      if (rows.length === 0) throw new Error('no exchange line yet');
      return rows;
    });
    expect(exchange).toEqual([{ external_id: '77', sku: 'MER-CREW-NVY-L', variant_id: '47001', quantity: 1, unit_price: '8900', discount: '660', total: '8971' }]);
    const [line] = await lines(orderId);
    expect(line).toMatchObject({ return_ref: returnId, approved: 1 });
  });
});
