import { randomBytes } from 'node:crypto';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { tbaAuthorizationHeader } from '../../src/adapters/erp/netsuite/tba-signer.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function nsCall(sb: NetSuiteSandbox, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  const url = `${sb.url}${path}`;
  const authorization = tbaAuthorizationHeader(sb.credentials, { method, url, nonce: randomBytes(12).toString('hex'), timestamp: Math.floor(Date.now() / 1000) });
  return fetch(url, {
    method, signal,
    headers: { authorization, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function admin(url: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const post = body !== undefined || path === 'reset';
  const res = await fetch(`${url}/_sandbox/${path}`, post ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) } : {});
  return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Json) };
}

const nsOrder = (externalId: string): Json => ({ externalId, entity: { id: '107' }, item: { items: [{ item: { id: '501' }, quantity: 1, rate: 10 }] } });

describe('sandbox faults and admin endpoints', () => {
  let ns: NetSuiteSandbox;
  let bc: BusinessCentralSandbox;

  beforeAll(async () => {
    [ns, bc] = await Promise.all([startNetSuiteSandbox({ port: 0 }), startBusinessCentralSandbox({ port: 0 })]);
  });
  afterAll(() => Promise.all([ns.close(), bc.close()]));
  beforeEach(async () => {
    for (const sb of [ns, bc]) {
      await admin(sb.url, 'reset');
      await admin(sb.url, 'knobs', { errorRate: 0, rate429: 0, commitTimeoutRate: 0, commitTimeoutMode: 'destroy', seed: 1 });
    }
  });

  it('commit then time out (socket destroyed): the client sees no response, the document exists', async () => {
    await admin(ns.url, 'knobs', { commitTimeoutRate: 1 });
    await expect(nsCall(ns, 'PUT', '/services/rest/record/v1/salesOrder/eid:CT-1', nsOrder('CT-1'))).rejects.toThrow();
    const docs = (await admin(ns.url, 'documents')).body;
    expect(docs).toMatchObject({ count: 1, documents: [{ key: 'CT-1', creates: 1, updates: 0 }] });
    expect((await admin(ns.url, 'stats')).body).toMatchObject({ faults: { commitTimeout: 1 }, inFlight: 0 });
    // Reads are never withheld: the ambiguous write can be looked up by its natural key.
    expect((await nsCall(ns, 'GET', '/services/rest/record/v1/salesOrder/eid:CT-1')).status).toBe(200);
  });

  it('commit then time out (answer delayed past the client timeout): the document exists', async () => {
    await admin(bc.url, 'knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'delay', commitTimeoutDelayMs: 2000 });
    const tokenBody = new URLSearchParams({ grant_type: 'client_credentials', client_id: bc.credentials.clientId, client_secret: bc.credentials.clientSecret, scope: bc.scope });
    const { access_token: accessToken } = (await (await fetch(bc.tokenUrl, { method: 'POST', body: tokenBody })).json()) as Json;
    const post = fetch(`${bc.apiUrl}/companies(${bc.companyId})/salesOrders`, {
      method: 'POST',
      signal: AbortSignal.timeout(300),
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalDocumentNumber: 'CT-2', customerNumber: '10000', salesOrderLines: [{ lineObjectNumber: '1896-S', quantity: 1, unitPrice: 5 }] }),
    });
    await expect(post).rejects.toThrow();
    expect((await admin(bc.url, 'documents')).body).toMatchObject({ count: 1, documents: [{ key: 'CT-2', creates: 1 }] });
    // The slot was given back at commit: a retry right away is not refused over the cap.
    expect((await admin(bc.url, 'stats')).body).toMatchObject({ inFlight: 0, faults: { commitTimeout: 1 } });
  });

  it('injects 5xx and 429 before anything is stored, in the vendor format', async () => {
    await admin(ns.url, 'knobs', { errorRate: 1 });
    const failed = await nsCall(ns, 'PUT', '/services/rest/record/v1/salesOrder/eid:F-1', nsOrder('F-1'));
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as Json)['o:errorDetails'][0]['o:errorCode']).toBe('UNEXPECTED_ERROR');
    await admin(ns.url, 'knobs', { errorRate: 0, rate429: 1 });
    const throttled = await nsCall(ns, 'PUT', '/services/rest/record/v1/salesOrder/eid:F-1', nsOrder('F-1'));
    expect(throttled.status).toBe(429);
    expect((await admin(ns.url, 'documents')).body.count).toBe(0);
    expect((await admin(ns.url, 'stats')).body.faults).toEqual({ serverError: 1, throttled: 1, commitTimeout: 0 });
  });

  it('draws the same faults for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      await admin(ns.url, 'knobs', { errorRate: 0.3, rate429: 0.2, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await nsCall(ns, 'GET', '/services/rest/record/v1/salesOrder/eid:none')).status);
      return statuses;
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set([404, 429, 500]));
    expect(await run()).toEqual(first);
  });

  it('validates knobs and resets documents and statistics', async () => {
    expect((await admin(ns.url, 'knobs', { errorRate: 2 })).status).toBe(400);
    expect((await admin(ns.url, 'knobs', { bogus: 1 })).status).toBe(400);
    expect((await admin(ns.url, 'knobs', { latencyMs: '5-10' })).body.latencyMs).toEqual([5, 10]);
    await nsCall(ns, 'PUT', '/services/rest/record/v1/salesOrder/eid:R-1', nsOrder('R-1'));
    expect((await admin(ns.url, 'documents')).body.count).toBe(1);
    await admin(ns.url, 'reset');
    expect((await admin(ns.url, 'documents')).body.count).toBe(0);
    expect((await admin(ns.url, 'stats')).body).toMatchObject({ requests: 0, apiRequests: 0, knobs: { latencyMs: [5, 10] } });
  });
});
