import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startShopifySandbox, type ShopifySandbox } from '../../sandboxes/shopify/sandbox.js';
import { parseJsonPreservingBigIds } from '../../src/adapters/channels/shopify/shopify-webhook.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/shopify/${name}`, import.meta.url)), 'utf8');
const SINGLE = fixture('order-create.json');
const MULTI = fixture('order-multi-location.json');
const ORDER = '6012345678901234567';
const MULTI_ORDER = '6098765432109876543';
const SWEATER = '1698765432109876501';
const SOCKS = '1698765432109876502';
const BEANIE = '1698765432109876503';

interface Answer { status: number; headers: Headers; text: string; body: Json }

/** A real Admin API call; the answer is parsed bigint-safe, as ids exceed 2^53. */
async function api(sb: ShopifySandbox, method: string, path: string, body?: unknown, token: string | null = sb.accessToken): Promise<Answer> {
  const res = await fetch(`${sb.adminApiUrl}/${path}`, {
    method,
    headers: { ...(token !== null && { 'x-shopify-access-token': token }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? (parseJsonPreservingBigIds(text) as Json) : {} };
}

async function admin(sb: ShopifySandbox, method: string, path: string, body?: string | object): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${sb.url}/_sandbox/${path}`, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: typeof body === 'object' ? JSON.stringify(body) : body,
  });
  return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Json) };
}

/** POST /fulfillments.json with ids written as bare integers, as Shopify's examples do. */
const fulfill = (sb: ShopifySandbox, groups: [fo: string, lines?: [id: string, quantity: number][]][], tracking: Json = {}): Promise<Answer> => {
  const body = {
    fulfillment: {
      line_items_by_fulfillment_order: groups.map(([fo, lines]) => ({
        fulfillment_order_id: fo, ...(lines && { fulfillment_order_line_items: lines.map(([id, quantity]) => ({ id, quantity })) }),
      })),
      tracking_info: tracking,
      notify_customer: true,
    },
  };
  return api(sb, 'POST', 'fulfillments.json', JSON.stringify(body).replace(/"(fulfillment_order_id|id)":"(\d+)"/g, '"$1":$2'));
};

const fulfillmentOrders = async (sb: ShopifySandbox, orderId: string): Promise<Json[]> =>
  (await api(sb, 'GET', `orders/${orderId}/fulfillment_orders.json`)).body.fulfillment_orders as Json[];
const lineOf = (fo: Json, lineItemId: string): Json => (fo.line_items as Json[]).find((l) => l.line_item_id === lineItemId) as Json;

describe('Shopify Admin sandbox (REST 2026-04 fulfillment orders)', () => {
  let sb: ShopifySandbox;

  beforeAll(async () => {
    sb = await startShopifySandbox({ port: 0, locations: { 72000000001: { name: 'East warehouse' } } });
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await admin(sb, 'POST', 'reset');
    await admin(sb, 'POST', 'knobs', { errorRate: 0, rate429: 0, latencyMs: 0, retryAfterSeconds: 2, commitTimeoutRate: 0 });
  });

  it('refuses a missing or wrong access token with Shopify\'s 401 body', async () => {
    for (const token of [null, 'shpat_wrong']) {
      const res = await api(sb, 'GET', `orders/${ORDER}/fulfillment_orders.json`, undefined, token);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    expect((await admin(sb, 'GET', 'stats')).body).toMatchObject({ authFailures: 2 });
  });

  it('seeds an orders/create body into one fulfillment order per location, ids written back as bare integers', async () => {
    const seeded = await admin(sb, 'POST', 'orders', MULTI);
    expect(seeded.status).toBe(201);
    const res = await api(sb, 'GET', `orders/${MULTI_ORDER}/fulfillment_orders.json`);
    expect(res.status).toBe(200);
    // The big ids are bare integers in the text: a plain JSON.parse would round them.
    expect(res.text).toContain(`"order_id":${MULTI_ORDER}`);
    expect(res.text).toContain(`"line_item_id":${SWEATER}`);
    const fos = res.body.fulfillment_orders as Json[];
    expect(fos.map((fo) => [fo.assigned_location_id, fo.status, fo.order_id, (fo.line_items as Json[]).map((l) => [l.line_item_id, l.quantity, l.fulfillable_quantity, l.variant_id])])).toEqual([
      [72000000001, 'open', MULTI_ORDER, [[SWEATER, 3, 3, '4798765432109876501'], [SOCKS, 2, 2, '4798765432109876502']]],
      [72000000002, 'open', MULTI_ORDER, [[BEANIE, 1, 1, '4798765432109876503']]],
    ]);
    expect(fos[0]).toMatchObject({ assigned_location: { location_id: 72000000001, name: 'East warehouse' }, destination: { city: 'Portland', zip: '97205' } });
    expect(BigInt(fos[0].id as string)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));

    // A second orders/create of the same order changes nothing.
    const again = await admin(sb, 'POST', 'orders', MULTI);
    expect(again.status).toBe(200);
    expect(again.body.fulfillment_orders.map((fo: Json) => fo.id)).toEqual(seeded.body.fulfillment_orders.map((fo: Json) => fo.id));
    expect((await admin(sb, 'POST', 'orders', '{"id": 1}')).status).toBe(400);
  });

  it('assigns lines without a location of their own to the shop default', async () => {
    await admin(sb, 'POST', 'orders', SINGLE);
    const [fo] = await fulfillmentOrders(sb, ORDER);
    expect(fo.assigned_location_id).toBe(65000000001);
    expect((fo.line_items as Json[]).map((l) => [l.line_item_id, l.fulfillable_quantity])).toEqual([['1612345678901234501', 2], ['1612345678901234502', 1]]);
  });

  it('creates a fulfillment in Shopify\'s shape and reduces the fulfillable quantities', async () => {
    await admin(sb, 'POST', 'orders', MULTI);
    const [east] = await fulfillmentOrders(sb, MULTI_ORDER);
    const created = await fulfill(sb, [[east.id, [[lineOf(east, SWEATER).id, 2]]]], { number: '1Z999AA10123456784', company: 'UPS', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' });
    expect(created.status).toBe(201);
    expect(created.text).toMatch(/"id":9\d{18},"order_id":6098765432109876543/);
    const f = created.body.fulfillment as Json;
    expect(f).toMatchObject({
      order_id: MULTI_ORDER, status: 'success', service: 'manual', location_id: 72000000001, name: '#10422.1',
      tracking_company: 'UPS', tracking_number: '1Z999AA10123456784', tracking_numbers: ['1Z999AA10123456784'],
      tracking_url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784', admin_graphql_api_id: `gid://shopify/Fulfillment/${f.id}`,
    });
    expect((f.line_items as Json[]).map((l) => [l.id, l.sku, l.quantity, l.fulfillable_quantity, l.fulfillment_status, l.price])).toEqual([[SWEATER, 'MER-CREW-NVY-M', 2, 1, 'partial', '49.00']]);

    let [after] = await fulfillmentOrders(sb, MULTI_ORDER);
    expect([after.status, lineOf(after, SWEATER).fulfillable_quantity, lineOf(after, SOCKS).fulfillable_quantity]).toEqual(['in_progress', 1, 2]);

    // A fulfillment order named without line items is fulfilled whole.
    const rest = await fulfill(sb, [[east.id]], { numbers: ['1Z999AA10123456785', '1Z999AA10123456786'], company: 'UPS' });
    expect(rest.status).toBe(201);
    expect((rest.body.fulfillment.line_items as Json[]).map((l) => [l.id, l.quantity, l.fulfillment_status])).toEqual([[SWEATER, 1, 'fulfilled'], [SOCKS, 2, 'fulfilled']]);
    expect(rest.body.fulfillment).toMatchObject({ name: '#10422.2', tracking_number: '1Z999AA10123456785', tracking_numbers: ['1Z999AA10123456785', '1Z999AA10123456786'] });
    [after] = await fulfillmentOrders(sb, MULTI_ORDER);
    expect(after.status).toBe('closed');
    expect(after.supported_actions).toEqual([]);

    const listed = await api(sb, 'GET', `orders/${MULTI_ORDER}/fulfillments.json`);
    expect((listed.body.fulfillments as Json[]).map((x) => x.id)).toEqual([f.id, rest.body.fulfillment.id]);
    const one = await api(sb, 'GET', `orders/${MULTI_ORDER}/fulfillments/${f.id}.json`);
    expect(one.body.fulfillment.id).toBe(f.id);
    const byFo = await api(sb, 'GET', `fulfillment_orders/${east.id}/fulfillments.json`);
    expect(byFo.body.fulfillments).toHaveLength(2);

    const report = (await admin(sb, 'GET', 'fulfillments')).body;
    expect(report).toMatchObject({ count: 2, byOrder: { [MULTI_ORDER]: 2 } });
    expect(report.fulfillments[0]).toMatchObject({ id: f.id, notify_customer: true, fulfillment_order_ids: [east.id] });
  });

  it('answers 422 with Shopify\'s errors list and changes nothing when over-fulfilling, on a closed order or across locations', async () => {
    await admin(sb, 'POST', 'orders', MULTI);
    const [east, west] = await fulfillmentOrders(sb, MULTI_ORDER);
    const over = await fulfill(sb, [[east.id, [[lineOf(east, SOCKS).id, 3]]]]);
    expect([over.status, JSON.parse(over.text)]).toEqual([422, { errors: ['Invalid fulfillment order line item quantity requested.'] }]);
    // The same line twice adds up.
    const twice = await fulfill(sb, [[east.id, [[lineOf(east, SOCKS).id, 2], [lineOf(east, SOCKS).id, 1]]]]);
    expect(twice.status).toBe(422);

    const mixed = await fulfill(sb, [[east.id], [west.id]]);
    expect(mixed.status).toBe(422);
    expect(mixed.body.errors[0]).toBe(`All fulfillment orders must be assigned to a single location. Multiple locations with IDs [72000000001, 72000000002] were found`);

    expect((await fulfill(sb, [[west.id]])).status).toBe(201);
    const closed = await fulfill(sb, [[west.id]]);
    expect([closed.status, closed.body.errors]).toEqual([422, [`Fulfillment order ${west.id} has an unfulfillable status= closed.`]]);

    const [eastAfter] = await fulfillmentOrders(sb, MULTI_ORDER);
    expect([eastAfter.status, lineOf(eastAfter, SWEATER).fulfillable_quantity, lineOf(eastAfter, SOCKS).fulfillable_quantity]).toEqual(['open', 3, 2]);
    expect((await admin(sb, 'GET', 'stats')).body).toMatchObject({ fulfillments: 1, refusedFulfillments: 4 });
  });

  it('answers malformed requests as Shopify does: 400 for missing parameters, 404 for unknown ids', async () => {
    await admin(sb, 'POST', 'orders', SINGLE);
    const missing = await api(sb, 'POST', 'fulfillments.json', { tracking_info: {} });
    expect([missing.status, missing.body]).toEqual([400, { errors: { fulfillment: 'Required parameter missing or invalid' } }]);
    const noGroups = await api(sb, 'POST', 'fulfillments.json', { fulfillment: { notify_customer: false } });
    expect([noGroups.status, noGroups.body]).toEqual([400, { errors: ['The required line_items_by_fulfillment_order field is missing.'] }]);
    const unknown = await fulfill(sb, [['9100000000000099999']]);
    expect([unknown.status, unknown.body]).toEqual([404, { errors: 'Not Found' }]);
    expect((await api(sb, 'GET', 'orders/123/fulfillment_orders.json')).status).toBe(404);
    expect((await fetch(`${sb.url}/admin/api/2024-01/orders/${ORDER}/fulfillment_orders.json`, { headers: { 'x-shopify-access-token': sb.accessToken } })).status).toBe(404);
  });

  it('splits a fulfillment order at one location, so one line item spans two fulfillment orders', async () => {
    await admin(sb, 'POST', 'orders', MULTI);
    const [east] = await fulfillmentOrders(sb, MULTI_ORDER);
    const split = await admin(sb, 'POST', `fulfillment_orders/${east.id}/split`, { line_items: [{ id: lineOf(east, SWEATER).id, quantity: 2 }] });
    expect(split.status).toBe(201);
    const fos = await fulfillmentOrders(sb, MULTI_ORDER);
    expect(fos.map((fo) => [fo.assigned_location_id, (fo.line_items as Json[]).map((l) => [l.line_item_id, l.fulfillable_quantity])])).toEqual([
      [72000000001, [[SWEATER, 1], [SOCKS, 2]]],
      [72000000001, [[SWEATER, 2]]],
      [72000000002, [[BEANIE, 1]]],
    ]);
    const both = await fulfill(sb, [[fos[0].id, [[lineOf(fos[0], SWEATER).id, 1]]], [fos[1].id, [[lineOf(fos[1], SWEATER).id, 2]]]]);
    expect(both.status).toBe(201);
    expect((both.body.fulfillment.line_items as Json[]).map((l) => [l.id, l.quantity, l.fulfillment_status])).toEqual([[SWEATER, 3, 'fulfilled']]);
  });

  it('pages the fulfillments list with limit and a Link rel="next"', async () => {
    await admin(sb, 'POST', 'orders', MULTI);
    const [east, west] = await fulfillmentOrders(sb, MULTI_ORDER);
    await fulfill(sb, [[east.id, [[lineOf(east, SWEATER).id, 1]]]]);
    await fulfill(sb, [[east.id, [[lineOf(east, SWEATER).id, 1]]]]);
    await fulfill(sb, [[west.id]]);
    const first = await api(sb, 'GET', `orders/${MULTI_ORDER}/fulfillments.json?limit=2`);
    expect(first.body.fulfillments).toHaveLength(2);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    const second = await fetch(next, { headers: { 'x-shopify-access-token': sb.accessToken } });
    const page = parseJsonPreservingBigIds(await second.text()) as Json;
    expect(page.fulfillments.map((x: Json) => x.name)).toEqual(['#10422.3']);
    expect(second.headers.get('link')).toBeNull();
  });

  it('injects 5xx and 429 (Retry-After with a decimal) before anything is stored', async () => {
    await admin(sb, 'POST', 'orders', SINGLE);
    const [fo] = await fulfillmentOrders(sb, ORDER);
    await admin(sb, 'POST', 'knobs', { errorRate: 1 });
    const failed = await fulfill(sb, [[fo.id]]);
    expect([failed.status, failed.body]).toEqual([500, { errors: 'Internal Server Error' }]);
    await admin(sb, 'POST', 'knobs', { errorRate: 0, rate429: 1, retryAfterSeconds: 3 });
    const throttled = await fulfill(sb, [[fo.id]]);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3.0');
    expect(throttled.body.errors).toMatch(/^Exceeded 2 calls per second/);
    await admin(sb, 'POST', 'knobs', { rate429: 0 });
    expect((await admin(sb, 'GET', 'fulfillments')).body.count).toBe(0);
    const stats = (await admin(sb, 'GET', 'stats')).body;
    expect(stats).toMatchObject({ variant: 'shopify', faults: { serverError: 1, throttled: 1 }, fulfillments: 0, orders: 1 });
    expect((await admin(sb, 'POST', 'knobs', { autoShip: 1 })).status).toBe(400);
  });

  it('resets orders, fulfillments and statistics', async () => {
    await admin(sb, 'POST', 'orders', SINGLE);
    const [fo] = await fulfillmentOrders(sb, ORDER);
    await fulfill(sb, [[fo.id]]);
    await admin(sb, 'POST', 'reset');
    expect((await admin(sb, 'GET', 'orders')).body.count).toBe(0);
    expect((await admin(sb, 'GET', 'fulfillments')).body.count).toBe(0);
    expect((await admin(sb, 'GET', 'stats')).body).toMatchObject({ requests: 0, orders: 0 });
  });
});
