import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { type ErpCallContext, type ErpConnection, type SalesOrderDocument, type SalesOrderLine } from '../../src/adapters/erp/erp-adapter.port.js';
import { NetSuiteAdapter, type NetSuiteAdapterOptions } from '../../src/adapters/erp/netsuite/index.js';
import { rejection } from '../support/erp-errors.js';
import { erpSandboxAdmin, resetSandbox } from '../support/sandbox-admin.js';
import { withChannelTotal } from '../support/channel-total.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CURRENCIES = { currencyIds: { USD: '1', JPY: '4' } };
const ctx: ErpCallContext = { idempotencyKey: 'posting-1:1' };
const usd = (amount: bigint) => ({ amount, currency: 'USD' });
const jpy = (amount: bigint) => ({ amount, currency: 'JPY' });

const line = (over: Partial<SalesOrderLine> = {}): SalesOrderLine => ({
  lineRef: 'L1', itemId: '501', description: 'Merino crew, navy, M', quantity: 2,
  unitPrice: usd(8900n), discount: usd(1319n), tax: usd(1325n), taxCode: '-7', locationId: '3', ...over,
});

const order = (externalId: string, over: Partial<SalesOrderDocument> = {}): SalesOrderDocument => withChannelTotal({
  externalId,
  channelOrderNumber: '#1001',
  placedAt: '2026-11-27T15:04:05.000Z',
  currency: 'USD',
  customerId: '107',
  subsidiaryId: '1',
  locationId: '3',
  lines: [
    line(),
    line({ lineRef: 'L2', itemId: '502', description: 'Trail socks, 3 pack', quantity: 1, unitPrice: usd(2450n), discount: usd(181n), tax: usd(339n), locationId: null }),
  ],
  shipping: usd(995n),
  shippingTaxCode: null,
  grandTotal: usd(21498n),
  memo: 'SHOPIFY #1001',
  ...over,
});

