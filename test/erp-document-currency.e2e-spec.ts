import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { convertedOrderBody, type ConvertedOrderOptions } from './support/shopify-converted-order.js';
import { deliver, graphql } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, SHOPIFY_SECRET, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const STAGING = 'staging-shop.myshopify.com';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '501' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
  { kind: 'TAX_CODE', sourceValue: 'GST', target: { taxCode: '-5', taxAccount: '22130' } },
  { kind: 'ITEM', sourceValue: 'charge:rounding', target: { itemId: '592', lineType: 'Account' } },
  { kind: 'ITEM', sourceValue: 'charge:tip', target: { itemId: '590', lineType: 'Account' } },
];

/** CAD paid, USD books: 72.75 USD (its parts 72.76, so a −0.01 rounding), 99.21 CAD. */
const CONVERTED_ID = '6012345678900031001';
/** The same order printed 4 cents from its parts: more than 1 per line + 1. */
const FAR_ID = '6012345678900031002';
/** A test order of the staging shop, whose account lets test orders through. */
const STAGING_TEST_ID = '6012345678900031003';
/** A test order of the live shop: still held. */
const LIVE_TEST_ID = '6012345678900031004';
/** A 1.00 USD tip, which Shopify gives in shop money only: no presentment view. */
const TIPPED_ID = '6012345678900031005';

const body = (o: ConvertedOrderOptions): string => JSON.stringify(convertedOrderBody(o));

async function documents(url: string): Promise<Json[]> {
  return ((await (await fetch(`${url}/_sandbox/documents`)).json()) as Json).documents as Json[];
}

const cents = (values: readonly number[]): number => values.reduce((n, v) => n + Math.round(v * 100), 0);

/**
 * Issue 11, defects 8b, 12a, 12c and test orders: a converted order is booked in the money set each
 * target asks for (currencyBasis), its rounding explicit; what the buyer wrote reaches the documents;
 * a staging shop's test orders are posted.
 */
