import { jest } from '@jest/globals';
import request from 'supertest';
import { deliver } from './support/shopify-delivery.js';
import { WAREHOUSE, getJson, type FulfillmentWorld } from './support/fulfillment-world.js';
import { useFulfillmentSuite } from './support/fulfillment-suite.js';
import { shopifyOrderBody, type BodyLine } from './support/shopify-order-body.js';
import { ADMIN_KEY, eventually, type TestHub } from './support/test-hub.js';

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORDER_QUERY = `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
  id status
  lines { externalId quantity }
  history { fromStatus toStatus reason }
  erpReferences { target documentType documentKey postingStatus }
  fulfillmentRequests { id system status lines { lineRef quantity } }
  shipments { id source externalId status lines { lineRef quantity } erp { target postingStatus } }
} }`;

/** A location no fulfilment system serves: the merchant ships from Shopify. */
const MERCHANT = '79999';
const TABS = (over: Partial<BodyLine> = {}): BodyLine => ({ id: '1612345678900400001', sku: 'DESCALE-TABS-12', price: '10.00', quantity: 3, locationId: WAREHOUSE, ...over });
const GRINDER = (over: Partial<BodyLine> = {}): BodyLine => ({ id: '1612345678900400002', sku: 'GRIND-CONICAL-SS', price: '45.00', quantity: 1, locationId: WAREHOUSE, ...over });
const SOCKS = (over: Partial<BodyLine> = {}): BodyLine => ({ id: '1612345678900400003', sku: 'SOCK-TRAIL-3PK', price: '24.50', quantity: 2, locationId: MERCHANT, ...over });

const posted = (o: Json, type: string, prefix = ''): Json[] =>
  o.erpReferences.filter((r: Json) => r.documentType === type && r.documentKey.startsWith(prefix) && r.postingStatus === 'POSTED');

