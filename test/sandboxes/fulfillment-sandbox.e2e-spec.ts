import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStoreSandbox, startWmsSandbox, type FulfillmentSandbox } from '../../sandboxes/fulfillment/sandbox.js';
import { parseReturnEvent } from '../../src/adapters/fulfillment/return-event.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRET = 'hub-callback-secret-1';

interface Received { headers: IncomingHttpHeaders; raw: Buffer; body: Json; signatureValid: boolean }

/** The hub's side, as small as it gets: records each confirmation and answers with the next queued status (200 when none). */
async function receiver(): Promise<{ url: string; received: Received[]; answers: number[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = createHmac('sha256', SECRET).update(raw).digest();
      const given = Buffer.from(String(req.headers['x-fulfillment-hmac-sha256'] ?? ''), 'base64');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) as Json, signatureValid: given.length === expected.length && timingSafeEqual(given, expected) });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/fulfillment`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const request = (requestId: string, over: Json = {}): Json => ({
  requestId,
  orderRef: '8d2e6f10-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
  orderNumber: '#10422',
  locationRef: '72000000001',
  method: 'SHIP',
  shipTo: { name: 'Jonas Berg', line1: '48 Alder Street', line2: null, city: 'Portland', region: 'OR', postalCode: '97205', countryCode: 'US' },
  lines: [{ lineRef: '1698765432109876501', sku: 'MER-CREW-NVY-M', quantity: 3 }, { lineRef: '1698765432109876502', sku: 'SOCK-TRAIL-3PK', quantity: 2 }],
  ...over,
});

async function post(sb: FulfillmentSandbox, body: unknown, key = sb.apiKey): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(sb.requestsUrl, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

async function admin(sb: FulfillmentSandbox, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${sb.url}/_sandbox/${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Json) };
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await sleep(20);
  }
}

const units = (lines: Json[]): [string, number][] => lines.map((l) => [l.lineRef, l.quantity]);

describe('WMS sandbox', () => {
  let hub: Awaited<ReturnType<typeof receiver>>;
  let wms: FulfillmentSandbox;

  beforeAll(async () => {
    hub = await receiver();
    wms = await startWmsSandbox({ port: 0, callbackUrl: hub.url, callbackSecret: SECRET, callbackRetryDelayMs: 50 });
  });
  afterAll(async () => {
    await wms.close();
    await hub.close();
  });
  beforeEach(async () => {
    await admin(wms, 'POST', 'reset');
    await admin(wms, 'POST', 'knobs', { errorRate: 0, rate429: 0, autoShip: null, callbackRetries: 2, callbackUrl: hub.url });
    hub.received.length = 0;
    hub.answers.length = 0;
  });

  it('refuses a missing or wrong API key', async () => {
    const res = await post(wms, request('R-1'), 'not-the-key');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'missing or unknown API key' } });
    expect((await admin(wms, 'GET', 'requests')).body.count).toBe(0);
  });

  it('is idempotent on requestId: 201, then 200 with the same resource, 409 for another body', async () => {
    const first = await post(wms, request('R-2'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: expect.stringMatching(/^FR-/), requestId: 'R-2', status: 'ACCEPTED', method: 'SHIP' });
    expect(first.headers.get('location')).toBe(`${wms.requestsUrl}/R-2`);
    const again = await post(wms, request('R-2'));
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
    const other = await post(wms, request('R-2', { lines: [{ lineRef: '1698765432109876501', sku: 'MER-CREW-NVY-M', quantity: 1 }] }));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const looked = await fetch(`${wms.requestsUrl}/R-2`, { headers: { authorization: `Bearer ${wms.apiKey}` } });
    expect(((await looked.json()) as Json).id).toBe(first.body.id);
    const stored = (await admin(wms, 'GET', 'requests')).body;
    expect(stored).toMatchObject({ count: 1, requests: [{ requestId: 'R-2', posts: 2, conflicts: 1 }] });
    expect(units(stored.requests[0].lines)).toEqual([['1698765432109876501', 3], ['1698765432109876502', 2]]);
  });

  it('answers 400 with every invalid field, and refuses a pickup the WMS cannot do', async () => {
    const bad = await post(wms, request('R 3', { method: 'PICKUP_IN_STORE', shipTo: { name: '', city: 'Portland', countryCode: 'usa' }, lines: [{ lineRef: 'L1', sku: 'S', quantity: 0 }, { lineRef: 'L1', sku: '', quantity: 1.5 }] }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.fields.map((f: Json) => f.field)).toEqual([
      'requestId', 'method', 'shipTo.name', 'shipTo.line1', 'shipTo.countryCode', 'lines[0].quantity', 'lines[1].sku', 'lines[1].quantity', 'lines[1].lineRef',
    ]);
    expect((await post(wms, request('R-3', { shipTo: null }))).body.error.fields).toEqual([{ field: 'shipTo', message: 'is required for SHIP' }]);
    expect((await admin(wms, 'GET', 'stats')).body).toMatchObject({ invalid: 2, created: 0 });
  });

  it('sends signed return events the hub can parse: received by default, then an inspection with dispositions', async () => {
    await post(wms, request('R-RET'));
    await admin(wms, 'POST', 'requests/R-RET/ship');
    const back = await admin(wms, 'POST', 'requests/R-RET/return', { rmaRef: 'RMA-77' });
    expect(back.status).toBe(200);
    const inspected = await admin(wms, 'POST', 'requests/R-RET/return', {
      type: 'return.inspected', rmaRef: 'RMA-77',
      lines: [{ lineRef: '1698765432109876501', quantity: 2, condition: 'NEW' }, { lineRef: '1698765432109876501', quantity: 1, condition: 'DAMAGED', disposition: 'SCRAP' }],
    });
    expect(inspected.status).toBe(200);
    const [, receipt, inspection] = hub.received;
    expect(receipt.signatureValid && inspection.signatureValid).toBe(true);
    expect(receipt.headers['x-fulfillment-event-id']).toBe(receipt.body.eventId);
    const parsedReceipt = parseReturnEvent(receipt.body);
    expect(parsedReceipt.ok && parsedReceipt.value).toMatchObject({
      type: 'return.received', source: 'wms', rmaRef: 'RMA-77', requestId: 'R-RET', orderRef: '8d2e6f10-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
      lines: [{ lineRef: '1698765432109876501', sku: 'MER-CREW-NVY-M', quantity: 3 }, { lineRef: '1698765432109876502', sku: 'SOCK-TRAIL-3PK', quantity: 2 }],
    });
    const parsedInspection = parseReturnEvent(inspection.body);
    expect(parsedInspection.ok && parsedInspection.value.lines.map((l) => [l.quantity, l.condition, l.disposition])).toEqual([[2, 'NEW', 'RESTOCK'], [1, 'DAMAGED', 'SCRAP']]);
    expect((await admin(wms, 'POST', 'requests/R-RET/return', { lines: [{ lineRef: 'nope', quantity: 1 }] })).status).toBe(400);
  });

  it('ships everything left in one parcel and sends the hub a signed confirmation', async () => {
    await post(wms, request('R-4'));
    const shipped = await admin(wms, 'POST', 'requests/R-4/ship');
    expect(shipped.status).toBe(200);
    expect(shipped.body.request.status).toBe('SHIPPED');
    expect(hub.received).toHaveLength(1);
    const [got] = hub.received;
    expect(got.signatureValid).toBe(true);
    expect(got.headers).toMatchObject({ 'x-fulfillment-event-id': got.body.eventId, 'x-fulfillment-source': 'wms', 'content-type': 'application/json' });
    expect(got.body).toMatchObject({
      type: 'SHIPPED', source: 'wms', requestId: 'R-4', orderRef: '8d2e6f10-1a2b-4c3d-9e8f-0a1b2c3d4e5f', orderNumber: '#10422',
      locationRef: '72000000001', carrier: 'UPS', trackingNumbers: [expect.stringMatching(/^1Z[0-9A-F]{6}03\d{8}$/)], shipmentId: expect.stringMatching(/^SHP-/),
    });
    expect(Date.parse(got.body.occurredAt)).not.toBeNaN();
    expect(got.body.lines).toEqual([{ lineRef: '1698765432109876501', sku: 'MER-CREW-NVY-M', quantity: 3 }, { lineRef: '1698765432109876502', sku: 'SOCK-TRAIL-3PK', quantity: 2 }]);
    const events = (await admin(wms, 'GET', 'events')).body;
    expect(events).toMatchObject({ count: 1, events: [{ eventId: got.body.eventId, deliveries: [{ attempt: 1, status: 200, redelivery: false }] }] });
    expect((await admin(wms, 'POST', 'requests/R-4/ship')).status).toBe(409);
  });

  it('ships named parcels, quantities per parcel, and refuses more than is left', async () => {
    await post(wms, request('R-5'));
    const over = await admin(wms, 'POST', 'requests/R-5/ship', { parcels: [{ lines: [{ lineRef: '1698765432109876502', quantity: 3 }] }] });
    expect(over.status).toBe(400);
    const res = await admin(wms, 'POST', 'requests/R-5/ship', {
      parcels: [
        { lines: [{ lineRef: '1698765432109876501', quantity: 1 }], carrier: 'FedEx', trackingNumber: '794612345678' },
        { lines: [{ lineRef: '1698765432109876501', quantity: 1 }, { lineRef: '1698765432109876502', quantity: 2 }] },
      ],
    });
    expect(res.body.request.status).toBe('PARTIALLY_SHIPPED');
    expect(units(res.body.request.lines.map((l: Json) => ({ lineRef: l.lineRef, quantity: l.fulfilledQuantity })))).toEqual([['1698765432109876501', 2], ['1698765432109876502', 2]]);
    expect(hub.received.map((r) => [r.body.carrier, r.body.trackingNumbers.length, units(r.body.lines)])).toEqual([
      ['FedEx', 1, [['1698765432109876501', 1]]],
      ['UPS', 1, [['1698765432109876501', 1], ['1698765432109876502', 2]]],
    ]);
    expect(hub.received[0].body.trackingNumbers).toEqual(['794612345678']);
    expect(new Set(hub.received.map((r) => r.body.shipmentId)).size).toBe(2);
    await admin(wms, 'POST', 'requests/R-5/ship');
    expect(units(hub.received[2].body.lines)).toEqual([['1698765432109876501', 1]]);
  });

  it('redelivers a past event byte for byte, and retries a confirmation the hub refused', async () => {
    await post(wms, request('R-6'));
    hub.answers.push(500);
    const shipped = await admin(wms, 'POST', 'requests/R-6/ship');
    expect(shipped.body.events[0].deliveries).toMatchObject([{ attempt: 1, status: 500 }]);
    const eventId = shipped.body.events[0].eventId as string;
    const retried = await until(() => admin(wms, 'GET', 'events'), (r) => r.body.events[0].deliveries.length >= 2);
    expect(retried.body.events[0].deliveries.map((d: Json) => d.status)).toEqual([500, 200]);

    const again = await admin(wms, 'POST', `events/${eventId}/redeliver`);
    expect(again.body.delivery).toMatchObject({ attempt: 3, redelivery: true, status: 200 });
    expect(hub.received).toHaveLength(3);
    expect(hub.received[2].raw.equals(hub.received[0].raw)).toBe(true);
    expect(hub.received[2].headers['x-fulfillment-hmac-sha256']).toBe(hub.received[0].headers['x-fulfillment-hmac-sha256']);
    expect((await admin(wms, 'GET', 'stats')).body.deliveries).toEqual({ attempts: 3, delivered: 2, failed: 1 });
    expect((await admin(wms, 'POST', 'events/nope/redeliver')).status).toBe(404);
  });

  it('records a hub that cannot be reached', async () => {
    const gone = http.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    await admin(wms, 'POST', 'knobs', { callbackUrl: `http://127.0.0.1:${port}/gone`, callbackRetries: 0 });
    await post(wms, request('R-7'));
    const shipped = await admin(wms, 'POST', 'requests/R-7/ship');
    expect(shipped.body.events[0].deliveries).toMatchObject([{ status: null, error: 'ECONNREFUSED' }]);
  });

  it('ships on its own in two parcels of about half the units each', async () => {
    await admin(wms, 'POST', 'knobs', { autoShip: { afterMs: 30, parcels: 2 } });
    await post(wms, request('R-8'));
    await until(async () => hub.received.length, (n) => n >= 2);
    expect(hub.received.map((r) => units(r.body.lines))).toEqual([
      [['1698765432109876501', 3]],
      [['1698765432109876502', 2]],
    ]);
    expect((await admin(wms, 'GET', 'requests/R-8')).body.status).toBe('SHIPPED');
  });

  it('cancels what is left of a request, idempotently, and ships nothing more of it', async () => {
    const cancel = (requestId: string) => fetch(`${wms.requestsUrl}/${requestId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${wms.apiKey}` } });
    await admin(wms, 'POST', 'knobs', { autoShip: { afterMs: 150, parcels: 1 } });
    await post(wms, request('R-10'));
    await admin(wms, 'POST', 'requests/R-10/ship', { parcels: [{ lines: [{ lineRef: '1698765432109876501', quantity: 1 }] }] });
    const first = await cancel('R-10');
    expect(first.status).toBe(200);
    const resource = (await first.json()) as Json;
    expect(resource).toMatchObject({ requestId: 'R-10', status: 'CANCELLED', cancelledAt: expect.any(String) });
    expect(resource.lines.map((l: Json) => [l.lineRef, l.fulfilledQuantity])).toEqual([['1698765432109876501', 1], ['1698765432109876502', 0]]);
    const again = await cancel('R-10');
    expect([again.status, ((await again.json()) as Json).cancelledAt]).toEqual([200, resource.cancelledAt]);
    expect((await admin(wms, 'GET', 'requests/R-10')).body).toMatchObject({ status: 'CANCELLED', cancels: 2 });
    // Neither the admin calls nor autoShip send anything more.
    expect((await admin(wms, 'POST', 'requests/R-10/ship')).status).toBe(409);
    await sleep(300);
    expect(hub.received).toHaveLength(1);

    const unknown = await cancel('R-never');
    expect([unknown.status, ((await unknown.json()) as Json).error.code]).toEqual([404, 'NOT_FOUND']);
    await admin(wms, 'POST', 'knobs', { autoShip: null });
    await post(wms, request('R-11'));
    await admin(wms, 'POST', 'requests/R-11/ship');
    const late = await cancel('R-11');
    expect([late.status, ((await late.json()) as Json).error.code]).toEqual([409, 'NOT_CANCELLABLE']);
    expect((await admin(wms, 'GET', 'stats')).body).toMatchObject({ cancelled: 1 });
  });

  it('injects 5xx and 429 before storing anything, and keeps the knobs it owns', async () => {
    await admin(wms, 'POST', 'knobs', { errorRate: 1 });
    const failed = await post(wms, request('R-9'));
    expect([failed.status, failed.body.error.code]).toEqual([500, 'INTERNAL']);
    await admin(wms, 'POST', 'knobs', { errorRate: 0, rate429: 1, retryAfterSeconds: 4 });
    const throttled = await post(wms, request('R-9'));
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '4']);
    await admin(wms, 'POST', 'knobs', { rate429: 0 });
    expect((await admin(wms, 'GET', 'requests')).body.count).toBe(0);
    const knobs = (await admin(wms, 'GET', 'knobs')).body;
    expect(knobs).toMatchObject({ callbackUrl: hub.url, callbackSecretSet: true, autoShip: null });
    expect(knobs).not.toHaveProperty('callbackSecret');
    expect((await admin(wms, 'POST', 'knobs', { autoShip: { afterMs: 1, parcels: 3 } })).status).toBe(400);
    expect((await admin(wms, 'POST', 'knobs', { callbackUrl: 'ftp://x' })).status).toBe(400);
  });
});

