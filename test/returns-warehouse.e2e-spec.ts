import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signFulfillmentEvent } from '../src/adapters/fulfillment/shipment-confirmation.js';
import { deliver, fixture, graphql, orderIdOf } from './support/shopify-delivery.js';
import { refundBody } from './support/shopify-refund.js';
import { freshDatabase } from './support/test-database.js';
import { READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(30_000);

const SECRET = 'fulfillment-secret-for-returns';
const JACKET_LINE = '1612345678901234501';
const SOCKS_LINE = '1612345678901234502';

let next = 0;
const uniqueId = (prefix: string) => `${prefix}${String(Date.now()).slice(-8)}${String((next += 1)).padStart(4, '0')}`;

async function processed(hub: TestHub, inboxId: string): Promise<{ status: string; error: string | null }> {
  return eventually(async () => {
    const [row] = await hub.sql<{ status: string; error: string | null }>('SELECT status, error FROM inbox WHERE id = $1', [inboxId]);
    if (!row || row.status === 'PENDING') throw new Error(`inbox ${inboxId} still pending`);
    return row;
  });
}

describe('Warehouse return events: received, inspected, linked to the RMA and the refund (PostgreSQL + Redis)', () => {
  let hub: TestHub;
  const prefix = `e2e-return-wms-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('return_wms'), queuePrefix: prefix, env: { FULFILLMENT_WEBHOOK_SECRET: SECRET } });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  async function placeOrder(): Promise<{ externalId: string; hubId: string }> {
    const base = fixture('order-create.json');
    const externalId = uniqueId('60124');
    const res = await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), externalId) });
    expect((await processed(hub, res.body.inboxId)).status).toBe('PROCESSED');
    const [order] = await hub.sql<{ id: string }>('SELECT id FROM orders WHERE external_id = $1', [externalId]);
    return { externalId, hubId: order.id };
  }

  function send(event: Record<string, unknown>) {
    const raw = JSON.stringify(event);
    return request(hub.app.getHttpServer()).post('/webhooks/wms/shipments').set('Content-Type', 'application/json')
      .set('X-Fulfillment-Source', event.source as string).set('X-Fulfillment-Event-Id', event.eventId as string)
      .set('X-Fulfillment-Hmac-Sha256', signFulfillmentEvent(raw, SECRET)).send(raw);
  }

  const received = (orderRef: string, rmaRef: string | null, lines: object[], eventId = uniqueId('RCV-')) => ({
    eventId, type: 'return.received', source: 'wms', orderRef, rmaRef, locationRef: 'WH-RETURNS', occurredAt: '2026-11-21T09:00:00Z', lines,
  });

  it('opens a case for goods received before any RMA, and the refund with its return joins it', async () => {
    const order = await placeOrder();
    const receipt = await send(received(order.hubId, null, [{ lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 1, condition: 'OPENED' }]));
    expect(receipt.status).toBe(202);
    expect(await processed(hub, receipt.body.inboxId)).toEqual({ status: 'PROCESSED', error: null });
    const [blind] = await hub.sql<{ id: string; status: string; return_ref: string | null }>('SELECT id, status, return_ref FROM return_cases WHERE order_external_id = $1', [order.externalId]);
    expect(blind).toMatchObject({ status: 'RECEIVED', return_ref: null });

    const returnId = uniqueId('62');
    const refund = await deliver(hub.app, {
      topic: 'refunds/create',
      body: refundBody({ id: uniqueId('88'), orderId: order.externalId, returnId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }] }),
    });
    expect((await processed(hub, refund.body.inboxId)).status).toBe('PROCESSED');
    const cases = await hub.sql<{ id: string; status: string; return_ref: string }>('SELECT id, status, return_ref FROM return_cases WHERE order_external_id = $1', [order.externalId]);
    expect(cases).toEqual([{ id: blind.id, status: 'REFUNDED', return_ref: returnId }]);
    const lines = await hub.sql('SELECT line_ref, received, refunded, condition FROM return_lines WHERE case_id = $1', [blind.id]);
    expect(lines).toEqual([{ line_ref: JACKET_LINE, received: 1, refunded: 1, condition: 'OPENED' }]);
  });

  it('records an inspection per unit: one restocked, one scrapped, and counts a redelivery once', async () => {
    const order = await placeOrder();
    const rma = `RMA-${uniqueId('')}`;
    await processed(hub, (await send(received(order.hubId, rma, [{ lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 2 }]))).body.inboxId);
    const inspection = {
      eventId: uniqueId('INS-'), type: 'return.inspected', source: 'wms', orderRef: order.hubId, rmaRef: rma, locationRef: 'WH-RETURNS', occurredAt: '2026-11-22T09:00:00Z',
      lines: [
        { lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 1, condition: 'NEW', disposition: 'RESTOCK' },
        { lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 1, condition: 'DAMAGED', disposition: 'SCRAP' },
      ],
    };
    expect((await processed(hub, (await send(inspection)).body.inboxId)).status).toBe('PROCESSED');
    const again = await send(inspection);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');

    const [kase] = await hub.sql<{ id: string; status: string; rma_ref: string }>('SELECT id, status, rma_ref FROM return_cases WHERE order_external_id = $1', [order.externalId]);
    expect(kase).toMatchObject({ status: 'DISPOSITIONED', rma_ref: rma });
    const dispositions = await hub.sql('SELECT disposition, quantity, location_ref FROM return_dispositions WHERE case_id = $1 ORDER BY disposition', [kase.id]);
    expect(dispositions).toEqual([{ disposition: 'RESTOCK', quantity: 1, location_ref: 'WH-RETURNS' }, { disposition: 'SCRAP', quantity: 1, location_ref: 'WH-RETURNS' }]);
    const res = await graphql(hub.app, READER_KEY, `query($id: ID!) { return(id: $id) { status lines { lineRef received dispositioned } events { source kind description } } }`, { id: kase.id });
    expect(res.body.data.return).toEqual({
      status: 'DISPOSITIONED',
      lines: [{ lineRef: JACKET_LINE, received: 2, dispositioned: 2 }],
      events: [{ source: 'WMS', kind: 'RECEIVED', description: 'return.received at WH-RETURNS' }, { source: 'WMS', kind: 'DISPOSITIONED', description: 'return.inspected at WH-RETURNS' }],
    });
  });

  it('keeps an inspection that arrives before its receipt, and the receipt after it changes no step backwards', async () => {
    const order = await placeOrder();
    const rma = `RMA-${uniqueId('')}`;
    const inspection = {
      eventId: uniqueId('INS-'), type: 'return.inspected', source: 'wms', orderRef: order.hubId, rmaRef: rma, locationRef: 'WH-RETURNS', occurredAt: '2026-11-22T09:00:00Z',
      lines: [{ lineRef: SOCKS_LINE, sku: 'SOCK-TRAIL-3PK', quantity: 1, disposition: 'RESTOCK' }],
    };
    await processed(hub, (await send(inspection)).body.inboxId);
    await processed(hub, (await send(received(order.hubId, rma, [{ lineRef: SOCKS_LINE, sku: 'SOCK-TRAIL-3PK', quantity: 1 }]))).body.inboxId);
    const [kase] = await hub.sql<{ status: string }>('SELECT status FROM return_cases WHERE rma_ref = $1', [rma]);
    expect(kase.status).toBe('DISPOSITIONED');
  });

  it('refuses a return event that names no order the hub holds, or lacks a disposition, and keeps it', async () => {
    const unknown = await send(received(randomUUID(), null, [{ lineRef: JACKET_LINE, sku: 'X', quantity: 1 }]));
    expect(await processed(hub, unknown.body.inboxId)).toEqual({ status: 'REJECTED', error: expect.stringMatching(/is not an order the hub holds/) });
    const order = await placeOrder();
    const bad = await send({ eventId: uniqueId('INS-'), type: 'return.inspected', source: 'wms', orderRef: order.hubId, locationRef: 'WH', occurredAt: '2026-11-22T09:00:00Z', lines: [{ lineRef: JACKET_LINE, sku: 'X', quantity: 1 }] });
    expect(await processed(hub, bad.body.inboxId)).toEqual({ status: 'REJECTED', error: 'invalid return event: lines[0].disposition: is required for return.inspected' });
  });
});
