import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import {
  type ErpCallContext, type FulfillmentDocument, type FulfillmentLine, type SalesOrderChangeDocument, type SalesOrderDocument, type SalesOrderLine,
} from '../../src/adapters/erp/erp-adapter.port.js';
import { NetSuiteAdapter, type NetSuiteAdapterOptions } from '../../src/adapters/erp/netsuite/index.js';
import { rejection } from '../support/erp-errors.js';
import { erpSandboxAdmin, resetSandbox } from '../support/sandbox-admin.js';
import { withChannelTotal } from '../support/channel-total.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ctx: ErpCallContext = { idempotencyKey: 'posting-9:1' };
const usd = (amount: bigint) => ({ amount, currency: 'USD' });

const soLine = (over: Partial<SalesOrderLine> = {}): SalesOrderLine => ({
  lineRef: 'L1', itemId: '501', description: 'Merino crew, navy, M', quantity: 2,
  unitPrice: usd(8900n), discount: usd(0n), tax: usd(0n), taxCode: '-7', locationId: '3', ...over,
});

const salesOrder = (externalId: string, lines: SalesOrderLine[] = [soLine(), soLine({ lineRef: 'L2', itemId: '502', quantity: 1, unitPrice: usd(2450n) })]): SalesOrderDocument => withChannelTotal({
  externalId, channelOrderNumber: '#1001', placedAt: '2026-11-27T15:04:05.000Z', currency: 'USD', customerId: '107', subsidiaryId: '1',
  locationId: '3', lines, shipping: usd(995n), shippingTaxCode: null, grandTotal: usd(0n), memo: null,
});

const shipped = (lineRef: string, itemId: string, quantity: number, over: Partial<FulfillmentLine> = {}): FulfillmentLine => ({ lineRef, itemId, quantity, locationId: '3', ...over });

