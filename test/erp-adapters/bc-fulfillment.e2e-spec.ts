import { BusinessCentralAdapter } from '../../src/adapters/erp/dynamics365-bc/index.js';
import {
  type ErpCallContext, type FulfillmentDocument, type FulfillmentLine, type SalesOrderChangeDocument, type SalesOrderDocument, type SalesOrderLine,
} from '../../src/adapters/erp/erp-adapter.port.js';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { rejection } from '../support/erp-errors.js';
import { erpSandboxAdmin, resetSandbox } from '../support/sandbox-admin.js';
import { withChannelTotal } from '../support/channel-total.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ctx: ErpCallContext = { idempotencyKey: 'posting-7:1' };
const usd = (amount: bigint) => ({ amount, currency: 'USD' });

const soLine = (over: Partial<SalesOrderLine> = {}): SalesOrderLine => ({
  lineRef: 'L1', itemId: '1896-S', description: 'Merino crew, navy, M', quantity: 2,
  unitPrice: usd(8900n), discount: usd(0n), tax: usd(0n), taxCode: null, locationId: null, ...over,
});

const salesOrder = (externalId: string, lines: SalesOrderLine[] = [soLine(), soLine({ lineRef: 'L2', itemId: '1900-S', quantity: 1, unitPrice: usd(2450n) })]): SalesOrderDocument => withChannelTotal({
  externalId, channelOrderNumber: '#1001', placedAt: '2026-11-27T15:04:05.000Z', currency: 'USD', customerId: '10000', subsidiaryId: null,
  locationId: null, lines, shipping: usd(995n), shippingTaxCode: null, grandTotal: usd(0n), memo: null,
});

const shipped = (lineRef: string, itemId: string, quantity: number, over: Partial<FulfillmentLine> = {}): FulfillmentLine => ({ lineRef, itemId, quantity, locationId: null, ...over });

