import { jest } from '@jest/globals';
import request from 'supertest';
import { graphql } from '../support/shopify-delivery.js';
import { READER_KEY, type TestHub } from '../support/test-hub.js';
import { startAttackHub, type AttackHub } from './support/attack-hub.js';

jest.setTimeout(60_000);

/** `depth` levels of __Type.fields.type, the cycle introspection offers every caller. */
function introspectionDepth(depth: number): string {
  let selection = 'name';
  for (let i = 0; i < depth; i++) selection = `name fields { type { ${selection} } }`;
  return `{ __schema { types { ${selection} } } }`;
}

/** Fragments that each spread the one before twice: a short text that asks for 2^levels fields. */
function fragmentBomb(levels: number): string {
  const fragments = [`fragment F0 on Order { id orderNumber }`];
  for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Order { ...F${i - 1} a${i}: lines { sku } ...F${i - 1} }`);
  return `{ orders(first: 100) { edges { node { ...F${levels} } } } } ${fragments.join(' ')}`;
}

const ABUSE: [string, string][] = [
  ['an alias flood', `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: orders(first: 100) { edges { node { id lines { sku } history { reason } } } }`).join(' ')} }`],
  ['a huge page size', '{ orders(first: 2147483647) { edges { node { id } } } }'],
  ['a page size past Int', '{ orders(first: 99999999999) { edges { node { id } } } }'],
  ['introspection 40 levels deep', introspectionDepth(40)],
  ['a fragment bomb', fragmentBomb(20)],
  ['selections nested 500 deep', `{ orders(first: 1) { edges { node { ${'... on Order { '.repeat(500)} id ${'} '.repeat(500)} } } } }`],
];

/** GraphQL abuse the API must refuse with a coded error, never a 5xx or an answer that did the work. */
describe('attack: GraphQL', () => {
  let attack: AttackHub;
  let hub: TestHub;
  beforeAll(async () => {
    attack = await startAttackHub('graphql');
    hub = attack.hub;
  });
  afterAll(async () => {
    await attack?.close();
  });

  it.each(ABUSE)('refuses %s with a code in errors[0].extensions.code', async (_name, query) => {
    const res = await graphql(hub.app, READER_KEY, query);
    expect(res.status).toBeLessThan(500);
    expect(res.body.errors?.[0]?.extensions?.code).toEqual(expect.stringMatching(/^[A-Z][A-Z_]+$/));
    expect(res.body.errors[0].extensions.code).not.toMatch(/INTERNAL/);
    expect(res.body.data ?? null).toBeNull();
  });

  it('answers no GraphQL through a percent-encoded path without a key', async () => {
    for (const path of ['/%67raphql', '/graphql%2F', '/GRAPHQL', '//graphql']) {
      const res = await request(hub.app.getHttpServer()).post(path).set('Content-Type', 'application/json').send({ query: '{ orders(first: 1) { edges { node { id } } } }' });
      expect([path, res.status < 500, res.body?.data ?? null]).toEqual([path, true, null]);
    }
  });

  it('refuses a mutation sent with GET as METHOD_NOT_ALLOWED, not as an internal error', async () => {
    const query = 'mutation { createMapping(input: { kind: ITEM, channel: SHOPIFY, sourceValue: "X", target: { itemId: "1" }, note: "n" }) { id } }';
    const res = await request(hub.app.getHttpServer()).get('/graphql').query({ query }).set('Authorization', `Bearer ${READER_KEY}`);
    expect(res.status).toBe(405);
    expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['METHOD_NOT_ALLOWED']);
  });

  it('is still ready afterwards', async () => {
    expect((await request(hub.app.getHttpServer()).get('/health/ready')).status).toBe(200);
  });
});