describe('NetSuite adapter: item fulfilments and line changes against the sandbox', () => {
  let sb: NetSuiteSandbox;
  const admin = (path: string, body?: object): Promise<Json> => erpSandboxAdmin(sb, path, body);
  const adapter = (options: NetSuiteAdapterOptions = {}, timeoutMs = 5000): NetSuiteAdapter =>
    new NetSuiteAdapter({ targetId: 'netsuite-test', variant: 'netsuite', baseUrl: sb.url, credentials: { ...sb.credentials }, timeoutMs }, { currencyIds: { USD: '1' }, ...options });
  /** The sales order as the sandbox holds it (its lines with quantityFulfilled). */
  const orderLines = async (key: string): Promise<Json[]> => {
    const doc = ((await admin(`documents?key=${encodeURIComponent(key)}`)).documents as Json[])[0];
    return doc.document.item.items as Json[];
  };

  let orderId: string;
  const fulfillment = (externalId: string, lines: FulfillmentLine[], over: Partial<FulfillmentDocument> = {}): FulfillmentDocument => ({
    externalId, salesOrderExternalId: 'SHOPIFY-1001', salesOrderInternalId: orderId, shippedAt: '2026-11-28T09:30:00.000Z',
    carrier: 'UPS', trackingNumbers: ['1Z999AA10123456784'], lines, memo: 'shipped (WMS S-1)', ...over,
  });

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ port: 0 });
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await resetSandbox(sb, { commitTimeoutRate: 0, commitTimeoutPath: '', commitTimeoutMode: 'destroy', latencyMs: 0 });
    orderId = (await adapter().upsertSalesOrder(salesOrder('SHOPIFY-1001'), ctx)).internalId;
  });

  it('a partial fulfilment then the rest: two itemFulfillments with exactly the shipped quantities, each created once', async () => {
    const ns = adapter();
    const first = await ns.postFulfillment(fulfillment('F-A', [shipped('L1', '501', 1)]), ctx);
    expect((await orderLines('SHOPIFY-1001')).map((l) => [l.line, l.quantity, l.quantityFulfilled ?? 0])).toEqual([[1, 2, 1], [2, 1, 0]]);
    const second = await ns.postFulfillment(fulfillment('F-B', [shipped('L1', '501', 1), shipped('L2', '502', 1, { locationId: '4' })], { trackingNumbers: [] }), ctx);

    const docs = await admin('documents');
    expect(docs.fulfillments).toMatchObject({ count: 2, creates: 2, createsByKey: { 'F-A': 1, 'F-B': 1 }, duplicateKeys: [] });
    const [a, b] = docs.fulfillments.documents as Json[];
    expect([a.id, b.id]).toEqual([first.internalId, second.internalId]);
    expect(a.document).toMatchObject({
      externalId: 'F-A', tranDate: '2026-11-28', shipStatus: { id: 'C' }, memo: 'shipped (WMS S-1)', entity: { id: '107' }, createdFrom: { id: orderId },
      package: { items: [{ packageTrackingNumber: '1Z999AA10123456784', packageDescr: 'UPS' }] },
    });
    // Line 2 was not shipped by the first fulfilment although the transform offers it in full.
    expect((a.document.item.items as Json[]).map((l) => [l.orderLine, l.item.id, l.quantity, l.location.id])).toEqual([[1, '501', 1, '3']]);
    expect((b.document.item.items as Json[]).map((l) => [l.orderLine, l.item.id, l.quantity, l.location.id])).toEqual([[1, '501', 1, '3'], [2, '502', 1, '4']]);
    expect(b.document).not.toHaveProperty('package');
    expect(docs.documents[0]).toMatchObject({ creates: 1, updates: 0, document: { orderStatus: 'F' } });
    expect((await orderLines('SHOPIFY-1001')).map((l) => l.quantityFulfilled)).toEqual([2, 1]);
    expect(await ns.findFulfillment(fulfillment('F-B', []), ctx)).toEqual({ internalId: second.internalId, documentNumber: `IF${second.internalId}` });
  });

  it('the same fulfilment posted twice is one document: NetSuite refuses the duplicate and the adapter answers the first', async () => {
    const ns = adapter();
    const doc = fulfillment('F-TWICE', [shipped('L1', '501', 1)]);
    const first = await ns.postFulfillment(doc, ctx);
    const again = await ns.postFulfillment(doc, { idempotencyKey: 'posting-9:2' });
    expect(again).toEqual({ internalId: first.internalId, documentNumber: `IF${first.internalId}` });
    const docs = await admin('documents');
    expect(docs.fulfillments).toMatchObject({ count: 1, createsByKey: { 'F-TWICE': 1 }, duplicateRefusals: { 'F-TWICE': 1 } });

    // Once a fulfilment took all that was left, a re-send is refused as too much; still the same answer.
    const all = fulfillment('F-ALL', [shipped('L1', '501', 1), shipped('L2', '502', 1)]);
    const took = await ns.postFulfillment(all, ctx);
    expect((await ns.postFulfillment(all, ctx)).internalId).toBe(took.internalId);
    expect((await admin('documents')).fulfillments).toMatchObject({ count: 2, createsByKey: { 'F-TWICE': 1, 'F-ALL': 1 } });
    expect((await orderLines('SHOPIFY-1001')).map((l) => l.quantityFulfilled)).toEqual([2, 1]);
  });

  it('commit then time out is AMBIGUOUS; findFulfillment then finds it, and posting again creates nothing', async () => {
    await admin('knobs', { commitTimeoutRate: 1, commitTimeoutPath: '!transform' });
    const ns = adapter({}, 1000);
    const doc = fulfillment('F-LOST', [shipped('L2', '502', 1)]);
    const lost = await rejection(ns.postFulfillment(doc, ctx));
    expect(lost.kind).toBe('AMBIGUOUS');

    await admin('knobs', { commitTimeoutRate: 0 });
    const found = await ns.findFulfillment(doc, ctx);
    const [stored] = (await admin('documents')).fulfillments.documents as Json[];
    expect(found).toEqual({ internalId: stored.id, documentNumber: `IF${stored.id}` });
    expect(await ns.postFulfillment(doc, ctx)).toEqual(found);
    expect((await admin('documents')).fulfillments).toMatchObject({ count: 1, createsByKey: { 'F-LOST': 1 } });
    expect(await ns.findFulfillment(fulfillment('F-NEVER', []), ctx)).toBeNull();
  });

  it('more than the line has left is PERMANENT with NetSuite’s message, and nothing is stored', async () => {
    const error = await rejection(adapter().postFulfillment(fulfillment('F-OVER', [shipped('L2', '502', 2)]), ctx));
    expect(error.kind).toBe('PERMANENT');
    expect(error.message).toBe('Error while accessing a resource. You cannot fulfill more than the quantity remaining on the order: line 2 (item 502) has 1 remaining, 2 entered.');
    expect(error.details).toEqual({ status: 400, code: 'USER_ERROR', field: 'item.items[1].quantity' });
    expect((await admin('documents')).fulfillments.count).toBe(0);

    const unknown = await rejection(adapter().postFulfillment(fulfillment('F-X', [shipped('L9', '999', 1)]), ctx));
    expect([unknown.kind, unknown.details.code]).toEqual(['PERMANENT', 'LINE_NOT_FOUND']);
  });

  it('a line change reduces the ordered quantity (closing what is fully fulfilled), and sending it again changes nothing', async () => {
    const ns = adapter();
    await ns.postFulfillment(fulfillment('F-1', [shipped('L1', '501', 1)]), ctx);
    const change: SalesOrderChangeDocument = {
      externalId: 'SHOPIFY-1001-cancel', salesOrderExternalId: 'SHOPIFY-1001', salesOrderInternalId: orderId,
      lines: [
        { lineRef: 'L1', itemId: '501', quantity: 1, unitPrice: usd(8900n), discount: usd(0n) },
        { lineRef: 'L2', itemId: '502', quantity: 0, unitPrice: usd(2450n), discount: usd(0n) },
      ],
    };
    expect(await ns.changeSalesOrderLines(change, ctx)).toEqual({ internalId: orderId, documentNumber: `SO${orderId}` });
    expect(await ns.changeSalesOrderLines(change, ctx)).toEqual({ internalId: orderId, documentNumber: `SO${orderId}` });

    const docs = await admin('documents');
    expect(docs.lineChanges.count).toBe(1);
    expect(docs.lineChanges.changes[0]).toMatchObject({
      salesOrderId: orderId, salesOrderKey: 'SHOPIFY-1001',
      lines: [{ line: 1, quantityBefore: 2, quantityAfter: 1, closed: true }, { line: 2, quantityBefore: 1, quantityAfter: 0, closed: true }],
    });
    expect(docs.documents[0]).toMatchObject({ creates: 1, updates: 1 });
    expect((await orderLines('SHOPIFY-1001')).map((l) => [l.quantity, l.quantityFulfilled ?? 0, l.isClosed, l.amount])).toEqual([[1, 1, true, 89], [0, 0, true, 0]]);

    const below = await rejection(ns.changeSalesOrderLines({ ...change, lines: [{ lineRef: 'L1', itemId: '501', quantity: 0, unitPrice: usd(8900n), discount: usd(0n) }] }, ctx));
    expect(below.kind).toBe('PERMANENT');
    expect(below.message).toBe('Error while accessing a resource. You cannot reduce the quantity of line 1 to 0: 1 have already been fulfilled.');
    expect((await admin('documents')).lineChanges.count).toBe(1);
  });

  it('a whole cancel with nothing shipped closes every line, the tip charge too, and zeroes shipping: NetSuite’s total becomes 0', async () => {
    const ns = adapter();
    const tipped = withChannelTotal({ ...salesOrder('SHOPIFY-2001'), charges: [{ kind: 'TIP', title: 'Tip', amount: usd(500n), itemId: '590', lineType: null }] });
    const id = (await ns.upsertSalesOrder(tipped, ctx)).internalId;
    const cancel: SalesOrderChangeDocument = {
      externalId: 'SHOPIFY-2001-cancel', salesOrderExternalId: 'SHOPIFY-2001', salesOrderInternalId: id, closeWholeOrder: true,
      lines: [
        { lineRef: 'L1', itemId: '501', quantity: 0, unitPrice: usd(8900n), discount: usd(0n) },
        { lineRef: 'L2', itemId: '502', quantity: 0, unitPrice: usd(2450n), discount: usd(0n) },
      ],
    };
    await ns.changeSalesOrderLines(cancel, ctx);
    const [doc] = (await admin('documents?key=SHOPIFY-2001')).documents as Json[];
    expect((doc.document.item.items as Json[]).map((l) => [l.item?.id, l.quantity, l.isClosed, l.amount])).toEqual([
      ['501', 0, true, 0], ['502', 0, true, 0], ['590', 1, true, 0],
    ]);
    expect(doc.document).toMatchObject({ shippingCost: 0, total: 0 });
    // Sent again, there is nothing left to close: no second change.
    await ns.changeSalesOrderLines(cancel, ctx);
    expect((await admin('documents')).lineChanges.count).toBe(1);
  });

  it('matches lines by the lineRef column, by position, or by a unique item — never by guessing', async () => {
    const lines = [soLine({ quantity: 1 }), soLine({ lineRef: 'L2', itemId: '502', quantity: 1 }), soLine({ lineRef: 'L3', quantity: 3, discount: usd(100n) })];
    const withColumn = { lineRefField: 'custcol_hub_line_ref', discountItemId: '77' };
    const byRefOrder = (await adapter(withColumn).upsertSalesOrder(salesOrder('SHOPIFY-2001', lines), ctx)).internalId;
    // Item 501 is on two lines; the column says which, even with a discount line in between.
    await adapter(withColumn).postFulfillment(fulfillment('F-REF', [shipped('L3', '501', 2)], { salesOrderInternalId: byRefOrder }), ctx);
    expect((await orderLines('SHOPIFY-2001')).map((l) => [l.item.id, l.quantityFulfilled ?? 0])).toEqual([['501', 0], ['502', 0], ['501', 2], ['77', 0]]);

    const plain = (await adapter({ discountItemId: '77' }).upsertSalesOrder(salesOrder('SHOPIFY-2002', lines), ctx)).internalId;
    const ambiguous = await rejection(adapter({ discountItemId: '77' }).postFulfillment(fulfillment('F-AMB', [shipped('L3', '501', 1)], { salesOrderInternalId: plain }), ctx));
    expect([ambiguous.kind, ambiguous.details.code]).toEqual(['PERMANENT', 'AMBIGUOUS_LINE']);
    await adapter({ discountItemId: '77' }).postFulfillment(fulfillment('F-POS', [shipped('L3', '501', 1, { lineIndex: 2 }), shipped('L2', '502', 1)], { salesOrderInternalId: plain }), ctx);
    expect((await orderLines('SHOPIFY-2002')).map((l) => [l.item.id, l.quantityFulfilled ?? 0])).toEqual([['501', 0], ['502', 1], ['501', 1], ['77', 0]]);
    const mismatch = await rejection(adapter({ discountItemId: '77' }).postFulfillment(fulfillment('F-MIS', [shipped('L3', '502', 1, { lineIndex: 2 })], { salesOrderInternalId: plain }), ctx));
    expect([mismatch.kind, mismatch.details.code]).toEqual(['PERMANENT', 'LINE_MISMATCH']);
    expect((await admin('documents')).fulfillments.count).toBe(2);
  });

  it('a wrong token secret is AUTH before anything is fulfilled', async () => {
    const wrong = new NetSuiteAdapter(
      { targetId: 'netsuite-test', variant: 'netsuite', baseUrl: sb.url, credentials: { ...sb.credentials, tokenSecret: 'wrong-secret' }, timeoutMs: 5000 },
    );
    const error = await rejection(wrong.postFulfillment(fulfillment('F-AUTH', [shipped('L1', '501', 1)]), ctx));
    expect([error.kind, error.details.code]).toEqual(['AUTH', 'INVALID_LOGIN']);
    expect((await admin('documents')).fulfillments.count).toBe(0);
  });
});
