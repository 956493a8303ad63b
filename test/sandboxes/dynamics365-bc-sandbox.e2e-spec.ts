import { setTimeout as sleep } from 'node:timers/promises';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function token(sb: BusinessCentralSandbox, secret = sb.credentials.clientSecret): Promise<Response> {
  return fetch(sb.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.credentials.clientId, client_secret: secret, scope: sb.scope }),
  });
}

async function bearer(sb: BusinessCentralSandbox): Promise<string> {
  return ((await (await token(sb)).json()) as Json).access_token as string;
}

const ordersUrl = (sb: BusinessCentralSandbox): string => `${sb.apiUrl}/companies(${sb.companyId})/salesOrders`;

async function api(sb: BusinessCentralSandbox, accessToken: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${ordersUrl(sb)}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const admin = async (sb: BusinessCentralSandbox, path: string, body?: unknown): Promise<Json> => {
  const post = body !== undefined || path === 'reset';
  const res = await fetch(`${sb.url}/_sandbox/${path}`, post ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) } : {});
  return res.status === 204 ? {} : ((await res.json()) as Json);
};

const order = (externalDocumentNumber: string): Json => ({
  externalDocumentNumber,
  customerNumber: '10000',
  currencyCode: 'EUR',
  orderDate: '2026-11-27',
  salesOrderLines: [
    { lineType: 'Item', lineObjectNumber: '1896-S', quantity: 2, unitPrice: 19.99, taxCode: 'TAXABLE' },
    { lineType: 'Item', lineObjectNumber: '1900-S', quantity: 1, unitPrice: 100, discountAmount: 10 },
  ],
});

