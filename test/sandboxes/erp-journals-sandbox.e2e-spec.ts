import { randomBytes } from 'node:crypto';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { tbaAuthorizationHeader } from '../../src/adapters/erp/netsuite/tba-signer.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const JOURNALS = '/services/rest/record/v1/journalEntry';

/** A real HTTP call, signed as a NetSuite client signs it. */
async function nsCall(sb: NetSuiteSandbox, method: string, path: string, body?: unknown): Promise<{ status: number; location: string | null; json: Json }> {
  const url = `${sb.url}${path}`;
  const authorization = tbaAuthorizationHeader(sb.credentials, { method, url, nonce: randomBytes(12).toString('hex'), timestamp: Math.floor(Date.now() / 1000) });
  const res = await fetch(url, { method, headers: { authorization, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, location: res.headers.get('location'), json: text ? (JSON.parse(text) as Json) : {} };
}

describe('NetSuite sandbox: journal entries', () => {
  let sb: NetSuiteSandbox;
  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ port: 0 });
  });
  afterAll(() => sb.close());

  const body = (credit: number) => ({
    subsidiary: { id: '1' }, currency: { externalId: 'EUR' }, tranDate: '2026-03-17',
    line: { items: [{ account: { id: '1090' }, debit: 48.29 }, { account: { id: '4000' }, credit }] },
  });

  it('refuses an unbalanced journal in its error shape and keeps nothing; upserts a balanced one by external id', async () => {
    const refused = await nsCall(sb, 'PUT', `${JOURNALS}/eid:J-1`, body(48.3));
    expect(refused.status).toBe(400);
    expect(refused.json['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'line' });
    expect(refused.json['o:errorDetails'][0].detail).toContain('out of balance');
    expect(((await (await fetch(`${sb.url}/_sandbox/journals`)).json()) as Json).journalEntries).toEqual([]);

    const first = await nsCall(sb, 'PUT', `${JOURNALS}/eid:J-1?replace=line`, body(48.29));
    const again = await nsCall(sb, 'PUT', `${JOURNALS}/eid:J-1?replace=line`, body(48.29));
    expect([first.status, again.status]).toEqual([204, 204]);
    expect(again.location).toBe(first.location);
    const read = await nsCall(sb, 'GET', `${JOURNALS}/eid:J-1?expandSubResources=true`);
    expect(read.json).toMatchObject({ externalId: 'J-1', total: 48.29 });
    expect(read.json.line.items).toHaveLength(2);
  });
});

describe('Business Central sandbox: general journals', () => {
  let sb: BusinessCentralSandbox;
  let auth: string;
  beforeAll(async () => {
    sb = await startBusinessCentralSandbox({ port: 0 });
    const token = await fetch(sb.tokenUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.credentials.clientId, client_secret: sb.credentials.clientSecret, scope: sb.scope }),
    });
    auth = `Bearer ${((await token.json()) as Json).access_token as string}`;
  });
  afterAll(() => sb.close());

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${sb.apiUrl}/companies(${sb.companyId})/${path}`, {
      method, headers: { authorization: auth, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
  };

  it('refuses to post a document out of balance, then posts it balanced into G/L entries and empties the batch', async () => {
    const journal = await api('POST', 'journals', { code: 'S1', displayName: 'settlement' });
    expect(journal.status).toBe(201);
    const line = (accountNumber: string, amount: number) => api('POST', `journals(${journal.json.id as string})/journalLines`, { accountType: 'G/L Account', accountNumber, documentNumber: 'S1', postingDate: '2026-03-17', amount });
    expect((await line('1090', 48.29)).status).toBe(201);
    const credit = await line('4000', -48.3);
    const post = () => api('POST', `journals(${journal.json.id as string})/Microsoft.NAV.post`);
    const refused = await post();
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'Application_DialogException' });
    expect(refused.json.error.message).toContain('Document No. S1 is out of balance by -0.01');
    expect((await api('DELETE', `journals(${journal.json.id as string})/journalLines(${credit.json.id as string})`)).status).toBe(204);
    await line('4000', -48.29);
    expect((await post()).status).toBe(204);
    const entries = await api('GET', `generalLedgerEntries?$filter=${encodeURIComponent("documentNumber eq 'S1'")}`);
    expect(entries.json.value.map((e: Json) => [e.accountNumber, e.debitAmount, e.creditAmount])).toEqual([['1090', 48.29, 0], ['4000', 0, 48.29]]);
    expect((await api('GET', `journals(${journal.json.id as string})/journalLines`)).json.value).toEqual([]);
  });
});
