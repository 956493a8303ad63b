import { startStoreSandbox, startWmsSandbox, type FulfillmentSandbox } from '../../sandboxes/fulfillment/sandbox.js';
import { FulfillmentSystemClient, type FulfillmentSystemRequest } from '../../src/adapters/fulfillment/fulfillment-system.client.js';
import { rejection } from '../support/erp-errors.js';
import { resetSandbox, sandboxAdmin as admin } from '../support/sandbox-admin.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const request = (requestId: string, over: Partial<FulfillmentSystemRequest> = {}): FulfillmentSystemRequest => ({
  requestId,
  orderRef: '8d2e6f10-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
  orderNumber: '#10422',
  locationRef: '72000000001',
  method: 'SHIP',
  shipTo: { name: 'Jonas Berg', company: null, line1: '48 Alder Street', line2: null, city: 'Portland', region: 'OR', postalCode: '97205', countryCode: 'US', phone: null },
  lines: [{ lineRef: '1698765432109876501', sku: 'MER-CREW-NVY-M', quantity: 3 }, { lineRef: '1698765432109876502', sku: 'SOCK-TRAIL-3PK', quantity: 2 }],
  ...over,
});

describe('FulfillmentSystemClient against the WMS and store sandboxes', () => {
  let wms: FulfillmentSandbox;
  let store: FulfillmentSandbox;
  let client: FulfillmentSystemClient;

  beforeAll(async () => {
    [wms, store] = await Promise.all([startWmsSandbox({ port: 0 }), startStoreSandbox({ port: 0 })]);
    client = new FulfillmentSystemClient({ kind: 'wms', baseUrl: wms.url, apiKey: wms.apiKey, timeoutMs: 2000 });
  });
  afterAll(() => Promise.all([wms.close(), store.close()]));
  beforeEach(async () => {
    for (const sb of [wms, store]) await resetSandbox(sb, { errorRate: 0, rate429: 0, latencyMs: 0, retryAfterSeconds: 1 });
  });

  it('sends the request; the WMS holds it as sent, nulls in the address left out', async () => {
    const accepted = await client.sendRequest(request('3f1c2a4e-9b7d-4c61-8e2f-5a0b1c2d3e4f'));
    expect(accepted).toEqual({ externalId: expect.stringMatching(/^FR-/), status: 'ACCEPTED' });
    const { requests } = await admin(wms, 'GET', 'requests');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      id: accepted.externalId, requestId: '3f1c2a4e-9b7d-4c61-8e2f-5a0b1c2d3e4f', method: 'SHIP', locationRef: '72000000001', posts: 1,
      shipTo: { name: 'Jonas Berg', line1: '48 Alder Street', city: 'Portland', region: 'OR', postalCode: '97205', countryCode: 'US' },
    });
    expect(requests[0].shipTo).not.toHaveProperty('line2');
    expect(requests[0].lines.map((l: Json) => [l.lineRef, l.sku, l.quantity])).toEqual([['1698765432109876501', 'MER-CREW-NVY-M', 3], ['1698765432109876502', 'SOCK-TRAIL-3PK', 2]]);
    expect(await client.findRequest('3f1c2a4e-9b7d-4c61-8e2f-5a0b1c2d3e4f')).toEqual(accepted);
    expect(await client.findRequest('never-sent')).toBeNull();
  });

  it('sending the same request again returns the same resource and stores nothing new, even once shipped', async () => {
    const first = await client.sendRequest(request('R-repeat'));
    expect(await client.sendRequest(request('R-repeat'))).toEqual(first);
    await admin(wms, 'POST', 'requests/R-repeat/ship');
    expect(await client.sendRequest(request('R-repeat'))).toEqual({ externalId: first.externalId, status: 'SHIPPED' });
    expect(await admin(wms, 'GET', 'stats')).toMatchObject({ fulfillmentRequests: 1, created: 1, repeats: 2 });
  });

  it('another body under the same request id is a PERMANENT conflict', async () => {
    await client.sendRequest(request('R-conflict'));
    const err = await rejection(client.sendRequest(request('R-conflict', { lines: [{ lineRef: '1698765432109876501', sku: 'MER-CREW-NVY-M', quantity: 1 }] })));
    expect(err).toMatchObject({ kind: 'PERMANENT', details: { status: 409, code: 'IDEMPOTENCY_CONFLICT', field: 'requestId' } });
    expect((await admin(wms, 'GET', 'requests')).requests[0].lines[0].quantity).toBe(3);
  });

  it('a refused body is PERMANENT with the fields at fault', async () => {
    const err = await rejection(client.sendRequest(request('R-invalid', { shipTo: { name: 'Jonas Berg', city: 'Portland', countryCode: 'US' }, lines: [{ lineRef: 'L1', sku: '', quantity: 1 }] })));
    expect(err).toMatchObject({ kind: 'PERMANENT', details: { status: 400, code: 'VALIDATION_FAILED', field: 'shipTo.line1' } });
    expect(err.message).toBe('the request has invalid fields (shipTo.line1: is required; lines[0].sku: must be a non-empty string)');
    expect((await admin(wms, 'GET', 'requests')).count).toBe(0);
  });

  it('a wrong API key is AUTH; 5xx and 429 are RETRYABLE, with Retry-After', async () => {
    const wrong = new FulfillmentSystemClient({ kind: 'wms', baseUrl: wms.url, apiKey: 'revoked-key', timeoutMs: 2000 });
    expect(await rejection(wrong.sendRequest(request('R-auth')))).toMatchObject({ kind: 'AUTH', details: { status: 401, code: 'UNAUTHENTICATED' } });
    await admin(wms, 'POST', 'knobs', { errorRate: 1 });
    expect(await rejection(client.sendRequest(request('R-5xx')))).toMatchObject({ kind: 'RETRYABLE', details: { status: 500, code: 'INTERNAL' } });
    await admin(wms, 'POST', 'knobs', { errorRate: 0, rate429: 1, retryAfterSeconds: 3 });
    expect(await rejection(client.sendRequest(request('R-429')))).toMatchObject({ kind: 'RETRYABLE', details: { status: 429, retryAfterMs: 3000 } });
    expect((await admin(wms, 'GET', 'requests')).count).toBe(0);
  });

  it('no answer in time after sending is AMBIGUOUS; sending again settles it without a second request', async () => {
    await admin(wms, 'POST', 'knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'delay', commitTimeoutDelayMs: 1000 });
    const impatient = new FulfillmentSystemClient({ kind: 'wms', baseUrl: wms.url, apiKey: wms.apiKey, timeoutMs: 200 });
    expect(await rejection(impatient.sendRequest(request('R-late')))).toMatchObject({ kind: 'AMBIGUOUS', details: { code: 'TIMEOUT' } });
    await admin(wms, 'POST', 'knobs', { commitTimeoutRate: 0 });
    const settled = await client.sendRequest(request('R-late'));
    expect(settled.status).toBe('ACCEPTED');
    expect(await admin(wms, 'GET', 'requests')).toMatchObject({ count: 1, requests: [{ id: settled.externalId, posts: 2 }] });
  });

  it('cancels a request: CANCELLED, the same again, null when the system never had it, PERMANENT when all has shipped', async () => {
    const sent = await client.sendRequest(request('R-cancel'));
    expect(await client.cancelRequest('R-cancel')).toEqual({ externalId: sent.externalId, status: 'CANCELLED' });
    expect(await client.cancelRequest('R-cancel')).toEqual({ externalId: sent.externalId, status: 'CANCELLED' });
    expect(await client.cancelRequest('never-sent')).toBeNull();
    await client.sendRequest(request('R-shipped'));
    await admin(wms, 'POST', 'requests/R-shipped/ship');
    expect(await rejection(client.cancelRequest('R-shipped'))).toMatchObject({ kind: 'PERMANENT', details: { status: 409, code: 'NOT_CANCELLABLE' } });
    expect((await admin(wms, 'GET', 'requests/R-cancel'))).toMatchObject({ status: 'CANCELLED', cancels: 2 });
  });

  it('a cancel that times out after sending is AMBIGUOUS; sending it again settles it', async () => {
    await client.sendRequest(request('R-cancel-late'));
    await admin(wms, 'POST', 'knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'delay', commitTimeoutDelayMs: 1000 });
    const impatient = new FulfillmentSystemClient({ kind: 'wms', baseUrl: wms.url, apiKey: wms.apiKey, timeoutMs: 200 });
    expect(await rejection(impatient.cancelRequest('R-cancel-late'))).toMatchObject({ kind: 'AMBIGUOUS', details: { code: 'TIMEOUT' } });
    await admin(wms, 'POST', 'knobs', { commitTimeoutRate: 0 });
    expect((await client.cancelRequest('R-cancel-late'))?.status).toBe('CANCELLED');
    expect((await admin(wms, 'GET', 'requests/R-cancel-late'))).toMatchObject({ status: 'CANCELLED', cancels: 2 });
  });

  it('sends a pickup to the store system at its own endpoint, without an address', async () => {
    const toStore = new FulfillmentSystemClient({ kind: 'store', baseUrl: store.url, apiKey: store.apiKey, timeoutMs: 2000 });
    const accepted = await toStore.sendRequest(request('P-1', { method: 'PICKUP_IN_STORE', shipTo: null, locationRef: 'STORE-12' }));
    expect(accepted).toEqual({ externalId: expect.stringMatching(/^SO-/), status: 'ACCEPTED' });
    expect((await admin(store, 'GET', 'requests/P-1'))).toMatchObject({ method: 'PICKUP_IN_STORE', shipTo: null, locationRef: 'STORE-12' });
    // The WMS takes no pickups: a PERMANENT refusal naming the method.
    expect(await rejection(client.sendRequest(request('P-2', { method: 'PICKUP_IN_STORE', shipTo: null })))).toMatchObject({ kind: 'PERMANENT', details: { field: 'method' } });
  });
});
