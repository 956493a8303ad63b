import { randomBytes } from 'node:crypto';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { tbaAuthorizationHeader } from '../../src/adapters/erp/netsuite/tba-signer.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RECORDS = '/services/rest/record/v1';

/** A real HTTP call, signed as a NetSuite client signs it. */
async function call(sb: NetSuiteSandbox, method: string, path: string, body?: unknown): Promise<{ status: number; location: string | null; json: Json }> {
  const url = `${sb.url}${path}`;
  const authorization = tbaAuthorizationHeader(sb.credentials, { method, url, nonce: randomBytes(12).toString('hex'), timestamp: Math.floor(Date.now() / 1000) });
  const res = await fetch(url, { method, headers: { authorization, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, location: res.headers.get('location'), json: text ? (JSON.parse(text) as Json) : {} };
}

const idOf = (location: string | null): string => /\/(\d+)$/.exec(location ?? '')![1];
const errorOf = (json: Json): { code: string; path?: string; detail: string } =>
  ({ code: json['o:errorDetails'][0]['o:errorCode'], path: json['o:errorDetails'][0]['o:errorPath'], detail: json['o:errorDetails'][0].detail });

describe('NetSuite sandbox: return authorization, item receipt, credit memo', () => {
  let sb: NetSuiteSandbox;
  let orderId: string;

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '201': '4' } } });
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST' });
    const put = await call(sb, 'PUT', `${RECORDS}/salesOrder/eid:SO-1`, {
      entity: { id: '107' }, currency: { externalId: 'USD' }, tranDate: '2026-11-20',
      item: { items: [{ item: { id: '1996' }, quantity: 2, rate: 89, amount: 164.81 }, { item: { id: '1997' }, quantity: 1, rate: 24.5 }] },
    });
    expect(put.status).toBe(204);
    orderId = idOf(put.location);
  });

  const authorize = (body: Json, query = '?replace=item') => call(sb, 'POST', `${RECORDS}/salesOrder/${orderId}/!transform/returnAuthorization${query}`, body);
  const fromRa = (raId: string, to: string, body: Json, query = '') => call(sb, 'POST', `${RECORDS}/returnAuthorization/${raId}/!transform/${to}${query}`, body);

  it('chains RA → item receipt → credit memo, totals the memo and moves the RA to Refunded', async () => {
    const ra = await authorize({ externalId: 'C-RA', tranDate: '2026-11-22', item: { items: [{ orderLine: 1, quantity: 1, amount: 82.4 }, { item: { id: '40250' }, quantity: 1, rate: 9.95, amount: 9.95 }] } });
    expect(ra.status).toBe(204);
    const raId = idOf(ra.location);
    expect((await fromRa(raId, 'itemReceipt', { externalId: 'C-IR', item: { items: [{ orderLine: 1, quantity: 1, location: { id: '7' } }, { orderLine: 2, itemReceive: false }] } })).status).toBe(204);
    const cm = await fromRa(raId, 'creditMemo', {
      externalId: 'C-CM', item: { items: [{ orderLine: 1, quantity: 1, rate: 89, amount: 82.4, taxCode: { id: '201' } }, { orderLine: 2, quantity: 1, amount: 9.95 }] },
    }, '?replace=item');
    expect(cm.status).toBe(204);
    const memo = await call(sb, 'GET', `${RECORDS}/creditMemo/eid:C-CM?expandSubResources=true`);
    // 82.40 + 4 % (3.30, rounded half away from zero) + 9.95.
    expect(memo.json).toMatchObject({ id: idOf(cm.location), createdFrom: { id: raId }, entity: { id: '107' }, subtotal: 92.35, taxTotal: 3.3, total: 95.65 });
    const shown = (await (await fetch(`${sb.url}/_sandbox/returns`)).json()) as Json;
    expect(shown.returnAuthorizations[0]).toMatchObject({ externalId: 'C-RA', orderStatus: { id: 'G' }, createdFrom: { id: orderId } });
    expect(shown.returnAuthorizations[0].item.items.map((l: Json) => [l.line, l.quantityReceived ?? 0, l.quantityBilled])).toEqual([[1, 1, 1], [2, 0, 1]]);
    expect(shown.itemReceipts.map((r: Json) => r.externalId)).toEqual(['C-IR']);
  });

  it('pays a credit memo back with a customer refund, upserted by external id, never above what the memo has left', async () => {
    const raId = idOf((await authorize({ externalId: 'R-RA', item: { items: [{ orderLine: 1, quantity: 1, amount: 82.4 }] } })).location);
    const cmId = idOf((await fromRa(raId, 'creditMemo', { externalId: 'R-CM', item: { items: [{ orderLine: 1, quantity: 1, amount: 82.4 }] } }, '?replace=item')).location);
    const refund = { customer: { id: '107' }, account: { id: '1010' }, apply: { items: [{ doc: { id: cmId }, apply: true, amount: 80 }] } };
    expect((await call(sb, 'PUT', `${RECORDS}/customerRefund/eid:R-CR`, refund)).status).toBe(204);
    expect((await call(sb, 'PUT', `${RECORDS}/customerRefund/eid:R-CR`, refund)).status).toBe(204);
    expect((await call(sb, 'GET', `${RECORDS}/creditMemo/${cmId}`)).json.amountRemaining).toBe(2.4);
    expect((await call(sb, 'GET', `${RECORDS}/customerRefund/eid:R-CR`)).json).toMatchObject({ total: 80, customer: { id: '107' } });
    const over = await call(sb, 'PUT', `${RECORDS}/customerRefund/eid:R-CR2`, { ...refund, apply: { items: [{ doc: { id: cmId }, apply: true, amount: 2.5 }] } });
    expect(errorOf(over.json)).toMatchObject({ code: 'USER_ERROR', path: 'apply.items[0].amount' });
    const stranger = await call(sb, 'PUT', `${RECORDS}/customerRefund/eid:R-CR3`, { ...refund, customer: { id: '108' } });
    expect(errorOf(stranger.json)).toMatchObject({ code: 'INVALID_CONTENT', path: 'apply.items[0].doc' });
    expect(errorOf((await call(sb, 'PUT', `${RECORDS}/customerRefund/eid:R-CR4`, { customer: { id: '107' }, apply: refund.apply })).json)).toMatchObject({ path: 'account' });
  });

  it('refuses more units than were sold, then than were authorized, then a second record with the key', async () => {
    const over = await authorize({ externalId: 'X-RA', item: { items: [{ orderLine: 1, quantity: 3 }] } });
    expect(over.status).toBe(400);
    expect(errorOf(over.json)).toMatchObject({ code: 'USER_ERROR', path: 'item.items[0].quantity' });
    expect(errorOf(over.json).detail).toContain('has 2, 3 entered');
    const ra = await authorize({ externalId: 'X-RA', item: { items: [{ orderLine: 1, quantity: 1, amount: 82.4 }] } });
    expect(ra.status).toBe(204);
    // Another authorization of the same line has one unit left.
    expect(errorOf((await authorize({ externalId: 'Y-RA', item: { items: [{ orderLine: 1, quantity: 2 }] } })).json).detail).toContain('has 1, 2 entered');
    expect(errorOf((await authorize({ externalId: 'X-RA', item: { items: [{ orderLine: 1, quantity: 1 }] } })).json).code).toBe('DUP_RCRD');
    const raId = idOf(ra.location);
    expect(errorOf((await fromRa(raId, 'creditMemo', { item: { items: [{ orderLine: 1, quantity: 2 }] } }, '?replace=item')).json).detail).toContain('not yet credited');
    expect(errorOf((await fromRa(raId, 'creditMemo', { item: { items: [{ orderLine: 9, quantity: 1 }] } }, '?replace=item')).json)).toMatchObject({ code: 'INVALID_CONTENT', path: 'item.items[0].orderLine' });
    expect(errorOf((await fromRa(raId, 'itemReceipt', { item: { items: [{ orderLine: 1, quantity: 1 }] } })).json)).toMatchObject({ code: 'USER_ERROR', path: 'item.items[0].location' });
    expect(errorOf((await fromRa(raId, 'creditMemo', { total: 1, item: { items: [{ orderLine: 1, quantity: 1 }] } })).json)).toMatchObject({ path: 'total' });
  });

  it('answers 404 for a return record or source that does not exist, and refuses an order pending approval', async () => {
    expect((await call(sb, 'GET', `${RECORDS}/creditMemo/eid:nope`)).status).toBe(404);
    expect((await call(sb, 'POST', `${RECORDS}/salesOrder/999999/!transform/returnAuthorization`, { item: { items: [] } })).status).toBe(404);
    expect((await fromRa('999999', 'creditMemo', { item: { items: [] } })).status).toBe(404);
    expect((await call(sb, 'PATCH', `${RECORDS}/salesOrder/${orderId}`, { orderStatus: 'A' })).status).toBe(204);
    const refused = await authorize({ item: { items: [{ orderLine: 1, quantity: 1 }] } });
    expect(errorOf(refused.json).detail).toContain('in status A');
  });
});
