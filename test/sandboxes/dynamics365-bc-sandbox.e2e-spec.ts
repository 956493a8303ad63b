import { setTimeout as sleep } from 'node:timers/promises';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function token(sb: BusinessCentralSandbox, secret = sb.credentials.clientSecret): Promise<Response> {
  return fetch(sb.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.credentials.clientId, client_secret: secret, scope: sb.scope }),
  });
}

async function bearer(sb: BusinessCentralSandbox): Promise<string> {
  return ((await (await token(sb)).json()) as Json).access_token as string;
}

const ordersUrl = (sb: BusinessCentralSandbox): string => `${sb.apiUrl}/companies(${sb.companyId})/salesOrders`;

async function api(sb: BusinessCentralSandbox, accessToken: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${ordersUrl(sb)}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const admin = async (sb: BusinessCentralSandbox, path: string, body?: unknown): Promise<Json> => {
  const post = body !== undefined || path === 'reset';
  const res = await fetch(`${sb.url}/_sandbox/${path}`, post ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) } : {});
  return res.status === 204 ? {} : ((await res.json()) as Json);
};

const order = (externalDocumentNumber: string): Json => ({
  externalDocumentNumber,
  customerNumber: '10000',
  currencyCode: 'EUR',
  orderDate: '2026-11-27',
  salesOrderLines: [
    { lineType: 'Item', lineObjectNumber: '1896-S', quantity: 2, unitPrice: 19.99, taxCode: 'TAXABLE' },
    { lineType: 'Item', lineObjectNumber: '1900-S', quantity: 1, unitPrice: 100, discountAmount: 10 },
  ],
});

