import { randomBytes } from 'node:crypto';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { signatureBaseString, tbaAuthorizationHeader, type TbaCredentials } from '../../sandboxes/erp/netsuite/oauth1.js';

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

  it('builds the RFC 5849 signature base string (query, form body and oauth_* parameters)', () => {
    const base = signatureBaseString(
      'POST',
      'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      { oauth_consumer_key: '9djdj82h48djs9d2', oauth_token: 'kkk9d7dh3k39sjv7', oauth_signature_method: 'HMAC-SHA1', oauth_timestamp: '137131201', oauth_nonce: '7d8f3e4a', realm: 'Example', oauth_signature: 'ignored' },
      [...new URLSearchParams('c2&a3=2+q').entries()],
    );
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
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
});