describe('Business Central adapter: shipments and line changes against the sandbox', () => {
  let sb: BusinessCentralSandbox;
  let orderId: string;

  const admin = (path: string, body?: object): Promise<Json> => erpSandboxAdmin(sb, path, body);
  const adapter = (timeoutMs = 5000): BusinessCentralAdapter => new BusinessCentralAdapter({
    targetId: 'bc-e2e', variant: 'dynamics365-bc', baseUrl: sb.url, timeoutMs,
    credentials: {
      tenantId: sb.credentials.tenantId, environment: sb.environment, companyId: sb.companyId, clientId: sb.credentials.clientId,
      clientSecret: sb.credentials.clientSecret, localCurrency: 'USD', shippingAccountNumber: '40250',
    },
  });
  /** The order as the sandbox keeps it (also once BC deleted it). */
  const stored = async (): Promise<Json> => ((await admin('documents')).documents as Json[]).find((d) => d.id === orderId)!.document as Json;
  const fulfillment = (externalId: string, lines: FulfillmentLine[], over: Partial<FulfillmentDocument> = {}): FulfillmentDocument => ({
    externalId, salesOrderExternalId: 'SHOPIFY-1001', salesOrderInternalId: orderId, shippedAt: '2026-11-28T09:30:00.000Z',
    carrier: 'UPS', trackingNumbers: ['1Z999AA10123456784'], lines, memo: null, ...over,
  });
  /** A raw API call, as a person or another integration would make it. */
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    const token = await fetch(sb.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.credentials.clientId, client_secret: sb.credentials.clientSecret, scope: sb.scope }),
    });
    const { access_token: accessToken } = (await token.json()) as Json;
    return fetch(`${sb.apiUrl}/companies(${sb.companyId})${path}`, {
      method, headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
    });
  };

  beforeAll(async () => {
    sb = await startBusinessCentralSandbox({ port: 0 });
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await resetSandbox(sb, { commitTimeoutRate: 0, commitTimeoutPath: '', commitTimeoutMode: 'destroy', latencyMs: 0 });
    orderId = (await adapter().upsertSalesOrder(salesOrder('SHOPIFY-1001'), ctx)).internalId;
  });

  it('a partial shipment then the rest: two posted shipments with exactly the shipped quantities, each created once', async () => {
    const bc = adapter();
    const first = await bc.postFulfillment(fulfillment('F-A', [shipped('L1', '1896-S', 1)]), ctx);
    expect(first).toEqual({ internalId: expect.any(String), documentNumber: 'S-SHPT102001' });
    const open = await stored();
    expect(open.externalDocumentNumber).toBe('SHOPIFY-1001');
    expect((open.salesOrderLines as Json[]).map((l) => [l.sequence, l.lineObjectNumber, l.quantity, l.shippedQuantity, l.shipQuantity])).toEqual([
      [10000, '1896-S', 2, 1, 1], [20000, '1900-S', 1, 0, 1], [30000, '40250', 1, 1, 0],
    ]);

    const second = await bc.postFulfillment(fulfillment('F-B', [shipped('L1', '1896-S', 1), shipped('L2', '1900-S', 1)]), ctx);
    expect(second.documentNumber).toBe('S-SHPT102002');

    const docs = await admin('documents');
    expect(docs.fulfillments).toMatchObject({ count: 2, creates: 2, createsByKey: { 'F-A': 1, 'F-B': 1 }, duplicateKeys: [] });
    const [a, b] = docs.fulfillments.documents as Json[];
    expect([a.id, b.id]).toEqual([first.internalId, second.internalId]);
    expect(a.document).toMatchObject({ externalDocumentNumber: 'F-A', orderNumber: 'S-ORD101001', postingDate: '2026-11-28', customerNumber: '10000', postedInvoiceNumber: 'S-INV103001' });
    // The first shipment takes the shipping charge along; line 2 stays home although BC would ship it by default.
    expect((a.document.salesShipmentLines as Json[]).map((l) => [l.sequence, l.lineObjectNumber, l.quantity])).toEqual([[10000, '1896-S', 1], [30000, '40250', 1]]);
    expect((b.document.salesShipmentLines as Json[]).map((l) => [l.sequence, l.lineObjectNumber, l.quantity])).toEqual([[10000, '1896-S', 1], [20000, '1900-S', 1]]);
    // Shipped and invoiced in full: BC deletes the order.
    expect(await stored()).toHaveProperty(['@sandbox.deletedAt']);
    expect(await bc.findSalesOrder('SHOPIFY-1001', ctx)).toBeNull();
    expect(await bc.findFulfillment(fulfillment('F-A', []), ctx)).toEqual(first);
  });

  it('the same shipment posted twice is one posted shipment', async () => {
    const bc = adapter();
    const doc = fulfillment('F-TWICE', [shipped('L1', '1896-S', 1)]);
    const first = await bc.postFulfillment(doc, ctx);
    expect(await bc.postFulfillment(doc, { idempotencyKey: 'posting-7:2' })).toEqual(first);
    expect((await admin('documents')).fulfillments).toMatchObject({ count: 1, createsByKey: { 'F-TWICE': 1 } });
    expect(((await stored()).salesOrderLines as Json[]).map((l) => l.shippedQuantity)).toEqual([1, 0, 1]);
  });

  it('commit then time out on shipAndInvoice is AMBIGUOUS; the order gets its key back and findFulfillment finds the shipment', async () => {
    await admin('knobs', { commitTimeoutRate: 1, commitTimeoutPath: 'Microsoft.NAV.shipAndInvoice' });
    const bc = adapter(1000);
    const doc = fulfillment('F-LOST', [shipped('L2', '1900-S', 1)]);
    const lost = await rejection(bc.postFulfillment(doc, ctx));
    expect(lost.kind).toBe('AMBIGUOUS');
    expect((await stored()).externalDocumentNumber).toBe('SHOPIFY-1001');

    await admin('knobs', { commitTimeoutRate: 0 });
    const found = await bc.findFulfillment(doc, ctx);
    const [posted] = (await admin('documents')).fulfillments.documents as Json[];
    expect(found).toEqual({ internalId: posted.id, documentNumber: 'S-SHPT102001' });
    expect(await bc.postFulfillment(doc, ctx)).toEqual(found);
    expect((await admin('documents')).fulfillments).toMatchObject({ count: 1, createsByKey: { 'F-LOST': 1 } });
    expect(await bc.findFulfillment(fulfillment('F-NEVER', []), ctx)).toBeNull();
  });

  it('more than a line has outstanding is PERMANENT with Business Central’s message; nothing is posted and the order keeps its key', async () => {
    const error = await rejection(adapter().postFulfillment(fulfillment('F-OVER', [shipped('L2', '1900-S', 2)]), ctx));
    expect(error.kind).toBe('PERMANENT');
    expect(error.message).toBe('You cannot ship more than 1 units.');
    expect(error.details).toMatchObject({ status: 400, code: 'Application_DialogException' });
    expect((await admin('documents')).fulfillments.count).toBe(0);
    expect((await stored()).externalDocumentNumber).toBe('SHOPIFY-1001');

    const unknown = await rejection(adapter().postFulfillment(fulfillment('F-X', [shipped('L9', '9999-S', 1)]), ctx));
    expect([unknown.kind, unknown.details.code]).toEqual(['PERMANENT', 'LINE_NOT_FOUND']);
  });

  it('a line change reduces the quantity (deleting a line cancelled before shipping), and sending it again changes nothing', async () => {
    const bc = adapter();
    await bc.postFulfillment(fulfillment('F-1', [shipped('L1', '1896-S', 1)]), ctx);
    const change: SalesOrderChangeDocument = {
      externalId: 'SHOPIFY-1001-cancel', salesOrderExternalId: 'SHOPIFY-1001', salesOrderInternalId: orderId,
      lines: [
        { lineRef: 'L1', itemId: '1896-S', quantity: 1, lineIndex: 0, unitPrice: usd(8900n), discount: usd(0n) },
        { lineRef: 'L2', itemId: '1900-S', quantity: 0, lineIndex: 1, unitPrice: usd(2450n), discount: usd(0n) },
      ],
    };
    const ref = await bc.changeSalesOrderLines(change, ctx);
    expect(ref).toEqual({ internalId: orderId, documentNumber: 'S-ORD101001' });
    expect(await bc.changeSalesOrderLines(change, ctx)).toEqual(ref);

    const docs = await admin('documents');
    expect(docs.lineChanges.changes.map((c: Json) => c.lines)).toEqual([
      [{ line: 10000, quantityBefore: 2, quantityAfter: 1 }],
      [{ line: 20000, quantityBefore: 1, quantityAfter: 0, deleted: true }],
    ]);
    expect(((await stored()).salesOrderLines as Json[]).map((l) => [l.sequence, l.quantity, l.shippedQuantity, l.shipQuantity])).toEqual([[10000, 1, 1, 0], [30000, 1, 1, 0]]);

    const below = await rejection(bc.changeSalesOrderLines({ ...change, lines: [{ lineRef: 'L1', itemId: '1896-S', quantity: 0, unitPrice: usd(8900n), discount: usd(0n) }] }, ctx));
    expect(below.kind).toBe('PERMANENT');
    expect(below.message).toBe("Quantity must not be less than 1 in Sales Line Document Type='Order',Document No.='S-ORD101001',Line No.='10000'.");
    expect((await admin('documents')).lineChanges.count).toBe(2);
  });

  it('waits while another shipment holds the order, and takes over a claim whose shipment is already posted', async () => {
    const bc = adapter();
    const read = (await (await api('GET', `/salesOrders(${orderId})`)).json()) as Json;
    await api('PATCH', `/salesOrders(${orderId})`, { externalDocumentNumber: 'F-OTHER' }, { 'if-match': read['@odata.etag'] });
    const busy = await rejection(bc.postFulfillment(fulfillment('F-MINE', [shipped('L1', '1896-S', 1)]), ctx));
    expect([busy.kind, busy.details.code]).toEqual(['RETRYABLE', 'ORDER_BUSY']);
    const busyChange = await rejection(bc.changeSalesOrderLines({ externalId: 'c', salesOrderExternalId: 'SHOPIFY-1001', salesOrderInternalId: orderId, lines: [] }, ctx));
    expect(busyChange.details.code).toBe('ORDER_BUSY');
    expect((await admin('documents')).fulfillments.count).toBe(0);

    // F-OTHER's shipment posts (as if its process died before giving the key back): the claim is over.
    const again = (await (await api('GET', `/salesOrders(${orderId})?$expand=salesOrderLines`)).json()) as Json;
    for (const line of again.salesOrderLines as Json[]) {
      await api('PATCH', `/salesOrders(${orderId})/salesOrderLines(${line.id})`, { shipQuantity: line.sequence === 20000 ? 1 : 0 }, { 'if-match': line['@odata.etag'] });
    }
    expect((await api('POST', `/salesOrders(${orderId})/Microsoft.NAV.shipAndInvoice`)).status).toBe(204);
    await bc.postFulfillment(fulfillment('F-MINE', [shipped('L1', '1896-S', 1)]), ctx);
    const docs = await admin('documents');
    expect(docs.fulfillments).toMatchObject({ count: 2, createsByKey: { 'F-OTHER': 1, 'F-MINE': 1 } });
    expect((docs.fulfillments.documents[1].document.salesShipmentLines as Json[]).map((l) => [l.lineObjectNumber, l.quantity])).toEqual([['1896-S', 1], ['40250', 1]]);
    expect((await stored()).externalDocumentNumber).toBe('SHOPIFY-1001');
  });

  it('tells two lines of one item apart by position, and refuses to guess without it', async () => {
    const lines = [soLine({ quantity: 1 }), soLine({ lineRef: 'L2', itemId: '1900-S', quantity: 1 }), soLine({ lineRef: 'L3', quantity: 3 })];
    orderId = (await adapter().upsertSalesOrder(salesOrder('SHOPIFY-2001', lines), ctx)).internalId;
    const doc = (over: Partial<FulfillmentLine>) => fulfillment('F-POS', [shipped('L3', '1896-S', 2, over)], { salesOrderExternalId: 'SHOPIFY-2001' });
    const ambiguous = await rejection(adapter().postFulfillment(doc({}), ctx));
    expect([ambiguous.kind, ambiguous.details.code]).toEqual(['PERMANENT', 'AMBIGUOUS_LINE']);
    await adapter().postFulfillment(doc({ lineIndex: 2 }), ctx);
    expect(((await stored()).salesOrderLines as Json[]).map((l) => [l.sequence, l.shippedQuantity])).toEqual([[10000, 0], [20000, 0], [30000, 2], [40000, 1]]);
    expect((await stored()).externalDocumentNumber).toBe('SHOPIFY-2001');
  });
});
