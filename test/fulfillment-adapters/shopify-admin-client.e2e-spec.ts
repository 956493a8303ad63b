import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startShopifySandbox, type ShopifySandbox } from '../../sandboxes/shopify/sandbox.js';
import { ShopifyAdminClient, type CreateFulfillmentInput } from '../../src/adapters/channels/shopify/shopify-admin.client.js';
import { rejection } from '../support/erp-errors.js';
import { resetSandbox, sandboxAdmin as admin } from '../support/sandbox-admin.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/shopify/${name}`, import.meta.url)), 'utf8');
const MULTI = fixture('order-multi-location.json');
const SINGLE = fixture('order-create.json');
const ORDER = '6098765432109876543';
const SWEATER = '1698765432109876501';
const SOCKS = '1698765432109876502';
const BEANIE = '1698765432109876503';

const shipment = (lines: [string, number][], over: Partial<CreateFulfillmentInput> = {}): CreateFulfillmentInput => ({
  orderId: ORDER, lines: lines.map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
  trackingCompany: 'UPS', trackingNumbers: ['1Z999AA10123456784'], trackingUrl: null, notifyCustomer: true, ...over,
});

/** Fulfillable units per line item over the order's fulfillment orders, from the sandbox's own view. */
async function fulfillable(sb: ShopifySandbox, orderId = ORDER): Promise<Record<string, number>> {
  const order = await admin(sb, 'GET', `orders/${orderId}`);
  const out: Record<string, number> = {};
  for (const fo of order.fulfillment_orders) for (const l of fo.line_items) out[l.line_item_id] = (out[l.line_item_id] ?? 0) + l.fulfillable_quantity;
  return out;
}

