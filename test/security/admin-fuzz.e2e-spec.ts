import { jest } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { ADMIN_KEY, type TestHub } from '../support/test-hub.js';
import { ATTACK_RUNS, check } from './support/attack-runs.js';
import { startAttackHub, type AttackHub } from './support/attack-hub.js';
import { applyAll, mutation, type Mutation } from './support/body-mutations.js';
import { nastyString, serialize, type Json } from './support/json-attack.js';

jest.setTimeout(Math.max(90_000, ATTACK_RUNS * 400));

/** Secrets sent in admin bodies: no answer may ever carry one back. */
const SECRETS = ['fuzz-webhook-secret-9f3a', 'fuzz-admin-token-77c1', 'fuzz-consumer-secret-1b2c', 'fuzz-token-secret-4d5e', 'fuzz-wms-api-key-6f70'];

interface Endpoint {
  readonly name: string;
  readonly method: 'put' | 'post';
  readonly path: string;
  readonly body: Json;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'channel account', method: 'put', path: '/admin/channel-accounts',
    body: { channel: 'SHOPIFY', account: 'fuzz-shop.myshopify.com', webhookSecret: SECRETS[0], adminApiUrl: 'https://fuzz-shop.myshopify.com/admin/api/2026-04', adminAccessToken: SECRETS[1], enabled: true },
  },
  {
    name: 'ERP target', method: 'put', path: '/admin/erp-targets/fuzz-netsuite',
    body: {
      variant: 'netsuite', baseUrl: 'http://127.0.0.1:9', concurrencyCap: 4, rateLimitPerSecond: 10, timeoutMs: 5000, enabled: false,
      credentials: { accountId: 'TSTDRV1', consumerKey: 'ck-fuzz', consumerSecret: SECRETS[2], tokenId: 'tk-fuzz', tokenSecret: SECRETS[3] },
      routing: { channels: ['SHOPIFY'], accounts: ['fuzz-shop.myshopify.com'] },
      settings: { currencyIds: { USD: '1' }, discountItemId: '77', lineRefField: 'custcol_hub_line' },
    },
  },
  {
    name: 'fulfilment location', method: 'put', path: '/admin/fulfillment-locations/70009',
    body: { name: 'Fuzz DC', kind: 'WAREHOUSE', system: 'wms', baseUrl: 'http://127.0.0.1:9', apiKey: SECRETS[4], isDefault: false, enabled: false },
  },
  {
    name: 'mapping', method: 'post', path: '/admin/mappings',
    body: { kind: 'ITEM', channel: 'SHOPIFY', account: 'fuzz-shop.myshopify.com', sourceValue: 'FUZZ-SKU', target: { itemId: '1001' }, note: 'attack suite' },
  },
  {
    name: 'postings replay', method: 'post', path: '/admin/postings/replay',
    body: { targetId: 'fuzz-netsuite', status: 'DEAD', errorCode: 'HTTP_500', from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z', dryRun: true },
  },
];

/** Attacks every run makes whatever the seed, each its own test so a report names what broke. */
const KNOWN: { why: string; index: number; mutations: Mutation[]; param?: string }[] = [
  { why: 'NUL in a channel account secret', index: 0, mutations: [{ kind: 'value', path: ['webhookSecret'], value: 'secret\u0000with-nul' }] },
  { why: 'NUL in an ERP credential', index: 1, mutations: [{ kind: 'value', path: ['credentials', 'consumerKey'], value: 'ck\u0000' }] },
  { why: 'NUL in a location name', index: 2, mutations: [{ kind: 'value', path: ['name'], value: 'Fuzz\u0000DC' }] },
  { why: 'NUL in a mapping note', index: 3, mutations: [{ kind: 'value', path: ['note'], value: 'note\u0000' }] },
  { why: 'replay from a date PostgreSQL cannot hold', index: 4, mutations: [{ kind: 'value', path: ['from'], value: '-271821-04-20T00:00:00.000Z' }] },
  { why: 'replay to the last date JavaScript knows', index: 4, mutations: [{ kind: 'value', path: ['to'], value: '+275760-09-13T00:00:00.000Z' }] },
  { why: 'NUL in an ERP target id', index: 1, mutations: [], param: '%00' },
  { why: 'NUL in a location ref', index: 2, mutations: [], param: 'a%00b' },
];

/** Path parameters get the same treatment as bodies. */
const PATH_PARAMS = ['fuzz-1', '%00', 'a%00b', '%E2%80%AE', '..%2F..%2Fetc', 'x'.repeat(2000), '%F0%9F%92%A9', '%ff%fe', '-1', '9'.repeat(40)];

const CSV_HEADER = 'kind,channel,account,erp_target,source_value,target,note';
const CSV_ROWS = [
  ['ITEM', 'SHOPIFY', '', '', 'FUZZ-CSV-1', '{"itemId":"2001"}', 'from the item master'],
  ['LOCATION', 'SHOPIFY', 'fuzz-shop.myshopify.com', '', '70009', '{"locationId":"WH-9","subsidiaryId":"1"}', 'fuzz dc'],
  ['CUSTOMER', 'SHOPIFY', '', '', '*', '{"customerId":"C-1"}', 'default customer'],
];
const quote = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

