import { randomBytes } from 'node:crypto';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { expectedBaseString } from '../../sandboxes/erp/netsuite/oauth1-verifier.js';
import { signatureBaseString, tbaAuthorizationHeader, type TbaCredentials } from '../../src/adapters/erp/netsuite/tba-signer.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const nonce = (): string => randomBytes(12).toString('hex');
const now = (): number => Math.floor(Date.now() / 1000);

interface Call {
  method: string;
  path: string;
  body?: unknown;
  credentials?: TbaCredentials;
  timestamp?: number;
  authorization?: string;
}

/** A real HTTP call, signed as a NetSuite client signs it. */
async function call(sb: NetSuiteSandbox, c: Call): Promise<Response> {
  const url = `${sb.url}${c.path}`;
  const authorization = c.authorization
    ?? tbaAuthorizationHeader(c.credentials ?? sb.credentials, { method: c.method, url, nonce: nonce(), timestamp: c.timestamp ?? now() });
  return fetch(url, {
    method: c.method,
    headers: { authorization, ...(c.body !== undefined && { 'content-type': 'application/json' }) },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
}

const order = (externalId: string, quantity: unknown = 2): Json => ({
  externalId,
  entity: { id: '107' },
  currency: { id: '2' },
  tranDate: '2026-11-27',
  item: { items: [{ item: { id: '501' }, quantity, rate: 19.99, location: { id: '3' }, taxCode: { id: '-7' } }, { item: { id: '502' }, quantity: 1, rate: 5 }] },
});

/** GET /_sandbox/{path}, or POST it when there is a body ('reset' is always a POST). */
const admin = async (sb: NetSuiteSandbox, path: string, body?: unknown): Promise<Json> => {
  const post = body !== undefined || path === 'reset';
  const res = await fetch(`${sb.url}/_sandbox/${path}`, post ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) } : {});
  return res.status === 204 ? {} : ((await res.json()) as Json);
};