describe('currency basis, rounding, buyer text and test orders on ERP documents', () => {
  let hub: TestHub;
  let nsShop: NetSuiteSandbox;
  let nsBuyer: NetSuiteSandbox;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-doccurrency-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, payload: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(payload);
  const postings = (id: string) =>
    hub.sql<Json>(`SELECT p.target_id, p.status, p.erp_total::text AS erp_total, p.erp_total_currency AS currency, p.variance::text AS variance, p.last_error,
                          p.read_back_currency
                   FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 ORDER BY p.target_id`, [id]);
  /** The postings once every NetSuite total written in a batch has been read back. */
  const readBack = (id: string) => eventually(async () => {
    const rows = await postings(id);
    if (rows.some((r) => r.read_back_currency !== null)) throw new Error(`totals not read back yet: ${JSON.stringify(rows)}`);
    return rows;
  });

  beforeAll(async () => {
    [nsShop, nsBuyer, bc] = await Promise.all([
      startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-5': '5' } } }),
      startNetSuiteSandbox({ port: 0, knobs: { taxRates: { '-5': '5' } } }),
      startBusinessCentralSandbox({ port: 0, taxRates: { NOTAX: '0' } }),
    ]);
    hub = await startHub({ databaseUrl: await freshDatabase('doccurrency'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    expect((await admin('put', '/admin/erp-targets/ns-shop', {
      variant: 'netsuite', baseUrl: nsShop.url, credentials: nsShop.credentials, concurrencyCap: 4, timeoutMs: 5000,
      settings: { currencyBasis: 'SHOP', poNumberField: 'custbody_hub_po', noteField: 'custbody_hub_note', linePropertiesField: 'custcol_hub_props' },
    })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns-buyer', {
      variant: 'netsuite', baseUrl: nsBuyer.url, credentials: nsBuyer.credentials, concurrencyCap: 4, timeoutMs: 5000, settings: { currencyBasis: 'PRESENTMENT' },
    })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/bc-buyer', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 4, timeoutMs: 5000,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId },
      settings: { localCurrency: 'USD', shippingAccountNumber: '40250', taxAccountNumber: '22100', exemptTaxCode: 'NOTAX', currencyBasis: 'PRESENTMENT' },
    })).status).toBe(200);
    const staging = await admin('put', '/admin/channel-accounts', { channel: 'SHOPIFY', account: STAGING, webhookSecret: SHOPIFY_SECRET, allowTestOrders: true });
    expect(staging.status).toBe(200);
    expect(staging.body).toMatchObject({ allowTestOrders: true, conversionRoundingPerLine: 1 });
    for (const account of [SHOP, STAGING]) {
      for (const mapping of MAPPINGS) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account, note: 'e2e' })).status).toBe(201);
    }
    const deliveries = [
      { shop: SHOP, body: body({
        id: CONVERTED_ID, note: 'Leave at the side door', poNumber: 'PO-4471',
        transactions: [{ kind: 'sale', gateway: 'gift_card', amount: '20.00', currency: 'USD' }, { kind: 'sale', gateway: 'shopify_payments', amount: '52.75', currency: 'USD' }],
      }) },
      { shop: SHOP, body: body({ id: FAR_ID, usdTotal: '72.71' }) },
      { shop: STAGING, body: body({ id: STAGING_TEST_ID, test: true }) },
      { shop: SHOP, body: body({ id: LIVE_TEST_ID, test: true }) },
      { shop: SHOP, body: body({ id: TIPPED_ID, tip: '1.00', usdTotal: '73.75' }) },
    ];
    for (const delivery of deliveries) expect((await deliver(hub.app, delivery)).status).toBe(202);
    await eventually(async () => {
      const rows = await hub.sql<Json>(`SELECT p.status FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = ANY($1)`, [[CONVERTED_ID, STAGING_TEST_ID]]);
      if (rows.length !== 6 || rows.some((r) => r.status !== 'POSTED')) throw new Error(`postings ${JSON.stringify(rows)}`);
    }, 30_000);
  });

  afterAll(async () => {
    await hub?.close();
    await Promise.all([nsShop?.close(), nsBuyer?.close(), bc?.close()]);
    await dropQueueKeys(prefix);
  });

  it('refuses a currencyBasis that is not one, naming the field', async () => {
    const bad = await admin('put', '/admin/erp-targets/ns-bad', {
      variant: 'netsuite', baseUrl: nsShop.url, credentials: nsShop.credentials, concurrencyCap: 1, timeoutMs: 5000, settings: { currencyBasis: 'BUYER' },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field: 'settings.currencyBasis' } });
  });

  it('keeps the converted order with an explicit −0.01 USD ROUNDING charge, recorded in its history, and both money sets', async () => {
    const [order] = await hub.sql<Json>(
      `SELECT id, status, charges, grand_total::text AS grand_total, presentment_currency, presentment->>'grandTotal' AS buyer_total, presentment->'charges' AS buyer_charges
       FROM orders WHERE external_id = $1`, [CONVERTED_ID]);
    expect(order).toMatchObject({
      grand_total: '7275', charges: [{ kind: 'ROUNDING', title: 'Currency conversion rounding', amount: '-1' }],
      presentment_currency: 'CAD', buyer_total: '9921', buyer_charges: [],
    });
    const history = await hub.sql<{ reason: string }>('SELECT reason FROM order_history WHERE order_id = $1 ORDER BY id', [order.id]);
    expect(history.map((h) => h.reason)).toContain('currency conversion rounding of -0.01 USD kept as a ROUNDING charge (the channel converted each amount on its own)');
  });

  it('NetSuite on SHOP money: a USD document whose lines, tax, shipping and rounding line add up to 72.75, and NetSuite stores 72.75', async () => {
    const doc = (await documents(nsShop.url)).find((d) => d.key === `SHOPIFY-${CONVERTED_ID}`)!.document as Json;
    expect(doc.currency).toEqual({ externalId: 'USD' });
    const items = doc.item.items as Json[];
    expect(items.map((l) => [l.item.id, l.quantity, l.rate, l.amount])).toEqual([['501', 3, 14.66, 43.98], ['502', 1, 18.33, 18.33], ['592', 1, -0.01, -0.01]]);
    expect(doc.shippingCost).toBe(7.33);
    expect((doc.taxDetails.items as Json[]).map((d) => [d.taxDetailsReference, d.taxAmount])).toEqual([['L1', 2.2], ['L2', 0.92]]);
    expect(cents([...items.map((l) => l.amount), doc.shippingCost, ...(doc.taxDetails.items as Json[]).map((d) => d.taxAmount)])).toBe(7275);
    expect((await readBack(CONVERTED_ID)).find((p) => p.target_id === 'ns-shop')).toMatchObject({ status: 'POSTED', erp_total: '7275', currency: 'USD', variance: '0' });
  });

  it('NetSuite on PRESENTMENT money: a CAD document of the buyer\'s own amounts, no rounding, 99.21 stored', async () => {
    const doc = (await documents(nsBuyer.url)).find((d) => d.key === `SHOPIFY-${CONVERTED_ID}`)!.document as Json;
    expect(doc.currency).toEqual({ externalId: 'CAD' });
    expect((doc.item.items as Json[]).map((l) => [l.item.id, l.quantity, l.rate, l.amount])).toEqual([['501', 3, 19.99, 59.97], ['502', 1, 24.99, 24.99]]);
    expect(doc.shippingCost).toBe(10);
    expect((doc.taxDetails.items as Json[]).map((d) => d.taxAmount)).toEqual([3, 1.25]);
    expect((await readBack(CONVERTED_ID)).find((p) => p.target_id === 'ns-buyer')).toMatchObject({ status: 'POSTED', erp_total: '9921', currency: 'CAD', variance: '0' });
  });

  it('Business Central on PRESENTMENT money: currencyCode CAD and totalAmountIncludingTax 99.21', async () => {
    const doc = (await documents(bc.url)).find((d) => d.key === `SHOPIFY-${CONVERTED_ID}`)!.document as Json;
    expect(doc.currencyCode).toBe('CAD');
    expect((doc.salesOrderLines as Json[]).map((l) => [l.lineType, l.lineObjectNumber, l.quantity, l.unitPrice])).toEqual([
      ['Item', '501', 3, 19.99], ['Item', '502', 1, 24.99], ['Account', '40250', 1, 10], ['Account', '22130', 1, 4.25],
    ]);
    expect(doc.totalAmountIncludingTax).toBe(99.21);
    expect(doc.yourReference).toBeUndefined();
    expect((await readBack(CONVERTED_ID)).find((p) => p.target_id === 'bc-buyer')).toMatchObject({ status: 'POSTED', erp_total: '9921', currency: 'CAD', variance: '0' });
  });

  it('holds an order whose conversion gap is above the bound as TOTALS_MISMATCH, with no charge and no posting', async () => {
    const [order] = await hub.sql<Json>('SELECT status, hold_reasons, charges FROM orders WHERE external_id = $1', [FAR_ID]);
    expect(order).toMatchObject({ status: 'ON_HOLD', hold_reasons: ['TOTALS_MISMATCH'], charges: [] });
    expect(await postings(FAR_ID)).toEqual([]);
  });

  it('does not book an order without full presentment money on a PRESENTMENT target, and books it on SHOP', async () => {
    const rows = await eventually(async () => {
      const found = await postings(TIPPED_ID);
      if (found.length !== 3 || found.some((p) => (p.status !== 'POSTED' && p.status !== 'DEAD') || p.read_back_currency !== null)) throw new Error(`postings ${JSON.stringify(found)}`);
      return found;
    }, 30_000);
    expect(rows.map((p) => [p.target_id, p.status, p.erp_total])).toEqual([['bc-buyer', 'DEAD', null], ['ns-buyer', 'DEAD', null], ['ns-shop', 'POSTED', '7375']]);
    const codes = await hub.sql<{ code: string }>(
      `SELECT p.last_error_code AS code FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 AND p.status = 'DEAD'`, [TIPPED_ID]);
    expect(codes.map((c) => c.code)).toEqual(['NO_PRESENTMENT_MONEY', 'NO_PRESENTMENT_MONEY']);
    expect((await documents(nsBuyer.url)).some((d) => d.key === `SHOPIFY-${TIPPED_ID}`)).toBe(false);
    const shop = (await documents(nsShop.url)).find((d) => d.key === `SHOPIFY-${TIPPED_ID}`)!.document as Json;
    expect((shop.item.items as Json[]).slice(2).map((l) => [l.item.id, l.amount])).toEqual([['590', 1], ['592', -0.01]]);
  });

  it('puts the PO number and note in NetSuite custom body fields and the line properties in a custom column', async () => {
    const doc = (await documents(nsShop.url)).find((d) => d.key === `SHOPIFY-${CONVERTED_ID}`)!.document as Json;
    expect(doc).toMatchObject({ custbody_hub_po: 'PO-4471', custbody_hub_note: 'Leave at the side door', memo: `SHOPIFY #${CONVERTED_ID.slice(-5)}` });
    expect((doc.item.items as Json[]).map((l) => l.custcol_hub_props ?? null)).toEqual(['Engraving: For M.', null, null]);
    const buyer = (await documents(nsBuyer.url)).find((d) => d.key === `SHOPIFY-${CONVERTED_ID}`)!.document as Json;
    expect(buyer.memo).toBe(`SHOPIFY #${CONVERTED_ID.slice(-5)} · PO PO-4471 · Leave at the side door`);
  });

  it('splits the tenders by the transactions, and shows the order\'s buyer text, test flag and rounding in GraphQL', async () => {
    const tenders = await hub.sql<Json>(
      `SELECT t.kind, t.gateway, t.captured::text AS captured FROM order_tenders t JOIN orders o ON o.id = t.order_id WHERE o.external_id = $1 ORDER BY t.position`, [CONVERTED_ID]);
    expect(tenders).toEqual([{ kind: 'GIFT_CARD', gateway: 'gift_card', captured: '2000' }, { kind: 'CARD', gateway: 'shopify_payments', captured: '5275' }]);
    const answer = await graphql(hub.app, READER_KEY, `query ($channel: Channel!, $externalId: String!) {
      orderBySource(channel: $channel, externalId: $externalId) { note poNumber test presentmentCurrency charges { kind amount { amount currencyCode } } lines { properties { name value } } }
    }`, { channel: 'SHOPIFY', externalId: CONVERTED_ID });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.orderBySource).toEqual({
      note: 'Leave at the side door', poNumber: 'PO-4471', test: false, presentmentCurrency: 'CAD',
      charges: [{ kind: 'ROUNDING', amount: { amount: '-0.01', currencyCode: 'USD' } }],
      lines: [{ properties: [{ name: 'Engraving', value: 'For M.' }] }, { properties: [] }],
    });
  });

  it('an edit of the converted order changes each ERP order in the money it was sent in: USD on SHOP, CAD on PRESENTMENT', async () => {
    // One crew of three taken off: USD 29.32 + 18.33 + 7.33 + GST 1.47 + 0.92 = 57.37; CAD 39.98 + 24.99 + 10.00 + 2.00 + 1.25 = 78.22.
    const edited = convertedOrderBody({ id: CONVERTED_ID, usdTotal: '57.37' }) as Json;
    const set = (usd: string, cad: string) => ({ shop_money: { amount: usd, currency_code: 'USD' }, presentment_money: { amount: cad, currency_code: 'CAD' } });
    Object.assign(edited, {
      updated_at: '2026-03-14T11:15:42-04:00',
      total_price_set: set('57.37', '78.22'),
      total_line_items_price: '47.65', total_line_items_price_set: set('47.65', '64.97'),
      total_tax: '2.39', total_tax_set: set('2.39', '3.25'),
    });
    edited.line_items[0] = { ...edited.line_items[0], current_quantity: 2, fulfillable_quantity: 2, tax_lines: [{ title: 'GST', rate: 0.05, price: '1.47', price_set: set('1.47', '2.00') }] };
    edited.tax_lines = [{ title: 'GST', rate: 0.05, price: '2.39', price_set: set('2.39', '3.25') }];
    expect((await deliver(hub.app, { shop: SHOP, topic: 'orders/updated', body: JSON.stringify(edited) })).status).toBe(202);
    const changes = await eventually(async () => {
      const rows = await hub.sql<Json>(
        `SELECT p.target_id, p.status, p.last_error FROM postings p JOIN orders o ON o.id = p.order_id
         WHERE o.external_id = $1 AND p.document_type = 'SALES_ORDER_CHANGE' ORDER BY p.target_id`, [CONVERTED_ID]);
      if (rows.length !== 3 || rows.some((r) => r.status !== 'POSTED')) throw new Error(`changes ${JSON.stringify(rows)}`);
      return rows;
    }, 30_000);
    expect(changes.map((c) => c.target_id)).toEqual(['bc-buyer', 'ns-buyer', 'ns-shop']);
    const crew = async (url: string) => ((await documents(url)).find((d) => d.key === `SHOPIFY-${CONVERTED_ID}`)!.document.item.items as Json[])[0];
    expect(await crew(nsShop.url)).toMatchObject({ quantity: 2, amount: 29.32 });
    expect(await crew(nsBuyer.url)).toMatchObject({ quantity: 2, amount: 39.98 });
    const bcDoc = (await documents(bc.url)).find((d) => d.key === `SHOPIFY-${CONVERTED_ID}`)!.document as Json;
    expect((bcDoc.salesOrderLines as Json[])[0]).toMatchObject({ quantity: 2, unitPrice: 19.99 });
  });

  it('posts a test order of an account that allows them (its documents add up), and still holds one of an account that does not', async () => {
    const [staged] = await hub.sql<Json>('SELECT status, test, hold_reasons FROM orders WHERE external_id = $1', [STAGING_TEST_ID]);
    expect(staged).toMatchObject({ test: true, hold_reasons: [] });
    expect((await readBack(STAGING_TEST_ID)).map((p) => [p.target_id, p.status, p.erp_total, p.variance])).toEqual([
      ['bc-buyer', 'POSTED', '9921', '0'], ['ns-buyer', 'POSTED', '9921', '0'], ['ns-shop', 'POSTED', '7275', '0'],
    ]);
    const [live] = await hub.sql<Json>('SELECT status, test, hold_reasons FROM orders WHERE external_id = $1', [LIVE_TEST_ID]);
    expect(live).toMatchObject({ status: 'ON_HOLD', test: true, hold_reasons: ['TEST_ORDER'] });
    expect(await postings(LIVE_TEST_ID)).toEqual([]);
  });
});
