import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { signFulfillmentEvent } from '../../src/adapters/fulfillment/shipment-confirmation.js';
import { SHOPIFY_HANDLED_TOPICS } from '../../src/adapters/channels/shopify/shopify-webhook.js';
import { MAX_BODY_BYTES } from '../../src/platform/http/body-parsers.js';
import { fixture, sign } from '../support/shopify-delivery.js';
import type { TestHub } from '../support/test-hub.js';
import { ATTACK_RUNS, check, scaledRuns } from './support/attack-runs.js';
import {
  FORGERIES, Ledger, cardDataFindings, drained, forge, postFulfillment, postShopify, sample, securityFixture, signFulfillment, signShopify,
  startAttackHub, type AttackHub, type Forgery, type Sent,
} from './support/attack-hub.js';
import { applyAll, mutation, type Mutation } from './support/body-mutations.js';
import { PANS, cardInjection, injectCard, type CardInjection } from './support/card-data.js';
import { NESTING_DEPTHS, RawJson, fillArray, getAt, nest, padTo, parseFixture, pathsOf, serialize, setAt, kindOf, type Json } from './support/json-attack.js';

jest.setTimeout(Math.max(120_000, ATTACK_RUNS * 600));

const SHOPIFY_FIXTURES = [
  ...readdirSync(fileURLToPath(new URL('../fixtures/shopify/', import.meta.url))).filter((f) => f.endsWith('.json')).map((name) => ({ name, text: fixture(name) })),
  { name: 'shopify-fulfillment.json', text: securityFixture('shopify-fulfillment.json') },
].map((f) => ({ name: f.name, json: parseFixture(f.text) }));
const FULFILLMENT_FIXTURES = ['wms-shipped.json', 'store-ready-for-pickup.json', 'store-picked-up.json'].map((name) => ({ name, json: parseFixture(securityFixture(name)) }));
/** Every handled topic, some the hub ignores, and none at all: Shopify signs the body, never the topic. */
const TOPICS = [...SHOPIFY_HANDLED_TOPICS, 'orders/delete', 'products/update', 'app/uninstalled', ''];
/** X-Shopify-Triggered-At is not signed either, so any text may come in it. */
const TRIGGERED_AT = [
  new Date().toISOString(), '2026-03-14T10:15:42-04:00', '-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '0000-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z', '2026-02-30T10:00:00Z', 'yesterday', '1e308', '',
];
const CORRELATION_IDS = [undefined, 'attack-ok-1', 'x'.repeat(500), 'spaces are not allowed', '../../etc'];

/** Attacks every run makes whatever the seed: each has broken something before (or would). */
const PLAIN_SHOPIFY = {
  fixture: 'order-create.json', topic: 'orders/create', mutations: [] as Mutation[], card: undefined as CardInjection | undefined,
  triggeredAt: new Date().toISOString(), correlationId: undefined as string | undefined, forgery: undefined as Forgery | undefined, redeliver: false,
};
const SHOPIFY_KNOWN: (Partial<typeof PLAIN_SHOPIFY> & { why: string })[] = [
  { why: 'NUL in a line title', mutations: [{ kind: 'value', path: ['line_items', 0, 'title'], value: 'Merino\u0000Crew' }] },
  { why: 'NUL in a key', mutations: [{ kind: 'key', path: ['customer'], key: 'a\u0000b', value: 'nul in a key' }] },
  { why: 'X-Shopify-Triggered-At before any date PostgreSQL holds', triggeredAt: '-271821-04-20T00:00:00.000Z' },
  { why: 'updated_at at the last date JavaScript knows', mutations: [{ kind: 'value', path: ['updated_at'], value: '+275760-09-13T00:00:00.000Z' }] },
  { why: 'a quantity of 2^31', mutations: [{ kind: 'retype', path: ['line_items', 0, 'quantity'], value: new RawJson('2147483648') }] },
  { why: 'a 400-digit price', mutations: [{ kind: 'value', path: ['line_items', 0, 'price'], value: '9'.repeat(400) }] },
  { why: 'a fulfilment body under an order topic', fixture: 'shopify-fulfillment.json', topic: 'orders/create' },
  { why: 'an order body under a fulfilment topic', fixture: 'order-create.json', topic: 'fulfillments/create' },
  { why: 'a card number in the order note', card: { kind: 'pan-in-text', path: ['note'], pan: '4111111111111111', embedded: true } },
  { why: 'card_number 65 levels deep', card: { kind: 'card-key', path: ['customer'], key: 'card_number', extraDepth: 65, pan: '5555 5555 5555 4444' } },
  { why: 'a signature over other bytes', forgery: 'other-body', redeliver: false },
];
const PLAIN_FULFILLMENT = { fixture: 'wms-shipped.json', source: 'wms' as 'wms' | 'store', mutations: [] as Mutation[], card: undefined as CardInjection | undefined, forgery: undefined as Forgery | undefined };
const FULFILLMENT_KNOWN: (Partial<typeof PLAIN_FULFILLMENT> & { why: string })[] = [
  { why: 'NUL in the carrier', mutations: [{ kind: 'value', path: ['carrier'], value: 'U\u0000PS' }] },
  { why: 'occurredAt before any date PostgreSQL holds', mutations: [{ kind: 'value', path: ['occurredAt'], value: '-271821-04-20T00:00:00.000Z' }] },
  { why: 'a quantity of 2^31', mutations: [{ kind: 'retype', path: ['lines', 0, 'quantity'], value: new RawJson('2147483648') }] },
  { why: 'a card number in the carrier', card: { kind: 'pan-in-text', path: ['carrier'], pan: '4111-1111-1111-1111', embedded: true } },
  { why: 'a store event sent as the WMS', fixture: 'store-picked-up.json', source: 'wms' },
];
const wrongSecret = (body: string) => sign(body, 'not-the-shopify-secret-at-all');
const wrongFulfillmentSecret = (body: string) => signFulfillmentEvent(body, 'not-the-fulfillment-secret');

