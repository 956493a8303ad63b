import { randomBytes } from 'node:crypto';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { tbaAuthorizationHeader } from '../../src/adapters/erp/netsuite/tba-signer.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CASH_SALES = '/services/rest/record/v1/cashSale';

async function nsCall(sb: NetSuiteSandbox, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const url = `${sb.url}${path}`;
  const authorization = tbaAuthorizationHeader(sb.credentials, { method, url, nonce: randomBytes(12).toString('hex'), timestamp: Math.floor(Date.now() / 1000) });
  const res = await fetch(url, { method, headers: { authorization, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
}

describe('NetSuite sandbox: cash sales', () => {
  let sb: NetSuiteSandbox;
  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-7': '4' } } });
  });
  afterAll(() => sb.close());

  const sale = (over: Json = {}): Json => ({
    entity: { id: '900' }, currency: { externalId: 'USD' }, tranDate: '2026-12-05', location: { id: '12' }, undepFunds: true,
    item: { items: [{ item: { id: '506' }, quantity: 2, rate: 18, amount: 36, taxCode: { id: '-7' } }] }, ...over,
  });

  it('refuses a cash sale deposited nowhere or leaving no location, and keeps nothing', async () => {
    const noAccount = await nsCall(sb, 'PUT', `${CASH_SALES}/eid:CS-1`, sale({ undepFunds: false }));
    expect([noAccount.status, noAccount.json['o:errorDetails'][0]['o:errorPath']]).toEqual([400, 'account']);
    const { location: _, ...nowhere } = sale();
    const noLocation = await nsCall(sb, 'PUT', `${CASH_SALES}/eid:CS-1`, nowhere);
    expect([noLocation.status, noLocation.json['o:errorDetails'][0]['o:errorPath']]).toEqual([400, 'item.items[0].location']);
    expect(((await (await fetch(`${sb.url}/_sandbox/cash-sales`)).json()) as Json).cashSales).toEqual([]);
  });

  it('upserts by external id, totals as NetSuite does, and reads back by id or key', async () => {
    const first = await nsCall(sb, 'PUT', `${CASH_SALES}/eid:CS-2?replace=item`, sale());
    const again = await nsCall(sb, 'PUT', `${CASH_SALES}/eid:CS-2?replace=item`, sale());
    expect([first.status, again.status]).toEqual([204, 204]);
    const read = await nsCall(sb, 'GET', `${CASH_SALES}/eid:CS-2`);
    expect(read.json).toMatchObject({ externalId: 'CS-2', subtotal: 36, taxTotal: 1.44, total: 37.44, tranId: `CS${read.json.id as string}` });
    expect(((await (await fetch(`${sb.url}/_sandbox/cash-sales`)).json()) as Json).cashSales).toHaveLength(1);
  });
});

describe('Business Central sandbox: sales invoices and customer payments', () => {
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

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${sb.apiUrl}/companies(${sb.companyId})${path}`, {
      method, headers: { authorization: auth, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
  };
  const invoice = (line: Json = {}) => ({
    externalDocumentNumber: 'POS-T-9', customerNumber: '900', invoiceDate: '2026-12-05', currencyCode: '',
    salesInvoiceLines: [{ sequence: 10000, lineType: 'Item', lineObjectNumber: '506', quantity: 2, unitPrice: 18, discountAmount: 2, locationId: '12', ...line }],
  });

  it('refuses an Item line with no location; posts an invoice once; takes payments of its customer up to what it owes, never more', async () => {
    expect((await call('POST', '/salesInvoices', invoice({ locationId: undefined }))).status).toBe(400);
    const created = await call('POST', '/salesInvoices', invoice());
    expect(created.json).toMatchObject({ status: 'Draft', totalAmountIncludingTax: 34 });
    const id = created.json.id as string;
    const journal = await call('POST', '/customerPaymentJournals', { code: 'CS1010', displayName: 'Cash', balancingAccountNumber: '1010' });
    const pay = (amount: number, customerNumber = '900') =>
      call('POST', `/customerPaymentJournals(${journal.json.id as string})/customerPayments`, { customerNumber, amount, appliesToInvoiceId: id, postingDate: '2026-12-05' });
    expect((await pay(-34)).status).toBe(400); // not posted yet
    expect((await call('POST', `/salesInvoices(${id})/Microsoft.NAV.post`)).status).toBe(204);
    expect((await call('POST', `/salesInvoices(${id})/Microsoft.NAV.post`)).status).toBe(400);
    expect((await pay(34)).status).toBe(400);
    expect((await pay(-34, '901')).status).toBe(400);
    expect((await pay(-20)).status).toBe(201);
    expect((await pay(-14.01)).status).toBe(400);
    expect((await pay(-14)).status).toBe(201);
    const listed = ((await (await fetch(`${sb.url}/_sandbox/sales-invoices`)).json()) as Json).salesInvoices as Json[];
    expect(listed.map((i) => [i.status, i.posts, i.payments.map((p: Json) => p.amount)])).toEqual([['Open', 1, [-20, -14]]]);
  });
});