/** A plain HTTP server answering every request with one canned reply. */
async function stub(status: number, headers: Record<string, string>, body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'application/vnd.oracle.resource+json; type=error', ...headers });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('NetSuite adapter against the NetSuite sandbox', () => {
  let sb: NetSuiteSandbox;

  const connection = (over: Partial<ErpConnection> = {}): ErpConnection => ({
    targetId: 'netsuite-test', variant: 'netsuite', baseUrl: sb.url, credentials: { ...sb.credentials }, timeoutMs: 5000, ...over,
  });
  const adapter = (over: Partial<ErpConnection> = {}, options: NetSuiteAdapterOptions = CURRENCIES) => new NetSuiteAdapter(connection(over), options);
  const documents = async (key?: string): Promise<Json> => erpSandboxAdmin(sb, key === undefined ? 'documents' : `documents?key=${encodeURIComponent(key)}`);

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ port: 0 });
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await resetSandbox(sb, {
      latencyMs: 0, errorRate: 0, rate429: 0, commitTimeoutRate: 0, commitTimeoutMode: 'destroy', unknownCustomers: [], unknownItems: [],
    });
  });

  it('batched read-back: the write reads nothing back, and one SuiteQL query reads the totals and tranIds of many orders', async () => {
    const batched = adapter({}, { ...CURRENCIES, batchedReadBack: true });
    const first = await batched.upsertSalesOrder(order('SHOPIFY-1101'), ctx);
    const second = await batched.upsertSalesOrder(order('SHOPIFY-1102', { lines: [line()], grandTotal: usd(19774n) }), ctx);
    expect(first).toEqual({ internalId: expect.stringMatching(/^\d+$/), documentNumber: null, expectedTotal: usd(21409n), totalReadLater: true });
    expect(second.totalReadLater).toBe(true);

    const read = await batched.readTotals([
      { internalId: first.internalId, currency: 'USD' }, { internalId: second.internalId, currency: 'USD' }, { internalId: '999999', currency: 'USD' },
    ], ctx);
    expect(Object.fromEntries(read)).toEqual({
      [first.internalId]: { erpTotal: usd(21409n), documentNumber: `SO${first.internalId}` },
      [second.internalId]: { erpTotal: second.expectedTotal, documentNumber: `SO${second.internalId}` },
    });
  });

  it('readTotals puts only internal ids (digits) into the query text: anything else is not asked for', async () => {
    expect((await adapter().readTotals([{ internalId: "1 OR 1=1", currency: 'USD' }], ctx)).size).toBe(0);
  });

  it('upserts a new order: one document with its lines, quantities, rates, amounts, currency and external id', async () => {
    const ref = await adapter().upsertSalesOrder(order('SHOPIFY-1001'), ctx);

    const docs = await documents();
    expect(docs).toMatchObject({ count: 1, creates: 1, updates: 0, duplicateKeys: [] });
    const [stored] = docs.documents as Json[];
    // Read back after the write: NetSuite's own total. The channel's tax goes as a tax override (CHANNEL_AMOUNTS), so
    // NetSuite's total is the lines, shipping and that tax, and it equals the document's grand total.
    expect(ref).toEqual({ internalId: stored.id, documentNumber: `SO${stored.id}`, erpTotal: usd(21409n), expectedTotal: usd(21409n) });
    expect(stored.key).toBe('SHOPIFY-1001');
    const sent = stored.document as Json;
    expect(sent).toMatchObject({
      externalId: 'SHOPIFY-1001', entity: { id: '107' }, currency: { id: '1' }, subsidiary: { id: '1' }, location: { id: '3' },
      tranDate: '2026-11-27', otherRefNum: '#1001', memo: 'SHOPIFY #1001', shippingCost: 9.95,
    });
    expect((sent.item.items as Json[]).map((l) => [l.line, l.item.id, l.quantity, l.rate, l.amount, l.taxCode?.id, l.location?.id])).toEqual([
      [1, '501', 2, 89, 164.81, '-7', '3'],
      [2, '502', 1, 24.5, 22.69, '-7', undefined],
    ]);
  });

  it('upserts the same external id again: the same document is updated, its lines replaced, not added', async () => {
    const first = await adapter().upsertSalesOrder(order('SHOPIFY-1002'), ctx);
    const changed = order('SHOPIFY-1002', { lines: [line({ quantity: 3, discount: usd(0n) }), order('x').lines[1]] });
    const second = await adapter().upsertSalesOrder(changed, { idempotencyKey: 'posting-1:2' });

    expect(second.internalId).toBe(first.internalId);
    const docs = await documents();
    expect(docs).toMatchObject({ count: 1, creates: 1, updates: 1, duplicateKeys: [] });
    const items = docs.documents[0].document.item.items as Json[];
    expect(items.map((l) => [l.item.id, l.quantity, l.rate, l.amount])).toEqual([['501', 3, 89, 267], ['502', 1, 24.5, 22.69]]);
  });

  it('finds an order by its external id (with its document number) and answers null for an unknown one', async () => {
    const ns = adapter();
    const { internalId } = await ns.upsertSalesOrder(order('SHOPIFY-1003'), ctx);
    expect(await ns.findSalesOrder('SHOPIFY-1003', ctx)).toEqual({ internalId, documentNumber: `SO${internalId}` });
    expect(await ns.findSalesOrder('SHOPIFY-NOPE', ctx)).toBeNull();
    // Opt-in: read the document number back after the upsert (one more request).
    const withNumber = await adapter({}, { ...CURRENCIES, fetchDocumentNumber: true }).upsertSalesOrder(order('SHOPIFY-1004'), ctx);
    expect(withNumber.documentNumber).toBe(`SO${withNumber.internalId}`);
  });

  it('posts JPY in whole yen, and accepts the record API URL as its base URL too', async () => {
    const yen = order('SHOPIFY-1005', {
      currency: 'JPY',
      lines: [line({ quantity: 3, unitPrice: jpy(1990n), discount: jpy(1000n), tax: jpy(497n), taxCode: null })],
      shipping: jpy(500n),
      grandTotal: jpy(5967n),
    });
    await adapter({ baseUrl: sb.recordApiUrl }).upsertSalesOrder(yen, ctx);
    const sent = (await documents('SHOPIFY-1005')).documents[0].document as Json;
    expect(sent.currency).toEqual({ id: '4' });
    expect(sent.shippingCost).toBe(500);
    expect((sent.item.items as Json[]).map((l) => [l.quantity, l.rate, l.amount])).toEqual([[3, 1990, 4970]]);
  });

  it('references the currency by its ISO code as external id when no currency id is configured', async () => {
    await adapter({}, {}).upsertSalesOrder(order('SHOPIFY-1006'), ctx);
    expect((await documents('SHOPIFY-1006')).documents[0].document.currency).toEqual({ externalId: 'USD' });
  });

  it('a wrong token secret is AUTH, and the message carries no credential', async () => {
    const wrong = { ...sb.credentials, tokenSecret: 'not-the-token-secret' };
    const error = await rejection(adapter({ credentials: wrong }).upsertSalesOrder(order('SHOPIFY-2001'), ctx));
    expect([error.kind, error.details.status, error.details.code]).toEqual(['AUTH', 401, 'INVALID_LOGIN']);
    expect(error.message).toMatch(/^Invalid login attempt/);
    for (const secret of Object.values(wrong)) expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(secret);
    expect((await documents()).count).toBe(0);
  });

  it('a document NetSuite refuses is PERMANENT with NetSuite’s own message and the field', async () => {
    const noItem = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-3001', { lines: [line({ itemId: '' })] }), ctx));
    expect(noItem.kind).toBe('PERMANENT');
    expect(noItem.message).toBe('Error while accessing a resource. Please enter value(s) for: Item.');
    expect(noItem.details).toEqual({ status: 400, code: 'USER_ERROR', field: 'item.items[0].item' });

    const badDate = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-3002', { placedAt: '2026-02-30T10:00:00Z' }), ctx));
    expect(badDate.kind).toBe('PERMANENT');
    expect(badDate.message).toBe('Error while accessing a resource. You have entered an Invalid Field Value 2026-02-30 for the following field: tranDate');
    expect(badDate.details).toEqual({ status: 400, code: 'INVALID_CONTENT', field: 'tranDate' });

    const malformedItem = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-3003', { lines: [line({ itemId: 'SKU-1' })] }), ctx));
    expect([malformedItem.kind, malformedItem.details.field]).toEqual(['PERMANENT', 'item.items[0].item']);
    expect((await documents()).count).toBe(0);
  });

  it('what the mapper cannot express exactly is PERMANENT before anything is sent', async () => {
    const error = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-3004', { lines: [line({ quantity: -1 })] }), ctx));
    expect([error.kind, error.details.code]).toEqual(['PERMANENT', 'INVALID_QUANTITY']);
    expect((await erpSandboxAdmin(sb, 'stats')).apiRequests).toBe(0);
  });

  it('an unknown customer or item is a MISSING_DEPENDENCY', async () => {
    await erpSandboxAdmin(sb, 'knobs', { unknownCustomers: ['107'] });
    const customer = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-4001'), ctx));
    expect([customer.kind, customer.details.field]).toEqual(['MISSING_DEPENDENCY', 'entity']);
    expect(customer.message).toContain('Invalid Field Value 107 for the following field: entity');

    await erpSandboxAdmin(sb, 'knobs', { unknownCustomers: [], unknownItems: ['502'] });
    const item = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-4001'), ctx));
    expect([item.kind, item.details.field]).toEqual(['MISSING_DEPENDENCY', 'item.items[1].item']);
    expect((await documents()).count).toBe(0);
  });

  it('the sandbox’s 429 knob is RETRYABLE (no Retry-After from NetSuite); a Retry-After sets retryAfterMs', async () => {
    await erpSandboxAdmin(sb, 'knobs', { rate429: 1 });
    const throttled = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-5001'), ctx));
    expect(throttled.kind).toBe('RETRYABLE');
    expect(throttled.details).toEqual({ status: 429, code: 'CONCURRENCY_LIMIT_EXCEEDED' });
    expect((await documents()).count).toBe(0);

    await erpSandboxAdmin(sb, 'knobs', { rate429: 0, errorRate: 1 });
    const failed = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-5001'), ctx));
    expect([failed.kind, failed.details.status, failed.details.code]).toEqual(['RETRYABLE', 500, 'UNEXPECTED_ERROR']);

    const server = await stub(429, { 'retry-after': '2' }, {
      type: 'https://tools.ietf.org/html/rfc6585#section-4', title: 'Too Many Requests', status: 429,
      'o:errorDetails': [{ detail: 'Concurrent request limit exceeded. Request blocked.', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }],
    });
    try {
      const withHeader = await rejection(adapter({ baseUrl: server.url }).upsertSalesOrder(order('SHOPIFY-5001'), ctx));
      expect([withHeader.kind, withHeader.details.retryAfterMs]).toEqual(['RETRYABLE', 2000]);
    } finally {
      await server.close();
    }
  });

  it('commit then time out is AMBIGUOUS; the look-up then finds the committed order, and a re-send does not double it', async () => {
    await erpSandboxAdmin(sb, 'knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'delay', commitTimeoutDelayMs: 3000 });
    const ns = adapter({ timeoutMs: 300 });
    const timedOut = await rejection(ns.upsertSalesOrder(order('SHOPIFY-6001'), ctx));
    expect([timedOut.kind, timedOut.details.code]).toEqual(['AMBIGUOUS', 'TIMEOUT']);

    await erpSandboxAdmin(sb, 'knobs', { commitTimeoutMode: 'destroy' });
    const cut = await rejection(ns.upsertSalesOrder(order('SHOPIFY-6002'), ctx));
    expect(cut.kind).toBe('AMBIGUOUS');

    await erpSandboxAdmin(sb, 'knobs', { commitTimeoutRate: 0 });
    const found = await ns.findSalesOrder('SHOPIFY-6001', ctx);
    expect(found).not.toBeNull();
    expect(await ns.findSalesOrder('SHOPIFY-6002', ctx)).not.toBeNull();
    const again = await ns.upsertSalesOrder(order('SHOPIFY-6001'), ctx);
    expect(again.internalId).toBe(found?.internalId);
    expect(await documents()).toMatchObject({ count: 2, creates: 2, duplicateKeys: [] });
  });

  it('a refused connection is RETRYABLE, and so is a call cancelled before it was sent', async () => {
    const closed = await stub(200, {}, {});
    await closed.close();
    const refused = await rejection(adapter({ baseUrl: closed.url }).upsertSalesOrder(order('SHOPIFY-7001'), ctx));
    expect([refused.kind, refused.details.code]).toEqual(['RETRYABLE', 'ECONNREFUSED']);

    const cancelled = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-7002'), { ...ctx, signal: AbortSignal.abort() }));
    expect([cancelled.kind, cancelled.details.code]).toEqual(['RETRYABLE', 'ABORTED']);
    expect((await erpSandboxAdmin(sb, 'stats')).apiRequests).toBe(0);
  });

  it('a write cancelled by the caller after it was sent is AMBIGUOUS; a live caller signal does not get in the way', async () => {
    await erpSandboxAdmin(sb, 'knobs', { latencyMs: 400 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const cancelled = await rejection(adapter().upsertSalesOrder(order('SHOPIFY-8001'), { ...ctx, signal: controller.signal }));
    expect([cancelled.kind, cancelled.details.code]).toEqual(['AMBIGUOUS', 'ABORTED']);

    await erpSandboxAdmin(sb, 'knobs', { latencyMs: 0 });
    const live = new AbortController();
    const ref = await adapter().upsertSalesOrder(order('SHOPIFY-8002'), { ...ctx, signal: live.signal });
    expect(await adapter().findSalesOrder('SHOPIFY-8002', { ...ctx, signal: live.signal })).toEqual({ internalId: ref.internalId, documentNumber: `SO${ref.internalId}` });
  });
});