const bodyOf = (fixtures: { name: string; json: Json }[], name: string): Json => fixtures.find((f) => f.name === name)!.json;
const describeStatus = (sent: Sent): string => `${sent.status} ${JSON.stringify(sent.body).slice(0, 300)}`;

function must(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/**
 * Hostile but authentic webhooks: real fixtures with one field at a time of the wrong kind, edge
 * numbers, NUL and unicode, card data at any depth, deep nesting and near-limit sizes, each
 * properly signed; and forged ones. What must hold whatever comes: no 5xx, each authentic
 * delivery kept once, nothing forged kept, no card data stored, every row settled.
 */
describe('attack: webhooks', () => {
  let attack: AttackHub;
  let hub: TestHub;
  const ledger = new Ledger();

  beforeAll(async () => {
    attack = await startAttackHub('webhooks');
    hub = attack.hub;
  });
  afterAll(async () => {
    await attack?.close();
  });

  /** Sends an authentic or forged Shopify delivery and checks the answer; an authentic one may be redelivered. */
  async function sendShopify(label: string, text: string, topic: string, options: { forgery?: (typeof FORGERIES)[number]; headers?: Record<string, string>; redeliver?: boolean } = {}) {
    const webhookId = randomUUID();
    const signature = options.forgery ? forge(options.forgery, text, signShopify, wrongSecret) : signShopify(text);
    const sent = await postShopify(hub, text, { topic, webhookId, signature, headers: options.headers });
    must(sent.status < 500, `${label}: ${describeStatus(sent)}`);
    ledger.add({ source: 'SHOPIFY', dedupeKey: webhookId, authentic: !options.forgery, label, status: sent.status });
    if (options.forgery) return must(sent.status === 401, `${label}: forged (${options.forgery}) but answered ${describeStatus(sent)}`);
    must(sent.status === 200 || sent.status === 202, `${label}: authentic but answered ${describeStatus(sent)}`);
    if (options.redeliver) {
      const again = await postShopify(hub, text, { topic, webhookId, signature, headers: options.headers });
      must(again.status === 200 && again.body.status === 'duplicate' && again.body.inboxId === sent.body.inboxId, `${label}: redelivery answered ${describeStatus(again)}`);
    }
  }

  /** An untouched order sent alongside each attack, so a poisoned batch shows up on a good neighbour too. */
  const control = (label: string) => sendShopify(`control beside ${label}`, fixture('order-create.json'), 'orders/create');

  it('Shopify: signed fixtures with a wrong kind, edge number, nasty text or card data in any field, on every topic, never get a 5xx', async () => {
    const cases = fc.constantFrom(...SHOPIFY_FIXTURES).chain((f) =>
      fc.record({
        fixture: fc.constant(f.name),
        topic: fc.constantFrom(...TOPICS),
        mutations: fc.array(mutation(f.json), { maxLength: 3 }),
        card: fc.option(cardInjection(f.json), { nil: undefined, freq: 2 }),
        triggeredAt: fc.constantFrom(...TRIGGERED_AT),
        correlationId: fc.constantFrom(...CORRELATION_IDS),
        forgery: fc.option(fc.constantFrom(...FORGERIES), { nil: undefined, freq: 4 }),
        redeliver: fc.boolean(),
      }),
    );
    await check('shopify webhook: mutated fixtures', fc.asyncProperty(cases, runShopifyCase));
  });

  async function runShopifyCase(c: typeof PLAIN_SHOPIFY): Promise<void> {
    const original = bodyOf(SHOPIFY_FIXTURES, c.fixture);
    const body = applyAll(c.card ? injectCard(original, c.card) : original, c.mutations);
    const label = `shopify ${c.fixture} ${c.topic || '(no topic)'}`;
    const headers: Record<string, string> = { 'X-Shopify-Triggered-At': c.triggeredAt, ...(c.correlationId ? { 'X-Correlation-Id': c.correlationId } : {}) };
    await Promise.all([sendShopify(label, serialize(body), c.topic, { forgery: c.forgery, headers, redeliver: c.redeliver }), control(label)]);
  }

  it.each(SHOPIFY_KNOWN)('Shopify known attack: $why', async (known) => runShopifyCase({ ...PLAIN_SHOPIFY, ...known }));

  it('WMS and store: signed confirmations with a wrong kind, edge number, nasty text or card data in any field never get a 5xx', async () => {
    const cases = fc.constantFrom(...FULFILLMENT_FIXTURES).chain((f) =>
      fc.record({
        fixture: fc.constant(f.name),
        source: fc.constantFrom('wms' as const, 'store' as const),
        mutations: fc.array(mutation(f.json), { maxLength: 3 }),
        card: fc.option(cardInjection(f.json), { nil: undefined, freq: 2 }),
        forgery: fc.option(fc.constantFrom(...FORGERIES), { nil: undefined, freq: 4 }),
      }),
    );
    await check('fulfilment webhook: mutated fixtures', fc.asyncProperty(cases, runFulfillmentCase));
  });

  async function runFulfillmentCase(c: typeof PLAIN_FULFILLMENT): Promise<void> {
    const eventId = `EVT-ATTACK-${randomUUID()}`;
    const own = setAt(setAt(bodyOf(FULFILLMENT_FIXTURES, c.fixture), ['eventId'], eventId), ['shipmentId'], `SHP-${eventId}`);
    const text = serialize(applyAll(c.card ? injectCard(own, c.card) : own, c.mutations));
    const signature = c.forgery ? forge(c.forgery, text, signFulfillment, wrongFulfillmentSecret) : signFulfillment(text);
    const label = `${c.source} ${c.fixture}`;
    const [sent] = await Promise.all([postFulfillment(hub, text, { source: c.source, eventId, signature }), control(label)]);
    must(sent.status < 500, `${label}: ${describeStatus(sent)}`);
    ledger.add({ source: c.source === 'wms' ? 'WMS' : 'STORE', dedupeKey: eventId, authentic: !c.forgery, label, status: sent.status });
    if (c.forgery) must(sent.status === 401, `${label}: forged (${c.forgery}) but answered ${describeStatus(sent)}`);
    else must(sent.status === 200 || sent.status === 202, `${label}: authentic but answered ${describeStatus(sent)}`);
  }

  it.each(FULFILLMENT_KNOWN)('WMS/store known attack: $why', async (known) => runFulfillmentCase({ ...PLAIN_FULFILLMENT, ...known }));

  it('nesting just under and over every likely depth limit, with a card number at the bottom, is kept or refused, never a 5xx', async () => {
    const all = [...SHOPIFY_FIXTURES.map((f) => ({ ...f, kind: 'shopify' as const })), ...FULFILLMENT_FIXTURES.map((f) => ({ ...f, kind: 'fulfillment' as const }))];
    const cases = fc.constantFrom(...all).chain((f) =>
      fc.record({
        name: fc.constant(f.name),
        depth: fc.constantFrom(...NESTING_DEPTHS),
        at: fc.constantFrom(...[[], ...pathsOf(f.json)].filter((p) => kindOf(getAt(f.json, p)) === 'object')),
        pan: fc.constantFrom(...PANS),
      }),
    );
    await check('webhooks: deep nesting', fc.asyncProperty(cases, async ({ name, depth, at, pan }) => {
      const f = all.find((candidate) => candidate.name === name)!;
      const holder = getAt(f.json, at) as Record<string, Json>;
      const body = setAt(f.json, at, { ...holder, attack_nested: nest(depth, { card_number: pan, note: `depth ${depth}` }) });
      const label = `${f.name} nested ${depth} deep under ${at.join('.') || 'the root'}`;
      if (f.kind === 'shopify') return sendShopify(label, serialize(body), f.name.startsWith('shopify-fulfillment') ? 'fulfillments/create' : 'orders/create');
      const eventId = `EVT-DEEP-${randomUUID()}`;
      const text = serialize(setAt(body, ['eventId'], eventId));
      const sent = await postFulfillment(hub, text, { source: 'wms', eventId, signature: signFulfillment(text) });
      ledger.add({ source: 'WMS', dedupeKey: eventId, authentic: true, label, status: sent.status });
      must(sent.status === 200 || sent.status === 202, `${label}: ${describeStatus(sent)}`);
    }), scaledRuns(0.5, 8));
  });

  it('big arrays just under the body limit are kept; one byte over is a 413 and nothing is kept', async () => {
    const order = parseFixture(fixture('order-create.json')) as Record<string, Json>;
    const line = (order.line_items as Json[])[0];
    const shipped = parseFixture(securityFixture('wms-shipped.json')) as Record<string, Json>;
    const cases: [string, Json, number][] = [
      ['line_items', line, MAX_BODY_BYTES - 1], ['note_attributes', { name: 'gift 🎁', value: '\u202e' }, MAX_BODY_BYTES - 1], ['tags', 'x', MAX_BODY_BYTES + 1],
    ];
    for (const [field, element, bytes] of cases) {
      const text = padTo(fillArray(order, field, element, bytes), bytes);
      const webhookId = randomUUID();
      const sent = await postShopify(hub, text, { topic: 'orders/create', webhookId, signature: signShopify(text) });
      const label = `orders/create with ${field} filling ${bytes} bytes`;
      const oversized = bytes > MAX_BODY_BYTES;
      ledger.add({ source: 'SHOPIFY', dedupeKey: webhookId, authentic: !oversized, label, status: sent.status });
      if (oversized) must(sent.status === 413 && sent.body.code === 'PAYLOAD_TOO_LARGE', `${label}: ${describeStatus(sent)}`);
      else must(sent.status === 200 || sent.status === 202, `${label}: ${describeStatus(sent)}`);
    }
    const eventId = `EVT-BIG-${randomUUID()}`;
    const text = padTo(fillArray({ ...shipped, eventId }, 'lines', (shipped.lines as Json[])[0], MAX_BODY_BYTES - 1), MAX_BODY_BYTES - 1);
    const sent = await postFulfillment(hub, text, { source: 'wms', eventId, signature: signFulfillment(text) });
    must(sent.status === 200 || sent.status === 202, `wms lines filling the limit: ${describeStatus(sent)}`);
    ledger.add({ source: 'WMS', dedupeKey: eventId, authentic: true, label: 'wms big lines', status: sent.status });
  });

  it('keeps every authentic delivery exactly once and nothing forged or oversized', async () => {
    expect(ledger.entries.length).toBeGreaterThan(0);
    const rows = await hub.sql<{ source: string; dedupe_key: string; n: number }>('SELECT source, dedupe_key, count(*)::int AS n FROM inbox GROUP BY source, dedupe_key');
    const stored = new Map(rows.map((r) => [`${r.source} ${r.dedupe_key}`, r.n]));
    const wrong = ledger.entries
      .map((e) => ({ ...e, n: stored.get(`${e.source} ${e.dedupeKey}`) ?? 0 }))
      .filter((e) => e.n !== (e.authentic ? 1 : 0))
      .map((e) => `${e.label} (${e.authentic ? 'authentic' : 'refused'}, answered ${e.status}): ${e.n} rows`);
    expect(sample(wrong)).toBe('');
    const known = new Set(ledger.entries.map((e) => `${e.source} ${e.dedupeKey}`));
    expect(sample(rows.filter((r) => !known.has(`${r.source} ${r.dedupe_key}`)))).toBe('');
  });

  it('settles every kept row as PROCESSED, IGNORED or REJECTED with its reason: none FAILED, none left PENDING', async () => {
    const rows = await drained(hub, 20_000 + ATTACK_RUNS * 20);
    const unsettled = rows.filter((r) => !['PROCESSED', 'IGNORED', 'REJECTED'].includes(r.status) || (r.status === 'REJECTED' && !r.error));
    expect(sample(unsettled.map((r) => `${r.source} ${r.topic} ${r.status} after ${r.attempts} attempts: ${(r.error ?? '').slice(0, 160)}`))).toBe('');
  });

  it('stores no card number or CVV anywhere: inbox bodies, errors, headers or order tables', async () => {
    expect(sample(await cardDataFindings(hub))).toBe('');
  });

  it('is still ready afterwards', async () => {
    const res = await request(hub.app.getHttpServer()).get('/health/ready');
    expect(res.status).toBe(200);
  });
});