describe('NetSuite sandbox (SuiteTalk REST record API, TBA)', () => {
  let sb: NetSuiteSandbox;

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ port: 0 });
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await admin(sb, 'reset');
    await admin(sb, 'knobs', { concurrency: 15, latencyMs: 0, unknownCustomers: [], unknownItems: [] });
  });

  it.each([
    ['the hub signer', signatureBaseString],
    ['the sandbox verifier', expectedBaseString],
  ])('%s builds the RFC 5849 signature base string (query, form body and oauth_* parameters)', (_name, build) => {
    const base = build(
      'POST',
      'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      { oauth_consumer_key: '9djdj82h48djs9d2', oauth_token: 'kkk9d7dh3k39sjv7', oauth_signature_method: 'HMAC-SHA1', oauth_timestamp: '137131201', oauth_nonce: '7d8f3e4a', realm: 'Example', oauth_signature: 'ignored' },
      [...new URLSearchParams('c2&a3=2+q').entries()],
    );
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('the signer and the verifier agree on unicode, reserved characters and ports', () => {
    const oauth = { oauth_consumer_key: 'ck é', oauth_nonce: 'n0nce', oauth_timestamp: '1', oauth_token: "t!*'()", oauth_version: '1.0' };
    for (const url of ['https://Example.COM:443/a%20b/c?x=%E2%9C%93&y=1+2', 'http://h:8080/p?a=b&a=a', 'http://h/~u/?q=%2A']) {
      expect(signatureBaseString('put', url, oauth)).toBe(expectedBaseString('put', url, oauth, []));
    }
  });

  it('upserts by external id: the first PUT creates, the second updates the same record', async () => {
    const first = await call(sb, { method: 'PUT', path: '/services/rest/record/v1/salesOrder/eid:SHOP-1001', body: order('SHOP-1001') });
    expect(first.status).toBe(204);
    const location = first.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${sb.url}/services/rest/record/v1/salesOrder/\\d+$`));

    const second = await call(sb, { method: 'PUT', path: '/services/rest/record/v1/salesOrder/eid:SHOP-1001?replace=item', body: order('SHOP-1001', 3) });
    expect(second.status).toBe(204);
    expect(second.headers.get('location')).toBe(location);

    const docs = await admin(sb, 'documents');
    expect(docs).toMatchObject({ count: 1, creates: 1, updates: 1, duplicateKeys: [] });
    expect(docs.documents[0]).toMatchObject({ key: 'SHOP-1001', creates: 1, updates: 1 });

    const byEid = await call(sb, { method: 'GET', path: '/services/rest/record/v1/salesOrder/eid:SHOP-1001?expandSubResources=true' });
    expect(byEid.status).toBe(200);
    const record = (await byEid.json()) as Json;
    expect(record).toMatchObject({ externalId: 'SHOP-1001', entity: { id: '107' }, currency: { id: '2' } });
    expect(record.item.items.map((l: Json) => [l.line, l.item.id, l.quantity, l.rate, l.amount])).toEqual([[1, '501', 3, 19.99, 59.97], [2, '502', 1, 5, 5]]);

    const byId = await call(sb, { method: 'GET', path: new URL(location).pathname });
    expect(((await byId.json()) as Json).item).toEqual({ links: [{ rel: 'self', href: `${location}/item` }] });
  });

  it('merges item lines on an update without replace=item, as NetSuite does', async () => {
    await call(sb, { method: 'PUT', path: '/services/rest/record/v1/salesOrder/eid:SHOP-2', body: order('SHOP-2') });
    await call(sb, { method: 'PUT', path: '/services/rest/record/v1/salesOrder/eid:SHOP-2', body: order('SHOP-2') });
    const doc = (await admin(sb, 'documents?key=SHOP-2')).documents[0];
    expect(doc.document.item.items).toHaveLength(4);
  });

  it('creates with POST (204 + Location) and refuses a second record with the same external id', async () => {
    const created = await call(sb, { method: 'POST', path: '/services/rest/record/v1/salesOrder', body: order('SHOP-3') });
    expect(created.status).toBe(204);
    const again = await call(sb, { method: 'POST', path: '/services/rest/record/v1/salesOrder', body: order('SHOP-3') });
    expect(again.status).toBe(400);
    expect((await admin(sb, 'documents')).count).toBe(1);
    const missing = await call(sb, { method: 'GET', path: '/services/rest/record/v1/salesOrder/eid:NOPE' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json)['o:errorDetails'][0]['o:errorCode']).toBe('NONEXISTENT_ID');
  });

  it('refuses a wrong signature, an unknown token, a stale timestamp and a reused nonce with INVALID_LOGIN', async () => {
    const path = '/services/rest/record/v1/salesOrder/eid:SHOP-4';
    const wrongSecret = await call(sb, { method: 'PUT', path, body: order('SHOP-4'), credentials: { ...sb.credentials, tokenSecret: 'not-the-secret' } });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({
      type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html',
      title: 'Unauthorized',
      status: 401,
      'o:errorDetails': [{
        detail: 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
        'o:errorCode': 'INVALID_LOGIN',
      }],
    });
    expect(wrongSecret.headers.get('x-sandbox-login-failure')).toBe('bad-signature');

    const unknownToken = await call(sb, { method: 'GET', path, credentials: { ...sb.credentials, tokenId: 'someone-else' } });
    expect([unknownToken.status, unknownToken.headers.get('x-sandbox-login-failure')]).toEqual([401, 'unknown-token']);
    const stale = await call(sb, { method: 'GET', path, timestamp: now() - 3600 });
    expect([stale.status, stale.headers.get('x-sandbox-login-failure')]).toEqual([401, 'stale-timestamp']);
    const wrongRealm = await call(sb, { method: 'GET', path, credentials: { ...sb.credentials, accountId: 'OTHER' } });
    expect([wrongRealm.status, wrongRealm.headers.get('x-sandbox-login-failure')]).toEqual([401, 'wrong-realm']);

    const url = `${sb.url}${path}`;
    const authorization = tbaAuthorizationHeader(sb.credentials, { method: 'GET', url, nonce: nonce(), timestamp: now() });
    expect((await call(sb, { method: 'GET', path, authorization })).status).toBe(404);
    const replay = await call(sb, { method: 'GET', path, authorization });
    expect([replay.status, replay.headers.get('x-sandbox-login-failure')]).toEqual([401, 'reused-nonce']);
    const tamperedQuery = await call(sb, { method: 'GET', path: `${path}?expandSubResources=true`, authorization: tbaAuthorizationHeader(sb.credentials, { method: 'GET', url, nonce: nonce(), timestamp: now() }) });
    expect(tamperedQuery.status).toBe(401);
    expect((await admin(sb, 'documents')).count).toBe(0);
  });

  it('answers an invalid field with 400 naming it (o:errorPath) and stores nothing', async () => {
    const badType = await call(sb, { method: 'PUT', path: '/services/rest/record/v1/salesOrder/eid:SHOP-5', body: order('SHOP-5', 'two') });
    expect(badType.status).toBe(400);
    const detail = ((await badType.json()) as Json)['o:errorDetails'][0];
    expect(detail).toMatchObject({ 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'item.items[0].quantity' });
    expect(detail.detail).toContain('for the following field: quantity');

    const unknown = await call(sb, { method: 'PUT', path: '/services/rest/record/v1/salesOrder/eid:SHOP-5', body: { ...order('SHOP-5'), shipVia: 'UPS' } });
    expect(((await unknown.json()) as Json)['o:errorDetails'][0]).toMatchObject({ 'o:errorPath': 'shipVia' });

    const { entity: _entity, ...noCustomer } = order('SHOP-5');
    const missing = await call(sb, { method: 'PUT', path: '/services/rest/record/v1/salesOrder/eid:SHOP-5', body: noCustomer });
    expect(((await missing.json()) as Json)['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'entity' });

    await admin(sb, 'knobs', { unknownCustomers: ['107'] });
    const unknownCustomer = await call(sb, { method: 'PUT', path: '/services/rest/record/v1/salesOrder/eid:SHOP-5', body: order('SHOP-5') });
    expect(((await unknownCustomer.json()) as Json)['o:errorDetails'][0].detail).toContain('Invalid Field Value 107 for the following field: entity');
    expect((await admin(sb, 'documents')).count).toBe(0);
  });

  it('refuses requests beyond the concurrency cap with the concurrency error and records the peak', async () => {
    const cap = 3;
    await admin(sb, 'knobs', { concurrency: cap, latencyMs: 300 });
    const responses = await Promise.all(
      Array.from({ length: cap + 5 }, (_, i) => call(sb, { method: 'PUT', path: `/services/rest/record/v1/salesOrder/eid:C-${i}`, body: order(`C-${i}`) })),
    );
    const refused = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 204)).toHaveLength(cap);
    expect(refused).toHaveLength(5);
    const body = (await refused[0].json()) as Json;
    expect(body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(body['o:errorDetails'][0]['o:errorCode']).toBe('CONCURRENCY_LIMIT_EXCEEDED');
    const stats = await admin(sb, 'stats');
    expect(stats).toMatchObject({ peakConcurrency: cap, peakAttempted: cap + 1, refusedOverCap: 5, inFlight: 0 });
    expect((await admin(sb, 'documents')).count).toBe(cap);
  });
  describe('item fulfilments and line changes', () => {
    const SO = '/services/rest/record/v1/salesOrder';
    const IF = '/services/rest/record/v1/itemFulfillment';
    let soId: string;
    const transform = (body: unknown, id = soId): Promise<Response> => call(sb, { method: 'POST', path: `${SO}/${id}/!transform/itemFulfillment`, body });
    const errorOf = async (res: Response): Promise<Json> => ((await res.json()) as Json)['o:errorDetails'][0] as Json;
    const lines = async (): Promise<Json[]> => (await admin(sb, 'documents?key=SHOP-F')).documents[0].document.item.items as Json[];

    beforeEach(async () => {
      const created = await call(sb, { method: 'PUT', path: `${SO}/eid:SHOP-F`, body: order('SHOP-F', 3) });
      soId = /(\d+)$/.exec(created.headers.get('location') ?? '')![1];
    });

    it('transforms a sales order into an itemFulfillment (204 + Location), readable by id and by external id', async () => {
      const res = await transform({
        externalId: 'F-1', tranDate: '2026-11-28', shipStatus: { id: 'C' }, memo: 'parcel 1',
        item: { items: [{ orderLine: 1, itemReceive: true, quantity: 2, location: { id: '3' } }, { orderLine: 2, itemReceive: false }] },
        package: { items: [{ packageTrackingNumber: '1Z999', packageDescr: 'UPS' }] },
      });
      expect(res.status).toBe(204);
      const location = res.headers.get('location') ?? '';
      expect(location).toMatch(new RegExp(`^${sb.url}${IF}/\\d+$`));
      const id = /(\d+)$/.exec(location)![1];

      const byEid = (await (await call(sb, { method: 'GET', path: `${IF}/eid:F-1?expandSubResources=true` })).json()) as Json;
      expect(byEid).toMatchObject({ id, externalId: 'F-1', tranId: `IF${id}`, tranDate: '2026-11-28', shipStatus: { id: 'C' }, createdFrom: { id: soId }, entity: { id: '107' } });
      expect(byEid.item.items.map((l: Json) => [l.line, l.orderLine, l.item.id, l.quantity, l.location.id])).toEqual([[1, 1, '501', 2, '3']]);
      expect(byEid.package.items).toEqual([{ packageTrackingNumber: '1Z999', packageDescr: 'UPS' }]);
      expect((await call(sb, { method: 'GET', path: `${IF}/${id}` })).status).toBe(200);
      expect((await call(sb, { method: 'GET', path: `${IF}/eid:F-NONE` })).status).toBe(404);

      expect((await lines()).map((l) => [l.quantity, l.quantityFulfilled ?? 0])).toEqual([[3, 2], [1, 0]]);
      const so = (await (await call(sb, { method: 'GET', path: `${SO}/${soId}?expandSubResources=true` })).json()) as Json;
      expect([so.orderStatus, so.item.items.map((l: Json) => l.quantityFulfilled)]).toEqual(['D', [2, 0]]);
      expect((await admin(sb, 'documents')).fulfillments).toMatchObject({ count: 1, createsByKey: { 'F-1': 1 } });
      expect(await admin(sb, 'stats')).toMatchObject({ fulfillments: 1, lineChanges: 0, documents: 1 });
    });

    it('fulfils every open line in full unless told otherwise, as a transform does', async () => {
      expect((await transform({ externalId: 'F-ALL', item: { items: [{ orderLine: 1, quantity: 1 }] } })).status).toBe(204);
      expect((await lines()).map((l) => l.quantityFulfilled)).toEqual([1, 1]);
      const nothing = await transform({ externalId: 'F-NONE', item: { items: [{ orderLine: 1, itemReceive: false }] } });
      expect(await errorOf(nothing)).toMatchObject({ 'o:errorCode': 'USER_ERROR', detail: 'Error while accessing a resource. You must enter at least one line item for this transaction.' });
    });

    it('refuses a second fulfilment with the same external id with a duplicate-record error', async () => {
      const body = { externalId: 'F-DUP', item: { items: [{ orderLine: 1, quantity: 1 }, { orderLine: 2, itemReceive: false }] } };
      expect((await transform(body)).status).toBe(204);
      const again = await transform(body);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ status: 400, title: 'Bad Request', 'o:errorDetails': [{ 'o:errorCode': 'DUP_RCRD', 'o:errorPath': 'externalId' }] });
      const docs = await admin(sb, 'documents');
      expect(docs.fulfillments).toMatchObject({ count: 1, createsByKey: { 'F-DUP': 1 }, duplicateRefusals: { 'F-DUP': 1 } });
      expect((await lines()).map((l) => l.quantityFulfilled ?? 0)).toEqual([1, 0]);
    });

    it('validates the order, its lines, the quantities and the fields, storing nothing', async () => {
      const over = await transform({ externalId: 'F-X', item: { items: [{ orderLine: 1, quantity: 4 }] } });
      expect(await errorOf(over)).toEqual({
        detail: 'Error while accessing a resource. You cannot fulfill more than the quantity remaining on the order: line 1 (item 501) has 3 remaining, 4 entered.',
        'o:errorCode': 'USER_ERROR', 'o:errorPath': 'item.items[0].quantity',
      });
      const zero = await transform({ externalId: 'F-X', item: { items: [{ orderLine: 1, quantity: 0 }] } });
      expect((await errorOf(zero))['o:errorPath']).toBe('item.items[0].quantity');
      const noLine = await transform({ externalId: 'F-X', item: { items: [{ orderLine: 9, quantity: 1 }] } });
      expect((await errorOf(noLine)).detail).toContain('Invalid Field Value 9 for the following field: orderLine');
      const badField = await transform({ externalId: 'F-X', shipVia: 'UPS' });
      expect((await errorOf(badField)).detail).toBe("Error while accessing a resource. Field 'shipVia' for record 'itemFulfillment' was not found.");
      const badType = await transform({ externalId: 'F-X', shipStatus: 'Z' });
      expect((await errorOf(badType))['o:errorPath']).toBe('shipStatus');
      expect((await transform({ externalId: 'F-X' }, '99999')).status).toBe(404);
      expect((await call(sb, { method: 'GET', path: `${SO}/${soId}/!transform/itemFulfillment` })).status).toBe(405);
      expect((await admin(sb, 'documents')).fulfillments.count).toBe(0);
    });

    it('takes a lower quantity or a closed line through PATCH, but never below what was fulfilled', async () => {
      await transform({ externalId: 'F-1', item: { items: [{ orderLine: 1, quantity: 2 }, { orderLine: 2, itemReceive: false }] } });
      const below = await call(sb, { method: 'PATCH', path: `${SO}/${soId}`, body: { item: { items: [{ line: 1, quantity: 1 }] } } });
      expect(below.status).toBe(400);
      expect(await errorOf(below)).toMatchObject({ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'item.items[0].quantity' });
      const readOnly = await call(sb, { method: 'PATCH', path: `${SO}/${soId}`, body: { item: { items: [{ line: 1, quantityFulfilled: 0 }] } } });
      expect((await errorOf(readOnly)).detail).toContain("'quantityFulfilled' is read-only");

      const ok = await call(sb, { method: 'PATCH', path: `${SO}/${soId}`, body: { item: { items: [{ line: 1, quantity: 2, isClosed: true }, { line: 2, quantity: 0, isClosed: true }] } } });
      expect(ok.status).toBe(204);
      const docs = await admin(sb, 'documents');
      expect(docs.lineChanges).toMatchObject({
        count: 1,
        changes: [{ salesOrderId: soId, salesOrderKey: 'SHOP-F', lines: [{ line: 1, quantityBefore: 3, quantityAfter: 2, closed: true }, { line: 2, quantityBefore: 1, quantityAfter: 0, closed: true }] }],
      });
      expect((await lines()).map((l) => [l.quantity, l.quantityFulfilled ?? 0, l.isClosed])).toEqual([[2, 2, true], [0, 0, true]]);
      const closed = await transform({ externalId: 'F-2', item: { items: [{ orderLine: 2, quantity: 1 }] } });
      expect((await errorOf(closed)).detail).toContain('has 0 remaining');
      expect(await admin(sb, 'stats')).toMatchObject({ fulfillments: 1, lineChanges: 1 });
    });

    it('still asks for token-based authentication on the new endpoints', async () => {
      const wrong = { ...sb.credentials, tokenSecret: 'not-the-secret' };
      const refused = await call(sb, { method: 'POST', path: `${SO}/${soId}/!transform/itemFulfillment`, body: { externalId: 'F-A' }, credentials: wrong });
      expect([refused.status, (await errorOf(refused))['o:errorCode']]).toEqual([401, 'INVALID_LOGIN']);
      const read = await fetch(`${sb.url}${IF}/eid:F-A`);
      expect(read.status).toBe(401);
      expect((await admin(sb, 'documents')).fulfillments.count).toBe(0);
    });
  });
});
