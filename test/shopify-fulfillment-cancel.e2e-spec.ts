import { jest } from '@jest/globals';
import request from 'supertest';
import { fulfillmentKey } from '../src/modules/erp-sync/posting-documents.js';
import { deliver } from './support/shopify-delivery.js';
import {
  LINE_SOCKS, LINE_SWEATER, allPosted, channelFulfilledOrder, erpTargets, getJson, postJson, shopifyFulfillment, splitOrder, type FulfillmentWorld,
} from './support/fulfillment-world.js';
import { useFulfillmentSuite } from './support/fulfillment-suite.js';
import { ADMIN_KEY, eventually, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORDER_QUERY = `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
  id status
  history { fromStatus toStatus reason }
  fulfillmentRequests { id system status }
  shipments { id source externalId status holdReason channelStatus channelReference channelCancelledAt attention lines { lineRef quantity } erp { target postingStatus } }
} }`;

/** Shopify cancelling a fulfilment the hub confirmed is recorded and shown; nothing in the ERP is undone. */
describe('a fulfilment Shopify cancels', () => {
  const suite = useFulfillmentSuite('shopify_fulfilment_cancel', ORDER_QUERY);
  const { order, orderWhen, seedShopify } = suite;
  let hub: TestHub;
  let world: FulfillmentWorld;
  beforeAll(() => ({ hub, world } = suite));
  /** Delivers one Shopify fulfilment webhook and waits for its inbox row to be worked; its note. */
  const fulfilment = async (body: string, topic = 'fulfillments/update'): Promise<string | null> => {
    const res = await deliver(hub.app, { body, topic });
    expect(res.status).toBe(202);
    const inboxId = res.body.inboxId as string;
    return eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT status, error FROM inbox WHERE id = $1`, [inboxId]);
      if (row?.status !== 'PROCESSED') throw new Error(`inbox ${inboxId} is ${row?.status}`);
      return row.error as string | null;
    }, 20_000);
  };
  const postings = (orderId: string): Promise<Json[]> =>
    hub.sql(`SELECT id, target_id, document_type, document_key, status FROM postings WHERE order_id = $1 ORDER BY id`, [orderId]);
  const erpDocuments = async (): Promise<Json> => ({
    netsuite: (await getJson(`${world.netsuite.url}/_sandbox/documents`)).fulfillments,
    bc: (await getJson(`${world.bc.url}/_sandbox/documents`)).fulfillments,
  });

  it('records the cancel of a confirmed merchant fulfilment, keeps its ERP item fulfilments, and a redelivery changes nothing', async () => {
    const id = '6012345678900300001';
    const fid = '9012345678900300001';
    expect((await deliver(hub.app, { body: channelFulfilledOrder(id) })).status).toBe(202);
    await orderWhen(id, (o) => o.status === 'POSTED', 'posted');
    expect(await fulfilment(shopifyFulfillment(fid, id, { status: 'success' }), 'fulfillments/create')).toBeNull();
    const done = await orderWhen(id, (o) => o.status === 'FULFILLED' && o.shipments.length === 1 && allPosted(o.shipments[0]), 'fulfilled by Shopify');
    const shipmentId = done.shipments[0].id as string;
    expect(done.shipments[0]).toMatchObject({ status: 'CONFIRMED', channelCancelledAt: null, attention: null });
    const postingsBefore = await postings(done.id);
    const erpBefore = await erpDocuments();
    expect(erpBefore.netsuite.documents.filter((d: Json) => d.key === fulfillmentKey(shipmentId)).map((d: Json) => d.creates)).toEqual([1]);

    const cancel = shopifyFulfillment(fid, id, { status: 'cancelled', updatedAt: '2026-11-28T09:00:00-05:00' });
    const note = `Shopify cancelled fulfilment ${fid} after shipment ${shipmentId} was confirmed: its ERP item fulfilments stay posted and the order's status stays; reverse them by hand if nothing shipped`;
    expect(await fulfilment(cancel)).toBe(note);
    const cancelled = await order(id);
    expect(cancelled.status).toBe('FULFILLED');
    expect(cancelled.shipments).toHaveLength(1);
    expect(cancelled.shipments[0]).toMatchObject({ id: shipmentId, status: 'CONFIRMED', holdReason: null, channelCancelledAt: '2026-11-28T14:00:00.000Z' });
    expect(cancelled.shipments[0].attention).toMatch(/reverse them by hand/);
    expect(cancelled.history.slice(done.history.length)).toEqual([{ fromStatus: 'FULFILLED', toStatus: 'FULFILLED', reason: note }]);
    expect(await postings(done.id)).toEqual(postingsBefore);
    expect(await erpDocuments()).toEqual(erpBefore);

    // Shopify sends it again (a new webhook id): already recorded, nothing more happens.
    expect(await fulfilment(cancel)).toBe(`Shopify cancelled fulfilment ${fid}: already recorded on shipment ${shipmentId}; nothing changed`);
    // A stale success redelivered after the cancel is the same shipment, not a new one.
    expect(await fulfilment(shopifyFulfillment(fid, id, { status: 'success' }), 'fulfillments/create')).toBeNull();
    const again = await order(id);
    expect(again.shipments).toEqual(cancelled.shipments);
    expect(again.history).toEqual(cancelled.history);
    expect(await postings(done.id)).toEqual(postingsBefore);
    expect(await erpDocuments()).toEqual(erpBefore);
  });

  it('records the cancel of the fulfilment the hub created in Shopify for a warehouse parcel, found by its channel reference', async () => {
    const id = '6012345678900300002';
    const body = splitOrder(id);
    await seedShopify(body);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.fulfillmentRequests.length === 2 && o.fulfillmentRequests.every((r: Json) => r.status === 'ACCEPTED'), 'requested');
    const wmsRequest = released.fulfillmentRequests.find((r: Json) => r.system === 'wms');
    await postJson(`${world.wms.url}/_sandbox/requests/${wmsRequest.id}/ship`, { parcels: [{ lines: [{ lineRef: LINE_SWEATER, quantity: 2 }], carrier: 'UPS', trackingNumber: '1ZCANCEL0002' }] });
    const shipped = await orderWhen(id, (o) => o.shipments[0]?.channelStatus === 'NOTIFIED' && allPosted(o.shipments[0]), 'tracking passed to Shopify');
    const shipment = shipped.shipments[0] as Json;
    const [ours] = (await getJson(`${world.shopify.url}/_sandbox/fulfillments?order_id=${id}`)).fulfillments as Json[];
    expect(String(ours.id)).toBe(shipment.channelReference);
    const postingsBefore = await postings(shipped.id);

    const note = await fulfilment(JSON.stringify({ ...ours, status: 'cancelled', updated_at: '2026-11-28T09:00:00-05:00' }));
    expect(note).toBe(
      `Shopify cancelled fulfilment ${ours.id} after shipment ${shipment.id} (WMS ${shipment.externalId}, passed to Shopify) was confirmed: ` +
        `its ERP item fulfilments stay posted and the order's status stays; reverse them by hand if nothing shipped`,
    );
    const after = await order(id);
    expect(after.status).toBe(shipped.status);
    expect(after.shipments).toHaveLength(1);
    expect(after.shipments[0]).toMatchObject({ id: shipment.id, source: 'WMS', status: 'CONFIRMED', channelCancelledAt: '2026-11-28T14:00:00.000Z' });
    expect(after.history.at(-1).reason).toBe(note);
    expect(await postings(shipped.id)).toEqual(postingsBefore);
  });

  it('withdraws the item fulfilments not yet sent (the ERPs were off), so they never reach the ERP', async () => {
    const id = '6012345678900300005';
    const fid = '9012345678900300005';
    const setTargets = async (enabled: boolean): Promise<void> => {
      for (const [targetId, target] of Object.entries(erpTargets(world, enabled))) {
        const res = await request(hub.app.getHttpServer()).put(`/admin/erp-targets/${targetId}`).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(target);
        expect(res.status).toBe(200);
      }
    };
    expect((await deliver(hub.app, { body: channelFulfilledOrder(id) })).status).toBe(202);
    const posted = await orderWhen(id, (o) => o.status === 'POSTED', 'posted');
    await setTargets(false);
    try {
      expect(await fulfilment(shopifyFulfillment(fid, id, { status: 'success' }), 'fulfillments/create')).toBeNull();
      const waiting = await orderWhen(id, (o) => o.shipments[0]?.erp.length === 2 && o.shipments[0].erp.every((e: Json) => e.postingStatus === 'PENDING'), 'waiting for the ERPs');
      const shipmentId = waiting.shipments[0].id as string;

      expect(await fulfilment(shopifyFulfillment(fid, id, { status: 'cancelled', updatedAt: '2026-11-28T09:00:00-05:00' }))).toBe(
        `Shopify cancelled fulfilment ${fid} after shipment ${shipmentId} was confirmed: its ERP item fulfilments had not been sent and are withdrawn (bc-main, netsuite-main); the order's status stays`,
      );
      const after = await order(id);
      expect(after.shipments[0].erp.map((e: Json) => e.postingStatus)).toEqual(['WITHDRAWN', 'WITHDRAWN']);
      expect(after.shipments[0].attention).toMatch(/withdrawn before they were sent/);
      await setTargets(true);
      // Switched back on, the ERPs get nothing for it: a withdrawn posting is never claimed.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const items = (await postings(posted.id)).filter((p) => p.document_type === 'ITEM_FULFILLMENT');
      expect(items.map((p) => p.status)).toEqual(['WITHDRAWN', 'WITHDRAWN']);
      const docs = await erpDocuments();
      expect(docs.netsuite.documents.filter((d: Json) => d.key === fulfillmentKey(shipmentId))).toEqual([]);
      expect(docs.bc.documents.filter((d: Json) => JSON.stringify(d).includes(fulfillmentKey(shipmentId)))).toEqual([]);
    } finally {
      await setTargets(true);
    }
  });

  it('keeps a cancel that overtakes its own fulfilment, so the late success is never applied', async () => {
    const id = '6012345678900300003';
    const fid = '9012345678900300003';
    expect((await deliver(hub.app, { body: channelFulfilledOrder(id) })).status).toBe(202);
    await orderWhen(id, (o) => o.status === 'POSTED', 'posted');
    expect(await fulfilment(shopifyFulfillment(fid, id, { status: 'cancelled' }))).toBe(`Shopify cancelled fulfilment ${fid}: nothing shipped; kept, so a late delivery of it is not applied`);
    const reason = `CHANNEL_CANCELLED: Shopify cancelled fulfilment ${fid} before the hub saw it; if it comes, it will not be applied`;
    const after = await order(id);
    expect(after.status).toBe('POSTED');
    expect(after.shipments).toHaveLength(1);
    expect(after.shipments[0]).toMatchObject({ externalId: fid, status: 'HELD', holdReason: reason, erp: [] });
    expect(after.shipments[0].channelCancelledAt).not.toBeNull();

    // Webhooks come in any order: the success arrives after its cancel and changes nothing but the lines shown.
    expect(await fulfilment(shopifyFulfillment(fid, id, { status: 'success' }), 'fulfillments/create')).toBe(`shipment held: ${reason}`);
    const late = await order(id);
    expect(late.status).toBe('POSTED');
    expect(late.shipments).toHaveLength(1);
    expect(late.shipments[0]).toMatchObject({ id: after.shipments[0].id, status: 'HELD', holdReason: reason, erp: [] });
    expect(after.shipments[0].lines).toEqual([]);
    expect(late.shipments[0].lines).toEqual([{ lineRef: LINE_SWEATER, quantity: 2 }, { lineRef: LINE_SOCKS, quantity: 1 }]);
    expect((await postings(late.id)).filter((p) => p.document_type === 'ITEM_FULFILLMENT')).toEqual([]);
  });

  it('never applies a held fulfilment Shopify cancelled, even once its order arrives', async () => {
    const id = '6012345678900300004';
    const fid = '9012345678900300004';
    expect(await fulfilment(shopifyFulfillment(fid, id, { status: 'success' }), 'fulfillments/create')).toBe('shipment held: ORDER_UNKNOWN: the order is not in the hub');
    const [held] = await hub.sql<Json>(`SELECT id, inbox_id FROM shipments WHERE external_id = $1`, [fid]);
    expect(await fulfilment(shopifyFulfillment(fid, id, { status: 'cancelled' }))).toBe(
      `Shopify cancelled fulfilment ${fid}: shipment ${held.id} was held, nothing was posted; it stays held and will not be applied`,
    );
    const reason = `CHANNEL_CANCELLED: Shopify cancelled fulfilment ${fid} before it was applied; nothing was posted and it will not be`;
    const [first] = await hub.sql<Json>(`SELECT error FROM inbox WHERE id = $1`, [held.inbox_id]);
    expect(first.error).toBe(`shipment held: ${reason}`);

    expect((await deliver(hub.app, { body: channelFulfilledOrder(id) })).status).toBe(202);
    const posted = await orderWhen(id, (o) => o.status === 'POSTED', 'posted');
    const [row] = await hub.sql<Json>(`SELECT order_id, status, hold_reason, channel_cancelled_at FROM shipments WHERE id = $1`, [held.id]);
    expect(row).toMatchObject({ status: 'HELD', hold_reason: reason });
    expect(row.channel_cancelled_at).not.toBeNull();
    expect(posted.shipments).toEqual([]);
    expect((await postings(posted.id)).filter((p) => p.document_type === 'ITEM_FULFILLMENT')).toEqual([]);
    // Nor by hand: re-evaluation refuses it.
    const reevaluated = await request(hub.app.getHttpServer()).post(`/admin/shipments/${held.id}/reevaluate`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send('{}');
    expect(reevaluated.status).toBe(409);
    expect((await postings(posted.id)).filter((p) => p.document_type === 'ITEM_FULFILLMENT')).toEqual([]);
  });
});
