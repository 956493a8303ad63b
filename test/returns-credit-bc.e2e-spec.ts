import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { signFulfillmentEvent } from '../src/adapters/fulfillment/shipment-confirmation.js';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { refundBody, type RefundSpec } from './support/shopify-refund.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const SECRET = 'fulfillment-secret-for-credits';
/** order-create.json: line …501 is 2 × 89.00 with 13.19 off and 14.62 tax; line …502 1 × 24.50; shipping 9.95. */
const JACKET_LINE = '1612345678901234501';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '1996-S' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '1997-S' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '10000' } },
  { kind: 'DISPOSITION', sourceValue: 'RESTOCK', target: { locationId: 'RETURNS' } },
  { kind: 'DISPOSITION', sourceValue: 'SCRAP', target: { locationId: 'SCRAP', writeOffAccount: '8620' } },
  { kind: 'ITEM', sourceValue: 'refund:shipping', target: { itemId: '40250', lineType: 'Account' } },
  { kind: 'ITEM', sourceValue: 'refund:adjustment', target: { itemId: '40290', lineType: 'Account' } },
  { kind: 'TENDER', sourceValue: 'gift_card', target: { paymentMethod: 'GIFTCARD', clearingAccount: '22300' } },
];

let next = 0;
const uniqueId = (prefix: string) => `${prefix}${String(Date.now()).slice(-8)}${String((next += 1)).padStart(4, '0')}`;

