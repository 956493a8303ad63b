import { setTimeout as sleep } from 'node:timers/promises';
import { jest } from '@jest/globals';
import { BusinessCentralAdapter, type BusinessCentralAdapterDeps } from '../../src/adapters/erp/dynamics365-bc/index.js';
import { DeliveryError, type ErpConnection, type SalesOrderDocument, type SalesOrderLine } from '../../src/adapters/erp/erp-adapter.port.js';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { rejection } from '../support/erp-errors.js';
import { erpSandboxAdmin, resetSandbox } from '../support/sandbox-admin.js';
import { withChannelTotal } from '../support/channel-total.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const usd = (amount: bigint) => ({ amount, currency: 'USD' });
const jpy = (amount: bigint) => ({ amount, currency: 'JPY' });
const ctx = { idempotencyKey: 'e2e' };

const line = (over: Partial<SalesOrderLine> = {}): SalesOrderLine => ({
  lineRef: 'L1', itemId: '1896-S', description: 'Merino crew, navy, M', quantity: 2,
  unitPrice: usd(8900n), discount: usd(1319n), tax: usd(1648n), taxCode: 'TAXABLE', locationId: null, ...over,
});

/** 2 × 89.00 less 13.19 (taxable), 1 × 24.50 less 1.81, shipping 9.95. */
const order = (externalId: string, over: Partial<SalesOrderDocument> = {}): SalesOrderDocument => withChannelTotal({
  externalId,
  channelOrderNumber: '#1001',
  placedAt: '2026-11-27T15:04:05.000Z',
  currency: 'USD',
  customerId: '10000',
  subsidiaryId: null,
  locationId: null,
  lines: [
    line(),
    line({ lineRef: 'L2', itemId: '1900-S', description: 'Trail socks, 3 pack', quantity: 1, unitPrice: usd(2450n), discount: usd(181n), tax: usd(0n), taxCode: null }),
  ],
  shipping: usd(995n),
  shippingTaxCode: null,
  grandTotal: usd(21393n),
  memo: null,
  ...over,
});

