import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { signFulfillmentEvent } from '../src/adapters/fulfillment/shipment-confirmation.js';
import { fulfillmentKey } from '../src/modules/erp-sync/posting-documents.js';
import { SHOP, deliver } from './support/shopify-delivery.js';
import {
  FULFILLMENT_SECRET, LINE_SOCKS, LINE_SWEATER, STORE, WAREHOUSE, channelFulfilledOrder, getJson, pickupOrder, postJson, shopifyFulfillment, splitOrder,
  type FulfillmentWorld,
} from './support/fulfillment-world.js';
import { useFulfillmentSuite } from './support/fulfillment-suite.js';
import { ADMIN_KEY, READER_KEY, SHOPIFY_SECRET, eventually, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORDER_QUERY = `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
  id status
  erpReferences { documentType documentKey postingStatus internalId }
  fulfillmentRequests { id locationRef method system status externalId deliveryStatus lines { lineRef quantity } }
  shipments { id source externalId kind status holdReason carrier trackingNumbers channelStatus channelReference
              lines { lineRef quantity } erp { target postingStatus internalId } }
} }`;

/** Fulfilment end to end: one ERP order, requests per location, parcels back to Shopify and NetSuite. */
describe('fulfilment orchestration', () => {
  const suite = useFulfillmentSuite('fulfilment', ORDER_QUERY);
  const { order, orderWhen, seedShopify } = suite;
  let hub: TestHub;
  let world: FulfillmentWorld;
  beforeAll(() => ({ hub, world } = suite));
  const fulfilments = async (): Promise<Json> => (await getJson(`${world.netsuite.url}/_sandbox/documents`)).fulfillments as Json;

  it('posts one sales order with per-line locations, ships in parcels, and tells Shopify and both ERPs exactly what shipped', async () => {
    const id = '6012345678900100001';
    const body = splitOrder(id);
    await seedShopify(body);
    expect((await deliver(hub.app, { body })).status).toBe(202);

    const released = await orderWhen(id, (o) => o.status === 'POSTED' && o.fulfillmentRequests.every((r: Json) => r.status === 'ACCEPTED'), 'posted and requested');
    expect(released.fulfillmentRequests.map((r: Json) => [r.locationRef, r.method, r.system, r.lines])).toEqual([
      [WAREHOUSE, 'SHIP', 'wms', [{ lineRef: LINE_SWEATER, quantity: 2 }]],
      [STORE, 'SHIP_FROM_STORE', 'store', [{ lineRef: LINE_SOCKS, quantity: 1 }]],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    const docs = await getJson(`${world.netsuite.url}/_sandbox/documents`);
    const salesOrder = (docs.documents as Json[]).find((d) => d.key === `SHOPIFY-${id}`)!;
    expect(salesOrder.document.item.items.map((l: Json) => [l.item.id, l.quantity, l.location?.id])).toEqual([['501', 2, '11'], ['502', 1, '12']]);

    const wmsRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'wms');
    const storeRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'store');
    // Partial: one sweater in the first parcel.
    await postJson(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}/ship`, { parcels: [{ lines: [{ lineRef: LINE_SWEATER, quantity: 1 }], carrier: 'UPS', trackingNumber: '1ZPARCEL0001' }] });
    const partial = await orderWhen(id, (o) => o.status === 'PARTIALLY_FULFILLED' && o.shipments[0]?.channelStatus === 'NOTIFIED' && o.shipments[0]?.erp.length === 2 && o.shipments[0].erp.every((e: Json) => e.postingStatus === 'POSTED'), 'partial');
    expect(partial.shipments.map((s: Json) => [s.source, s.status, s.trackingNumbers, s.lines])).toEqual([['WMS', 'CONFIRMED', ['1ZPARCEL0001'], [{ lineRef: LINE_SWEATER, quantity: 1 }]]]);
    // Complete: the second sweater from the warehouse, the socks from the store.
    await postJson(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}/ship`, { parcels: [{ lines: [{ lineRef: LINE_SWEATER, quantity: 1 }], carrier: 'UPS', trackingNumber: '1ZPARCEL0002' }] });
    await postJson(`${world.store.url}/_sandbox/requests/${storeRequest.id}/ship`, { parcels: [{ lines: [{ lineRef: LINE_SOCKS, quantity: 1 }], carrier: 'USPS', trackingNumber: '9400100000000000000001' }] });
    const done = await orderWhen(
      id,
      (o) => o.status === 'FULFILLED' && o.shipments.length === 3 && o.shipments.every((s: Json) => s.channelStatus === 'NOTIFIED' && s.erp.length === 2 && s.erp.every((e: Json) => e.postingStatus === 'POSTED')),
      'fulfilled',
    );
    expect(done.fulfillmentRequests.map((r: Json) => r.status)).toEqual(['SHIPPED', 'SHIPPED']);

    // NetSuite: three item fulfilments from the sales order, each with exactly its parcel's units.
    const all = await fulfilments();
    expect(all.duplicateKeys).toEqual([]);
    const byKey = new Map((all.documents as Json[]).map((d) => [d.key, d]));
    const shippedUnits = done.shipments.map((s: Json) => {
      const doc = byKey.get(fulfillmentKey(s.id));
      expect(doc?.creates).toBe(1);
      expect(doc!.document.createdFrom.id).toBe(salesOrder.id);
      return (doc!.document.item.items as Json[]).filter((l) => l.itemReceive !== false).map((l) => [l.item?.id, l.quantity, l.location?.id]);
    });
    expect(shippedUnits).toEqual([[['501', 1, '11']], [['501', 1, '11']], [['502', 1, '12']]]);
    // Business Central: one posted shipment per parcel, carrying its key, with exactly the shipped lines.
    const bcShipments = (await getJson(`${world.bc.url}/_sandbox/documents`)).fulfillments as Json;
    expect(bcShipments.duplicateKeys).toEqual([]);
    for (const shipment of done.shipments as Json[]) expect(bcShipments.createsByKey[fulfillmentKey(shipment.id)]).toBe(1);
    expect(done.shipments.every((s: Json) => s.erp.length === 2 && s.erp.every((e: Json) => e.postingStatus === 'POSTED'))).toBe(true);
    // Shopify: one fulfilment per parcel, with its tracking number.
    const shopify = await getJson(`${world.shopify.url}/_sandbox/fulfillments?order_id=${id}`);
    expect(shopify.count).toBe(3);
    expect(shopify.fulfillments.map((f: Json) => f.tracking_number).sort()).toEqual(['1ZPARCEL0001', '1ZPARCEL0002', '9400100000000000000001']);
    expect(done.shipments.map((s: Json) => s.channelReference).sort()).toEqual(shopify.fulfillments.map((f: Json) => String(f.id)).sort());

    // Shopify announces the fulfilments the hub created: those echoes are the shipments we have, not new ones.
    for (const f of shopify.fulfillments as Json[]) {
      expect((await deliver(hub.app, { body: JSON.stringify(f), topic: 'fulfillments/create' })).status).toBe(202);
    }
    await eventually(async () => {
      const [row] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE topic = 'fulfillments/create' AND status = 'PENDING'`);
      if (row.n > 0) throw new Error('echoes still pending');
    }, 10_000);
    const afterEchoes = await order(id);
    expect(afterEchoes.shipments.map((s: Json) => [s.id, s.status])).toEqual(done.shipments.map((s: Json) => [s.id, 'CONFIRMED']));
  });

  it('changes nothing when the same confirmation arrives three times and out of order', async () => {
    const id = '6012345678900100002';
    const body = splitOrder(id);
    await seedShopify(body);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.fulfillmentRequests.length === 2 && o.fulfillmentRequests.every((r: Json) => r.status === 'ACCEPTED'), 'requested');
    const wmsRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'wms');
    // Two parcels; the second is redelivered before and after the first is redelivered.
    await postJson(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}/ship`, { parcels: [
      { lines: [{ lineRef: LINE_SWEATER, quantity: 1 }], trackingNumber: '1ZDUP0001' },
      { lines: [{ lineRef: LINE_SWEATER, quantity: 1 }], trackingNumber: '1ZDUP0002' },
    ] });
    const settled = await orderWhen(id, (o) => o.shipments.length === 2 && o.shipments.every((s: Json) => s.channelStatus === 'NOTIFIED' && s.erp.length === 2 && s.erp.every((e: Json) => e.postingStatus === 'POSTED')), 'two parcels');
    const events = (await getJson(`${world.wms.url}/_sandbox/events?requestId=${wmsRequest.id}`)).events as Json[];
    expect(events).toHaveLength(2);
    const [first, second] = events.map((e) => e.eventId ?? e.body?.eventId);
    for (const eventId of [second, first, second, first]) await postJson(`${world.wms.url}/_sandbox/events/${eventId}/redeliver`);
    // The same bytes signed again by hand under a new event id is still the same shipment.
    const event = events[1].body ?? events[1];
    const replayId = randomUUID();
    const raw = JSON.stringify({ ...event, eventId: replayId });
    const replayed = await request(hub.app.getHttpServer()).post('/webhooks/wms/shipments').set('Content-Type', 'application/json')
      .set('X-Fulfillment-Source', 'wms').set('X-Fulfillment-Event-Id', replayId).set('X-Fulfillment-Hmac-Sha256', signFulfillmentEvent(raw, FULFILLMENT_SECRET)).send(raw);
    expect(replayed.status).toBe(202);
    await eventually(async () => {
      const [row] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE source = 'WMS' AND status = 'PENDING'`);
      if (row.n > 0) throw new Error('inbox still pending');
    }, 10_000);
    const after = await order(id);
    expect(after.status).toBe('PARTIALLY_FULFILLED');
    expect(after.shipments.map((s: Json) => s.id).sort()).toEqual(settled.shipments.map((s: Json) => s.id).sort());
    const [counts] = await hub.sql<{ postings: number; messages: number }>(
      `SELECT (SELECT count(*)::int FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 AND p.document_type = 'ITEM_FULFILLMENT') AS postings,
              (SELECT count(*)::int FROM outbound_messages m JOIN orders o ON o.id = m.order_id WHERE o.external_id = $1 AND m.kind = 'CHANNEL_FULFILLMENT') AS messages`,
      [id],
    );
    // Two parcels: one item fulfilment each in each of the two ERPs, one Shopify fulfilment each.
    expect(counts).toEqual({ postings: 4, messages: 2 });
    expect((await getJson(`${world.shopify.url}/_sandbox/fulfillments?order_id=${id}`)).count).toBe(2);
  });

  it('holds an over-shipment with its reason and posts nothing for it', async () => {
    const id = '6012345678900100003';
    const body = splitOrder(id);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.status === 'POSTED' && o.fulfillmentRequests.length === 2, 'posted');
    const storeRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'store');
    const eventId = randomUUID();
    const raw = JSON.stringify({
      eventId, type: 'SHIPPED', source: 'store', requestId: storeRequest.id, shipmentId: 'SHP-OVER-1', orderRef: released.id,
      orderNumber: '#1001', locationRef: STORE, carrier: 'USPS', trackingNumbers: ['9400OVER'], occurredAt: new Date().toISOString(),
      lines: [{ lineRef: LINE_SOCKS, sku: 'SOCK-TRAIL-3PK', quantity: 3 }],
    });
    const sent = await request(hub.app.getHttpServer()).post('/webhooks/wms/shipments').set('Content-Type', 'application/json')
      .set('X-Fulfillment-Source', 'store').set('X-Fulfillment-Event-Id', eventId).set('X-Fulfillment-Hmac-Sha256', signFulfillmentEvent(raw, FULFILLMENT_SECRET)).send(raw);
    expect(sent.status).toBe(202);
    const held = await orderWhen(id, (o) => o.shipments.length === 1, 'held shipment');
    expect(held.status).toBe('POSTED');
    expect(held.shipments[0]).toMatchObject({ status: 'HELD', channelStatus: 'NOT_REQUIRED', erp: [] });
    expect(held.shipments[0].holdReason).toBe(`OVER_SHIPMENT: line ${LINE_SOCKS}: ordered 1, shipped 0 before, this confirms 3`);
    const [n] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM postings WHERE order_id = $1 AND document_type = 'ITEM_FULFILLMENT'`, [held.id]);
    expect(n.n).toBe(0);

    const forged = await request(hub.app.getHttpServer()).post('/webhooks/wms/shipments').set('Content-Type', 'application/json')
      .set('X-Fulfillment-Source', 'store').set('X-Fulfillment-Event-Id', randomUUID()).set('X-Fulfillment-Hmac-Sha256', signFulfillmentEvent(raw, 'not-the-secret-at-all')).send(raw);
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'SIGNATURE_INVALID', field: 'X-Fulfillment-Hmac-Sha256' });
  });

  it('posts the ERP fulfilment of a pickup when the customer collects, not when it is ready', async () => {
    const id = '6012345678900100004';
    const body = pickupOrder(id);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.fulfillmentRequests[0]?.status === 'ACCEPTED', 'pickup requested');
    expect(released.fulfillmentRequests.map((r: Json) => [r.locationRef, r.method, r.system])).toEqual([[STORE, 'PICKUP_IN_STORE', 'store']]);
    const requestId = released.fulfillmentRequests[0].id;
    await postJson(`${world.store.url}/_sandbox/requests/${requestId}/ready-for-pickup`);
    const ready = await orderWhen(id, (o) => o.fulfillmentRequests[0].status === 'READY_FOR_PICKUP', 'ready');
    expect(ready.shipments).toEqual([]);
    await postJson(`${world.store.url}/_sandbox/requests/${requestId}/picked-up`);
    const collected = await orderWhen(id, (o) => o.status === 'FULFILLED' && o.shipments[0]?.erp.length === 2 && o.shipments[0].erp.every((e: Json) => e.postingStatus === 'POSTED'), 'picked up');
    expect(collected.shipments.map((s: Json) => [s.kind, s.source])).toEqual([['PICKUP', 'STORE']]);
  });

  it('posts an ERP fulfilment for a merchant-fulfilled Shopify shipment, without echoing it back to Shopify', async () => {
    const id = '6012345678900100005';
    const body = channelFulfilledOrder(id);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    await orderWhen(id, (o) => o.status === 'POSTED', 'posted');
    const fulfillment = shopifyFulfillment('9012345678900000001', id, { tracking: '7777000011' });
    expect((await deliver(hub.app, { body: fulfillment, topic: 'fulfillments/create' })).status).toBe(202);
    expect((await deliver(hub.app, { body: fulfillment.replace('"7777000011"]', '"7777000011", "7777000012"]'), topic: 'fulfillments/update' })).status).toBe(202);
    const done = await orderWhen(id, (o) => o.status === 'FULFILLED' && o.shipments[0]?.erp.length === 2 && o.shipments[0].erp.every((e: Json) => e.postingStatus === 'POSTED'), 'fulfilled by Shopify');
    expect(done.shipments).toHaveLength(1);
    expect(done.shipments[0]).toMatchObject({ source: 'SHOPIFY', channelStatus: 'NOT_REQUIRED', carrier: 'FedEx' });
    expect(done.fulfillmentRequests).toEqual([]);
  });

  it('takes the unshipped units off the ERP sales order when a partly shipped order is cancelled', async () => {
    const id = '6012345678900100006';
    const body = splitOrder(id);
    await seedShopify(body);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.status === 'POSTED' && o.fulfillmentRequests.every((r: Json) => r.status === 'ACCEPTED'), 'posted');
    const wmsRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'wms');
    await postJson(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}/ship`, { parcels: [{ lines: [{ lineRef: LINE_SWEATER, quantity: 1 }], trackingNumber: '1ZCANCEL01' }] });
    await orderWhen(id, (o) => o.status === 'PARTIALLY_FULFILLED', 'partial');
    const cancelled = body.replace('"cancelled_at": null', '"cancelled_at": "2026-11-27T12:00:00-05:00"').replace(/"updated_at": "[^"]+"/, '"updated_at": "2026-11-27T12:00:00-05:00"');
    expect((await deliver(hub.app, { body: cancelled, topic: 'orders/cancelled' })).status).toBe(202);
    const done = await orderWhen(id, (o) => o.status === 'CANCELLED' && o.erpReferences.filter((r: Json) => r.documentType === 'SALES_ORDER_CHANGE' && r.postingStatus === 'POSTED').length === 2, 'cancel posted');
    // The partly shipped warehouse request is cancelled too: its second sweater must not leave.
    expect(done.fulfillmentRequests.map((r: Json) => [r.system, r.status]).sort()).toEqual([['store', 'CANCELLED'], ['wms', 'CANCELLED']]);
    const docs = await getJson(`${world.netsuite.url}/_sandbox/documents`);
    const salesOrder = (docs.documents as Json[]).find((d) => d.key === `SHOPIFY-${id}`)!;
    expect(salesOrder.document.item.items.map((l: Json) => [l.item.id, l.quantity])).toEqual([['501', 1], ['502', 0]]);
  });

  it('keeps tracking Shopify refused as FAILED with the reason, and a replay after the fix tells Shopify once', async () => {
    const id = '6012345678900100007';
    const body = splitOrder(id);
    await seedShopify(body);
    const account = (token: string) =>
      request(hub.app.getHttpServer()).put('/admin/channel-accounts').set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json')
        .send({ channel: 'SHOPIFY', account: SHOP, webhookSecret: SHOPIFY_SECRET, adminApiUrl: world.shopify.adminApiUrl, adminAccessToken: token });
    expect((await account('shpat_revoked_token_0000')).status).toBe(200);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.fulfillmentRequests.length === 2 && o.fulfillmentRequests.every((r: Json) => r.status === 'ACCEPTED'), 'requested');
    const storeRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'store');
    await postJson(`${world.store.url}/_sandbox/requests/${storeRequest.id}/ship`, {});
    const failed = await orderWhen(id, (o) => o.shipments[0]?.channelStatus === 'FAILED', 'channel failed');
    const dead = await request(hub.app.getHttpServer()).get('/admin/outbound-messages?status=DEAD').set('Authorization', `Bearer ${READER_KEY}`);
    const message = (dead.body as Json[]).find((m) => m.subjectId === failed.shipments[0].id);
    expect(message).toMatchObject({ kind: 'CHANNEL_FULFILLMENT', lastErrorKind: 'AUTH' });
    expect(message!.lastError).toMatch(/access token|API key/i);

    expect((await account(world.shopify.accessToken)).status).toBe(200);
    const replay = await request(hub.app.getHttpServer()).post(`/admin/outbound-messages/${message!.id}/replay`).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send('{}');
    expect(replay.status).toBe(201);
    const notified = await orderWhen(id, (o) => o.shipments[0]?.channelStatus === 'NOTIFIED', 'notified after replay');
    const shopify = await getJson(`${world.shopify.url}/_sandbox/fulfillments?order_id=${id}`);
    expect(shopify.count).toBe(1);
    expect(String(shopify.fulfillments[0].id)).toBe(notified.shipments[0].channelReference);
  });
});