describe('Business Central sandbox (API v2.0, client credentials)', () => {
  let sb: BusinessCentralSandbox;
  let accessToken: string;

  beforeAll(async () => {
    sb = await startBusinessCentralSandbox({ port: 0, taxRates: { TAXABLE: 10 } });
    accessToken = await bearer(sb);
  });
  afterAll(() => sb.close());
  beforeEach(async () => {
    await admin(sb, 'reset');
    await admin(sb, 'knobs', { concurrency: 15, latencyMs: 0, tokenLifetimeSeconds: 3599, retryAfterSeconds: 1 });
  });

  it('issues client-credentials tokens and refuses a wrong secret in the identity platform format', async () => {
    const ok = await token(sb);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599, access_token: expect.any(String) });
    const bad = await token(sb, 'wrong');
    expect(bad.status).toBe(401);
    const body = (await bad.json()) as Json;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
  });

  it('deep-inserts a sales order with its lines, finds it by $filter on externalDocumentNumber', async () => {
    const created = await api(sb, accessToken, 'POST', '?$expand=salesOrderLines', order('SHOP-1001'));
    expect(created.status).toBe(201);
    const entity = (await created.json()) as Json;
    expect(created.headers.get('location')).toBe(`${ordersUrl(sb)}(${entity.id})`);
    expect(entity).toMatchObject({
      '@odata.etag': expect.stringMatching(/^W\/"/),
      number: 'S-ORD101001', externalDocumentNumber: 'SHOP-1001', customerNumber: '10000', currencyCode: 'EUR', status: 'Draft',
      totalAmountExcludingTax: 129.98, totalTaxAmount: 4, totalAmountIncludingTax: 133.98,
    });
    expect(entity.salesOrderLines.map((l: Json) => [l.sequence, l.lineObjectNumber, l.quantity, l.unitPrice, l.amountExcludingTax, l.totalTaxAmount, l.documentId]))
      .toEqual([[10000, '1896-S', 2, 19.99, 39.98, 4, entity.id], [20000, '1900-S', 1, 100, 90, 0, entity.id]]);

    const found = await api(sb, accessToken, 'GET', `?$filter=${encodeURIComponent("externalDocumentNumber eq 'SHOP-1001'")}`);
    expect(found.status).toBe(200);
    const value = ((await found.json()) as Json).value as Json[];
    expect(value.map((o) => o.id)).toEqual([entity.id]);
    const none = await api(sb, accessToken, 'GET', `?$filter=${encodeURIComponent("externalDocumentNumber eq 'SHOP-9999'")}`);
    expect(((await none.json()) as Json).value).toEqual([]);

    const lines = await api(sb, accessToken, 'GET', `(${entity.id})/salesOrderLines`);
    expect(((await lines.json()) as Json).value).toHaveLength(2);
    expect(await admin(sb, 'documents')).toMatchObject({ count: 1, creates: 1, updates: 0, documents: [{ key: 'SHOP-1001', creates: 1, updates: 0 }] });
  });

  it('requires If-Match on PATCH and answers a stale etag with 412', async () => {
    const created = (await (await api(sb, accessToken, 'POST', '', order('SHOP-2'))).json()) as Json;
    const read = await api(sb, accessToken, 'GET', `(${created.id})`);
    const etag = ((await read.json()) as Json)['@odata.etag'] as string;
    expect(read.headers.get('etag')).toBe(etag);

    const noEtag = await api(sb, accessToken, 'PATCH', `(${created.id})`, { shipToName: 'A' });
    expect(noEtag.status).toBe(400);
    const patched = await api(sb, accessToken, 'PATCH', `(${created.id})`, { shipToName: 'Ada Lovelace' }, { 'if-match': etag });
    expect(patched.status).toBe(200);
    const after = (await patched.json()) as Json;
    expect(after.shipToName).toBe('Ada Lovelace');
    expect(after['@odata.etag']).not.toBe(etag);

    const stale = await api(sb, accessToken, 'PATCH', `(${created.id})`, { shipToName: 'Someone else' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toEqual({ error: { code: 'Request_EntityChanged', message: 'Another user has already changed the record.' } });
    expect(await admin(sb, 'documents')).toMatchObject({ creates: 1, updates: 1 });
  });

  it('answers invalid fields with an OData error naming the field', async () => {
    const cases: [Json, number, string, RegExp][] = [
      [{ ...order('SHOP-3'), salesOrderLines: [{ lineObjectNumber: '1896-S', quantity: 'two' }] }, 400, 'BadRequest', /'quantity'/],
      [{ ...order('SHOP-3'), shipVia: 'UPS' }, 400, 'BadRequest', /property 'shipVia' does not exist/],
      [{ ...order('SHOP-3'), totalTaxAmount: 1 }, 400, 'BadRequest_InvalidOperation', /'totalTaxAmount' is read-only/],
      [{ ...order('x'.repeat(36)) }, 400, 'Application_StringExceededLength', /must be less than or equal to 35/],
      [{ ...order('SHOP-3'), currencyCode: 'USD' }, 400, 'Internal_RecordNotFound', /Currency does not exist/],
      [{ externalDocumentNumber: 'SHOP-3' }, 400, 'Application_DialogException', /customerNumber or a customerID/],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await api(sb, accessToken, 'POST', '', body);
      const error = ((await res.json()) as Json).error as Json;
      expect([res.status, error.code]).toEqual([status, code]);
      expect(error.message).toMatch(message);
    }
    expect((await admin(sb, 'documents')).count).toBe(0);
  });

  it('refuses an expired token with 401', async () => {
    await admin(sb, 'knobs', { tokenLifetimeSeconds: 1 });
    const shortLived = await bearer(sb);
    expect((await api(sb, shortLived, 'GET', '')).status).toBe(200);
    await sleep(1100);
    const expired = await api(sb, shortLived, 'GET', '');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as Json).error.code).toBe('Authentication_InvalidCredentials');
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await api(sb, 'made-up', 'GET', '')).status).toBe(401);
  });

  it('answers 429 with Retry-After beyond the concurrency cap', async () => {
    const cap = 2;
    await admin(sb, 'knobs', { concurrency: cap, latencyMs: 300, retryAfterSeconds: 7 });
    const responses = await Promise.all(Array.from({ length: cap + 4 }, () => api(sb, accessToken, 'GET', '')));
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(4);
    expect(refused[0].headers.get('retry-after')).toBe('7');
    expect(((await refused[0].json()) as Json).error.code).toBe('Application_TooManyRequests');
    expect(await admin(sb, 'stats')).toMatchObject({ peakConcurrency: cap, refusedOverCap: 4 });
  });
  describe('shipping: line staging, shipAndInvoice, salesShipments, line changes', () => {
    const company = (): string => `${sb.apiUrl}/companies(${sb.companyId})`;
    const raw = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, auth = true): Promise<Response> =>
      fetch(`${company()}${path}`, {
        method,
        headers: { ...(auth && { authorization: `Bearer ${accessToken}` }), ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let created: Json;
    const lines = async (): Promise<Json[]> => ((await (await raw('GET', `/salesOrders(${created.id})/salesOrderLines`)).json()) as Json).value as Json[];
    const stage = async (quantities: number[]): Promise<void> => {
      for (const [i, line] of (await lines()).entries()) {
        const res = await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${line.id})`, { shipQuantity: quantities[i] }, { 'if-match': line['@odata.etag'] });
        expect(res.status).toBe(200);
      }
    };
    const post = (): Promise<Response> => raw('POST', `/salesOrders(${created.id})/Microsoft.NAV.shipAndInvoice`);

    beforeEach(async () => {
      created = (await (await api(sb, accessToken, 'POST', '', order('SHOP-S'))).json()) as Json;
    });

    it('defaults the quantity to ship to what is outstanding, and checks it against that', async () => {
      expect((await lines()).map((l) => [l.quantity, l.shipQuantity, l.shippedQuantity, l.invoiceQuantity])).toEqual([[2, 2, 0, 2], [1, 1, 0, 1]]);
      const [first, second] = await lines();
      const noEtag = await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { shipQuantity: 1 });
      expect([noEtag.status, ((await noEtag.json()) as Json).error.code]).toEqual([400, 'BadRequest_InvalidToken']);
      const tooMany = await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { shipQuantity: 3 }, { 'if-match': first['@odata.etag'] });
      expect(await tooMany.json()).toEqual({ error: { code: 'Application_DialogException', message: 'You cannot ship more than 2 units.' } });
      const readOnly = await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { shippedQuantity: 1 }, { 'if-match': first['@odata.etag'] });
      expect(((await readOnly.json()) as Json).error.code).toBe('BadRequest_InvalidOperation');

      const ok = await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { shipQuantity: 1 }, { 'if-match': first['@odata.etag'] });
      const written = (await ok.json()) as Json;
      expect([ok.status, written.shipQuantity, written.invoiceQuantity]).toEqual([200, 1, 1]);
      expect(written['@odata.etag']).not.toBe(first['@odata.etag']);
      expect(ok.headers.get('etag')).toBe(written['@odata.etag']);
      const stale = await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { shipQuantity: 2 }, { 'if-match': first['@odata.etag'] });
      expect([stale.status, ((await stale.json()) as Json).error.code]).toEqual([412, 'Request_EntityChanged']);
      // Each line has its own row version: the other line's etag is still good.
      const other = await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${second.id})`, { shipQuantity: 0 }, { 'if-match': second['@odata.etag'] });
      expect(other.status).toBe(200);
    });

    it('posts exactly the staged quantities as a shipment (and invoice), findable by external document number and order number', async () => {
      await stage([1, 0]);
      const posted = await post();
      expect(posted.status).toBe(204);
      expect((await lines()).map((l) => [l.quantity, l.shippedQuantity, l.invoicedQuantity, l.shipQuantity])).toEqual([[2, 1, 1, 1], [1, 0, 0, 1]]);

      const byKey = await raw('GET', `/salesShipments?$filter=${encodeURIComponent("externalDocumentNumber eq 'shop-s'")}&$expand=salesShipmentLines`);
      const [shipment] = ((await byKey.json()) as Json).value as Json[];
      expect(shipment).toMatchObject({ number: 'S-SHPT102001', externalDocumentNumber: 'SHOP-S', orderNumber: 'S-ORD101001', customerNumber: '10000', currencyCode: 'EUR' });
      expect(shipment.salesShipmentLines.map((l: Json) => [l.sequence, l.lineObjectNumber, l.quantity])).toEqual([[10000, '1896-S', 1]]);
      const byOrder = ((await (await raw('GET', `/salesShipments?$filter=${encodeURIComponent("orderNumber eq 'S-ORD101001'")}`)).json()) as Json).value as Json[];
      expect(byOrder.map((s) => s.id)).toEqual([shipment.id]);
      expect(byOrder[0]).not.toHaveProperty('salesShipmentLines');
      expect(((await (await raw('GET', `/salesShipments(${shipment.id})`)).json()) as Json).number).toBe('S-SHPT102001');
      expect(((await (await raw('GET', `/salesShipments(${shipment.id})/salesShipmentLines`)).json()) as Json).value).toHaveLength(1);
      expect((await raw('POST', '/salesShipments', {})).status).toBe(405);

      // Posting again ships what is outstanding by default; then the order is complete and BC deletes it.
      expect((await post()).status).toBe(204);
      expect((await api(sb, accessToken, 'GET', `(${created.id})`)).status).toBe(404);
      expect((await post()).status).toBe(404);
      const docs = await admin(sb, 'documents');
      expect(docs.fulfillments).toMatchObject({ count: 2, creates: 2, createsByKey: { 'SHOP-S': 2 } });
      expect(docs.fulfillments.documents.map((d: Json) => [d.document.number, d.document.postedInvoiceNumber])).toEqual([['S-SHPT102001', 'S-INV103001'], ['S-SHPT102002', 'S-INV103002']]);
      expect(docs.documents[0].document).toHaveProperty(['@sandbox.deletedAt']);
      expect(await admin(sb, 'stats')).toMatchObject({ fulfillments: 2, documents: 1 });
    });

    it('refuses to post nothing, and an order with a numbered line of quantity 0', async () => {
      await stage([0, 0]);
      expect(await (await post()).json()).toEqual({ error: { code: 'Application_DialogException', message: 'There is nothing to post.' } });
      const [first] = await lines();
      await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { quantity: 0 }, { 'if-match': first['@odata.etag'] });
      expect(((await (await post()).json()) as Json).error.message).toBe('One or more document lines with a value in the No. column do not have a quantity specified.');
      expect((await admin(sb, 'documents')).fulfillments.count).toBe(0);
    });

    it('changes a line’s quantity (not below what shipped) or deletes an unshipped line, recording each change', async () => {
      await stage([1, 0]);
      await post();
      const [first, second] = await lines();
      const below = await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { quantity: 0 }, { 'if-match': first['@odata.etag'] });
      expect(((await below.json()) as Json).error.message).toBe("Quantity must not be less than 1 in Sales Line Document Type='Order',Document No.='S-ORD101001',Line No.='10000'.");
      const reduced = (await (await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { quantity: 1 }, { 'if-match': first['@odata.etag'] })).json()) as Json;
      expect([reduced.quantity, reduced.shippedQuantity, reduced.shipQuantity, reduced.amountExcludingTax]).toEqual([1, 1, 0, 19.99]);

      expect((await raw('DELETE', `/salesOrders(${created.id})/salesOrderLines(${second.id})`)).status).toBe(400);
      expect((await raw('DELETE', `/salesOrders(${created.id})/salesOrderLines(${second.id})`, undefined, { 'if-match': second['@odata.etag'] })).status).toBe(204);
      const shippedLine = (await lines())[0];
      expect(((await (await raw('DELETE', `/salesOrders(${created.id})/salesOrderLines(${shippedLine.id})`, undefined, { 'if-match': shippedLine['@odata.etag'] })).json()) as Json).error.code)
        .toBe('Application_DialogException');
      expect((await lines()).map((l) => l.sequence)).toEqual([10000]);

      const docs = await admin(sb, 'documents');
      expect(docs.lineChanges.changes.map((c: Json) => [c.salesOrderKey, c.lines])).toEqual([
        ['SHOP-S', [{ line: 10000, quantityBefore: 2, quantityAfter: 1 }]],
        ['SHOP-S', [{ line: 20000, quantityBefore: 1, quantityAfter: 0, deleted: true }]],
      ]);
      expect(await admin(sb, 'stats')).toMatchObject({ lineChanges: 2 });
    });

    it('asks for a valid token on lines, shipAndInvoice and salesShipments', async () => {
      const [first] = await lines();
      for (const res of [
        await raw('PATCH', `/salesOrders(${created.id})/salesOrderLines(${first.id})`, { shipQuantity: 1 }, { 'if-match': first['@odata.etag'] }, false),
        await raw('POST', `/salesOrders(${created.id})/Microsoft.NAV.shipAndInvoice`, undefined, {}, false),
        await raw('GET', '/salesShipments', undefined, {}, false),
      ]) {
        expect([res.status, ((await res.json()) as Json).error.code]).toEqual([401, 'Authentication_InvalidCredentials']);
      }
      expect((await admin(sb, 'documents')).fulfillments.count).toBe(0);
    });
  });
});
