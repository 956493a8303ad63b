import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { countQueries as countQueriesOf } from './support/count-queries.js';
import { MappingService, resolutionKey, type ResolveKey } from '../src/modules/master-data/mapping.service.js';
import { graphql } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(30_000);

const SHOP = 'example-shop.myshopify.com';
const csvFixture = () => readFileSync(fileURLToPath(new URL('./fixtures/master-data/mappings.csv', import.meta.url)), 'utf8');
const HEADER = 'kind,channel,account,erp_target,source_value,target,note';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the SQL one piece of work sends (see support/count-queries.ts). */
function countQueries<T>(hub: TestHub, work: () => Promise<T>): Promise<{ result: T; queries: number }> {
  return countQueriesOf(hub.app.get(DataSource), work);
}

describe('master-data mappings: versioned store, admin API, resolution and its cache', () => {
  let hub: TestHub;
  let databaseUrl: string;
  const prefix = `e2e-master-data-${randomUUID()}`;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('master_data');
    hub = await startHub({ databaseUrl, queuePrefix: prefix });
    // Mappings scoped to an ERP target may only name a configured one.
    for (const id of ['netsuite', 'netsuite-prod']) {
      const res = await request(hub.app.getHttpServer()).put(`/admin/erp-targets/${id}`).set('Authorization', `Bearer ${ADMIN_KEY}`).send({
        variant: 'netsuite', baseUrl: 'http://127.0.0.1:9', concurrencyCap: 1, enabled: false,
        credentials: { accountId: 'A', consumerKey: 'k', consumerSecret: 's', tokenId: 't', tokenSecret: 'ts' },
      });
      expect(res.status).toBe(200);
    }
  });

  it('refuses a mapping that names an ERP target that does not exist', async () => {
    const res = await request(hub.app.getHttpServer()).post('/admin/mappings').set('Authorization', `Bearer ${ADMIN_KEY}`).send({
      kind: 'ITEM', channel: 'SHOPIFY', erpTarget: 'no-such-erp', sourceValue: 'SKU-NO-TARGET', target: { itemId: 'X' }, note: 'e2e',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'erpTarget' });
    const csv = `${HEADER}\r\nITEM,SHOPIFY,,no-such-erp,SKU-NO-TARGET,"{""itemId"":""X""}",e2e\r\n`;
    const imported = await request(hub.app.getHttpServer()).post('/admin/mappings/import').set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', 'text/csv').send(csv);
    expect(imported.status).toBe(400);
    expect(imported.body.errors).toEqual([{ row: 1, line: 2, field: 'erp_target', reason: 'ERP target no-such-erp does not exist' }]);
    const [count] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM mappings WHERE source_value = 'SKU-NO-TARGET'`);
    expect(count.n).toBe(0);
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const http = () => request(hub.app.getHttpServer());
  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const create = (body: object, key = ADMIN_KEY) => http().post('/admin/mappings').set(auth(key)).send(body);
  const importCsv = (csv: string, key = ADMIN_KEY) => http().post('/admin/mappings/import').set(auth(key)).set('Content-Type', 'text/csv').send(csv);
  const count = async () => Number((await hub.sql<{ n: string }>('SELECT count(*)::text AS n FROM mappings'))[0].n);
  const resolveGql = async (args: Record<string, unknown>) => {
    const res = await graphql(hub.app, READER_KEY, `query($kind: MappingKind!, $channel: Channel!, $sourceValue: String!, $account: String, $erpTarget: String, $asOf: DateTime) {
      resolveMapping(kind: $kind, channel: $channel, sourceValue: $sourceValue, account: $account, erpTarget: $erpTarget, asOf: $asOf) { itemId customerId } }`, args);
    expect(res.body.errors).toBeUndefined();
    return res.body.data.resolveMapping as { itemId: string | null; customerId: string | null } | null;
  };

  it('creates a mapping with who and why, and resolves by precedence', async () => {
    const res = await create({ kind: 'ITEM', channel: 'SHOPIFY', sourceValue: 'SKU-PREC', target: { itemId: 'ANY-ANY' }, note: 'channel-wide' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'ITEM', channel: 'SHOPIFY', account: null, erpTarget: null, sourceValue: 'SKU-PREC', version: 1, retired: false, validTo: null, changedBy: 'admin-1', note: 'channel-wide', target: { itemId: 'ANY-ANY' } });
    const [row] = await hub.sql<Record<string, unknown>>('SELECT mapping_key, target, changed_by, note, valid_to FROM mappings WHERE id = $1', [res.body.id]);
    expect(row).toEqual({ mapping_key: res.body.mappingKey, target: { itemId: 'ANY-ANY' }, changed_by: 'admin-1', note: 'channel-wide', valid_to: null });

    const key = { kind: 'ITEM', channel: 'SHOPIFY', sourceValue: 'SKU-PREC' };
    expect(await resolveGql({ ...key, account: SHOP, erpTarget: 'netsuite' })).toEqual({ itemId: 'ANY-ANY', customerId: null });
    await create({ ...key, erpTarget: 'netsuite', target: { itemId: 'ANY-NS' }, note: 'per target' });
    expect(await resolveGql({ ...key, account: SHOP, erpTarget: 'netsuite' })).toMatchObject({ itemId: 'ANY-NS' });
    // An account-specific row beats a target-specific one; the account is matched as stored (lower case).
    await create({ ...key, account: SHOP.toUpperCase(), target: { itemId: 'SHOP-ANY' }, note: 'per shop' });
    expect(await resolveGql({ ...key, account: SHOP, erpTarget: 'netsuite' })).toMatchObject({ itemId: 'SHOP-ANY' });
    await create({ ...key, account: SHOP, erpTarget: 'netsuite', target: { itemId: 'SHOP-NS' }, note: 'exact' });
    expect(await resolveGql({ ...key, account: SHOP, erpTarget: 'netsuite' })).toMatchObject({ itemId: 'SHOP-NS' });
    expect(await resolveGql({ ...key, account: 'other.myshopify.com', erpTarget: 'sap' })).toMatchObject({ itemId: 'ANY-ANY' });
    expect(await resolveGql({ ...key, sourceValue: 'SKU-NOPE', account: SHOP })).toBeNull();

    // CUSTOMER falls back to the account's default customer '*'.
    await create({ kind: 'CUSTOMER', channel: 'AMAZON', account: 'SELLER1', sourceValue: '*', target: { customerId: 'C-DEFAULT' }, note: 'default' });
    await create({ kind: 'CUSTOMER', channel: 'AMAZON', sourceValue: 'buyer-7', target: { customerId: 'C-7' }, note: 'key account' });
    const customer = { kind: 'CUSTOMER', channel: 'AMAZON', account: 'SELLER1' };
    expect(await resolveGql({ ...customer, sourceValue: 'buyer-1' })).toMatchObject({ customerId: 'C-DEFAULT' });
    expect(await resolveGql({ ...customer, sourceValue: 'buyer-7' })).toMatchObject({ customerId: 'C-7' });
    expect(await resolveGql({ ...customer, account: 'SELLER2', sourceValue: 'buyer-1' })).toBeNull();
  });

  it('versions an update: as of before it, the old target; now, the new one', async () => {
    const v1 = (await create({ kind: 'ITEM', channel: 'POS', account: 'store-12', sourceValue: 'SKU-VER', target: { itemId: 'OLD' }, note: 'opening' })).body;
    await sleep(20);
    const between = new Date();
    await sleep(20);
    const update = await http().put(`/admin/mappings/${v1.mappingKey}`).set(auth(ADMIN_KEY)).send({ target: { itemId: 'NEW' }, note: 'item superseded' });
    expect(update.status).toBe(200);
    expect(update.body).toMatchObject({ mappingKey: v1.mappingKey, version: 2, target: { itemId: 'NEW' }, note: 'item superseded', validTo: null });

    const key = { kind: 'ITEM', channel: 'POS', account: 'store-12', sourceValue: 'SKU-VER' };
    expect(await resolveGql({ ...key, asOf: between.toISOString() })).toMatchObject({ itemId: 'OLD' });
    expect(await resolveGql(key)).toMatchObject({ itemId: 'NEW' });
    expect(await resolveGql({ ...key, asOf: new Date(Date.parse(v1.validFrom) - 1000).toISOString() })).toBeNull();

    const rows = await hub.sql<{ version: number; valid_to: string | null; valid_from: string; next_from: string | null }>(
      `SELECT version, valid_to::text, valid_from::text, lead(valid_from::text) OVER (ORDER BY version) AS next_from
         FROM mappings WHERE mapping_key = $1 ORDER BY version`, [v1.mappingKey]);
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    expect(rows[0].valid_to).toBe(rows[0].next_from); // closed exactly where version 2 begins
    expect(rows[1].valid_to).toBeNull();

    // The same target again is no change: no version 3.
    const same = await http().put(`/admin/mappings/${v1.mappingKey}`).set(auth(ADMIN_KEY)).send({ target: { itemId: 'NEW' }, note: 'again' });
    expect(same.body.version).toBe(2);
    const history = await http().get(`/admin/mappings/${v1.mappingKey}/history`).set(auth(READER_KEY));
    expect(history.body.map((v: { version: number; target: { itemId: string } }) => [v.version, v.target.itemId])).toEqual([[1, 'OLD'], [2, 'NEW']]);
  });

  it('retires a mapping: resolution stops, or falls back to the broader mapping', async () => {
    const broad = (await create({ kind: 'TAX_CODE', channel: 'SHOPIFY', sourceValue: 'GST', target: { taxCode: 'GST-ALL' }, note: 'all shops' })).body;
    const narrow = (await create({ kind: 'TAX_CODE', channel: 'SHOPIFY', account: SHOP, sourceValue: 'GST', target: { taxCode: 'GST-SHOP' }, note: 'this shop' })).body;
    const resolve = () => hub.app.get(MappingService).resolve({}, [{ kind: 'TAX_CODE', channel: 'SHOPIFY', account: SHOP, sourceValue: 'GST' }]);
    expect([...(await resolve()).values()]).toEqual([{ taxCode: 'GST-SHOP' }]);

    const retired = await http().post(`/admin/mappings/${narrow.mappingKey}/retire`).set(auth(ADMIN_KEY)).send({ note: 'shop follows the default now' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ version: 2, retired: true, note: 'shop follows the default now' });
    expect([...(await resolve()).values()]).toEqual([{ taxCode: 'GST-ALL' }]);
    await http().post(`/admin/mappings/${broad.mappingKey}/retire`).set(auth(ADMIN_KEY)).send({ note: 'tax engine decides' });
    expect([...(await resolve()).values()]).toEqual([null]);

    const again = await http().post(`/admin/mappings/${broad.mappingKey}/retire`).set(auth(ADMIN_KEY)).send({ note: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MAPPING_RETIRED');
    const listed = await http().get('/admin/mappings?kind=TAX_CODE&sourceValue=GS').set(auth(READER_KEY));
    expect(listed.body).toEqual([]);
    const withRetired = await http().get('/admin/mappings?kind=TAX_CODE&includeRetired=true').set(auth(READER_KEY));
    expect(withRetired.body.map((m: { retired: boolean }) => m.retired)).toEqual([true, true]);
    // Creating the key again revives the same mapping as its next version.
    const revived = await create({ kind: 'TAX_CODE', channel: 'SHOPIFY', sourceValue: 'GST', target: { taxCode: 'GST-2' }, note: 'back' });
    expect(revived.body).toMatchObject({ mappingKey: broad.mappingKey, version: 3, retired: false });
  });

  it('lets only admins write (reader 403, no key 401) on REST and GraphQL, and records the key name', async () => {
    const body = { kind: 'ITEM', channel: 'SHOPIFY', sourceValue: 'SKU-AUTH', target: { itemId: 'X' }, note: 'n' };
    expect((await http().post('/admin/mappings').send(body)).status).toBe(401);
    const reader = await create(body, READER_KEY);
    expect(reader.status).toBe(403);
    expect(reader.body.code).toBe('FORBIDDEN');
    expect((await importCsv(`${HEADER}\nITEM,SHOPIFY,,,SKU-AUTH,"{""itemId"":""X""}",n\n`, READER_KEY)).status).toBe(403);
    expect((await http().get('/admin/mappings')).status).toBe(401);
    expect((await http().get('/admin/mappings/export')).status).toBe(401);

    const mutation = 'mutation($input: CreateMappingInput!) { createMapping(input: $input) { version changedBy target { itemId } } }';
    const gqlReader = await graphql(hub.app, READER_KEY, mutation, { input: body });
    expect(gqlReader.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', field: 'Authorization' });
    expect((await graphql(hub.app, null, mutation, { input: body })).status).toBe(401);
    expect(await hub.sql("SELECT id FROM mappings WHERE source_value = 'SKU-AUTH'")).toEqual([]);

    const gqlAdmin = await graphql(hub.app, ADMIN_KEY, mutation, { input: body });
    expect(gqlAdmin.body.data.createMapping).toEqual({ version: 1, changedBy: 'admin-1', target: { itemId: 'X' } });
    const list = await graphql(hub.app, READER_KEY, '{ mappings(filter: { sourceValuePrefix: "SKU-AUTH" }) { mappingKey sourceValue } }');
    const mappingKey = list.body.data.mappings[0].mappingKey;
    const update = await graphql(hub.app, ADMIN_KEY, 'mutation($k: ID!) { updateMapping(mappingKey: $k, target: { itemId: "Y" }, note: "fix") { version } }', { k: mappingKey });
    expect(update.body.data.updateMapping).toEqual({ version: 2 });
    const retire = await graphql(hub.app, READER_KEY, 'mutation($k: ID!) { retireMapping(mappingKey: $k, note: "no") { version } }', { k: mappingKey });
    expect(retire.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const history = await graphql(hub.app, READER_KEY, 'query($k: ID!) { mappingHistory(mappingKey: $k) { version retired target { itemId } } }', { k: mappingKey });
    expect(history.body.data.mappingHistory).toEqual([{ version: 1, retired: false, target: { itemId: 'X' } }, { version: 2, retired: false, target: { itemId: 'Y' } }]);
  });

  it('answers bad input with 400 and the field, a duplicate with 409, an unknown key with 404', async () => {
    const base = { kind: 'FEE_TYPE', channel: 'AMAZON', sourceValue: 'Referral fee', target: { glAccount: '6100' }, note: 'fees' };
    expect((await create(base)).status).toBe(201);
    const duplicate = await create({ ...base, target: { glAccount: '6101' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'MAPPING_EXISTS', field: 'sourceValue' });
    const noNote = await create({ ...base, sourceValue: 'Closing fee', note: undefined });
    expect(noNote.status).toBe(400);
    expect(noNote.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'note' });
    expect((await create({ ...base, kind: 'SKU' })).body).toMatchObject({ statusCode: 400, field: 'kind' });
    expect((await create({ ...base, sourceValue: '' })).body).toMatchObject({ statusCode: 400, field: 'sourceValue' });
    expect((await create({ ...base, target: { itemId: '1' } })).body).toMatchObject({ statusCode: 400, field: 'target.glAccount' });
    const missing = await http().put(`/admin/mappings/${randomUUID()}`).set(auth(ADMIN_KEY)).send({ target: { glAccount: '1' }, note: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'MAPPING_NOT_FOUND', field: 'mappingKey' });
    expect((await http().get('/admin/mappings/not-a-uuid/history').set(auth(READER_KEY))).status).toBe(404);
    const retireNoNote = await http().post(`/admin/mappings/${randomUUID()}/retire`).set(auth(ADMIN_KEY));
    expect(retireNoNote.body).toMatchObject({ statusCode: 400, field: 'note' });
    expect((await http().get('/admin/mappings?limit=0').set(auth(READER_KEY))).body).toMatchObject({ statusCode: 400, field: 'limit' });
    expect((await http().get('/admin/mappings?sourceValue=a%00').set(auth(READER_KEY))).body).toMatchObject({ statusCode: 400, field: 'sourceValue' });
    expect(await resolveGql({ kind: 'FEE_TYPE', channel: 'AMAZON', sourceValue: 'Referral fee\u0000' })).toBeNull();
    const gqlNoNote = await graphql(hub.app, ADMIN_KEY, 'mutation($input: CreateMappingInput!) { createMapping(input: $input) { id } }', { input: { ...base, sourceValue: 'Other fee', note: ' ' } });
    expect(gqlNoNote.body.errors[0].extensions).toEqual({ code: 'VALIDATION_FAILED', field: 'note' });
    const gqlDuplicate = await graphql(hub.app, ADMIN_KEY, 'mutation($input: CreateMappingInput!) { createMapping(input: $input) { id } }', { input: base });
    expect(gqlDuplicate.body.errors[0].extensions).toEqual({ code: 'MAPPING_EXISTS', field: 'sourceValue' });
  });

  it('imports nothing when one row is bad, and names every bad row with its reason', async () => {
    const before = await count();
    const oneBad = `${HEADER}\nITEM,SHOPIFY,,,IMP-1,"{""itemId"":""I-1""}",ok\nITEM,SHOPIFY,,,IMP-2,"{""taxCode"":""T""}",bad target\nITEM,SHOPIFY,,,IMP-3,"{""itemId"":""I-3""}",ok\n`;
    const res = await importCsv(oneBad);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'IMPORT_INVALID', field: 'body' });
    expect(res.body.errors).toEqual([
      { row: 2, line: 3, field: 'target.itemId', reason: 'ITEM needs itemId, a non-empty string' },
      { row: 2, line: 3, field: 'target.taxCode', reason: 'is not a ITEM target field (expected itemId)' },
    ]);
    expect(res.body.message).toMatch(/row 2 target.itemId/);
    expect(await count()).toBe(before);

    const many = [
      HEADER,
      'ITEM,SHOPIFY,,,IMP-1,"{""itemId"":""I-1""}",ok',
      'ITEM,SHOPIFY,,,IMP-1,"{""itemId"":""I-9""}",same key again',
      'SKU,SHOPIFY,,,IMP-4,"{""itemId"":""I-4""}",unknown kind',
      'ITEM,SHOPIFY,,,IMP-5,{not json},n',
      'ITEM,SHOPIFY,,,,"{""itemId"":""I-6""}",empty value',
      'ITEM,SHOPIFY,,,IMP-7,"{""itemId"":""I-7""}",',
      'ITEM,SHOPIFY',
    ].join('\r\n');
    const all = await importCsv(many);
    expect(all.status).toBe(400);
    expect(all.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [2, 'source_value'], [3, 'kind'], [4, 'target'], [5, 'source_value'], [6, 'note'], [7, 'row'],
    ]);
    expect(all.body.errors[0].reason).toMatch(/repeats the key of row 1/);
    expect(await count()).toBe(before);

    const badHeader = await importCsv('kind,channel\nITEM,SHOPIFY\n');
    expect(badHeader.body).toMatchObject({ statusCode: 400, code: 'CSV_INVALID', field: 'header' });
    const badQuote = await importCsv(`${HEADER}\nITEM,SHOPIFY,,,"open,x`);
    expect(badQuote.body).toMatchObject({ statusCode: 400, code: 'CSV_INVALID' });
    expect(badQuote.body.message).toMatch(/line 2/);
  });

  it('applies a clean import (BOM, CRLF, quoted commas and line breaks) row for row', async () => {
    const before = await count();
    const res = await importCsv(csvFixture());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rows: 8, created: 8, updated: 0, unchanged: 0 });
    expect(await count()).toBe(before + 8);
    const [location] = await hub.sql<Record<string, unknown>>(
      "SELECT account, erp_target, target, note, changed_by, version FROM mappings WHERE kind = 'LOCATION' AND valid_to IS NULL");
    expect(location).toEqual({ account: SHOP, erp_target: null, target: { locationId: 'WH-EAST', subsidiaryId: '1' }, note: 'main warehouse\r\n(agreed with finance)', changed_by: 'admin-1', version: 1 });
    const answers = await hub.app.get(MappingService).resolve({}, [
      { kind: 'ITEM', channel: 'SHOPIFY', account: SHOP, erpTarget: 'netsuite-prod', sourceValue: 'SOCK-TRAIL-3PK' },
      { kind: 'CUSTOMER', channel: 'AMAZON', account: 'A1SELLER', sourceValue: '113-000-111' },
      { kind: 'FEE_TYPE', channel: 'AMAZON', sourceValue: 'FBA fulfilment fee' },
    ]);
    expect([...answers.values()]).toEqual([{ itemId: 'NS-ITEM-2002' }, { customerId: 'C-AMAZON' }, { glAccount: '6120' }]);
  });

  it('round-trips export → import: same current mappings, no new versions; an edited row becomes version 2', async () => {
    const exported = await http().get('/admin/mappings/export').set(auth(READER_KEY));
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    const text = exported.text;
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);
    const current = await hub.sql<{ n: string }>("SELECT count(*)::text AS n FROM mappings WHERE valid_to IS NULL AND NOT retired");
    expect(text.trimEnd().split('\r\n').length).toBeGreaterThan(Number(current[0].n)); // a quoted note spans two lines
    const before = await count();
    const again = await importCsv(text);
    expect(again.body).toEqual({ rows: Number(current[0].n), created: 0, updated: 0, unchanged: Number(current[0].n) });
    expect(await count()).toBe(before);
    expect((await http().get('/admin/mappings/export').set(auth(READER_KEY))).text).toBe(text);

    const edited = text.replace('NS-ITEM-1001', 'NS-ITEM-1001-B');
    expect((await importCsv(edited)).body).toMatchObject({ created: 0, updated: 1 });
    const [row] = await hub.sql<{ version: number; target: object }>(
      "SELECT version, target FROM mappings WHERE source_value = 'MER-CREW-NVY-M' AND valid_to IS NULL");
    expect(row).toEqual({ version: 2, target: { itemId: 'NS-ITEM-1001-B' } });
  });

  it('resolves 50 keys in one query, then from the cache in none', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `ITEM,SHOPIFY,,,BULK-${i},"{""itemId"":""ERP-${i}""}",bulk`);
    expect((await importCsv([HEADER, ...lines].join('\n'))).body.created).toBe(40);
    const keys: ResolveKey[] = Array.from({ length: 50 }, (_, i) => ({ kind: 'ITEM', channel: 'SHOPIFY', account: SHOP, sourceValue: `BULK-${i}` }));
    const service = hub.app.get(MappingService);

    const asOf = await countQueries(hub, () => service.resolve({}, keys, new Date()));
    expect(asOf.queries).toBe(1);
    const cold = await countQueries(hub, () => service.resolve({}, keys));
    expect(cold.queries).toBe(1);
    const warm = await countQueries(hub, () => service.resolve({}, keys));
    expect(warm.queries).toBe(0);
    for (const answers of [asOf.result, cold.result, warm.result]) {
      expect(answers.size).toBe(50);
      expect(answers.get(resolutionKey(keys[7]))).toEqual({ itemId: 'ERP-7' });
      expect(answers.get(resolutionKey(keys[45]))).toBeNull();
    }
  });

  it('shows a change made through one instance to the other instance’s cached resolution within a second', async () => {
    const other = await startHub({ databaseUrl, queuePrefix: prefix });
    try {
      const created = (await create({ kind: 'TENDER', channel: 'WALMART', sourceValue: 'gift_card', target: { paymentMethod: 'GC', clearingAccount: '1300' }, note: 'gift cards' })).body;
      const key: ResolveKey = { kind: 'TENDER', channel: 'WALMART', account: 'walmart-1', sourceValue: 'gift_card' };
      const service = other.app.get(MappingService);
      const resolveThere = async () => (await service.resolve({}, [key])).get(resolutionKey(key));
      expect(await resolveThere()).toEqual({ paymentMethod: 'GC', clearingAccount: '1300' });
      // The create's own invalidation may reach this instance after that first load began,
      // and a load overtaken by an invalidation is answered but not kept; the next one is.
      await eventually(async () => expect((await countQueries(other, resolveThere)).queries).toBe(0), 2000);

      const changedAt = Date.now();
      await http().put(`/admin/mappings/${created.mappingKey}`).set(auth(ADMIN_KEY)).send({ target: { paymentMethod: 'GIFT', clearingAccount: '1301' }, note: 'new GL' }).expect(200);
      await eventually(async () => expect(await resolveThere()).toEqual({ paymentMethod: 'GIFT', clearingAccount: '1301' }), 1000);
      expect(Date.now() - changedAt).toBeLessThan(1000);

      await http().post(`/admin/mappings/${created.mappingKey}/retire`).set(auth(ADMIN_KEY)).send({ note: 'no more gift cards' }).expect(200);
      await eventually(async () => expect(await resolveThere()).toBeNull(), 1000);
    } finally {
      await other.close();
    }
  });
});
