import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { signFulfillmentEvent } from '../src/adapters/fulfillment/shipment-confirmation.js';
import { fulfillmentKey } from '../src/modules/erp-sync/posting-documents.js';
import { SHOP, deliver, withField } from './support/shopify-delivery.js';
import {
  FULFILLMENT_SECRET, LINE_SOCKS, LINE_SWEATER, STORE, WAREHOUSE, allPosted, channelFulfilledOrder, getJson, postJson, shopifyFulfillment, splitOrder,
  type FulfillmentWorld,
} from './support/fulfillment-world.js';
import { useFulfillmentSuite } from './support/fulfillment-suite.js';
import { ADMIN_KEY, READER_KEY, eventually, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORDER_QUERY = `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
  id status holdReasons
  history { fromStatus toStatus reason }
  fulfillmentRequests { id system status deliveryStatus cancelDeliveryStatus }
  shipments { id source externalId status holdReason carrier trackingNumbers channelStatus lines { lineRef quantity } erp { target postingStatus } }
} }`;

/** Shipments held for want of their order are applied when it comes; cancelling tells the fulfilment systems. */
describe('held shipments and cancelled requests', () => {
  const suite = useFulfillmentSuite('fulfilment_held', ORDER_QUERY);
  const { order, orderWhen, seedShopify } = suite;
  let hub: TestHub;
  let world: FulfillmentWorld;
  beforeAll(() => ({ hub, world } = suite));
  const settled = (inboxId: string): Promise<Json> =>
    eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT status, error FROM inbox WHERE id = $1`, [inboxId]);
      if (row?.status !== 'PROCESSED') throw new Error(`inbox ${inboxId} is ${row?.status}`);
      return row;
    }, 20_000);
  const shipmentRows = (externalId: string): Promise<Json[]> =>
    hub.sql(`SELECT id, order_id, status, hold_reason, order_ref, inbox_id FROM shipments WHERE external_id = $1`, [externalId]);
  const fulfilmentPostings = async (orderId: string): Promise<number> =>
    (await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM postings WHERE order_id = $1 AND document_type = 'ITEM_FULFILLMENT'`, [orderId]))[0].n;
  /** A confirmation as the WMS or a store signs it, for events the sandboxes would not send (a foreign reference, a late parcel). */
  const confirm = async (event: Json): Promise<string> => {
    const raw = JSON.stringify({ eventId: randomUUID(), type: 'SHIPPED', orderNumber: '#1001', carrier: 'UPS', occurredAt: new Date().toISOString(), ...event });
    const source = event.source as string;
    const res = await request(hub.app.getHttpServer()).post('/webhooks/wms/shipments').set('Content-Type', 'application/json')
      .set('X-Fulfillment-Source', source).set('X-Fulfillment-Event-Id', JSON.parse(raw).eventId as string)
      .set('X-Fulfillment-Hmac-Sha256', signFulfillmentEvent(raw, FULFILLMENT_SECRET)).send(raw);
    expect(res.status).toBe(202);
    return res.body.inboxId as string;
  };
  const reevaluate = (id: string, key = ADMIN_KEY) =>
    request(hub.app.getHttpServer()).post(`/admin/shipments/${id}/reevaluate`).set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send('{}');

  it('applies a WMS confirmation held while the order awaited payment once it is released: one ERP fulfilment, tracking on Shopify', async () => {
    const id = '6012345678900200001';
    const placed = withField(splitOrder(id), 'financial_status', 'pending');
    await seedShopify(placed);
    expect((await deliver(hub.app, { body: placed })).status).toBe(202);
    const held = await orderWhen(id, (o) => o.status === 'ON_HOLD', 'on hold');
    expect(held.holdReasons).toEqual(['AWAITING_PAYMENT']);
    expect(held.fulfillmentRequests).toEqual([]);

    const inboxId = await confirm({
      source: 'wms', requestId: randomUUID(), shipmentId: 'SHP-HELD-PAY-1', orderRef: held.id, locationRef: WAREHOUSE, trackingNumbers: ['1ZHELDPAY0001'],
      lines: [{ lineRef: LINE_SWEATER, sku: 'MER-CREW-NVY-M', quantity: 1 }],
    });
    expect((await settled(inboxId)).error).toBe('shipment held: ORDER_NOT_SHIPPABLE: the order is ON_HOLD');
    const [heldRow] = await shipmentRows('SHP-HELD-PAY-1');
    expect(heldRow).toMatchObject({ order_id: held.id, status: 'HELD', hold_reason: 'ORDER_NOT_SHIPPABLE: the order is ON_HOLD' });
    expect(await fulfilmentPostings(held.id)).toBe(0);

    const paid = withField(withField(placed, 'financial_status', 'paid'), 'updated_at', '2026-11-27T12:00:00-05:00');
    expect((await deliver(hub.app, { topic: 'orders/paid', body: paid })).status).toBe(202);
    const applied = await orderWhen(id, (o) => o.shipments[0]?.channelStatus === 'NOTIFIED' && allPosted(o.shipments[0]), 'applied after release');
    expect(applied.status).toBe('PARTIALLY_FULFILLED');
    expect(applied.shipments.map((s: Json) => [s.id, s.status, s.holdReason, s.lines])).toEqual([[heldRow.id, 'CONFIRMED', null, [{ lineRef: LINE_SWEATER, quantity: 1 }]]]);
    expect(applied.history.map((h: Json) => h.toStatus)).toEqual(['RECEIVED', 'ON_HOLD', 'RELEASED', 'PARTIALLY_FULFILLED']);
    expect(applied.history[3].reason).toBe('WMS SHP-HELD-PAY-1 shipped by UPS (held until the order was released)');
    expect((await settled(inboxId)).error).toBe('shipment confirmed on re-evaluation; first held: ORDER_NOT_SHIPPABLE: the order is ON_HOLD');

    // NetSuite: exactly one item fulfilment, with the shipped sweater from the warehouse.
    const netsuite = (await getJson(`${world.netsuite.url}/_sandbox/documents`)).fulfillments as Json;
    expect(netsuite.duplicateKeys).toEqual([]);
    const docs = (netsuite.documents as Json[]).filter((d) => d.key === fulfillmentKey(heldRow.id));
    expect(docs.map((d) => d.creates)).toEqual([1]);
    expect((docs[0].document.item.items as Json[]).filter((l) => l.itemReceive !== false).map((l) => [l.item?.id, l.quantity, l.location?.id])).toEqual([['501', 1, '11']]);
    expect(await fulfilmentPostings(held.id)).toBe(2);
    // Shopify: the tracking, once.
    const shopify = await getJson(`${world.shopify.url}/_sandbox/fulfillments?order_id=${id}`);
    expect(shopify.fulfillments.map((f: Json) => f.tracking_number)).toEqual(['1ZHELDPAY0001']);

    // The rest ships through the requests the release sent; the order completes.
    const wmsRequest = applied.fulfillmentRequests.find((r: Json) => r.system === 'wms');
    const storeRequest = applied.fulfillmentRequests.find((r: Json) => r.system === 'store');
    await orderWhen(id, (o) => o.fulfillmentRequests.every((r: Json) => r.status === 'ACCEPTED'), 'requests accepted');
    await postJson(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}/ship`, { parcels: [{ lines: [{ lineRef: LINE_SWEATER, quantity: 1 }] }] });
    await postJson(`${world.store.url}/_sandbox/requests/${storeRequest.id}/ship`, {});
    const done = await orderWhen(id, (o) => o.status === 'FULFILLED' && o.shipments.length === 3 && o.shipments.every(allPosted), 'fulfilled');
    expect(done.fulfillmentRequests.map((r: Json) => r.status)).toEqual(['SHIPPED', 'SHIPPED']);
    expect(await fulfilmentPostings(held.id)).toBe(6);
  });

  it('holds a Shopify fulfilment for an order not yet in the hub, applies it once the order arrives, and a redelivery changes nothing', async () => {
    const id = '6012345678900200002';
    const fulfillment = shopifyFulfillment('9012345678900200002', id, { tracking: '7777000022' });
    const first = await deliver(hub.app, { body: fulfillment, topic: 'fulfillments/create' });
    expect((await settled(first.body.inboxId as string)).error).toBe('shipment held: ORDER_UNKNOWN: the order is not in the hub');
    const [heldRow] = await shipmentRows('9012345678900200002');
    expect(heldRow).toMatchObject({
      order_id: null, status: 'HELD', hold_reason: 'ORDER_UNKNOWN: the order is not in the hub',
      order_ref: { by: 'CHANNEL', channel: 'SHOPIFY', account: SHOP, externalId: id },
    });

    expect((await deliver(hub.app, { body: channelFulfilledOrder(id) })).status).toBe(202);
    const done = await orderWhen(id, (o) => o.status === 'FULFILLED' && o.shipments.length === 1 && allPosted(o.shipments[0]), 'applied when the order came');
    expect(done.shipments[0]).toMatchObject({ id: heldRow.id, source: 'SHOPIFY', status: 'CONFIRMED', holdReason: null, channelStatus: 'NOT_REQUIRED', carrier: 'FedEx' });
    expect(done.history.map((h: Json) => h.toStatus)).toEqual(['RECEIVED', 'RELEASED', 'FULFILLED']);
    const [row] = await shipmentRows('9012345678900200002');
    expect(row).toMatchObject({ id: heldRow.id, order_id: done.id, status: 'CONFIRMED', hold_reason: null });
    const netsuite = (await getJson(`${world.netsuite.url}/_sandbox/documents`)).fulfillments as Json;
    const docs = (netsuite.documents as Json[]).filter((d) => d.key === fulfillmentKey(heldRow.id));
    expect(docs.map((d) => d.creates)).toEqual([1]);
    expect((docs[0].document.item.items as Json[]).filter((l) => l.itemReceive !== false).map((l) => [l.item?.id, l.quantity])).toEqual([['501', 2], ['502', 1]]);

    // Shopify sends it again (a new webhook id, and an update): the shipment exists, nothing moves.
    const postingsBefore = await fulfilmentPostings(done.id);
    expect(postingsBefore).toBe(2);
    for (const topic of ['fulfillments/create', 'fulfillments/update']) {
      const again = await deliver(hub.app, { body: fulfillment, topic });
      expect((await settled(again.body.inboxId as string)).error).toBeNull();
    }
    const after = await order(id);
    expect(after.shipments.map((s: Json) => [s.id, s.status])).toEqual([[heldRow.id, 'CONFIRMED']]);
    expect(after.history).toHaveLength(done.history.length);
    expect(await fulfilmentPostings(done.id)).toBe(postingsBefore);
    const [messages] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbound_messages WHERE order_id = $1 AND kind = 'CHANNEL_FULFILLMENT'`, [done.id]);
    expect(messages.n).toBe(0);
  });

  it('applies a held confirmation on redelivery when the release could not find it (held before order references were kept)', async () => {
    const id = '6012345678900200003';
    const fulfillment = shopifyFulfillment('9012345678900200003', id, { tracking: '7777000033' });
    const first = await deliver(hub.app, { body: fulfillment, topic: 'fulfillments/create' });
    await settled(first.body.inboxId as string);
    const [heldRow] = await shipmentRows('9012345678900200003');
    await hub.sql(`UPDATE shipments SET order_ref = NULL WHERE id = $1`, [heldRow.id]);

    expect((await deliver(hub.app, { body: channelFulfilledOrder(id) })).status).toBe(202);
    const posted = await orderWhen(id, (o) => o.status === 'POSTED', 'posted');
    expect(posted.shipments).toEqual([]);
    // The admin endpoint cannot tell which order it is for either.
    const blind = await reevaluate(heldRow.id);
    expect(blind.status).toBe(200);
    expect(blind.body).toEqual({ id: heldRow.id, status: 'HELD', holdReason: 'ORDER_UNKNOWN: the confirmation kept no order reference; a redelivery supplies it', orderStatus: null });

    const again = await deliver(hub.app, { body: fulfillment, topic: 'fulfillments/update' });
    expect((await settled(again.body.inboxId as string)).error).toBeNull();
    const done = await orderWhen(id, (o) => o.status === 'FULFILLED' && allPosted(o.shipments[0] ?? { erp: [] }), 'applied on redelivery');
    expect(done.shipments.map((s: Json) => [s.id, s.status])).toEqual([[heldRow.id, 'CONFIRMED']]);
    expect(done.history.at(-1).reason).toBe('SHOPIFY 9012345678900200003 shipped by FedEx (held, applied on redelivery)');
    const [row] = await shipmentRows('9012345678900200003');
    expect(row.order_ref).toEqual({ by: 'CHANNEL', channel: 'SHOPIFY', account: SHOP, externalId: id });
    expect(await fulfilmentPostings(done.id)).toBe(2);
  });

  it('the sweep applies a held shipment that committed while its order was being released', async () => {
    const id = '6012345678900200004';
    expect((await deliver(hub.app, { body: channelFulfilledOrder(id) })).status).toBe(202);
    const posted = await orderWhen(id, (o) => o.status === 'POSTED', 'posted');
    // As a confirmation processed beside the order's first transaction leaves it: held, for an order it could not see.
    const shipmentId = randomUUID();
    await hub.sql(
      `INSERT INTO shipments (id, order_ref, source, account, external_id, kind, status, hold_reason, lines, shipped_at, channel_status, correlation_id)
       VALUES ($1, $2, 'SHOPIFY', $3, '9012345678900200004', 'SHIPMENT', 'HELD', 'ORDER_UNKNOWN: the order is not in the hub', $4, now(), 'NOT_REQUIRED', 'race')`,
      [shipmentId, JSON.stringify({ by: 'CHANNEL', channel: 'SHOPIFY', account: SHOP, externalId: id }), SHOP,
        JSON.stringify([{ lineRef: LINE_SWEATER, sku: 'MER-CREW-NVY-M', quantity: 2 }, { lineRef: LINE_SOCKS, sku: 'SOCK-TRAIL-3PK', quantity: 1 }])],
    );
    const done = await orderWhen(id, (o) => o.status === 'FULFILLED' && allPosted(o.shipments[0] ?? { erp: [] }), 'swept');
    expect(done.shipments.map((s: Json) => [s.id, s.status])).toEqual([[shipmentId, 'CONFIRMED']]);
    expect(await fulfilmentPostings(posted.id)).toBe(2);
  });

  it('keeps an over-shipment held; the reevaluate endpoint answers 200 with the reason, 409 for a confirmed shipment, 404 for none', async () => {
    const id = '6012345678900200005';
    expect((await deliver(hub.app, { body: splitOrder(id) })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.status === 'POSTED' && o.fulfillmentRequests.every((r: Json) => r.status === 'ACCEPTED'), 'posted');
    const storeRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'store');
    const inboxId = await confirm({
      source: 'store', requestId: storeRequest.id, shipmentId: 'SHP-HELD-OVER-1', orderRef: released.id, locationRef: STORE, carrier: 'USPS',
      trackingNumbers: ['9400HELDOVER'], lines: [{ lineRef: LINE_SOCKS, sku: 'SOCK-TRAIL-3PK', quantity: 3 }],
    });
    await settled(inboxId);
    const [heldRow] = await shipmentRows('SHP-HELD-OVER-1');
    const reason = `OVER_SHIPMENT: line ${LINE_SOCKS}: ordered 1, shipped 0 before, this confirms 3`;
    expect(heldRow).toMatchObject({ status: 'HELD', hold_reason: reason });

    expect((await reevaluate(heldRow.id, READER_KEY)).status).toBe(403);
    expect((await reevaluate('not-a-uuid')).status).toBe(400);
    const unknown = await reevaluate(randomUUID());
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    const still = await reevaluate(heldRow.id);
    expect(still.status).toBe(200);
    expect(still.body).toEqual({ id: heldRow.id, status: 'HELD', holdReason: reason, orderStatus: null });
    expect(await fulfilmentPostings(released.id)).toBe(0);
    // The sweep leaves it alone too: only a missing or unreleased order clears by itself.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await shipmentRows('SHP-HELD-OVER-1'))[0]).toMatchObject({ status: 'HELD', hold_reason: reason });

    await postJson(`${world.store.url}/_sandbox/requests/${storeRequest.id}/ship`, {});
    const shipped = await orderWhen(id, (o) => o.shipments.some((s: Json) => s.status === 'CONFIRMED'), 'socks shipped');
    const confirmed = shipped.shipments.find((s: Json) => s.status === 'CONFIRMED');
    const conflict = await reevaluate(confirmed.id);
    expect([conflict.status, conflict.body.code]).toEqual([409, 'NOT_HELD']);
    expect(shipped.shipments.find((s: Json) => s.id === heldRow.id)).toMatchObject({ status: 'HELD', holdReason: reason, erp: [] });
  });

  it('tells the WMS and the store when the order is cancelled, and holds a parcel that still comes for a cancelled request', async () => {
    const id = '6012345678900200006';
    const body = splitOrder(id);
    await seedShopify(body);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.status === 'POSTED' && o.fulfillmentRequests.every((r: Json) => r.status === 'ACCEPTED'), 'posted');
    const wmsRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'wms');
    const storeRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'store');
    await postJson(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}/ship`, { parcels: [{ lines: [{ lineRef: LINE_SWEATER, quantity: 1 }], trackingNumber: '1ZHELDCXL01' }] });
    await orderWhen(id, (o) => o.status === 'PARTIALLY_FULFILLED' && allPosted(o.shipments[0]), 'partial');

    const cancelled = body.replace('"cancelled_at": null', '"cancelled_at": "2026-11-27T12:00:00-05:00"').replace(/"updated_at": "[^"]+"/, '"updated_at": "2026-11-27T12:00:00-05:00"');
    expect((await deliver(hub.app, { body: cancelled, topic: 'orders/cancelled' })).status).toBe(202);
    const done = await orderWhen(id, (o) => o.status === 'CANCELLED' && o.fulfillmentRequests.every((r: Json) => r.cancelDeliveryStatus === 'SENT'), 'cancels sent');
    expect(done.fulfillmentRequests.map((r: Json) => [r.system, r.status, r.deliveryStatus]).sort()).toEqual([['store', 'CANCELLED', 'SENT'], ['wms', 'CANCELLED', 'SENT']]);

    // Each system holds its request as cancelled, what shipped before still shipped.
    const atWms = await getJson(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}`);
    expect(atWms).toMatchObject({ status: 'CANCELLED', cancels: 1, cancelledAt: expect.any(String) });
    expect(atWms.lines.map((l: Json) => [l.lineRef, l.quantity, l.fulfilledQuantity])).toEqual([[LINE_SWEATER, 2, 1]]);
    expect(await getJson(`${world.store.url}/_sandbox/requests/${storeRequest.id}`)).toMatchObject({ status: 'CANCELLED', cancels: 1 });
    const messages = await hub.sql<Json>(
      `SELECT subject_id, status, external_ref FROM outbound_messages WHERE order_id = $1 AND kind = 'FULFILLMENT_CANCEL' ORDER BY external_ref`, [done.id],
    );
    expect(messages).toEqual([
      { subject_id: wmsRequest.id, status: 'SENT', external_ref: atWms.id },
      { subject_id: storeRequest.id, status: 'SENT', external_ref: expect.stringMatching(/^SO-/) },
    ]);
    const refused = await fetch(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}/ship`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(409);

    // The WMS had packed the second sweater before the cancel reached it: the parcel is held, nothing is posted for it.
    const postingsBefore = await fulfilmentPostings(done.id);
    const inboxId = await confirm({
      source: 'wms', requestId: wmsRequest.id, shipmentId: 'SHP-HELD-CXL-2', orderRef: done.id, locationRef: WAREHOUSE, trackingNumbers: ['1ZHELDCXL02'],
      lines: [{ lineRef: LINE_SWEATER, sku: 'MER-CREW-NVY-M', quantity: 1 }],
    });
    const reason = `REQUEST_CANCELLED: request ${wmsRequest.id} was cancelled; a person decides what to do with goods shipped after that`;
    expect((await settled(inboxId)).error).toBe(`shipment held: ${reason}`);
    expect((await shipmentRows('SHP-HELD-CXL-2'))[0]).toMatchObject({ order_id: done.id, status: 'HELD', hold_reason: reason });
    expect(await fulfilmentPostings(done.id)).toBe(postingsBefore);
    const after = await order(id);
    expect(after.status).toBe('CANCELLED');
    expect(after.shipments.map((s: Json) => s.status)).toEqual(['CONFIRMED', 'HELD']);
    const [tracking] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbound_messages WHERE order_id = $1 AND kind = 'CHANNEL_FULFILLMENT'`, [done.id]);
    expect(tracking.n).toBe(1);
  });
});
