import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { signFulfillmentEvent } from '../src/adapters/fulfillment/shipment-confirmation.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { refundBody, type RefundSpec } from './support/shopify-refund.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const SECRET = 'fulfillment-secret-for-ns-credits';
/** order-create.json: line …501 is 2 × 89.00 with 13.19 off and 14.62 tax; line …502 1 × 24.50; shipping 9.95. */
const JACKET_LINE = '1612345678901234501';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '1996' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '1997' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
  { kind: 'DISPOSITION', sourceValue: 'RESTOCK', target: { locationId: '7' } },
  { kind: 'ITEM', sourceValue: 'refund:shipping', target: { itemId: '40250' } },
  { kind: 'TENDER', sourceValue: 'shopify_payments', target: { paymentMethod: 'CARD', clearingAccount: '1010' } },
  { kind: 'TENDER', sourceValue: 'gift_card', target: { paymentMethod: 'GIFTCARD', clearingAccount: '22300' } },
];

let next = 0;
const uniqueId = (prefix: string) => `${prefix}${String(Date.now()).slice(-8)}${String((next += 1)).padStart(4, '0')}`;

interface Returns { returnAuthorizations: Json[]; itemReceipts: Json[]; creditMemos: Json[]; customerRefunds: Json[] }

describe('A refund becomes a NetSuite return authorization, item receipt and credit memo that add up to it (PostgreSQL + Redis + NetSuite sandbox)', () => {
  let hub: TestHub;
  let ns: NetSuiteSandbox;
  const prefix = `e2e-credit-ns-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const knobs = (patch: object) => fetch(`${ns.url}/_sandbox/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
  const returns = async (): Promise<Returns> => (await (await fetch(`${ns.url}/_sandbox/returns`)).json()) as Returns;
  const keyed = (records: Json[], key: string) => records.filter((r) => r.externalId === key);

  beforeAll(async () => {
    ns = await startNetSuiteSandbox({ port: 0 });
    hub = await startHub({ databaseUrl: await freshDatabase('credit_ns'), queuePrefix: prefix, env: { FULFILLMENT_WEBHOOK_SECRET: SECRET } });
    expect((await admin('put', '/admin/erp-targets/ns-main', {
      variant: 'netsuite', baseUrl: ns.url, credentials: ns.credentials, concurrencyCap: 4, timeoutMs: 2000, settings: { taxMode: 'CHANNEL_AMOUNTS' },
    })).status).toBe(200);
    for (const mapping of MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await ns?.close();
    await dropQueueKeys(prefix);
  });

  async function postedOrder(): Promise<{ externalId: string; hubId: string; nsId: string }> {
    const base = fixture('order-create.json');
    const externalId = uniqueId('60135');
    expect((await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), externalId) })).status).toBe(202);
    return eventually(async () => {
      const [row] = await hub.sql<{ id: string; status: string; erp_internal_id: string }>(
        `SELECT o.id, p.status, p.erp_internal_id FROM orders o JOIN postings p ON p.order_id = o.id AND p.document_type = 'SALES_ORDER' WHERE o.external_id = $1`, [externalId]);
      if (row?.status !== 'POSTED') throw new Error(`sales order ${row?.status ?? 'missing'}`);
      return { externalId, hubId: row.id, nsId: row.erp_internal_id };
    }, 20_000);
  }

  async function refund(spec: RefundSpec): Promise<void> {
    expect((await deliver(hub.app, { topic: 'refunds/create', body: refundBody(spec) })).status).toBe(202);
  }

  async function warehouse(event: Json): Promise<void> {
    const raw = JSON.stringify(event);
    const res = await request(hub.app.getHttpServer()).post('/webhooks/wms/shipments').set('Content-Type', 'application/json')
      .set('X-Fulfillment-Source', 'wms').set('X-Fulfillment-Event-Id', event.eventId).set('X-Fulfillment-Hmac-Sha256', signFulfillmentEvent(raw, SECRET)).send(raw);
    expect(res.status).toBe(202);
    await eventually(async () => {
      const [row] = await hub.sql<{ status: string }>('SELECT status FROM inbox WHERE id = $1', [res.body.inboxId]);
      if (row.status === 'PENDING') throw new Error('pending');
    });
  }

  async function creditOf(refundId: string): Promise<{ posting: Json; memo: Json; all: Returns }> {
    return eventually(async () => {
      const [posting] = await hub.sql<Json>(
        `SELECT p.status, p.erp_internal_id, p.erp_document_number, p.erp_total::text AS erp_total, p.expected_total::text AS expected_total, p.variance::text AS variance
         FROM postings p JOIN return_refunds r ON r.id = p.subject_id::uuid WHERE p.document_type = 'CREDIT_MEMO' AND r.external_id = $1`, [refundId]);
      if (posting?.status !== 'POSTED') throw new Error(`credit ${JSON.stringify(posting)}`);
      const all = await returns();
      const memo = all.creditMemos.find((m) => m.id === posting.erp_internal_id);
      if (!memo) throw new Error('credit memo not in the sandbox');
      return { posting, memo, all };
    }, 30_000);
  }

  it('returns one of two discounted, taxed units into stock: RA from the order, item receipt at the location, credit memo = the refund', async () => {
    const order = await postedOrder();
    await warehouse({
      eventId: uniqueId('INS-'), type: 'return.inspected', source: 'wms', orderRef: order.hubId, rmaRef: `RMA-${uniqueId('')}`, locationRef: 'WH', occurredAt: '2026-11-22T09:00:00Z',
      lines: [{ lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 1, disposition: 'RESTOCK' }],
    });
    const refundId = uniqueId('88');
    // One of 2 × 89.00 − 13.19: 82.40 net and 7.31 of the 14.62 tax.
    await refund({ id: refundId, orderId: order.externalId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }] });
    const { posting, memo, all } = await creditOf(refundId);
    const key = `SHOPIFY-R${refundId}`;
    expect(posting).toMatchObject({ erp_total: '8971', expected_total: '8971', variance: '0', erp_document_number: memo.tranId });

    const [ra] = keyed(all.returnAuthorizations, `${key}-RA`);
    expect(ra).toMatchObject({ createdFrom: { id: order.nsId }, entity: { id: '107' }, orderStatus: { id: 'G' } });
    expect(ra.item.items.map((l: Json) => [l.line, l.orderLine, l.item.id, l.quantity, l.amount, l.quantityReceived, l.quantityBilled]))
      .toEqual([[1, 1, '1996', 1, 82.4, 1, 1]]);
    const receipts = keyed(all.itemReceipts, `${key}-IR`);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ createdFrom: { id: ra.id } });
    expect(receipts[0].item.items.map((l: Json) => [l.orderLine, l.quantity, l.location])).toEqual([[1, 1, { id: '7' }]]);

    expect(memo).toMatchObject({ externalId: `${key}-CM`, createdFrom: { id: ra.id }, taxDetailsOverride: true, subtotal: 82.4, taxTotal: 7.31, total: 89.71 });
    expect(memo.item.items.map((l: Json) => [l.orderLine, l.item.id, l.quantity, l.rate, l.amount])).toEqual([[1, '1996', 1, 89, 82.4]]);
    expect(memo.taxDetails.items.map((d: Json) => [d.taxDetailsReference, d.taxBasis, d.taxAmount])).toEqual([['L1', 82.4, 7.31]]);
    // The card refund pays the whole credit back out of the clearing account.
    const refunds = keyed(all.customerRefunds, `${key}-CR-shopify_payments`);
    expect(refunds.map((r) => [r.customer, r.account, r.total, r.apply.items.map((a: Json) => [a.doc.id, a.amount])])).toEqual([[{ id: '107' }, { id: '1010' }, 89.71, [[memo.id, 89.71]]]]);
    expect(memo.amountRemaining).toBe(0);
    const [refundRow] = await hub.sql<Json>(`SELECT r.state FROM return_refunds r WHERE r.external_id = $1`, [refundId]);
    expect(refundRow.state).toBe('CREDITED');
  });

  it('credits a refund before the goods came back, with shipping as its Other Charge item: no item receipt', async () => {
    const order = await postedOrder();
    const refundId = uniqueId('88');
    await refund({
      id: refundId, orderId: order.externalId, shipping: '9.95',
      lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }],
      transactions: [{ id: uniqueId('55'), amount: '79.66' }, { id: uniqueId('55'), amount: '20.00', gateway: 'gift_card' }],
    });
    const { posting, memo, all } = await creditOf(refundId);
    const key = `SHOPIFY-R${refundId}`;
    expect(posting).toMatchObject({ erp_total: '9966', expected_total: '9966', variance: '0' });
    expect(keyed(all.itemReceipts, `${key}-IR`)).toEqual([]);
    const [ra] = keyed(all.returnAuthorizations, `${key}-RA`);
    expect(ra.item.items.map((l: Json) => [l.orderLine ?? null, l.item.id, l.quantity, l.quantityReceived ?? 0])).toEqual([[1, '1996', 1, 0], [null, '40250', 1, 0]]);
    expect(memo.item.items.map((l: Json) => [l.orderLine, l.item.id, l.amount])).toEqual([[1, '1996', 82.4], [2, '40250', 9.95]]);
    expect(memo.total).toBe(99.66);
    // The card's 79.66 goes back as a customer refund; the gift card's 20.00 stays on the memo as the customer's credit.
    expect(all.customerRefunds.filter((r) => r.externalId.startsWith(key)).map((r) => [r.externalId, r.total])).toEqual([[`${key}-CR-shopify_payments`, 79.66]]);
    expect(memo.amountRemaining).toBe(20);
  });

  it('finishes the chain after the credit memo\'s answer is lost, without a second record', async () => {
    const order = await postedOrder();
    const refundId = uniqueId('88');
    const key = `SHOPIFY-R${refundId}`;
    const before = ((await (await fetch(`${ns.url}/_sandbox/stats`)).json()) as Json).faults.commitTimeout as number;
    // The credit memo is stored, its answer comes after the hub's 2 s timeout: an ambiguous outcome.
    expect((await knobs({ commitTimeoutRate: 1, commitTimeoutPath: '/!transform/creditMemo', commitTimeoutMode: 'delay', commitTimeoutDelayMs: 4000 })).status).toBe(200);
    try {
      await refund({ id: refundId, orderId: order.externalId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }] });
      const { posting, all } = await creditOf(refundId);
      expect(posting).toMatchObject({ erp_total: '8971', variance: '0' });
      expect(keyed(all.creditMemos, `${key}-CM`)).toHaveLength(1);
      expect(keyed(all.returnAuthorizations, `${key}-RA`)).toHaveLength(1);
      expect(keyed(all.customerRefunds, `${key}-CR-shopify_payments`)).toHaveLength(1);
      expect(((await (await fetch(`${ns.url}/_sandbox/stats`)).json()) as Json).faults.commitTimeout).toBeGreaterThan(before);
    } finally {
      await knobs({ commitTimeoutRate: 0, commitTimeoutPath: '' });
    }
  });

  it('after the return authorization\'s answer is lost, the next attempt finds it by its key and finishes the chain on it', async () => {
    const order = await postedOrder();
    const refundId = uniqueId('88');
    const key = `SHOPIFY-R${refundId}`;
    // No credit memo exists after this loss, so the look-up answers null and the hub sends again: the RA must not be doubled.
    expect((await knobs({ commitTimeoutRate: 1, commitTimeoutPath: '/!transform/returnAuthorization', commitTimeoutMode: 'delay', commitTimeoutDelayMs: 4000 })).status).toBe(200);
    try {
      await refund({ id: refundId, orderId: order.externalId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }] });
      const { posting, memo, all } = await creditOf(refundId);
      expect(posting).toMatchObject({ erp_total: '8971', variance: '0' });
      const ras = keyed(all.returnAuthorizations, `${key}-RA`);
      expect(ras).toHaveLength(1);
      expect(memo.createdFrom).toMatchObject({ id: ras[0].id });
      expect(keyed(all.creditMemos, `${key}-CM`)).toHaveLength(1);
    } finally {
      await knobs({ commitTimeoutRate: 0, commitTimeoutPath: '' });
    }
  });
});