describe('ShopifyAdminClient against the Shopify sandbox', () => {
  let sb: ShopifySandbox;
  let client: ShopifyAdminClient;

  beforeAll(async () => {
    sb = await startShopifySandbox({ port: 0 });
    client = new ShopifyAdminClient({ shopDomain: sb.shopDomain, baseUrl: sb.adminApiUrl, accessToken: sb.accessToken, timeoutMs: 2000 });
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await resetSandbox(sb, { errorRate: 0, rate429: 0, commitTimeoutRate: 0, latencyMs: 0, retryAfterSeconds: 2 });
    await admin(sb, 'POST', 'orders', MULTI);
  });

  it('creates one fulfillment for the shipped units, with the tracking, and Shopify takes them off what is left', async () => {
    const created = await client.createFulfillment(shipment([[SWEATER, 2], [SOCKS, 1]], { trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' }));
    expect(created).toEqual({ fulfillmentId: expect.stringMatching(/^9\d{18}$/), status: 'success' });
    const { fulfillments } = await admin(sb, 'GET', 'fulfillments');
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0]).toMatchObject({
      id: created.fulfillmentId, order_id: ORDER, location_id: '72000000001', tracking_company: 'UPS', tracking_numbers: ['1Z999AA10123456784'],
      tracking_url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784', notify_customer: true,
    });
    expect(fulfillments[0].line_items.map((l: Json) => [l.id, l.quantity])).toEqual([[SWEATER, 2], [SOCKS, 1]]);
    expect(await fulfillable(sb)).toEqual({ [SWEATER]: 1, [SOCKS]: 1, [BEANIE]: 1 });
  });

  it('draws one line item from two fulfillment orders at the same location', async () => {
    const order = await admin(sb, 'GET', `orders/${ORDER}`);
    const east = order.fulfillment_orders[0];
    const sweaterLine = east.line_items.find((l: Json) => l.line_item_id === SWEATER);
    await admin(sb, 'POST', `fulfillment_orders/${east.id}/split`, { line_items: [{ id: sweaterLine.id, quantity: 2 }] });

    await client.createFulfillment(shipment([[SWEATER, 3]], { trackingNumbers: ['1Z999AA10123456790', '1Z999AA10123456791'] }));
    const { fulfillments } = await admin(sb, 'GET', 'fulfillments');
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0].fulfillment_order_ids).toHaveLength(2);
    expect(fulfillments[0].tracking_numbers).toEqual(['1Z999AA10123456790', '1Z999AA10123456791']);
    expect(fulfillments[0].line_items.map((l: Json) => [l.id, l.quantity])).toEqual([[SWEATER, 3]]);
    const after = await admin(sb, 'GET', `orders/${ORDER}`);
    expect(after.fulfillment_orders.map((fo: Json) => fo.status)).toEqual(['in_progress', 'closed', 'open']);
    expect(await fulfillable(sb)).toEqual({ [SWEATER]: 0, [SOCKS]: 2, [BEANIE]: 1 });
  });

  it('fulfils from the location that holds the line', async () => {
    await client.createFulfillment(shipment([[BEANIE, 1]], { trackingCompany: null, trackingNumbers: [] }));
    const { fulfillments } = await admin(sb, 'GET', 'fulfillments');
    expect(fulfillments[0]).toMatchObject({ location_id: '72000000002', tracking_company: null, tracking_numbers: [] });
    const multi = await rejection(client.createFulfillment(shipment([[SWEATER, 1], [BEANIE, 1]])));
    expect([multi.kind, multi.details.code]).toEqual(['PERMANENT', 'MULTIPLE_LOCATIONS']);
  });

  it('over-fulfilment: Shopify\'s 422 becomes PERMANENT with its message, and nothing is created', async () => {
    const err = await rejection(client.createFulfillment(shipment([[SOCKS, 3]])));
    expect(err).toMatchObject({ kind: 'PERMANENT', message: 'Invalid fulfillment order line item quantity requested.', details: { status: 422 } });
    expect((await admin(sb, 'GET', 'fulfillments')).count).toBe(0);
    expect(await fulfillable(sb)).toEqual({ [SWEATER]: 3, [SOCKS]: 2, [BEANIE]: 1 });
  });

  it('a closed fulfillment order: PERMANENT with Shopify\'s reason', async () => {
    await client.createFulfillment(shipment([[BEANIE, 1]]));
    const err = await rejection(client.createFulfillment(shipment([[BEANIE, 1]], { trackingNumbers: ['1Z999AA10123456799'] })));
    expect(err.kind).toBe('PERMANENT');
    expect(err.message).toMatch(/^Fulfillment order \d+ has an unfulfillable status= closed\.$/);
    expect((await admin(sb, 'GET', 'fulfillments')).count).toBe(1);
  });

  it('a bad token is AUTH; a line the order does not have is PERMANENT before anything is sent', async () => {
    const wrong = new ShopifyAdminClient({ shopDomain: sb.shopDomain, baseUrl: sb.adminApiUrl, accessToken: 'shpat_revoked', timeoutMs: 2000 });
    const err = await rejection(wrong.createFulfillment(shipment([[SWEATER, 1]])));
    expect(err).toMatchObject({ kind: 'AUTH', details: { status: 401 } });
    expect(err.message).toContain('Invalid API key or access token');
    const missing = await rejection(client.createFulfillment(shipment([['1698765432109876599', 1]])));
    expect([missing.kind, missing.details.code]).toEqual(['PERMANENT', 'LINE_NOT_IN_FULFILLMENT_ORDERS']);
    expect(await rejection(client.createFulfillment(shipment([[SWEATER, 0]])))).toMatchObject({ kind: 'PERMANENT', details: { code: 'INVALID_INPUT' } });
  });

  it('5xx is RETRYABLE; 429 is RETRYABLE with Retry-After read from Shopify\'s decimal seconds', async () => {
    await admin(sb, 'POST', 'knobs', { errorRate: 1 });
    expect(await rejection(client.createFulfillment(shipment([[SWEATER, 1]])))).toMatchObject({ kind: 'RETRYABLE', message: 'Internal Server Error', details: { status: 500 } });
    await admin(sb, 'POST', 'knobs', { errorRate: 0, rate429: 1, retryAfterSeconds: 2 });
    expect(await rejection(client.createFulfillment(shipment([[SWEATER, 1]])))).toMatchObject({ kind: 'RETRYABLE', details: { status: 429, retryAfterMs: 2000 } });
    await admin(sb, 'POST', 'knobs', { rate429: 0 });
    expect((await admin(sb, 'GET', 'fulfillments')).count).toBe(0);
  });

  it('a fulfillment committed but never answered is AMBIGUOUS, and findFulfillment finds it by tracking number', async () => {
    // Every write is stored and then the socket is closed; reads are never withheld.
    await admin(sb, 'POST', 'knobs', { commitTimeoutRate: 1 });
    const err = await rejection(client.createFulfillment(shipment([[SWEATER, 1]], { trackingNumbers: [' 1z999aa10123456800 '] })));
    expect(err.kind).toBe('AMBIGUOUS');
    await admin(sb, 'POST', 'knobs', { commitTimeoutRate: 0 });
    const { fulfillments } = await admin(sb, 'GET', 'fulfillments');
    expect(fulfillments).toHaveLength(1);
    expect(await client.findFulfillment(ORDER, ['1Z999AA10123456800'])).toEqual({ fulfillmentId: fulfillments[0].id, status: 'success' });
    expect(await client.findFulfillment(ORDER, ['1Z999AA10123456801'])).toBeNull();

    // Stored, answered only after the client gave up waiting.
    await admin(sb, 'POST', 'knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'delay', commitTimeoutDelayMs: 1000 });
    const impatient = new ShopifyAdminClient({ shopDomain: sb.shopDomain, baseUrl: sb.adminApiUrl, accessToken: sb.accessToken, timeoutMs: 200 });
    const late = await rejection(impatient.createFulfillment(shipment([[SOCKS, 1]], { trackingNumbers: ['1Z999AA10123456802'] })));
    expect([late.kind, late.details.code]).toEqual(['AMBIGUOUS', 'TIMEOUT']);
    await admin(sb, 'POST', 'knobs', { commitTimeoutRate: 0, commitTimeoutMode: 'destroy' });
    expect(await client.findFulfillment(ORDER, ['1Z999AA10123456802'])).not.toBeNull();
  });

  it('finds an untracked fulfillment by its exact units', async () => {
    const beanie = await client.createFulfillment(shipment([[BEANIE, 1]], { trackingCompany: null, trackingNumbers: [] }));
    await client.createFulfillment(shipment([[SWEATER, 1]]));
    expect(await client.findFulfillment(ORDER, [], [{ lineItemId: BEANIE, quantity: 1 }])).toEqual({ fulfillmentId: beanie.fulfillmentId, status: 'success' });
    expect(await client.findFulfillment(ORDER, [], [{ lineItemId: BEANIE, quantity: 2 }])).toBeNull();
    expect(await client.findFulfillment(ORDER, [])).toBeNull();
  });

  it('follows the fulfillments list past Shopify\'s page limit of 250', async () => {
    const big = `{"id": 6011111111111111111, "name": "#20001", "line_items": [{"id": 1611111111111111101, "variant_id": 4711111111111111101, "sku": "TEE-BULK", "title": "Tee", "quantity": 260, "price": "5.00"}]}`;
    await admin(sb, 'POST', 'orders', big);
    const [fo] = await client.fulfillmentOrders('6011111111111111111');
    const line = fo.lines[0];
    for (let i = 0; i < 255; i += 1) {
      const body = `{"fulfillment":{"line_items_by_fulfillment_order":[{"fulfillment_order_id":${fo.id},"fulfillment_order_line_items":[{"id":${line.id},"quantity":1}]}],"tracking_info":{"number":"BULK-${i}"}}}`;
      const res = await fetch(`${sb.adminApiUrl}/fulfillments.json`, { method: 'POST', headers: { 'x-shopify-access-token': sb.accessToken, 'content-type': 'application/json' }, body });
      expect(res.status).toBe(201);
    }
    const last = await client.findFulfillment('6011111111111111111', ['BULK-254']);
    const { fulfillments } = await admin(sb, 'GET', 'fulfillments?order_id=6011111111111111111');
    expect(last).toEqual({ fulfillmentId: fulfillments[254].id, status: 'success' });
  });

  it('keeps ids exact end to end (a 19-digit order id, fulfillment-order ids beyond 2^53)', async () => {
    await admin(sb, 'POST', 'orders', SINGLE);
    const fos = await client.fulfillmentOrders('6012345678901234567');
    expect(fos).toHaveLength(1);
    expect(fos[0].lines.map((l) => [l.lineItemId, l.fulfillableQuantity])).toEqual([['1612345678901234501', 2], ['1612345678901234502', 1]]);
    expect(BigInt(fos[0].id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const created = await client.createFulfillment({ ...shipment([['1612345678901234501', 2], ['1612345678901234502', 1]]), orderId: '6012345678901234567' });
    expect((await admin(sb, 'GET', 'fulfillments?order_id=6012345678901234567')).fulfillments[0].id).toBe(created.fulfillmentId);
  });

  it('a refused connection is RETRYABLE (nothing sent); a timed-out read is RETRYABLE', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = new ShopifyAdminClient({ shopDomain: 'x', baseUrl: `http://127.0.0.1:${port}/admin/api/2026-04`, accessToken: 't', timeoutMs: 500 });
    expect(await rejection(nowhere.createFulfillment(shipment([[SWEATER, 1]])))).toMatchObject({ kind: 'RETRYABLE', details: { code: 'ECONNREFUSED' } });

    const slow = new ShopifyAdminClient({ shopDomain: sb.shopDomain, baseUrl: sb.adminApiUrl, accessToken: sb.accessToken, timeoutMs: 100 });
    await admin(sb, 'POST', 'knobs', { latencyMs: 300 });
    expect(await rejection(slow.fulfillmentOrders(ORDER))).toMatchObject({ kind: 'RETRYABLE', details: { code: 'TIMEOUT' } });
  });
});