/** Business Central's adapter against the sandbox: the sandbox's /_sandbox endpoints are the judge. */
describe('BusinessCentralAdapter against the Business Central sandbox', () => {
  let sb: BusinessCentralSandbox;
  /** Every bearer token the adapters sent, and everything written to stdout / stderr: no secret may show up there. */
  const sentTokens = new Set<string>();
  const output: string[] = [];
  const writes: jest.Spied<typeof process.stdout.write>[] = [];

  const admin = (path: string, body?: object): Promise<Json> => erpSandboxAdmin(sb, path, body);
  const documents = (): Promise<Json> => admin('documents');
  const stats = (): Promise<Json> => admin('stats');
  const tokenRequests = async (): Promise<number> => {
    const s = await stats();
    return s.requests - s.apiRequests;
  };

  const recordingFetch = (inner: typeof fetch = fetch): typeof fetch =>
    (async (input: string | URL | Request, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('authorization');
      if (auth?.startsWith('Bearer ')) sentTokens.add(auth.slice(7));
      return inner(input, init);
    }) as typeof fetch;

  const connection = (over: { credentials?: Record<string, string>; timeoutMs?: number } = {}): ErpConnection => ({
    targetId: 'bc-e2e',
    variant: 'dynamics365-bc',
    baseUrl: sb.url,
    credentials: {
      tenantId: sb.credentials.tenantId,
      environment: sb.environment,
      companyId: sb.companyId,
      clientId: sb.credentials.clientId,
      clientSecret: sb.credentials.clientSecret,
      localCurrency: 'USD',
      shippingAccountNumber: '40250',
      // These orders follow BC computing the tax from the lines' codes (issue 11's ERP_CALCULATES).
      taxMode: 'ERP_CALCULATES',
      ...over.credentials,
    },
    timeoutMs: over.timeoutMs ?? 5000,
  });
  const adapter = (over: { credentials?: Record<string, string>; timeoutMs?: number } = {}, deps: BusinessCentralAdapterDeps = {}): BusinessCentralAdapter =>
    new BusinessCentralAdapter(connection(over), { ...deps, fetch: recordingFetch(deps.fetch) });

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      writes.push(jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        output.push(String(chunk));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write));
    }
    sb = await startBusinessCentralSandbox({ port: 0, taxRates: { TAXABLE: 10 } });
  });

  afterAll(async () => {
    await sb?.close();
    for (const spy of writes) spy.mockRestore();
    const printed = output.join('');
    expect(sentTokens.size).toBeGreaterThan(0);
    for (const token of sentTokens) expect(printed).not.toContain(token);
    expect(printed).not.toContain('sandbox-client-secret');
  });

  beforeEach(async () => {
    await resetSandbox(sb, {
      concurrency: 15, latencyMs: 0, errorRate: 0, rate429: 0, commitTimeoutRate: 0, commitTimeoutMode: 'destroy',
      tokenLifetimeSeconds: 3599, retryAfterSeconds: 1, unknownCustomers: [], unknownItems: [],
    });
  });

  it('creates one order by deep insert with its lines, quantities, prices, currency and externalDocumentNumber', async () => {
    const bc = adapter();
    const ref = await bc.upsertSalesOrder(order('shopify-6012345678901234567'), ctx);
    // BC's own total (read-only totalAmountIncludingTax, in the deep insert's answer) beside the document's.
    expect(ref).toEqual({ internalId: expect.stringMatching(/^[0-9a-f-]{36}$/), documentNumber: 'S-ORD101001', erpTotal: usd(21393n), expectedTotal: usd(21393n) });

    const docs = await documents();
    expect(docs).toMatchObject({ count: 1, creates: 1, updates: 0, duplicateKeys: [] });
    const [stored] = docs.documents;
    expect(stored).toMatchObject({ id: ref.internalId, key: 'SHOPIFY-6012345678901234567' });
    expect(stored.document).toMatchObject({
      number: 'S-ORD101001', externalDocumentNumber: 'SHOPIFY-6012345678901234567', customerNumber: '10000',
      currencyCode: '', orderDate: '2026-11-27',
      // 2 × 89.00 − 13.19 + 24.50 − 1.81 + 9.95, and BC's 10 % on the taxable line.
      totalAmountExcludingTax: 197.45, totalTaxAmount: 16.48, totalAmountIncludingTax: 213.93,
    });
    expect(stored.document.salesOrderLines.map((l: Json) => [l.lineType, l.lineObjectNumber, l.description, l.quantity, l.unitPrice, l.discountAmount, l.taxCode, l.amountExcludingTax]))
      .toEqual([
        ['Item', '1896-S', 'Merino crew, navy, M', 2, 89, 13.19, 'TAXABLE', 164.81],
        ['Item', '1900-S', 'Trail socks, 3 pack', 1, 24.5, 1.81, '', 22.69],
        ['Account', '40250', 'Shipping', 1, 9.95, 0, '', 9.95],
      ]);
  });

  it('posts a foreign-currency JPY order with its code and whole-yen prices', async () => {
    const ref = await adapter().upsertSalesOrder(order('SHOPIFY-JPY-1', {
      currency: 'JPY',
      lines: [line({ quantity: 3, unitPrice: jpy(1990n), discount: jpy(597n), tax: jpy(0n), taxCode: null })],
      shipping: jpy(500n),
      grandTotal: jpy(5873n),
    }), ctx);
    const [stored] = (await documents()).documents;
    expect(stored.id).toBe(ref.internalId);
    expect(stored.document).toMatchObject({ currencyCode: 'JPY', totalAmountExcludingTax: 5873 });
    expect(stored.document.salesOrderLines.map((l: Json) => [l.quantity, l.unitPrice, l.discountAmount])).toEqual([[3, 1990, 597], [1, 500, 0]]);
  });

  it('creates nothing new on a second upsert with the same key, whatever its case', async () => {
    const bc = adapter();
    const first = await bc.upsertSalesOrder(order('SHOPIFY-1001'), ctx);
    const again = await bc.upsertSalesOrder(order('SHOPIFY-1001'), ctx);
    const lower = await adapter().upsertSalesOrder(order('shopify-1001'), ctx);
    expect(again).toEqual(first);
    expect(lower).toEqual(first);
    expect(await documents()).toMatchObject({ count: 1, creates: 1, updates: 0 });
  });

  it('finds an order by its key, and null for a key it does not carry', async () => {
    const bc = adapter();
    expect(await bc.findSalesOrder('SHOPIFY-404', ctx)).toBeNull();
    const created = await bc.upsertSalesOrder(order('SHOPIFY-2002'), ctx);
    // A look-up knows BC's total, not the document's.
    const withoutExpected = { ...created, expectedTotal: undefined };
    expect(await bc.findSalesOrder('SHOPIFY-2002', ctx)).toEqual(withoutExpected);
    expect(await bc.findSalesOrder('shopify-2002', ctx)).toEqual(withoutExpected);
    expect(await bc.findSalesOrder('SHOPIFY-200', ctx)).toBeNull();
  });

  it('quotes keys for $filter and shortens keys beyond 35 characters the same way in create and find', async () => {
    const bc = adapter();
    const quoted = "SHOPIFY-O'NEIL #7 & 50%+1";
    const long = 'SHOPIFY-example-store.myshopify.com-5012345678901234567';
    const a = await bc.upsertSalesOrder(order(quoted), ctx);
    const b = await bc.upsertSalesOrder(order(long), ctx);
    expect(await bc.findSalesOrder(quoted, ctx)).toEqual({ ...a, expectedTotal: undefined });
    expect(await bc.findSalesOrder(long, ctx)).toEqual({ ...b, expectedTotal: undefined });
    expect(await bc.upsertSalesOrder(order(long), ctx)).toEqual(b);
    const docs = await documents();
    expect(docs.count).toBe(2);
    expect(docs.documents.map((d: Json) => d.key)).toEqual(expect.arrayContaining([
      "SHOPIFY-O'NEIL #7 & 50%+1", expect.stringMatching(/^SHOPIFY-EXAMPLE-ST~[0-9A-F]{16}$/),
    ]));
  });

  it('patches changed header fields with If-Match, and refuses changed lines as PERMANENT', async () => {
    const bc = adapter();
    const created = await bc.upsertSalesOrder(order('SHOPIFY-3003'), ctx);
    const moved = await bc.upsertSalesOrder(order('SHOPIFY-3003', { placedAt: '2026-11-28T09:00:00.000Z' }), ctx);
    expect(moved).toEqual(created);
    let docs = await documents();
    expect(docs).toMatchObject({ count: 1, creates: 1, updates: 1 });
    expect(docs.documents[0].document.orderDate).toBe('2026-11-28');

    const changed = order('SHOPIFY-3003', { placedAt: '2026-11-28T09:00:00.000Z', lines: [line({ quantity: 5 })] });
    const error = await rejection(bc.upsertSalesOrder(changed, ctx));
    expect(error).toMatchObject({ kind: 'PERMANENT', details: { code: 'LINES_CHANGED' } });
    expect(error.message).toContain('S-ORD101001');
    expect(error.message).toContain('the order has 3 lines, the hub has 2');
    docs = await documents();
    expect(docs).toMatchObject({ count: 1, creates: 1, updates: 1 });
  });

  it('answers a stale etag (412) as RETRYABLE, and the next attempt succeeds', async () => {
    const bc = adapter();
    await bc.upsertSalesOrder(order('SHOPIFY-4004'), ctx);
    let interfered = false;
    // Someone else changes the order between our read and our PATCH.
    const racing = (async (input: string | URL | Request, init?: RequestInit) => {
      if (init?.method === 'PATCH' && !interfered) {
        interfered = true;
        await fetch(String(input), { method: 'PATCH', headers: { ...(init.headers as Record<string, string>), 'if-match': '*' }, body: '{"shipToName":"Someone else"}' });
      }
      return fetch(input, init);
    }) as typeof fetch;
    const raced = adapter({}, { fetch: racing });
    const moved = order('SHOPIFY-4004', { placedAt: '2026-11-29T09:00:00.000Z' });
    const error = await rejection(raced.upsertSalesOrder(moved, ctx));
    expect(error).toMatchObject({ kind: 'RETRYABLE', details: { status: 412, code: 'Request_EntityChanged' } });
    await raced.upsertSalesOrder(moved, ctx);
    const [stored] = (await documents()).documents;
    expect(stored).toMatchObject({ creates: 1, updates: 2, document: { orderDate: '2026-11-29', shipToName: 'Someone else' } });
  });

  it('fetches the token once and reuses it across calls', async () => {
    const bc = adapter();
    await Promise.all([bc.findSalesOrder('SHOPIFY-1', ctx), bc.findSalesOrder('SHOPIFY-2', ctx), bc.findSalesOrder('SHOPIFY-3', ctx)]);
    await bc.upsertSalesOrder(order('SHOPIFY-5005'), ctx);
    await bc.upsertSalesOrder(order('SHOPIFY-5005'), ctx);
    await bc.findSalesOrder('SHOPIFY-5005', ctx);
    const s = await stats();
    expect(s.requests - s.apiRequests).toBe(1);
    expect(s.apiRequests).toBe(3 + 2 + 1 + 1);
    expect(s.authFailures).toBe(0);
  });

  it('fetches a new token once the token lifetime has run out', async () => {
    await admin('knobs', { tokenLifetimeSeconds: 1 });
    const bc = adapter();
    await bc.findSalesOrder('SHOPIFY-1', ctx);
    await bc.findSalesOrder('SHOPIFY-1', ctx);
    expect(await tokenRequests()).toBe(1);
    await sleep(1100);
    await bc.findSalesOrder('SHOPIFY-1', ctx);
    expect(await tokenRequests()).toBe(2);
    expect((await stats()).authFailures).toBe(0);
  });

  it('refreshes the token once when Business Central refuses it as expired (401), then succeeds', async () => {
    await admin('knobs', { tokenLifetimeSeconds: 1 });
    // A clock that stands still: the cache believes the token valid, the sandbox has expired it.
    const frozen = Date.now();
    const bc = adapter({}, { now: () => frozen });
    await bc.findSalesOrder('SHOPIFY-1', ctx);
    await sleep(1100);
    const ref = await bc.upsertSalesOrder(order('SHOPIFY-6006'), ctx);
    expect(ref.documentNumber).toBe('S-ORD101001');
    const s = await stats();
    expect(s.authFailures).toBe(1);
    expect(s.requests - s.apiRequests).toBe(2);
    expect((await documents()).count).toBe(1);
  });

  it('answers a bad client secret with AUTH, without the secret or a token in the message', async () => {
    const bc = adapter({ credentials: { clientSecret: 'not-the-secret' } });
    const error = await rejection(bc.upsertSalesOrder(order('SHOPIFY-7007'), ctx));
    expect(error).toMatchObject({ kind: 'AUTH', details: { status: 401, code: 'invalid_client' } });
    expect(error.message).toMatch(/AADSTS7000215: Invalid client secret provided/);
    expect(error.message).not.toContain('not-the-secret');
    expect((await documents()).count).toBe(0);
    expect((await stats()).apiRequests).toBe(0);
  });

  it('answers missing configuration with AUTH before sending anything', async () => {
    const error = await rejection(adapter({ credentials: { companyId: '' } }).findSalesOrder('SHOPIFY-1', ctx));
    expect(error).toMatchObject({ kind: 'AUTH', details: { code: 'INVALID_CONFIGURATION' } });
    expect(error.message).toContain('companyId');
    expect((await stats()).requests).toBe(0);
  });

  it('answers the 429 knob with RETRYABLE and Retry-After as retryAfterMs', async () => {
    await admin('knobs', { rate429: 1, retryAfterSeconds: 3 });
    const error = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-8008'), ctx));
    expect(error).toMatchObject({ kind: 'RETRYABLE', details: { status: 429, code: 'Application_TooManyRequests', retryAfterMs: 3000 } });
    expect((await documents()).count).toBe(0);
  });

  it('answers requests over the concurrency cap with RETRYABLE and retryAfterMs, and never duplicates', async () => {
    await admin('knobs', { concurrency: 1, latencyMs: 200, retryAfterSeconds: 2 });
    const bc = adapter();
    await bc.findSalesOrder('warm-up-the-token', ctx);
    const keys = ['SHOPIFY-9001', 'SHOPIFY-9002', 'SHOPIFY-9003', 'SHOPIFY-9004'];
    const results = await Promise.allSettled(keys.map((key) => bc.upsertSalesOrder(order(key), ctx)));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    expect(refused.length).toBeGreaterThan(0);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(DeliveryError);
      expect(reason).toMatchObject({ kind: 'RETRYABLE', details: { status: 429, code: 'Application_TooManyRequests', retryAfterMs: 2000 } });
    }
    const posted = results.filter((r) => r.status === 'fulfilled').length;
    expect(posted).toBeGreaterThan(0);
    expect(await documents()).toMatchObject({ count: posted, creates: posted, duplicateKeys: [] });
    expect((await stats()).peakConcurrency).toBe(1);
  });

  it('answers a 5xx with RETRYABLE', async () => {
    await admin('knobs', { errorRate: 1 });
    const error = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-5000'), ctx));
    expect(error).toMatchObject({ kind: 'RETRYABLE', details: { status: 500, code: 'Internal_ServerError' } });
  });

  it('answers commit-then-timeout with AMBIGUOUS; findSalesOrder then finds the committed order', async () => {
    await admin('knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'delay', commitTimeoutDelayMs: 2000 });
    const bc = adapter({ timeoutMs: 300 });
    const error = await rejection(bc.upsertSalesOrder(order('SHOPIFY-10010'), ctx));
    expect(error).toMatchObject({ kind: 'AMBIGUOUS', details: { code: 'TIMEOUT' } });
    expect(error.message).toMatch(/within 300 ms after the request was sent/);
    expect((await documents()).count).toBe(1);

    const found = await bc.findSalesOrder('SHOPIFY-10010', ctx);
    expect(found).toEqual({ internalId: (await documents()).documents[0].id, documentNumber: 'S-ORD101001', erpTotal: usd(21393n) });
    // Sending again (still under the fault) finds it first and writes nothing.
    expect(await bc.upsertSalesOrder(order('SHOPIFY-10010'), ctx)).toEqual({ ...found, expectedTotal: usd(21393n) });
    expect(await documents()).toMatchObject({ count: 1, creates: 1, updates: 0 });
  });

  it('answers a connection cut after the commit with AMBIGUOUS too', async () => {
    await admin('knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'destroy' });
    const bc = adapter();
    const error = await rejection(bc.upsertSalesOrder(order('SHOPIFY-11011'), ctx));
    expect(error.kind).toBe('AMBIGUOUS');
    await admin('knobs', { commitTimeoutRate: 0 });
    expect(await bc.findSalesOrder('SHOPIFY-11011', ctx)).toMatchObject({ documentNumber: 'S-ORD101001' });
    expect((await documents()).count).toBe(1);
  });

  it('answers an unknown customer or item with MISSING_DEPENDENCY, and posts once it exists', async () => {
    await admin('knobs', { unknownCustomers: ['C-NEW'], unknownItems: ['SKU-NEW'] });
    const bc = adapter();
    const customer = await rejection(bc.upsertSalesOrder(order('SHOPIFY-12012', { customerId: 'c-new' }), ctx));
    expect(customer).toMatchObject({ kind: 'MISSING_DEPENDENCY', details: { status: 400, code: 'Internal_RecordNotFound', field: 'Customer' } });
    expect(customer.message).toBe("The Customer does not exist. Identification fields and values: No.='C-NEW'");
    const item = await rejection(bc.upsertSalesOrder(order('SHOPIFY-12012', { lines: [line({ itemId: 'sku-new' })] }), ctx));
    expect(item).toMatchObject({ kind: 'MISSING_DEPENDENCY', details: { field: 'Item' } });
    expect((await documents()).count).toBe(0);

    await admin('knobs', { unknownCustomers: [], unknownItems: [] });
    await bc.upsertSalesOrder(order('SHOPIFY-12012', { customerId: 'c-new' }), ctx);
    await bc.upsertSalesOrder(order('SHOPIFY-12012', { customerId: 'c-new' }), ctx);
    expect(await documents()).toMatchObject({ count: 1, creates: 1 });
  });

  it('answers an invalid field with PERMANENT and the ERP message', async () => {
    const bc = adapter();
    const tooLong = await rejection(bc.upsertSalesOrder(order('SHOPIFY-13013', { lines: [line({ itemId: 'X'.repeat(25) })] }), ctx));
    expect(tooLong).toMatchObject({ kind: 'PERMANENT', details: { status: 400, code: 'Application_StringExceededLength' } });
    expect(tooLong.message).toBe(`The length of the string is 25, but it must be less than or equal to 20 characters. Value: ${'X'.repeat(25)}`);

    const wrongEnvironment = await rejection(adapter({ credentials: { environment: 'production' } }).findSalesOrder('SHOPIFY-13013', ctx));
    expect(wrongEnvironment).toMatchObject({ kind: 'PERMANENT', details: { status: 404, code: 'BadRequest_ResourceNotFound' } });
    expect((await documents()).count).toBe(0);
  });
});