describe('order edits, accounting dates and lines fulfilled at the till reach the ERPs', () => {
  const suite = useFulfillmentSuite('order_edits', ORDER_QUERY);
  const { orderWhen, seedShopify } = suite;
  let hub: TestHub;
  let world: FulfillmentWorld;
  beforeAll(() => ({ hub, world } = suite));
  const netsuiteOrder = async (id: string): Promise<Json> =>
    ((await getJson(`${world.netsuite.url}/_sandbox/documents`)).documents as Json[]).find((d) => d.key === `SHOPIFY-${id}`)!.document as Json;
  const bcOrder = async (id: string): Promise<Json> =>
    ((await getJson(`${world.bc.url}/_sandbox/documents`)).documents as Json[]).find((d) => d.document.externalDocumentNumber === `SHOPIFY-${id}`)!.document as Json;
  const fulfilmentsOf = async (erp: 'netsuite' | 'bc'): Promise<Json[]> =>
    (await getJson(`${world[erp].url}/_sandbox/documents`)).fulfillments.documents as Json[];

  it('an edit after posting (a line reduced, one taken off, one added) becomes line changes in both ERPs; the added line then ships and its fulfilment posts', async () => {
    const id = '6012345678900400001';
    const created = shopifyOrderBody({ id, lines: [TABS(), GRINDER()], shipping: '5.00' });
    await seedShopify(created);
    expect((await deliver(hub.app, { body: created })).status).toBe(202);
    await orderWhen(id, (o) => o.status === 'POSTED' && o.fulfillmentRequests[0]?.status === 'ACCEPTED', 'posted');

    // Edited in Shopify: 2 tabs instead of 3, the grinder taken off, 2 packs of socks added.
    const edited = shopifyOrderBody({
      id, lines: [TABS({ current: 2 }), GRINDER({ current: 0 }), SOCKS()], shipping: '5.00', updatedAt: '2026-03-15T09:00:00-04:00',
    });
    expect((await deliver(hub.app, { body: edited, topic: 'orders/updated' })).status).toBe(202);
    // The merchant ships the added socks right away, before the ERPs may have the line.
    const fulfilment = JSON.stringify({
      id: '9012345678900400001', order_id: id, status: 'success', created_at: '2026-03-15T09:05:00-04:00', updated_at: '2026-03-15T09:05:00-04:00',
      tracking_company: 'UPS', tracking_number: '1ZEDIT0001', tracking_numbers: ['1ZEDIT0001'], location_id: MERCHANT,
      line_items: [{ id: SOCKS().id, quantity: 2, sku: 'SOCK-TRAIL-3PK' }],
    });
    expect((await deliver(hub.app, { body: fulfilment, topic: 'fulfillments/create' })).status).toBe(202);

    const done = await orderWhen(
      id,
      (o) => posted(o, 'SALES_ORDER_CHANGE', 'edit-').length === 2 && o.shipments.length === 1 && o.shipments[0].erp.length === 2
        && o.shipments[0].erp.every((e: Json) => e.postingStatus === 'POSTED'),
      'edit and fulfilment posted',
    );
    // Per target, the item fulfilment went out only after the edit's line change had landed.
    const order = await hub.sql<Json>(
      `SELECT target_id, document_type, posted_at FROM postings WHERE order_id = $1 AND document_type IN ('SALES_ORDER_CHANGE', 'ITEM_FULFILLMENT') ORDER BY target_id, posted_at`,
      [done.id],
    );
    expect(order.map((p) => [p.target_id, p.document_type])).toEqual([
      ['bc-main', 'SALES_ORDER_CHANGE'], ['bc-main', 'ITEM_FULFILLMENT'], ['netsuite-main', 'SALES_ORDER_CHANGE'], ['netsuite-main', 'ITEM_FULFILLMENT'],
    ]);
    // The order's own quantities follow the edit; the removed line stays in its place at 0.
    expect(done.lines.map((l: Json) => [l.externalId, l.quantity])).toEqual([[TABS().id, 2], [GRINDER().id, 0], [SOCKS().id, 2]]);
    expect(done.history.map((h: Json) => h.reason)).toContainEqual(
      `order edited (orders/updated): line ${TABS().id} 3 → 2; line ${GRINDER().id} taken off; line ${SOCKS().id} added (2)`,
    );

    // NetSuite: the tabs at 2 (20.00), the grinder closed at 0, the socks added after them (49.00).
    const ns = await netsuiteOrder(id);
    expect((ns.item.items as Json[]).map((l) => [l.item.id, l.quantity, l.rate, l.amount, l.isClosed ?? false])).toEqual([
      ['504', 2, 10, 20, false], ['503', 0, 45, 0, true], ['502', 2, 24.5, 49, false],
    ]);
    expect((ns.item.items as Json[]).reduce((t, l) => t + l.amount * 100, 0) / 100 + ns.shippingCost).toBe(74);

    // Business Central: the grinder line deleted, the socks added past the shipping line; 20 + 5 + 49.
    const bc = await bcOrder(id);
    expect((bc.salesOrderLines as Json[]).map((l) => [l.sequence, l.lineObjectNumber, l.quantity, l.unitPrice, l.amountExcludingTax])).toEqual([
      [10000, '504', 2, 10, 20], [30000, '40250', 1, 5, 5], [40000, '502', 2, 24.5, 49],
    ]);
    expect(bc.totalAmountExcludingTax).toBe(74);

    // The added line's item fulfilment is in both ERPs, for the socks alone, dated in the shop's time.
    const nsFulfilments = await fulfilmentsOf('netsuite');
    expect(nsFulfilments.map((f) => [f.document.tranDate, (f.document.item.items as Json[]).map((l) => [l.orderLine, l.item.id, l.quantity])])).toEqual([
      ['2026-03-15', [[3, '502', 2]]],
    ]);
    const bcShipments = await fulfilmentsOf('bc');
    expect(bcShipments.map((f) => [f.document.postingDate, (f.document.salesShipmentLines as Json[]).filter((l) => l.lineType === 'Item').map((l) => [l.sequence, l.lineObjectNumber, l.quantity])])).toEqual([
      ['2026-03-15', [[40000, '502', 2]]],
    ]);
  });

  it('a line taken off before the sales order was written stays closed in its place, and a later line still ships against the right ERP line', async () => {
    const id = '6012345678900400005';
    const lines = (grinder: number): BodyLine[] => [TABS({ quantity: 1 }), GRINDER({ current: grinder }), SOCKS({ quantity: 1 })];
    // Unpaid: held, no sales order yet. Then paid, with the grinder edited away.
    const unpaid = shopifyOrderBody({ id, lines: lines(1), shipping: '5.00', financialStatus: 'pending' });
    expect((await deliver(hub.app, { body: unpaid })).status).toBe(202);
    await orderWhen(id, (o) => o.status === 'ON_HOLD', 'held for payment');
    const paid = shopifyOrderBody({ id, lines: lines(0), shipping: '5.00', updatedAt: '2026-03-15T09:00:00-04:00' });
    expect((await deliver(hub.app, { body: paid, topic: 'orders/updated' })).status).toBe(202);
    await orderWhen(id, (o) => posted(o, 'SALES_ORDER').length === 2, 'posted');
    expect(((await netsuiteOrder(id)).item.items as Json[]).map((l) => [l.line, l.item.id, l.quantity, l.amount, l.isClosed ?? false])).toEqual([
      [1, '504', 1, 10, false], [2, '503', 0, 0, true], [3, '502', 1, 24.5, false],
    ]);
    expect(((await bcOrder(id)).salesOrderLines as Json[]).map((l) => [l.sequence, l.lineObjectNumber, l.quantity])).toEqual([
      [10000, '504', 1], [30000, '502', 1], [40000, '40250', 1],
    ]);

    const fulfilment = JSON.stringify({
      id: '9012345678900400005', order_id: id, status: 'success', created_at: '2026-03-15T09:05:00-04:00', location_id: MERCHANT,
      line_items: [{ id: SOCKS().id, quantity: 1, sku: 'SOCK-TRAIL-3PK' }],
    });
    expect((await deliver(hub.app, { body: fulfilment, topic: 'fulfillments/create' })).status).toBe(202);
    const done = await orderWhen(id, (o) => o.shipments[0]?.erp.length === 2 && o.shipments[0].erp.every((e: Json) => e.postingStatus === 'POSTED'), 'shipped and posted');
    const key = `F-${done.shipments[0].id.replace(/-/g, '').slice(0, 20).toUpperCase()}`;
    const ns = (await fulfilmentsOf('netsuite')).filter((f) => f.key === key);
    expect(ns.map((f) => (f.document.item.items as Json[]).map((l) => [l.orderLine, l.item.id, l.quantity]))).toEqual([[[3, '502', 1]]]);
    const bc = (await fulfilmentsOf('bc')).filter((f) => f.key === key);
    expect(bc.map((f) => (f.document.salesShipmentLines as Json[]).filter((l) => l.lineType === 'Item').map((l) => [l.sequence, l.quantity]))).toEqual([[[30000, 1]]]);
  });

  it('dates a New York evening order on its own day, in both ERPs, and a channel account zone covers timestamps without an offset', async () => {
    const id = '6012345678900400002';
    const body = shopifyOrderBody({ id, lines: [TABS({ quantity: 1 })], createdAt: '2026-03-31T20:30:00-04:00', processedAt: '2026-03-31T20:30:00-04:00' });
    expect((await deliver(hub.app, { body })).status).toBe(202);
    await orderWhen(id, (o) => posted(o, 'SALES_ORDER').length === 2, 'posted');
    expect((await netsuiteOrder(id)).tranDate).toBe('2026-03-31');
    expect((await bcOrder(id)).orderDate).toBe('2026-03-31');

    // A zone that is no zone is refused with its field named.
    const put = (account: Json) => request(hub.app.getHttpServer()).put('/admin/channel-accounts').set('Authorization', `Bearer ${ADMIN_KEY}`).send(account);
    const accounts = (await request(hub.app.getHttpServer()).get('/admin/channel-accounts').set('Authorization', `Bearer ${ADMIN_KEY}`)).body as Json[];
    const shop = accounts.find((a) => a.channel === 'SHOPIFY')!;
    const account = { channel: 'SHOPIFY', account: shop.account, webhookSecret: 'shopify-secret-for-tests', adminApiUrl: world.shopify.adminApiUrl, adminAccessToken: world.shopify.accessToken };
    const refused = await put({ ...account, timezone: 'Mars/Olympus_Mons' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'timezone' });
    const saved = await put({ ...account, timezone: 'America/New_York' });
    expect(saved.status).toBe(200);
    expect(saved.body.timezone).toBe('America/New_York');

    // The same evening printed in UTC (no shop offset): the account's zone puts it on March 31.
    const utcId = '6012345678900400003';
    const utc = shopifyOrderBody({ id: utcId, lines: [TABS({ quantity: 1 })], createdAt: '2026-04-01T00:30:00Z', processedAt: '2026-04-01T00:30:00Z' });
    expect((await deliver(hub.app, { body: utc })).status).toBe(202);
    await orderWhen(utcId, (o) => posted(o, 'SALES_ORDER').length === 2, 'posted');
    expect((await netsuiteOrder(utcId)).tranDate).toBe('2026-03-31');
    expect((await bcOrder(utcId)).orderDate).toBe('2026-03-31');
    const [row] = await hub.sql<Json>(`SELECT accounting_date::text AS d, time_zone FROM orders WHERE external_id = $1`, [utcId]);
    expect(row).toEqual({ d: '2026-03-31', time_zone: 'America/New_York' });
    await put({ ...account });
  });

  it('a POS sale handed over at the till is asked of no warehouse, and the ERPs get its item fulfilment after the sales order', async () => {
    const id = '6012345678900400004';
    const body = shopifyOrderBody({
      id, sourceName: 'pos', locationId: WAREHOUSE,
      lines: [TABS({ quantity: 2, fulfillable: 0, fulfillmentStatus: 'fulfilled' }), GRINDER({ fulfillable: 0, fulfillmentStatus: 'fulfilled' })],
      fulfillments: [{ id: '9012345678900400004', lines: [{ id: TABS().id, quantity: 2 }, { id: GRINDER().id, quantity: 1 }] }],
    });
    const wmsBefore = (await getJson(`${world.wms.url}/_sandbox/requests`)) as Json;
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const done = await orderWhen(
      id, (o) => o.status === 'FULFILLED' && posted(o, 'SALES_ORDER').length === 2 && o.shipments[0]?.erp.every((e: Json) => e.postingStatus === 'POSTED') && o.shipments[0].erp.length === 2,
      'fulfilled at the till and posted',
    );
    expect(done.fulfillmentRequests).toEqual([]);
    expect(done.shipments.map((s: Json) => [s.source, s.externalId, s.status, s.lines.map((l: Json) => [l.lineRef, l.quantity])])).toEqual([
      ['SHOPIFY', '9012345678900400004', 'CONFIRMED', [[TABS().id, 2], [GRINDER().id, 1]]],
    ]);
    // Nothing reached the warehouse for it.
    const wmsAfter = (await getJson(`${world.wms.url}/_sandbox/requests`)) as Json;
    // Earlier tests' requests may still move meanwhile: what matters is that none is this order's.
    expect(JSON.stringify(wmsAfter)).not.toContain(done.id);
    expect((wmsAfter.requests as Json[]).filter((r) => r.orderRef === done.id)).toEqual([]);
    expect((wmsAfter.requests as Json[]).length).toBeGreaterThanOrEqual((wmsBefore.requests as Json[]).length);
    // Shopify announcing the same fulfilment later is the same shipment.
    const again = JSON.stringify({
      id: '9012345678900400004', order_id: id, status: 'success', created_at: '2026-03-14T10:15:42-04:00', location_id: WAREHOUSE,
      line_items: [{ id: TABS().id, quantity: 2 }, { id: GRINDER().id, quantity: 1 }],
    });
    const res = await deliver(hub.app, { body: again, topic: 'fulfillments/create' });
    await eventually(async () => {
      const [r] = await hub.sql<Json>(`SELECT status FROM inbox WHERE id = $1`, [res.body.inboxId]);
      if (r?.status !== 'PROCESSED') throw new Error(String(r?.status));
    }, 20_000);
    expect((await suite.order(id)).shipments).toHaveLength(1);
    // Each ERP holds one item fulfilment of both lines, in full.
    const ns = (await fulfilmentsOf('netsuite')).filter((f) => f.key === `F-${done.shipments[0].id.replace(/-/g, '').slice(0, 20).toUpperCase()}`);
    expect(ns).toHaveLength(1);
    expect((ns[0].document.item.items as Json[]).map((l) => [l.orderLine, l.item.id, l.quantity])).toEqual([[1, '504', 2], [2, '503', 1]]);
    const bc = (await fulfilmentsOf('bc')).filter((f) => f.key === ns[0].key);
    expect(bc.map((f) => (f.document.salesShipmentLines as Json[]).filter((l) => l.lineType === 'Item').map((l) => [l.lineObjectNumber, l.quantity]))).toEqual([[['504', 2], ['503', 1]]]);
  });
});
