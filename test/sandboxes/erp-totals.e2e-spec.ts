import { randomBytes } from 'node:crypto';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { tbaAuthorizationHeader } from '../../src/adapters/erp/netsuite/tba-signer.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const admin = async (url: string, path: string, body?: unknown): Promise<Json> => {
  const post = body !== undefined || path === 'reset';
  const res = await fetch(`${url}/_sandbox/${path}`, post ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) } : {});
  return res.status === 204 ? {} : ((await res.json()) as Json);
};

/** The ERPs' own totals, computed from what a client sent: both sandboxes judge the hub's documents by them. */
describe('ERP sandboxes compute totals as the ERPs do', () => {
  describe('Business Central', () => {
    let sb: BusinessCentralSandbox;
    let accessToken: string;
    const orders = (): string => `${sb.apiUrl}/companies(${sb.companyId})/salesOrders`;
    const post = async (body: Json): Promise<Response> => fetch(`${orders()}?$expand=salesOrderLines`, {
      method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });

    beforeAll(async () => {
      sb = await startBusinessCentralSandbox({ port: 0, lcyCode: 'USD' });
      const res = await fetch(sb.tokenUrl, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.credentials.clientId, client_secret: sb.credentials.clientSecret, scope: sb.scope }),
      });
      accessToken = ((await res.json()) as Json).access_token as string;
    });
    afterAll(() => sb.close());
    beforeEach(async () => {
      await admin(sb.url, 'reset');
      await admin(sb.url, 'knobs', { taxRates: { 'NY-STATE': '8.875', VAT19: 19, ZERO: 0 }, pricesIncludeTaxCustomers: ['EU-CUST'], totalVarianceMinor: 0 });
    });

    it('prices lines net of discount, taxes each at its code rate (half up), and a line without a code not at all', async () => {
      const res = await post({
        externalDocumentNumber: 'BC-TOT-1', customerNumber: '10000', currencyCode: '',
        salesOrderLines: [
          { lineType: 'Item', lineObjectNumber: '1896-S', quantity: 3, unitPrice: 19.99, discountAmount: 5.01, taxCode: 'NY-STATE' },
          { lineType: 'Item', lineObjectNumber: '1900-S', quantity: 1, unitPrice: 24.5 },
          { lineType: 'Account', lineObjectNumber: '6610', quantity: 1, unitPrice: 7.95, discountAmount: 7.95, taxCode: 'NY-STATE' },
        ],
      });
      expect(res.status).toBe(201);
      const order = (await res.json()) as Json;
      // 3 × 19.99 = 59.97 − 5.01 = 54.96; 8.875 % of it is 4.8777 → 4.88.
      expect(order.salesOrderLines.map((l: Json) => [l.amountExcludingTax, l.taxPercent, l.totalTaxAmount, l.amountIncludingTax]))
        .toEqual([[54.96, 8.875, 4.88, 59.84], [24.5, 0, 0, 24.5], [0, 8.875, 0, 0]]);
      expect(order).toMatchObject({ pricesIncludeTax: false, totalAmountExcludingTax: 79.46, totalTaxAmount: 4.88, totalAmountIncludingTax: 84.34 });
    });

    it('takes unit prices as tax-inclusive for a customer with Prices Including VAT, and keeps the line amount as the total', async () => {
      const res = await post({
        externalDocumentNumber: 'BC-TOT-2', customerNumber: 'EU-CUST', currencyCode: 'EUR',
        salesOrderLines: [
          { lineType: 'Item', lineObjectNumber: '1896-S', quantity: 2, unitPrice: 59.5, discountAmount: 10, taxCode: 'VAT19' },
          { lineType: 'Item', lineObjectNumber: '1900-S', quantity: 1, unitPrice: 10, taxCode: 'ZERO' },
        ],
      });
      expect(res.status).toBe(201);
      const order = (await res.json()) as Json;
      // 119.00 − 10.00 = 109.00 including 19 %: net 109 / 1.19 = 91.596… → 91.60, tax 17.40.
      expect(order.salesOrderLines.map((l: Json) => [l.amountExcludingTax, l.totalTaxAmount, l.amountIncludingTax])).toEqual([[91.6, 17.4, 109], [10, 0, 10]]);
      expect(order).toMatchObject({ pricesIncludeTax: true, totalAmountExcludingTax: 101.6, totalTaxAmount: 17.4, totalAmountIncludingTax: 119 });
    });

    it('rounds to the currency (JPY whole yen), refuses an unknown tax code and adds a deliberate variance to the tax', async () => {
      const yen = await post({
        externalDocumentNumber: 'BC-TOT-3', customerNumber: '10000', currencyCode: 'JPY',
        salesOrderLines: [{ lineType: 'Item', lineObjectNumber: '1896-S', quantity: 3, unitPrice: 1990, discountAmount: 597, taxCode: 'NY-STATE' }],
      });
      // 5970 − 597 = 5373; 8.875 % = 476.85… → 477.
      expect(await yen.json()).toMatchObject({ totalAmountExcludingTax: 5373, totalTaxAmount: 477, totalAmountIncludingTax: 5850 });

      const unknown = await post({
        externalDocumentNumber: 'BC-TOT-4', customerNumber: '10000',
        salesOrderLines: [{ lineType: 'Item', lineObjectNumber: '1896-S', quantity: 1, unitPrice: 10, taxCode: 'NO-SUCH' }],
      });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as Json).error).toMatchObject({ code: 'Internal_RecordNotFound', message: expect.stringContaining("Code='NO-SUCH'") });

      await admin(sb.url, 'knobs', { totalVarianceMinor: 7 });
      const skewed = await post({ externalDocumentNumber: 'BC-TOT-5', customerNumber: '10000', salesOrderLines: [{ lineType: 'Item', lineObjectNumber: '1896-S', quantity: 1, unitPrice: 10 }] });
      expect(await skewed.json()).toMatchObject({ totalAmountExcludingTax: 10, totalTaxAmount: 0.07, totalAmountIncludingTax: 10.07 });
      expect((await admin(sb.url, 'knobs', { taxRates: { BAD: '-1' } })).error).toMatch(/taxRates\.BAD/);
    });
  });

  describe('NetSuite', () => {
    let sb: NetSuiteSandbox;
    const put = async (externalId: string, body: Json): Promise<Response> => {
      const url = `${sb.recordApiUrl}/salesOrder/eid:${externalId}?replace=item`;
      const authorization = tbaAuthorizationHeader(sb.credentials, { method: 'PUT', url, nonce: randomBytes(12).toString('hex'), timestamp: Math.floor(Date.now() / 1000) });
      return fetch(url, { method: 'PUT', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    };
    const stored = async (externalId: string): Promise<Json> => (await admin(sb.url, `documents?key=${externalId}`)).documents[0].document as Json;

    beforeAll(async () => {
      sb = await startNetSuiteSandbox({ port: 0 });
    });
    afterAll(() => sb.close());
    beforeEach(async () => {
      await admin(sb.url, 'reset');
      await admin(sb.url, 'knobs', { taxRates: { '101': '4', '102': '4.5', '120': '20' }, taxItems: ['900'], totalVarianceMinor: 0 });
    });

    it('adds item lines as given, discount and other-charge lines, shipping, line tax per code (half up) and tax-item lines as they are', async () => {
      const res = await put('NS-TOT-1', {
        entity: { id: '107' }, currency: { externalId: 'USD' }, tranDate: '2026-11-27',
        shippingCost: 7.95, shippingTaxCode: { id: '101' }, discountItem: { id: '77' }, discountRate: -5,
        item: { items: [
          { item: { id: '501' }, quantity: 2, rate: 89, amount: 164.81, taxCode: { id: '101' } },
          { item: { id: '78' }, rate: -10.01, amount: -10.01, taxCode: { id: '101' } },
          { item: { id: '502' }, quantity: 1, rate: 24.5, amount: 24.5, taxCode: { id: '102' } },
          { item: { id: '503' }, quantity: 3, rate: 0.35, taxCode: { id: '-7' } },
          { item: { id: '900' }, quantity: 1, rate: 1.23, amount: 1.23 },
        ] },
      });
      expect(res.status).toBe(204);
      const order = await stored('NS-TOT-1');
      // subtotal 164.81 − 10.01 + 24.50 + 1.05 = 180.35; tax 6.59 − 0.40 + 1.10 (1.1025) + 0 + 0.32 shipping + 1.23 = 8.84.
      expect(order).toMatchObject({ subtotal: 180.35, discountTotal: -5, taxTotal: 8.84, total: 192.14 });
      expect(order.item.items[3].amount).toBe(1.05);
    });

    it('takes line amounts as tax-inclusive with pricesIncludeTax, honours a tax override, refuses unknown codes, and recomputes on update', async () => {
      expect((await put('NS-TOT-2', {
        entity: { id: '107' }, currency: { externalId: 'EUR' }, tranDate: '2026-11-27', pricesIncludeTax: true, shippingCost: 0,
        item: { items: [{ item: { id: '501' }, quantity: 1, rate: 59.99, amount: 59.99, taxCode: { id: '120' } }] },
      })).status).toBe(204);
      // 59.99 / 1.2 = 49.9916… → 49.99 net, 10.00 tax.
      expect(await stored('NS-TOT-2')).toMatchObject({ subtotal: 49.99, taxTotal: 10, total: 59.99 });

      expect((await put('NS-TOT-2', {
        taxDetailsOverride: true, taxDetails: { items: [{ taxDetailsReference: 'a', taxCode: { id: '120' }, taxBasis: 49.99, taxRate: 20, taxAmount: 9.99 }] },
        pricesIncludeTax: false,
        item: { items: [{ item: { id: '501' }, quantity: 1, rate: 49.99, amount: 49.99, taxCode: { id: '120' } }] },
      })).status).toBe(204);
      expect(await stored('NS-TOT-2')).toMatchObject({ subtotal: 49.99, taxTotal: 9.99, total: 59.98 });

      const unknown = await put('NS-TOT-3', {
        entity: { id: '107' }, tranDate: '2026-11-27', item: { items: [{ item: { id: '501' }, quantity: 1, rate: 5, amount: 5, taxCode: { id: '999' } }] },
      });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as Json)['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'item.items[0].taxCode' });

      const sentTotal = await put('NS-TOT-4', { entity: { id: '107' }, tranDate: '2026-11-27', total: 5, item: { items: [{ item: { id: '501' }, quantity: 1, rate: 5 }] } });
      expect(sentTotal.status).toBe(400);

      await admin(sb.url, 'knobs', { totalVarianceMinor: -1 });
      expect((await put('NS-TOT-5', { entity: { id: '107' }, currency: { externalId: 'JPY' }, tranDate: '2026-11-27', item: { items: [{ item: { id: '501' }, quantity: 3, rate: 1990, taxCode: { id: '101' } }] } })).status).toBe(204);
      // 5970 + 4 % (238.8 → 239) − 1 deliberate.
      expect(await stored('NS-TOT-5')).toMatchObject({ subtotal: 5970, taxTotal: 238, total: 6208 });
    });
  });
});
