import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { signFulfillmentEvent } from '../src/adapters/fulfillment/shipment-confirmation.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { refundBody, returnBody, type ExchangeSpec, type RefundSpec } from './support/shopify-refund.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const SECRET = 'fulfillment-secret-for-exchanges';
/** order-create.json: line …501 is 2 × 89.00 with 13.19 off and 14.62 tax: one unit back is 82.40 and 7.31 of tax. */
const JACKET_LINE = '1612345678901234501';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '1996' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '1997' } },
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-L', target: { itemId: '1998' } },
  { kind: 'ITEM', sourceValue: 'MER-CREW-RED-L', target: { itemId: '1999' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
  { kind: 'DISPOSITION', sourceValue: 'RESTOCK', target: { locationId: '7' } },
  { kind: 'TENDER', sourceValue: 'shopify_payments', target: { paymentMethod: 'CARD', clearingAccount: '1010' } },
  // The exchange credit pays for the new items: the customer's credit, not cash.
  { kind: 'TENDER', sourceValue: 'exchange', target: { paymentMethod: 'EXCHANGE', clearingAccount: '22400' } },
];

let next = 0;
const uniqueId = (prefix: string) => `${prefix}${String(Date.now()).slice(-8)}${String((next += 1)).padStart(4, '0')}`;

/** The same jacket one size up: 89.00 with the original's 6.60 off and its 7.31 tax, as much as the unit returned. */
const evenSwap = (): ExchangeSpec => ({
  id: uniqueId('71'), lineItemId: uniqueId('1612'), sku: 'MER-CREW-NVY-L', variantId: '47001', title: 'Merino Crew Sweater - Navy / L', quantity: 1,
  price: '89.00', discount: '6.60', tax: { title: 'NY State Tax', rate: '0.08875', amount: '7.31' },
});
/** A dearer jacket: 119.00 and 10.56 tax, 129.56 for a unit worth 89.71 back. */
const upSell = (): ExchangeSpec => ({
  id: uniqueId('71'), lineItemId: uniqueId('1612'), sku: 'MER-CREW-RED-L', variantId: '47002', title: 'Merino Crew Sweater - Red / L', quantity: 1,
  price: '119.00', tax: { title: 'NY State Tax', rate: '0.08875', amount: '10.56' },
});

/**
 * Exchanges on PostgreSQL, Redis and the NetSuite sandbox: the returned unit is credited at its
 * value, the new item becomes an order linked to the original and the case, paid by the exchange
 * credit; nothing negative is posted anywhere.
 */
describe('Exchanges: the credit covers the returned items, the new items become a linked order (PostgreSQL + Redis + NetSuite sandbox)', () => {
  let hub: TestHub;
  let ns: NetSuiteSandbox;
  const prefix = `e2e-exchange-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const sandbox = async (path: string): Promise<Json> => (await (await fetch(`${ns.url}${path}`)).json()) as Json;

  beforeAll(async () => {
    ns = await startNetSuiteSandbox({ port: 0 });
    hub = await startHub({ databaseUrl: await freshDatabase('exchange'), queuePrefix: prefix, env: { FULFILLMENT_WEBHOOK_SECRET: SECRET } });
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

  async function settled(inboxId: string): Promise<Json> {
    return eventually(async () => {
      const [row] = await hub.sql<Json>('SELECT status, error FROM inbox WHERE id = $1', [inboxId]);
      if (!row || row.status === 'PENDING') throw new Error('pending');
      return row;
    });
  }

  async function postedOrder(): Promise<{ externalId: string; hubId: string }> {
    const base = fixture('order-create.json');
    const externalId = uniqueId('60136');
    expect((await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), externalId) })).status).toBe(202);
    return eventually(async () => {
      const [row] = await hub.sql<{ id: string; status: string }>(
        `SELECT o.id, p.status FROM orders o JOIN postings p ON p.order_id = o.id AND p.document_type = 'SALES_ORDER' WHERE o.external_id = $1`, [externalId]);
      if (row?.status !== 'POSTED') throw new Error(`sales order ${row?.status ?? 'missing'}`);
      return { externalId, hubId: row.id };
    }, 20_000);
  }

  async function approveWithExchange(orderId: string, returnId: string, exchange: ExchangeSpec, eventId = randomUUID()): Promise<Json> {
    const body = returnBody({ id: returnId, orderId, status: 'open', lines: [{ id: uniqueId('81'), lineItemId: JACKET_LINE, quantity: 1, reason: 'size_too_small' }], exchange: [exchange] });
    const res = await deliver(hub.app, { topic: 'returns/approve', body }).set('X-Shopify-Event-Id', eventId);
    expect(res.status).toBe(202);
    return settled(res.body.inboxId);
  }

  async function refund(spec: RefundSpec): Promise<Json> {
    const res = await deliver(hub.app, { topic: 'refunds/create', body: refundBody(spec) });
    expect(res.status).toBe(202);
    return settled(res.body.inboxId);
  }

  /** The warehouse inspects the unit and restocks it; it knows no RMA, so the event joins the order's open case. */
  async function restocked(order: { hubId: string }): Promise<void> {
    const event = {
      eventId: uniqueId('INS-'), type: 'return.inspected', source: 'wms', orderRef: order.hubId, rmaRef: null, locationRef: 'WH', occurredAt: '2026-11-22T09:00:00Z',
      lines: [{ lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 1, disposition: 'RESTOCK' }],
    };
    const raw = JSON.stringify(event);
    const res = await request(hub.app.getHttpServer()).post('/webhooks/wms/shipments').set('Content-Type', 'application/json')
      .set('X-Fulfillment-Source', 'wms').set('X-Fulfillment-Event-Id', event.eventId).set('X-Fulfillment-Hmac-Sha256', signFulfillmentEvent(raw, SECRET)).send(raw);
    expect(res.status).toBe(202);
    await settled(res.body.inboxId);
  }

  async function creditOf(refundId: string): Promise<{ posting: Json; memo: Json; all: Json }> {
    return eventually(async () => {
      const [posting] = await hub.sql<Json>(
        `SELECT p.status, p.erp_internal_id, p.erp_total::text AS erp_total, p.expected_total::text AS expected_total, p.variance::text AS variance
         FROM postings p JOIN return_refunds r ON r.id = p.subject_id::uuid WHERE p.document_type = 'CREDIT_MEMO' AND r.external_id = $1`, [refundId]);
      if (posting?.status !== 'POSTED') throw new Error(`credit ${JSON.stringify(posting)}`);
      const all = await sandbox('/_sandbox/returns');
      const memo = (all.creditMemos as Json[]).find((m) => m.id === posting.erp_internal_id);
      if (!memo) throw new Error('credit memo not in the sandbox');
      return { posting, memo, all };
    }, 30_000);
  }

  const exchangeOrderOf = (originalExternalId: string) => hub.sql<Json>(
    `SELECT o.id, o.external_id, o.status, o.hold_reasons, o.payment_status, o.grand_total::text AS grand_total, o.tags,
            (SELECT json_agg(json_build_object('gateway', t.gateway, 'captured', t.captured::text)) FROM order_tenders t WHERE t.order_id = o.id) AS tenders
     FROM orders o WHERE o.channel = 'SHOPIFY' AND o.external_id LIKE $1`, [`${originalExternalId}-EX-%`]);

  it('an even exchange refunds 0: the credit memo is the returned unit, the new size is a linked order paid by the exchange credit', async () => {
    const order = await postedOrder();
    const returnId = uniqueId('64');
    const swap = evenSwap();
    expect((await approveWithExchange(order.externalId, returnId, swap)).status).toBe('PROCESSED');
    await restocked(order);
    const refundId = uniqueId('89');
    // Shopify's refund of an exchange: the returned unit at its own figures, nothing paid back.
    expect((await refund({ id: refundId, orderId: order.externalId, returnId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [] })).status).toBe('PROCESSED');

    const { posting, memo, all } = await creditOf(refundId);
    expect(posting).toMatchObject({ erp_total: '8971', expected_total: '8971', variance: '0' });
    expect(memo.total).toBe(89.71);
    expect(memo.item.items.map((l: Json) => [l.item.id, l.quantity, l.amount])).toEqual([['1996', 1, 82.4]]);
    // No money went back: no customer refund; the memo's 89.71 stays open for the exchange.
    expect((all.customerRefunds as Json[]).filter((r) => String(r.externalId).startsWith(`SHOPIFY-R${refundId}`))).toEqual([]);
    expect(memo.amountRemaining).toBe(89.71);
    const [stored] = await hub.sql<Json>(
      `SELECT r.state, r.total::text AS total, (SELECT json_agg(json_build_object('kind', c.kind, 'amount', c.amount::text) ORDER BY c.position) FROM return_refund_components c WHERE c.refund_id = r.id) AS parts
       FROM return_refunds r WHERE r.external_id = $1`, [refundId]);
    expect(stored).toEqual({ state: 'CREDITED', total: '0', parts: [{ kind: 'LINE_SUBTOTAL', amount: '8240' }, { kind: 'LINE_TAX', amount: '731' }, { kind: 'EXCHANGE_CREDIT', amount: '-8971' }] });

    // The new size: an order of its own, paid by the credit, posted to NetSuite with its item.
    const linked = await eventually(async () => {
      const [row] = await exchangeOrderOf(order.externalId);
      if (row?.status !== 'POSTED') throw new Error(`exchange order ${JSON.stringify(row)}`);
      return row;
    }, 20_000);
    expect(linked).toMatchObject({ payment_status: 'PAID', grand_total: '8971', tenders: [{ gateway: 'exchange', captured: '8971' }] });
    expect(linked.tags).toEqual(['exchange', `exchange-of:${order.externalId}`]);
    const docs = await sandbox(`/_sandbox/documents?key=${encodeURIComponent(`SHOPIFY-${linked.external_id as string}`)}`);
    const sent = docs.documents[0].document as Json;
    expect((sent.item.items as Json[]).map((l) => [l.item.id, l.quantity, l.rate])).toEqual([['1998', 1, 89]]);
    expect(sent.total).toBe(89.71);
    // The case shows the exchange line and is complete.
    const [kase] = await hub.sql<Json>('SELECT status FROM return_cases WHERE return_ref = $1', [returnId]);
    expect(kase.status).toBe('COMPLETED');
  });

  it('an up-sell (refund first, the exchange after): nothing negative is posted, the customer owes the difference and the new item waits for it', async () => {
    const order = await postedOrder();
    const returnId = uniqueId('64');
    const refundId = uniqueId('89');
    await restocked(order);
    // Shopify floors the refund at 0. It arrives before the return's exchange is known: held, not guessed.
    await refund({ id: refundId, orderId: order.externalId, returnId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [] });
    const [held] = await hub.sql<Json>('SELECT state, reason FROM return_refunds WHERE external_id = $1', [refundId]);
    expect(held).toEqual({ state: 'HELD', reason: 'REFUND_COMPONENTS_MISMATCH' });
    const approve = randomUUID();
    expect((await approveWithExchange(order.externalId, returnId, upSell(), approve)).status).toBe('PROCESSED');
    // Delivered twice: the second changes nothing.
    await approveWithExchange(order.externalId, returnId, upSell(), approve);

    const { posting, memo } = await creditOf(refundId);
    expect(posting).toMatchObject({ erp_total: '8971', variance: '0' });
    expect(memo.item.items.every((l: Json) => l.amount > 0 && l.quantity > 0)).toBe(true);
    const linked = await eventually(async () => {
      const [row] = await exchangeOrderOf(order.externalId);
      if (!row) throw new Error('no exchange order');
      return row;
    });
    // 129.56 for the new jacket, 89.71 of it paid by the returned one: 39.85 owed, so the order waits for payment.
    expect(linked).toMatchObject({ status: 'ON_HOLD', hold_reasons: ['AWAITING_PAYMENT'], payment_status: 'PARTIALLY_PAID', grand_total: '12956', tenders: [{ gateway: 'exchange', captured: '8971' }] });
    const [sales] = await hub.sql<Json>(`SELECT count(*)::int AS n FROM postings WHERE order_id = $1 AND document_type = 'SALES_ORDER'`, [linked.id]);
    expect(sales.n).toBe(0);
    const [exchangeOrders] = await hub.sql<Json>(`SELECT count(*)::int AS n FROM orders WHERE external_id LIKE $1`, [`${order.externalId}-EX-%`]);
    expect(exchangeOrders.n).toBe(1);
    // Nothing negative anywhere in NetSuite: every credit memo and sales order line is above zero.
    const memos = (await sandbox('/_sandbox/returns')).creditMemos as Json[];
    expect(memos.flatMap((m) => m.item.items as Json[]).every((l) => l.amount > 0)).toBe(true);
    expect(memos.every((m) => m.total > 0)).toBe(true);
  });
});