describe('store sandbox', () => {
  let hub: Awaited<ReturnType<typeof receiver>>;
  let store: FulfillmentSandbox;
  const pickup = (requestId: string): Json => request(requestId, { method: 'PICKUP_IN_STORE', shipTo: null, locationRef: 'STORE-12' });

  beforeAll(async () => {
    hub = await receiver();
    store = await startStoreSandbox({ port: 0, callbackUrl: hub.url, callbackSecret: SECRET });
  });
  afterAll(async () => {
    await store.close();
    await hub.close();
  });
  beforeEach(async () => {
    await admin(store, 'POST', 'reset');
    await admin(store, 'POST', 'knobs', { autoShip: null });
    hub.received.length = 0;
  });

  it('takes store orders at its own endpoint, pickups included', async () => {
    expect(store.requestsUrl).toMatch(/\/api\/v1\/store-orders$/);
    const created = await post(store, pickup('P-1'));
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^SO-/), status: 'ACCEPTED', method: 'PICKUP_IN_STORE' });
    expect((await admin(store, 'POST', 'requests/P-1/ship')).status).toBe(409);
  });

  it('makes a pickup ready, then hands it over in two visits, each its own shipment', async () => {
    await post(store, pickup('P-2'));
    const ready = await admin(store, 'POST', 'requests/P-2/ready-for-pickup');
    expect(ready.body.request.status).toBe('READY_FOR_PICKUP');
    expect((await admin(store, 'POST', 'requests/P-2/ready-for-pickup')).status).toBe(409);
    const first = await admin(store, 'POST', 'requests/P-2/picked-up', { lines: [{ lineRef: '1698765432109876501', quantity: 3 }] });
    expect(first.body.request.status).toBe('READY_FOR_PICKUP');
    await admin(store, 'POST', 'requests/P-2/picked-up');
    expect(hub.received.map((r) => [r.body.type, r.body.source, r.body.carrier, r.body.trackingNumbers, units(r.body.lines)])).toEqual([
      ['READY_FOR_PICKUP', 'store', null, [], [['1698765432109876501', 3], ['1698765432109876502', 2]]],
      ['PICKED_UP', 'store', null, [], [['1698765432109876501', 3]]],
      ['PICKED_UP', 'store', null, [], [['1698765432109876502', 2]]],
    ]);
    const [readyId, visit1, visit2] = hub.received.map((r) => r.body.shipmentId as string);
    expect([visit1, visit2]).toEqual([`${readyId}-H1`, `${readyId}-H2`]);
    expect(hub.received.every((r) => r.signatureValid && r.headers['x-fulfillment-source'] === 'store')).toBe(true);
    expect((await admin(store, 'GET', 'requests/P-2')).body.status).toBe('PICKED_UP');
    expect((await admin(store, 'POST', 'requests/P-2/picked-up')).status).toBe(409);
  });

  it('goes ready, then picked up, on its own', async () => {
    await admin(store, 'POST', 'knobs', { autoShip: { afterMs: 20 } });
    await post(store, pickup('P-3'));
    await until(async () => hub.received.length, (n) => n >= 2);
    expect(hub.received.map((r) => r.body.type)).toEqual(['READY_FOR_PICKUP', 'PICKED_UP']);
    expect(units(hub.received[1].body.lines)).toEqual([['1698765432109876501', 3], ['1698765432109876502', 2]]);
  });

  it('ships from store like a warehouse, with its own default carrier', async () => {
    await post(store, request('S-1', { method: 'SHIP_FROM_STORE', locationRef: 'STORE-12' }));
    await admin(store, 'POST', 'requests/S-1/ship');
    expect(hub.received[0].body).toMatchObject({ type: 'SHIPPED', source: 'store', carrier: 'USPS', trackingNumbers: [expect.stringMatching(/^9400\d{18}$/)] });
  });
});