describe('Business Central sandbox (API v2.0, client credentials)', () => {
  let sb: BusinessCentralSandbox;
  let accessToken: string;

  beforeAll(async () => {
    sb = await startBusinessCentralSandbox({ port: 0, taxRates: { TAXABLE: 10 } });
    accessToken = await bearer(sb);
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await admin(sb, 'reset');
    await admin(sb, 'knobs', { concurrency: 15, latencyMs: 0, tokenLifetimeSeconds: 3599, retryAfterSeconds: 1 });
  });

  it('issues client-credentials tokens and refuses a wrong secret in the identity platform format', async () => {
    const ok = await token(sb);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599, access_token: expect.any(String) });
    const bad = await token(sb, 'wrong');
    expect(bad.status).toBe(401);
    const body = (await bad.json()) as Json;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
  });

  it('deep-inserts a sales order with its lines, finds it by $filter on externalDocumentNumber', async () => {
    const created = await api(sb, accessToken, 'POST', '?$expand=salesOrderLines', order('SHOP-1001'));
    expect(created.status).toBe(201);
    const entity = (await created.json()) as Json;
    expect(created.headers.get('location')).toBe(`${ordersUrl(sb)}(${entity.id})`);
    expect(entity).toMatchObject({
      '@odata.etag': expect.stringMatching(/^W\/"/),
      number: 'S-ORD101001', externalDocumentNumber: 'SHOP-1001', customerNumber: '10000', currencyCode: 'EUR', status: 'Draft',
      totalAmountExcludingTax: 129.98, totalTaxAmount: 4, totalAmountIncludingTax: 133.98,
    });
    expect(entity.salesOrderLines.map((l: Json) => [l.sequence, l.lineObjectNumber, l.quantity, l.unitPrice, l.amountExcludingTax, l.totalTaxAmount, l.documentId]))
      .toEqual([[10000, '1896-S', 2, 19.99, 39.98, 4, entity.id], [20000, '1900-S', 1, 100, 90, 0, entity.id]]);

    const found = await api(sb, accessToken, 'GET', `?$filter=${encodeURIComponent("externalDocumentNumber eq 'SHOP-1001'")}`);
    expect(found.status).toBe(200);
    const value = ((await found.json()) as Json).value as Json[];
    expect(value.map((o) => o.id)).toEqual([entity.id]);
    const none = await api(sb, accessToken, 'GET', `?$filter=${encodeURIComponent("externalDocumentNumber eq 'SHOP-9999'")}`);
    expect(((await none.json()) as Json).value).toEqual([]);

    const lines = await api(sb, accessToken, 'GET', `(${entity.id})/salesOrderLines`);
    expect(((await lines.json()) as Json).value).toHaveLength(2);
    expect(await admin(sb, 'documents')).toMatchObject({ count: 1, creates: 1, updates: 0, documents: [{ key: 'SHOP-1001', creates: 1, updates: 0 }] });
  });

  it('requires If-Match on PATCH and answers a stale etag with 412', async () => {
    const created = (await (await api(sb, accessToken, 'POST', '', order('SHOP-2'))).json()) as Json;
    const read = await api(sb, accessToken, 'GET', `(${created.id})`);
    const etag = ((await read.json()) as Json)['@odata.etag'] as string;
    expect(read.headers.get('etag')).toBe(etag);

    const noEtag = await api(sb, accessToken, 'PATCH', `(${created.id})`, { shipToName: 'A' });
    expect(noEtag.status).toBe(400);
    const patched = await api(sb, accessToken, 'PATCH', `(${created.id})`, { shipToName: 'Ada Lovelace' }, { 'if-match': etag });
    expect(patched.status).toBe(200);
    const after = (await patched.json()) as Json;
    expect(after.shipToName).toBe('Ada Lovelace');
    expect(after['@odata.etag']).not.toBe(etag);

    const stale = await api(sb, accessToken, 'PATCH', `(${created.id})`, { shipToName: 'Someone else' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toEqual({ error: { code: 'Request_EntityChanged', message: 'Another user has already changed the record.' } });
    expect(await admin(sb, 'documents')).toMatchObject({ creates: 1, updates: 1 });
  });

  it('answers invalid fields with an OData error naming the field', async () => {
    const cases: [Json, number, string, RegExp][] = [
      [{ ...order('SHOP-3'), salesOrderLines: [{ lineObjectNumber: '1896-S', quantity: 'two' }] }, 400, 'BadRequest', /'quantity'/],
      [{ ...order('SHOP-3'), shipVia: 'UPS' }, 400, 'BadRequest', /property 'shipVia' does not exist/],
      [{ ...order('SHOP-3'), totalTaxAmount: 1 }, 400, 'BadRequest_InvalidOperation', /'totalTaxAmount' is read-only/],
      [{ ...order('x'.repeat(36)) }, 400, 'Application_StringExceededLength', /must be less than or equal to 35/],
      [{ ...order('SHOP-3'), currencyCode: 'USD' }, 400, 'Internal_RecordNotFound', /Currency does not exist/],
      [{ externalDocumentNumber: 'SHOP-3' }, 400, 'Application_DialogException', /customerNumber or a customerID/],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await api(sb, accessToken, 'POST', '', body);
      const error = ((await res.json()) as Json).error as Json;
      expect([res.status, error.code]).toEqual([status, code]);
      expect(error.message).toMatch(message);
    }
    expect((await admin(sb, 'documents')).count).toBe(0);
  });

  it('refuses an expired token with 401', async () => {
    await admin(sb, 'knobs', { tokenLifetimeSeconds: 1 });
    const shortLived = await bearer(sb);
    expect((await api(sb, shortLived, 'GET', '')).status).toBe(200);
    await sleep(1100);
    const expired = await api(sb, shortLived, 'GET', '');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as Json).error.code).toBe('Authentication_InvalidCredentials');
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await api(sb, 'made-up', 'GET', '')).status).toBe(401);
  });

  it('answers 429 with Retry-After beyond the concurrency cap', async () => {
    const cap = 2;
    await admin(sb, 'knobs', { concurrency: cap, latencyMs: 300, retryAfterSeconds: 7 });
    const responses = await Promise.all(Array.from({ length: cap + 4 }, () => api(sb, accessToken, 'GET', '')));
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(4);
    expect(refused[0].headers.get('retry-after')).toBe('7');
    expect(((await refused[0].json()) as Json).error.code).toBe('Application_TooManyRequests');
    expect(await admin(sb, 'stats')).toMatchObject({ peakConcurrency: cap, refusedOverCap: 4 });
  });
});
