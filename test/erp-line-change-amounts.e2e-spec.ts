import { jest } from '@jest/globals';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import type { ErpCallContext, SalesOrderChangeLine, SalesOrderDocument, SalesOrderLine } from '../src/adapters/erp/erp-adapter.port.js';
import { NetSuiteAdapter } from '../src/adapters/erp/netsuite/index.js';
import { splitLineDiscount } from '../src/modules/erp-sync/kept-discount.js';
import { WAREHOUSE, getJson, postJson, type FulfillmentWorld } from './support/fulfillment-world.js';
import { erpSandboxAdmin, resetSandbox } from './support/sandbox-admin.js';
import { deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { useFulfillmentSuite } from './support/fulfillment-suite.js';
import type { TestHub } from './support/test-hub.js';
import { withChannelTotal } from './support/channel-total.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The fixture's lines: 3 descaler packs at 10.00 with 3.00 off (item 504), 3 grinders at 45.00 with 1.00 off (item 503). */
const LINE_TABS = '1612345678901239901';
const LINE_GRINDER = '1612345678901239902';

const ORDER_QUERY = `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
  id status
  erpReferences { documentType documentKey postingStatus }
  fulfillmentRequests { id system status }
  shipments { id erp { target postingStatus } }
} }`;

/** The discounted fixture under a new id, both lines from the warehouse. */
function discountedOrder(id: string): string {
  const base = fixture('order-discounted-units.json');
  return base
    .replace(new RegExp(orderIdOf(base), 'g'), id)
    .replace(`"id": ${LINE_TABS},`, `"id": ${LINE_TABS},\n      "location_id": ${WAREHOUSE},`)
    .replace(`"id": ${LINE_GRINDER},`, `"id": ${LINE_GRINDER},\n      "location_id": ${WAREHOUSE},`);
}

/**
 * Cancelling the unshipped units of discounted lines leaves each ERP sales order line at the net
 * value of what is still sold, to the cent: the kept units keep their share of the discount.
 */
describe('ERP line changes keep the net value of the kept units', () => {
  const suite = useFulfillmentSuite('line_change_amounts', ORDER_QUERY);
  const { orderWhen, seedShopify } = suite;
  let hub: TestHub;
  let world: FulfillmentWorld;
  beforeAll(() => ({ hub, world } = suite));
  const allPosted = (o: Json): boolean => o.shipments.length > 0 && o.shipments.every((s: Json) => s.erp.length === 2 && s.erp.every((e: Json) => e.postingStatus === 'POSTED'));

  it('ships 2 of 3 and 1 of 3, cancels the rest: NetSuite amounts 18.00 and 44.67, Business Central discounts 2.00 and 0.33', async () => {
    const id = '6012345678900200001';
    const body = discountedOrder(id);
    await seedShopify(body);
    expect((await deliver(hub.app, { body })).status).toBe(202);
    const released = await orderWhen(id, (o) => o.status === 'POSTED' && o.fulfillmentRequests.length === 1 && o.fulfillmentRequests[0].status === 'ACCEPTED', 'posted');
    await postJson(`${world.wms.url}/_sandbox/requests/${released.fulfillmentRequests[0].id}/ship`, {
      parcels: [{ lines: [{ lineRef: LINE_TABS, quantity: 2 }, { lineRef: LINE_GRINDER, quantity: 1 }], carrier: 'UPS', trackingNumber: '1ZDISCOUNT01' }],
    });
    await orderWhen(id, (o) => o.status === 'PARTIALLY_FULFILLED' && allPosted(o), 'shipped and posted');

    const cancelled = body.replace('"cancelled_at": null', '"cancelled_at": "2026-03-21T12:00:00-04:00"').replace(/"updated_at": "[^"]+"/, '"updated_at": "2026-03-21T12:00:00-04:00"');
    expect((await deliver(hub.app, { body: cancelled, topic: 'orders/cancelled' })).status).toBe(202);
    await orderWhen(id, (o) => o.status === 'CANCELLED' && o.erpReferences.filter((r: Json) => r.documentType === 'SALES_ORDER_CHANGE' && r.postingStatus === 'POSTED').length === 2, 'cancel posted');

    // NetSuite: rate stays the unit price; amount = kept × price − kept discount (20.00 − 2.00; 45.00 − 0.33).
    const ns = (await getJson(`${world.netsuite.url}/_sandbox/documents`)).documents as Json[];
    const salesOrder = ns.find((d) => d.key === `SHOPIFY-${id}`)!.document as Json;
    expect((salesOrder.item.items as Json[]).map((l) => [l.item.id, l.quantity, l.rate, l.amount, l.isClosed])).toEqual([
      ['504', 2, 10, 18, true],
      ['503', 1, 45, 44.67, true],
    ]);

    // Business Central: the kept units carry 2.00 and 0.33 of the discount, not all of it.
    const bc = (await getJson(`${world.bc.url}/_sandbox/documents`)).documents as Json[];
    const order = bc.find((d) => d.document.externalDocumentNumber === `SHOPIFY-${id}`)!.document as Json;
    expect((order.salesOrderLines as Json[]).map((l) => [l.sequence, l.lineObjectNumber, l.quantity, l.unitPrice, l.discountAmount, l.amountExcludingTax])).toEqual([
      [10000, '504', 2, 10, 2, 18],
      [20000, '503', 1, 45, 0.33, 44.67],
      // Issue 11: the channel's tax as a G/L line (taxMode CHANNEL_AMOUNTS). Closing it on a cancel is the cancel's work (issue 11, defect 4).
      [30000, '22100', 1, 6.44, 0, 6.44],
    ]);
    expect(order.totalAmountExcludingTax).toBe(69.11);
  });
});

/** The discount item form is a NetSuite target option, so it is driven through the adapter itself. */
describe('NetSuite line changes with a Discount item', () => {
  let sb: NetSuiteSandbox;
  const ctx: ErpCallContext = { idempotencyKey: 'posting-41:1' };
  const usd = (amount: bigint) => ({ amount, currency: 'USD' });
  const options = { currencyIds: { USD: '1' }, discountItemId: '77' };
  const adapter = (): NetSuiteAdapter =>
    new NetSuiteAdapter({ targetId: 'netsuite-test', variant: 'netsuite', baseUrl: sb.url, credentials: { ...sb.credentials }, timeoutMs: 5000 }, options);
  const line = (over: Partial<SalesOrderLine>): SalesOrderLine => ({
    lineRef: 'L1', itemId: '504', description: 'Descaling tablets', quantity: 3, unitPrice: usd(1000n), discount: usd(300n), tax: usd(0n), taxCode: null, locationId: '11', ...over,
  });
  const lines = [line({}), line({ lineRef: 'L2', itemId: '503', unitPrice: usd(4500n), discount: usd(100n) })];
  const salesOrder: SalesOrderDocument = withChannelTotal({
    externalId: 'SHOPIFY-5001', channelOrderNumber: '#5001', placedAt: '2026-03-20T13:00:00.000Z', currency: 'USD', customerId: '107', subsidiaryId: '1',
    locationId: '11', lines, shipping: usd(0n), shippingTaxCode: null, grandTotal: usd(0n), memo: null,
  });
  /** What the hub sends for the kept units, through the hub's own rule. */
  const keep = (l: SalesOrderLine, index: number, quantity: number): SalesOrderChangeLine =>
    ({ lineRef: l.lineRef, itemId: l.itemId, lineIndex: index, quantity, unitPrice: l.unitPrice, discount: splitLineDiscount(l.discount, quantity, l.quantity).kept });
  const stored = async (): Promise<Json> => ((await erpSandboxAdmin(sb, `documents?key=${salesOrder.externalId}`)).documents as Json[])[0];

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ port: 0 });
    await resetSandbox(sb, { commitTimeoutRate: 0, commitTimeoutPath: '', commitTimeoutMode: 'destroy', latencyMs: 0 });
  });
  afterAll(() => sb.close());

  it('keeps the item line at gross and sets the discount line after it to −the kept discount; sent again, nothing is written', async () => {
    const ns = adapter();
    const orderId = (await ns.upsertSalesOrder(salesOrder, ctx)).internalId;
    await ns.postFulfillment({
      externalId: 'F-5001', salesOrderExternalId: salesOrder.externalId, salesOrderInternalId: orderId, shippedAt: '2026-03-20T15:00:00.000Z', carrier: null, trackingNumbers: [], memo: null,
      lines: [{ lineRef: 'L1', itemId: '504', quantity: 2, locationId: '11', lineIndex: 0 }],
    }, ctx);
    const change = { externalId: 'SHOPIFY-5001-cancel', salesOrderExternalId: salesOrder.externalId, salesOrderInternalId: orderId, lines: [keep(lines[0], 0, 2), keep(lines[1], 1, 0)] };
    await ns.changeSalesOrderLines(change, ctx);

    const after = await stored();
    expect((after.document.item.items as Json[]).map((l) => [l.item.id, l.quantity ?? null, l.rate, l.amount, l.isClosed ?? false])).toEqual([
      ['504', 2, 10, 20, true], ['77', null, -2, -2, false],
      ['503', 0, 45, 0, true], ['77', null, 0, 0, false],
    ]);
    await ns.changeSalesOrderLines(change, { idempotencyKey: 'posting-41:2' });
    expect((await stored()).updates).toBe(after.updates);
  });
});
