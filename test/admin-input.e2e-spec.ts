import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { graphql } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NUL = '\u0000';
const NETSUITE = { accountId: 'TSTDRV1', consumerKey: 'consumer-key', consumerSecret: 'consumer-secret', tokenId: 'token-id', tokenSecret: 'token-secret' };

/**
 * Odd input on every admin route family is a 400 naming the field (or a 404), never a
 * 500 from SQL, and a refused write leaves the stored row exactly as it was. URLs carry
 * no credentials, and one an older row holds is never shown to readers.
 */
describe('admin input hardening', () => {
  let hub: TestHub;
  const prefix = `e2e-admin-input-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('admin_input'), queuePrefix: prefix, role: 'api' });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const call = (method: 'get' | 'put' | 'post', path: string, body?: string | object, type = 'application/json', key = ADMIN_KEY) => {
    const req = request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${key}`);
    if (body === undefined) return req;
    return req.set('Content-Type', type).send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const rows = (sql: string) => hub.sql<Json>(sql);
  /** A refusal: the status, the stable code and the field, and no 500 anywhere. */
  const refused = (response: request.Response, field: string, status = 400, code = 'VALIDATION_FAILED') => {
    expect({ status: response.status, code: response.body.code, field: response.body.field }).toEqual({ status, code, field });
  };

  describe('channel accounts', () => {
    const account = { channel: 'SHOPIFY', account: 'hardening.myshopify.com', webhookSecret: 'first-secret-value', adminAccessToken: 'first-token-value' };
    const stored = () => rows(`SELECT webhook_secret, admin_access_token, admin_api_url, updated_at FROM channel_accounts ORDER BY id`);

    beforeAll(async () => {
      expect((await call('put', '/admin/channel-accounts', account)).status).toBe(200);
    });

    it('refuses NUL in the secret and the token, and URLs with credentials or another scheme, changing nothing', async () => {
      const before = await stored();
      refused(await call('put', '/admin/channel-accounts', { ...account, webhookSecret: `second${NUL}secret` }), 'webhookSecret');
      refused(await call('put', '/admin/channel-accounts', { ...account, adminAccessToken: `token${NUL}value` }), 'adminAccessToken');
      refused(await call('put', '/admin/channel-accounts', { ...account, webhookSecret: 'second\u0001secret' }), 'webhookSecret');
      const withCredentials = await call('put', '/admin/channel-accounts', { ...account, adminApiUrl: 'https://shop-user:shop-pass@hardening.myshopify.com/admin/api/2026-04' });
      refused(withCredentials, 'adminApiUrl');
      expect(JSON.stringify(withCredentials.body)).not.toContain('shop-pass');
      refused(await call('put', '/admin/channel-accounts', { ...account, adminApiUrl: 'file:///etc/passwd' }), 'adminApiUrl');
      refused(await call('put', '/admin/channel-accounts', [account]), 'body');
      refused(await call('put', '/admin/channel-accounts', 'channel,account', 'text/csv'), 'body');
      expect(await stored()).toEqual(before);
    });

    it('never shows readers the user:password@ an older row holds', async () => {
      await hub.sql(`UPDATE channel_accounts SET admin_api_url = 'https://old-user:old-pass@hardening.myshopify.com/admin/api/2026-04'`);
      const listed = await call('get', '/admin/channel-accounts', undefined, undefined, READER_KEY);
      expect(listed.status).toBe(200);
      expect(listed.body[0].adminApiUrl).toBe('https://hardening.myshopify.com/admin/api/2026-04');
      expect(JSON.stringify(listed.body)).not.toMatch(/old-user|old-pass/);
    });
  });

  describe('ERP targets', () => {
    const target = { variant: 'netsuite', baseUrl: 'https://tstdrv1.suitetalk.api.netsuite.com', credentials: NETSUITE, settings: { discountItemId: '900' } };
    const stored = () => rows(`SELECT * FROM erp_targets ORDER BY id`);

    beforeAll(async () => {
      expect((await call('put', '/admin/erp-targets/ns-hardening', target)).status).toBe(200);
    });

    it('refuses NUL in credentials (values and names), settings and routing, odd numbers and non-objects, changing nothing', async () => {
      const before = await stored();
      const put = (body: unknown) => call('put', '/admin/erp-targets/ns-hardening', body as object);
      refused(await put({ ...target, credentials: { ...NETSUITE, tokenSecret: `token${NUL}secret` } }), 'credentials.tokenSecret');
      refused(await put({ ...target, credentials: { ...NETSUITE, [`extra${NUL}`]: 'x' } }), 'credentials["extra\\u0000"]');
      refused(await put({ ...target, credentials: { ...NETSUITE, consumerSecret: '\ud800' } }), 'credentials.consumerSecret');
      refused(await put({ ...target, settings: { shippingItemId: `9${NUL}` } }), 'settings.shippingItemId');
      refused(await put({ ...target, settings: { toString: '1' } }), 'settings.toString');
      refused(await put(`{"variant":"netsuite","baseUrl":"https://x.example","credentials":${JSON.stringify(NETSUITE)},"settings":{"__proto__":{"a":1}}}`), 'settings.__proto__');
      refused(await put({ ...target, routing: { accounts: [`shop${NUL}`] } }), 'routing.accounts[0]');
      refused(await put(`{"variant":"netsuite","baseUrl":"https://x.example","credentials":${JSON.stringify(NETSUITE)},"timeoutMs":1e999}`), 'timeoutMs');
      refused(await put({ ...target, concurrencyCap: 2 ** 60 }), 'concurrencyCap');
      refused(await put({ ...target, enabled: 'no' }), 'enabled');
      refused(await put([target]), 'body');
      refused(await call('put', '/admin/erp-targets/ns-hardening'), 'body');
      expect(await stored()).toEqual(before);
    });

    it('refuses credentials in baseUrl and other schemes; an invalid id is a 400', async () => {
      const before = await stored();
      const withCredentials = await call('put', '/admin/erp-targets/ns-hardening', { ...target, baseUrl: 'https://ns-user:ns-pass@tstdrv1.suitetalk.api.netsuite.com' });
      refused(withCredentials, 'baseUrl');
      expect(JSON.stringify(withCredentials.body)).not.toContain('ns-pass');
      refused(await call('put', '/admin/erp-targets/ns-hardening', { ...target, baseUrl: 'ftp://tstdrv1.example' }), 'baseUrl');
      refused(await call('put', '/admin/erp-targets/NS%00', target), 'id');
      refused(await call('put', '/admin/erp-targets/Not_An_Id', target), 'id');
      expect(await stored()).toEqual(before);
    });

    it('never shows readers the user:password@ an older row holds, in REST or GraphQL', async () => {
      await hub.sql(`UPDATE erp_targets SET base_url = 'https://old-user:old-pass@tstdrv1.suitetalk.api.netsuite.com' WHERE id = 'ns-hardening'`);
      const listed = await call('get', '/admin/erp-targets', undefined, undefined, READER_KEY);
      expect(listed.status).toBe(200);
      expect(listed.body.map((t: Json) => t.baseUrl)).toEqual(['https://tstdrv1.suitetalk.api.netsuite.com']);
      const viaGraphql = await graphql(hub.app, READER_KEY, '{ erpTargets { id baseUrl } }');
      expect(viaGraphql.body.data.erpTargets).toEqual([{ id: 'ns-hardening', baseUrl: 'https://tstdrv1.suitetalk.api.netsuite.com' }]);
      expect(JSON.stringify([listed.body, viaGraphql.body])).not.toMatch(/old-user|old-pass/);
    });
  });

  describe('fulfilment locations', () => {
    const location = { name: 'Main warehouse', kind: 'WAREHOUSE', system: 'wms', baseUrl: 'https://wms.example.com/api', apiKey: 'wms-api-key-value' };
    const stored = () => rows(`SELECT * FROM fulfillment_locations ORDER BY location_ref`);

    beforeAll(async () => {
      expect((await call('put', '/admin/fulfillment-locations/WH-1', location)).status).toBe(200);
    });

    it('refuses NUL in the name and the API key, credentials in the endpoint and odd path ids, changing nothing', async () => {
      const before = await stored();
      refused(await call('put', '/admin/fulfillment-locations/WH-1', { ...location, name: `Main${NUL}warehouse` }), 'name');
      refused(await call('put', '/admin/fulfillment-locations/WH-1', { ...location, name: 'Main\nwarehouse' }), 'name');
      refused(await call('put', '/admin/fulfillment-locations/WH-1', { ...location, apiKey: `wms-api${NUL}key` }), 'apiKey');
      const withCredentials = await call('put', '/admin/fulfillment-locations/WH-1', { ...location, baseUrl: 'https://wms-user:wms-pass@wms.example.com/api' });
      refused(withCredentials, 'baseUrl');
      expect(JSON.stringify(withCredentials.body)).not.toContain('wms-pass');
      refused(await call('put', '/admin/fulfillment-locations/WH-1', { ...location, baseUrl: ['https://wms.example.com/api'] }), 'baseUrl');
      refused(await call('put', '/admin/fulfillment-locations/WH%001', location), 'locationRef');
      refused(await call('put', '/admin/fulfillment-locations/WH-1', 'name\nx', 'text/plain'), 'body');
      expect(await stored()).toEqual(before);
    });

    it('never shows readers the user:password@ an older row holds', async () => {
      await hub.sql(`UPDATE fulfillment_locations SET base_url = 'https://old-user:old-pass@wms.example.com/api'`);
      const listed = await call('get', '/admin/fulfillment-locations', undefined, undefined, READER_KEY);
      expect(listed.status).toBe(200);
      expect(listed.body[0].baseUrl).toBe('https://wms.example.com/api');
      expect(JSON.stringify(listed.body)).not.toMatch(/old-user|old-pass/);
    });
  });

  describe('postings, shipments and outbound messages', () => {
    it('refuses a replay window PostgreSQL cannot hold or the domain cannot mean, and NUL in filters', async () => {
      refused(await call('post', '/admin/postings/replay', { from: '-271821-04-20T00:00:00Z' }), 'from');
      refused(await call('post', '/admin/postings/replay', { to: '+275760-09-13T00:00:00Z', dryRun: true }), 'to');
      refused(await call('post', '/admin/postings/replay', { targetId: `ns${NUL}`, dryRun: true }), 'targetId');
      refused(await call('post', '/admin/postings/replay', { errorCode: `E${NUL}`, dryRun: true }), 'errorCode');
      // Not a filter at all: it must not be read as "no filter" and replay everything.
      refused(await call('post', '/admin/postings/replay', [{ dryRun: true }]), 'body');
      refused(await call('post', '/admin/postings/replay', 'dryRun', 'text/plain'), 'body');
      const fine = await call('post', '/admin/postings/replay', { from: '2026-01-01T00:00:00Z', dryRun: true });
      expect(fine.body).toEqual({ dryRun: true, postings: [], replayed: [] });
    });

    it('answers 400 or 404 for ids that are not ids or name nothing', async () => {
      refused(await call('post', '/admin/postings/not-a-uuid/replay'), 'id');
      refused(await call('post', '/admin/postings/%00/replay'), 'id');
      refused(await call('post', `/admin/postings/${randomUUID()}/replay`), 'id', 409, 'NOT_REPLAYABLE');
      refused(await call('post', '/admin/shipments/not-a-uuid/reevaluate'), 'id');
      refused(await call('post', `/admin/shipments/${randomUUID()}/reevaluate`), 'id', 404, 'NOT_FOUND');
      refused(await call('post', '/admin/outbound-messages/not-a-uuid/replay'), 'id');
      refused(await call('get', '/admin/outbound-messages?status=%00'), 'status');
      refused(await call('get', '/admin/outbound-messages?status=DEAD&status=SENT'), 'status');
    });
  });

  describe('mappings', () => {
    const mapping = { kind: 'ITEM', channel: 'SHOPIFY', sourceValue: 'SKU-1', target: { itemId: '501' }, note: 'first' };
    const stored = () => rows(`SELECT * FROM mappings ORDER BY id`);
    const header = 'kind,channel,account,erp_target,source_value,target,note';

    beforeAll(async () => {
      expect((await call('post', '/admin/mappings', mapping)).status).toBe(201);
    });

    it('refuses control characters in JSON fields at any depth, allowing line breaks in notes only', async () => {
      const before = await stored();
      refused(await call('post', '/admin/mappings', { ...mapping, sourceValue: 'SKU\u00012' }), 'sourceValue');
      refused(await call('post', '/admin/mappings', { ...mapping, sourceValue: 'SKU-2', target: { itemId: '50\u00072' } }), 'target.itemId');
      refused(await call('post', '/admin/mappings', { ...mapping, sourceValue: 'SKU-2', note: `why${NUL}` }), 'note');
      refused(await call('post', '/admin/mappings', { ...mapping, sourceValue: 'SKU-2', note: 'bell\u0007' }), 'note');
      refused(await call('post', '/admin/mappings', { ...mapping, sourceValue: '\udc00' }), 'sourceValue');
      refused(await call('get', '/admin/mappings?account=a&account=b'), 'account');
      refused(await call('get', '/admin/mappings/%00/history'), 'mappingKey');
      refused(await call('get', '/admin/mappings/not-a-key/history'), 'mappingKey', 404, 'MAPPING_NOT_FOUND');
      expect(await stored()).toEqual(before);
      const prose = await call('post', '/admin/mappings', { ...mapping, sourceValue: 'SKU-3', note: 'line one\r\nline\ttwo' });
      expect(prose.status).toBe(201);
      expect(prose.body.note).toBe('line one\r\nline\ttwo');
    });

    it('names the row and the column of a CSV cell holding NUL or a control character, and imports nothing', async () => {
      const before = await stored();
      const csv = [
        header,
        'ITEM,SHOPIFY,,,SKU-10,"{""itemId"":""510""}",fine',
        `ITEM,SHOPIFY,shop${NUL},,SKU-11,"{""itemId"":""511""}",why`,
        `ITEM,SHOPIFY,,,SKU-12,"{""itemId"":""512""}",why${NUL}`,
        'ITEM,SHOPIFY,,,SKU\u000213,"{""itemId"":""513\\u0000""}",why',
      ].join('\r\n');
      const response = await call('post', '/admin/mappings/import', csv, 'text/csv');
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'IMPORT_INVALID' });
      expect(response.body.errors.map((e: Json) => [e.row, e.field])).toEqual([[2, 'account'], [3, 'note'], [4, 'source_value']]);
      const escaped = await call('post', '/admin/mappings/import', `${header}\r\nITEM,SHOPIFY,,,SKU-14,"{""itemId"":""514\\u0000""}",why`, 'text/csv');
      expect(escaped.body.errors).toEqual([expect.objectContaining({ row: 1, field: 'target.itemId' })]);
      expect(await stored()).toEqual(before);
    });
  });
});