describe('A refund becomes one posted Business Central credit memo that adds up to it (PostgreSQL + Redis + BC sandbox)', () => {
  let hub: TestHub;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-credit-bc-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);

  beforeAll(async () => {
    bc = await startBusinessCentralSandbox({ port: 0, taxRates: { NOTAX: '0' } });
    hub = await startHub({ databaseUrl: await freshDatabase('credit_bc'), queuePrefix: prefix, env: { FULFILLMENT_WEBHOOK_SECRET: SECRET } });
    expect((await admin('put', '/admin/erp-targets/bc-main', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 4, timeoutMs: 5000,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId },
      settings: { localCurrency: 'USD', shippingAccountNumber: '40250', taxMode: 'CHANNEL_AMOUNTS', taxAccountNumber: '22100', exemptTaxCode: 'NOTAX', refundAccountNumber: '40280' },
    })).status).toBe(200);
    for (const mapping of MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await bc?.close();
    await dropQueueKeys(prefix);
  });

  async function postedOrder(): Promise<{ externalId: string; hubId: string }> {
    const base = fixture('order-create.json');
    const externalId = uniqueId('60125');
    expect((await deliver(hub.app, { body: base.replace(new RegExp(orderIdOf(base), 'g'), externalId) })).status).toBe(202);
    return eventually(async () => {
      const [row] = await hub.sql<{ id: string; status: string }>(
        `SELECT o.id, p.status FROM orders o JOIN postings p ON p.order_id = o.id AND p.document_type = 'SALES_ORDER' WHERE o.external_id = $1`, [externalId]);
      if (row?.status !== 'POSTED') throw new Error(`sales order ${row?.status ?? 'missing'}`);
      return { externalId, hubId: row.id };
    }, 20_000);
  }

  async function refund(spec: RefundSpec): Promise<void> {
    const res = await deliver(hub.app, { topic: 'refunds/create', body: refundBody(spec) });
    expect(res.status).toBe(202);
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

  async function creditOf(refundId: string): Promise<{ posting: Json; memo: Json }> {
    return eventually(async () => {
      const [posting] = await hub.sql<Json>(
        `SELECT p.status, p.erp_internal_id, p.erp_total::text AS erp_total, p.expected_total::text AS expected_total, p.variance::text AS variance, p.last_error
         FROM postings p JOIN return_refunds r ON r.id = p.subject_id::uuid WHERE p.document_type = 'CREDIT_MEMO' AND r.external_id = $1`, [refundId]);
      if (posting?.status !== 'POSTED') throw new Error(`credit ${JSON.stringify(posting)}`);
      const memos = (await (await fetch(`${bc.url}/_sandbox/credit-memos`)).json()) as { creditMemos: Json[] };
      const memo = memos.creditMemos.find((m) => m.id === posting.erp_internal_id);
      if (!memo) throw new Error('memo not in the sandbox');
      return { posting, memo };
    }, 20_000);
  }

  it('credits one restocked and one scrapped unit of a discounted, taxed line: item line back into stock, write-off, tax line; total = the refund', async () => {
    const order = await postedOrder();
    const rma = `RMA-${uniqueId('')}`;
    await warehouse({
      eventId: uniqueId('INS-'), type: 'return.inspected', source: 'wms', orderRef: order.hubId, rmaRef: rma, locationRef: 'WH', occurredAt: '2026-11-22T09:00:00Z',
      lines: [
        { lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 1, disposition: 'RESTOCK' },
        { lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 1, disposition: 'SCRAP' },
      ],
    });
    const refundId = uniqueId('88');
    // Both units: 2 × 89.00 − 13.19 = 164.81, tax 14.62; refunded through the card.
    await refund({ id: refundId, orderId: order.externalId, lines: [{ lineItemId: JACKET_LINE, quantity: 2, subtotal: '164.81', tax: '14.62' }], transactions: [{ id: uniqueId('55'), amount: '179.43' }] });
    const { posting, memo } = await creditOf(refundId);
    expect(posting).toMatchObject({ erp_total: '17943', expected_total: '17943', variance: '0' });
    expect(memo).toMatchObject({ status: 'Open', customerNumber: '10000', totalAmountIncludingTax: 179.43, posts: 1, externalDocumentNumber: `SHOPIFY-R${refundId}` });
    const lines = (memo.salesCreditMemoLines as Json[]).map((l) => [l.lineType, l.lineObjectNumber, l.quantity, l.unitPrice, l.locationId ?? null, l.taxCode]);
    // 164.81 split by units, largest remainder first: 82.41 and 82.40; the tax 14.62 as one G/L line.
    expect(lines).toEqual([
      ['Item', '1996-S', 1, 82.41, 'RETURNS', 'NOTAX'],
      ['Account', '8620', 1, 82.4, null, 'NOTAX'],
      ['Account', '22100', 1, 14.62, null, 'NOTAX'],
    ]);
    const [refundRow] = await hub.sql<Json>(`SELECT r.state, c.status FROM return_refunds r JOIN return_cases c ON c.id = r.case_id WHERE r.external_id = $1`, [refundId]);
    expect(refundRow).toEqual({ state: 'CREDITED', status: 'COMPLETED' });
  });

  it('credits a refund before the goods came back, with shipping and a discrepancy, and a gift card tender, exactly once', async () => {
    const order = await postedOrder();
    const refundId = uniqueId('88');
    const spec: RefundSpec = {
      id: refundId, orderId: order.externalId, shipping: '9.95', discrepancy: '1.00',
      lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }],
      transactions: [{ id: uniqueId('55'), amount: '80.66' }, { id: uniqueId('55'), amount: '20.00', gateway: 'gift_card' }],
    };
    await refund(spec);
    await refund(spec);
    const { posting, memo } = await creditOf(refundId);
    expect(posting).toMatchObject({ erp_total: '10066', variance: '0' });
    expect((memo.salesCreditMemoLines as Json[]).map((l) => [l.lineObjectNumber, l.unitPrice])).toEqual([
      ['40280', 82.4], ['40250', 9.95], ['40290', 1], ['22100', 7.31],
    ]);
    const memos = (await (await fetch(`${bc.url}/_sandbox/credit-memos`)).json()) as { creditMemos: Json[] };
    expect(memos.creditMemos.filter((m) => m.externalDocumentNumber === `SHOPIFY-R${refundId}`)).toHaveLength(1);
  });

  it('parks a credit whose disposition has no mapping, and posts it once the mapping exists', async () => {
    const order = await postedOrder();
    await warehouse({
      eventId: uniqueId('INS-'), type: 'return.inspected', source: 'wms', orderRef: order.hubId, locationRef: 'WH', occurredAt: '2026-11-22T09:00:00Z',
      lines: [{ lineRef: JACKET_LINE, sku: 'MER-CREW-NVY-M', quantity: 1, disposition: 'REFURBISH' }],
    });
    const refundId = uniqueId('88');
    await refund({ id: refundId, orderId: order.externalId, lines: [{ lineItemId: JACKET_LINE, quantity: 1, subtotal: '82.40', tax: '7.31' }], transactions: [{ id: uniqueId('55'), amount: '89.71' }] });
    const parked = await eventually(async () => {
      const [p] = await hub.sql<Json>(`SELECT p.id, p.status, p.last_error_kind FROM postings p JOIN return_refunds r ON r.id = p.subject_id::uuid WHERE r.external_id = $1`, [refundId]);
      if (p?.status !== 'RETRYING') throw new Error(`credit ${JSON.stringify(p)}`);
      return p;
    }, 20_000);
    expect(parked.last_error_kind).toBe('MISSING_DEPENDENCY');
    expect((await admin('post', '/admin/mappings', { kind: 'DISPOSITION', sourceValue: 'REFURBISH', target: { locationId: 'REFURB' }, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    // The operator's replay (POST /admin/postings/{id}/replay) sends it now rather than at the next 30 s look.
    expect((await admin('post', `/admin/postings/${parked.id as string}/replay`, {})).body).toEqual({ replayed: [parked.id] });
    const { memo } = await creditOf(refundId);
    expect((memo.salesCreditMemoLines as Json[])[0]).toMatchObject({ lineType: 'Item', locationId: 'REFURB', quantity: 1 });
  });
});
