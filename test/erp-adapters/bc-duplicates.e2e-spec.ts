import { BusinessCentralAdapter } from '../../src/adapters/erp/dynamics365-bc/index.js';
import type { ErpCallContext, ErpConnection, SalesOrderDocument } from '../../src/adapters/erp/erp-adapter.port.js';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { rejection } from '../support/erp-errors.js';
import { erpSandboxAdmin, resetSandbox } from '../support/sandbox-admin.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const usd = (amount: bigint) => ({ amount, currency: 'USD' });
const ctx: ErpCallContext = { idempotencyKey: 'scan-1' };

const doc = (externalId: string): SalesOrderDocument => ({
  externalId, channelOrderNumber: '#2001', placedAt: '2026-11-27T15:04:05.000Z', currency: 'USD', customerId: '10000',
  subsidiaryId: null, locationId: null, shipping: usd(0n), shippingTaxCode: null, grandTotal: usd(3000n), memo: null,
  lines: [{ lineRef: 'L1', itemId: '1896-S', description: 'Tabs', quantity: 3, unitPrice: usd(1000n), discount: usd(0n), tax: usd(0n), taxCode: null, locationId: null }],
});

/** What the duplicate scan reads and deletes: every order under one key, which were posted from, and a guarded DELETE. */
describe('BusinessCentralAdapter: documents sharing one key', () => {
  let sb: BusinessCentralSandbox;
  let accessToken: string;
  const raw = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${sb.apiUrl}/companies(${sb.companyId})${path}`, {
      method, headers: { authorization: `Bearer ${accessToken}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const connection = (): ErpConnection => ({
    targetId: 'bc-e2e', variant: 'dynamics365-bc', baseUrl: sb.url, timeoutMs: 5000,
    credentials: { tenantId: sb.credentials.tenantId, environment: sb.environment, companyId: sb.companyId, clientId: sb.credentials.clientId, clientSecret: sb.credentials.clientSecret },
  });

  beforeAll(async () => {
    sb = await startBusinessCentralSandbox({ port: 0 });
    const res = await fetch(sb.tokenUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.credentials.clientId, client_secret: sb.credentials.clientSecret, scope: sb.scope }),
    });
    accessToken = ((await res.json()) as Json).access_token as string;
  });
  afterAll(() => sb.close());
  beforeEach(() => resetSandbox(sb, { lateCommitMs: 0 }));

  it('lists every copy with its total and whether it was posted from, deletes an unposted one and cannot delete a shipped one', async () => {
    const bc = new BusinessCentralAdapter(connection());
    const first = await bc.upsertSalesOrder(doc('SHOPIFY-2001'), ctx);
    const body = { externalDocumentNumber: 'SHOPIFY-2001', customerNumber: '10000', salesOrderLines: [{ lineType: 'Item', lineObjectNumber: '1896-S', quantity: 3, unitPrice: 10 }] };
    const second = (await (await raw('POST', '/salesOrders', body)).json()) as Json;
    const shipped = (await (await raw('POST', '/salesOrders?$expand=salesOrderLines', body)).json()) as Json;
    const line = shipped.salesOrderLines[0] as Json;
    expect((await raw('PATCH', `/salesOrders(${shipped.id})/salesOrderLines(${line.id})`, { shipQuantity: 1 }, { 'if-match': line['@odata.etag'] })).status).toBe(200);
    expect((await raw('POST', `/salesOrders(${shipped.id})/Microsoft.NAV.shipAndInvoice`)).status).toBe(204);

    const copies = await bc.listSalesOrders('SHOPIFY-2001', ctx);
    expect(copies.map((c) => [c.internalId, c.posted, c.erpTotal])).toEqual([
      [first.internalId, false, usd(3000n)], [second.id, false, usd(3000n)], [shipped.id, true, usd(3000n)],
    ]);
    expect(copies.every((c) => typeof c.etag === 'string' && c.etag.startsWith('W/"'))).toBe(true);

    await bc.deleteSalesOrder(copies[1], ctx);
    // Deleting one already gone is no error: a scan that lost its answer may ask twice.
    await bc.deleteSalesOrder(copies[1], ctx);
    const refused = await rejection(bc.deleteSalesOrder(copies[2], ctx));
    expect(refused.kind).toBe('PERMANENT');
    expect(refused.message).toMatch(/partly shipped/);
    // A stale etag (the order changed since it was listed) is refused, never deleted blindly.
    expect((await raw('PATCH', `/salesOrders(${first.internalId})`, { orderDate: '2026-11-28' }, { 'if-match': copies[0].etag! })).status).toBe(200);
    const stale = await rejection(bc.deleteSalesOrder(copies[0], ctx));
    expect(stale.kind).not.toBe('PERMANENT');

    const docs = await erpSandboxAdmin(sb, 'documents');
    expect(docs.documents.map((d: Json) => d.id)).toEqual([first.internalId, shipped.id]);
  });
});