function must(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** What every admin answer must be, whatever was sent: no 5xx, a coded error when refused, no secret echoed. */
function judge(label: string, res: request.Response): void {
  const text = res.text ?? '';
  must(res.status < 500, `${label}: ${res.status} ${text.slice(0, 300)}`);
  if (res.status >= 400) {
    must(typeof res.body?.code === 'string' && typeof res.body?.message === 'string', `${label}: ${res.status} without code and message: ${text.slice(0, 300)}`);
    if (res.body.code === 'VALIDATION_FAILED') must(typeof res.body.field === 'string', `${label}: VALIDATION_FAILED names no field: ${text.slice(0, 300)}`);
  }
  const leaked = SECRETS.find((s) => text.includes(s));
  must(!leaked, `${label}: the answer carries the secret ${leaked}`);
}

/** The admin API under hostile bodies: wrong kinds, edge numbers, NUL and unicode, in every field of real bodies. */
describe('attack: admin API', () => {
  let attack: AttackHub;
  let hub: TestHub;
  const send = (method: 'put' | 'post', path: string, body: string, type = 'application/json') =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', type).send(body);

  beforeAll(async () => {
    attack = await startAttackHub('admin');
    hub = attack.hub;
  });
  afterAll(async () => {
    await attack?.close();
  });

  it('accepts the untouched bodies (so the mutations below start from valid input)', async () => {
    for (const e of ENDPOINTS) {
      const res = await send(e.method, e.path, serialize(e.body));
      judge(e.name, res);
      expect([e.name, res.status >= 200 && res.status < 300]).toEqual([e.name, true]);
    }
  });

  it('answers every mutated body with a 2xx or a coded 4xx, never a 5xx, and never echoes a secret', async () => {
    const cases = fc.integer({ min: 0, max: ENDPOINTS.length - 1 }).chain((index) =>
      fc.record({ index: fc.constant(index), mutations: fc.array(mutation(ENDPOINTS[index].body), { minLength: 1, maxLength: 3 }), param: fc.option(fc.constantFrom(...PATH_PARAMS), { nil: undefined, freq: 3 }) }),
    );
    await check('admin API: mutated bodies', fc.asyncProperty(cases, async ({ index, mutations, param }) => {
      const e = ENDPOINTS[index];
      const path = param && e.method === 'put' && e.path.split('/').length > 3 ? e.path.replace(/[^/]+$/, param) : e.path;
      judge(`${e.method.toUpperCase()} ${path}`, await send(e.method, path, serialize(applyAll(e.body, mutations))));
    }));
  });

  it.each(KNOWN)('known attack: $why', async ({ index, mutations, param }) => {
    const e = ENDPOINTS[index];
    const path = param ? e.path.replace(/[^/]+$/, param) : e.path;
    judge(`${e.method.toUpperCase()} ${path}`, await send(e.method, path, serialize(applyAll(e.body, mutations))));
  });

  it('refuses URLs that carry credentials, naming the field', async () => {
    const withCredentials = 'https://user:p4ssw0rd@erp.example.com';
    const [account, target, location] = ENDPOINTS;
    for (const [e, field, body] of [
      [account, 'adminApiUrl', { ...(account.body as object), adminApiUrl: withCredentials }],
      [target, 'baseUrl', { ...(target.body as object), baseUrl: withCredentials }],
      [location, 'baseUrl', { ...(location.body as object), baseUrl: withCredentials }],
    ] as const) {
      const res = await send(e.method, e.path, JSON.stringify(body));
      judge(e.name, res);
      expect([e.name, res.status, res.body.field]).toEqual([e.name, 400, field]);
      expect(res.text).not.toContain('p4ssw0rd');
    }
  });

  it('answers every mangled mapping CSV with 200 or a coded 400, never a 5xx', async () => {
    const cell = fc.oneof(nastyString, fc.constantFrom('{"itemId":"\\u0000"}', '{"itemId":1e400}', '{"itemId":{"a":[[[[]]]]}}', '[]', 'null', '{'));
    const cases = fc.record({
      edits: fc.array(fc.record({ row: fc.nat(CSV_ROWS.length - 1), column: fc.nat(6), value: cell, raw: fc.boolean() }), { minLength: 1, maxLength: 3 }),
      bom: fc.boolean(),
      crlf: fc.boolean(),
      duplicate: fc.boolean(),
    });
    await check('admin API: mapping CSV import', fc.asyncProperty(cases, async ({ edits, bom, crlf, duplicate }) => {
      const rows = CSV_ROWS.map((r) => r.map(quote));
      for (const { row, column, value, raw } of edits) rows[row][column] = raw ? value : quote(value);
      const lines = [CSV_HEADER, ...rows.map((r) => r.join(',')), ...(duplicate ? [rows[0].join(',')] : [])];
      const csv = `${bom ? '\ufeff' : ''}${lines.join(crlf ? '\r\n' : '\n')}`;
      const res = await send('post', '/admin/mappings/import', csv, 'text/csv');
      judge('POST /admin/mappings/import', res);
      must(res.status === 200 || res.status === 400, `CSV import answered ${res.status} ${res.text.slice(0, 200)}`);
    }), ATTACK_RUNS, [[{ edits: [{ row: 0, column: 6, value: 'note\u0000', raw: false }], bom: false, crlf: false, duplicate: false }]]);
  });

  it('still lists what it stored: every read answers 200', async () => {
    for (const path of ['/admin/channel-accounts', '/admin/erp-targets', '/admin/fulfillment-locations', '/admin/mappings', '/admin/mappings/export']) {
      const res = await request(hub.app.getHttpServer()).get(path).set('Authorization', `Bearer ${ADMIN_KEY}`);
      judge(`GET ${path}`, res);
      expect([path, res.status]).toEqual([path, 200]);
    }
    expect((await request(hub.app.getHttpServer()).get('/health/ready')).status).toBe(200);
  });
});
