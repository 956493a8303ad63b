import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { roleAllows } from '../../src/platform/auth/api-keys.js';
import type { ApiRole } from '../../src/platform/config/app-config.js';
import { fixture, sign } from '../support/shopify-delivery.js';
import { freshDatabase } from '../support/test-database.js';
import { ADMIN_KEY, READER_KEY, SHOPIFY_SECRET, dropQueueKeys, startHub, type TestHub } from '../support/test-hub.js';
import { httpCall, inBatches, type Answer } from './http-call.js';
import { GRAPHQL_FIELDS, KEY_FORMS, PATH_FORMS, REST_ROUTES, samplePath, type Access } from './route-auth-table.js';

const OPERATOR_KEY = 'operator-key-for-tests';
const KEYS: Record<ApiRole, string> = { reader: READER_KEY, operator: OPERATOR_KEY, admin: ADMIN_KEY };
const ROLES: readonly ApiRole[] = ['reader', 'operator', 'admin'];

/** A failed expectation as one line, or null. */
type Check = (answer: Answer) => string | null;

interface Call {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
  readonly check: Check;
}

function json(answer: Answer): Record<string, unknown> | null {
  try {
    return JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const describeAnswer = (answer: Answer) => `${answer.status} ${answer.text.slice(0, 120)}`;

const unauthorized: Check = (answer) => {
  const body = json(answer);
  if (answer.status === 401 && (answer.text === '' || (body?.code === 'UNAUTHORIZED' && !('data' in body)))) return null;
  return `expected 401 UNAUTHORIZED, got ${describeAnswer(answer)}`;
};
const forbidden: Check = (answer) =>
  answer.status === 403 && json(answer)?.code === 'FORBIDDEN' ? null : `expected 403 FORBIDDEN, got ${describeAnswer(answer)}`;
/**
 * Enough role: the call may still be a bad request or name nothing, but it is not refused,
 * and never a server error. Refusals for the key name the Authorization field; other 403s
 * (the docs' file server on `//`) are not about the key.
 */
const allowed: Check = (answer) => {
  const refusedKey = answer.status === 403 && json(answer)?.field === 'Authorization';
  if (answer.status === 401 || refusedKey || answer.status >= 500) return `expected to be let in, got ${describeAnswer(answer)}`;
  const codes = ((json(answer)?.errors ?? []) as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);
  return codes.some((code) => code === 'UNAUTHORIZED' || code === 'FORBIDDEN') ? `expected to be let in, got ${describeAnswer(answer)}` : null;
};
const sameAs = (status: number): Check => (answer) =>
  answer.status === status && status < 500 ? null : `expected ${status} as without a key, got ${describeAnswer(answer)}`;
const notFoundOr = (otherwise: Check): Check => (answer) => (answer.status === 404 ? null : otherwise(answer));
/** A GraphQL field refused to the role: the request is let in, the field answers FORBIDDEN. */
const gqlForbidden: Check = (answer) => {
  const errors = (json(answer)?.errors ?? []) as { extensions?: { code?: string } }[];
  return answer.status === 200 && errors.some((e) => e.extensions?.code === 'FORBIDDEN') ? null : `expected GraphQL FORBIDDEN, got ${describeAnswer(answer)}`;
};
const status = (expected: number): Check => (answer) => (answer.status === expected ? null : `expected ${expected}, got ${describeAnswer(answer)}`);

describe('auth matrix: every route and GraphQL field, every role, odd keys and odd paths', () => {
  let hub: TestHub;
  let port: number;
  const prefix = `e2e-authmatrix-${randomUUID()}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  /** `METHOD /pattern` of every route, as the app registered it. */
  const registered = new Set<string>();

  beforeAll(async () => {
    hub = await startHub({
      databaseUrl: await freshDatabase('authmatrix'),
      queuePrefix: prefix,
      // The matrix asks hundreds of questions at once; it is about who is let in, not about shedding load, so
      // a query waits for a GraphQL slot as long as it takes rather than answering 503 on a busy machine.
      env: { API_KEYS: `admin:${ADMIN_KEY},operator:${OPERATOR_KEY},reader:${READER_KEY}`, DOCS_ACCESS: 'key', METRICS_ACCESS: 'key', GRAPHQL_QUEUE_TIMEOUT_MS: '30000' },
      observeRoute: (route) => {
        for (const method of [route.method].flat()) registered.add(`${method} ${route.url}`);
      },
    });
    await hub.app.listen(0, '127.0.0.1');
    port = (hub.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    agent.destroy();
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const call = (c: Omit<Call, 'label' | 'check'>) => httpCall(agent, port, c.method, c.path, c.headers, c.body);

  /** The role a route needs under this hub's settings; null when it is public. */
  function need(access: Access): ApiRole | null {
    if (access === 'public') return null;
    if (access === 'docs') return hub.config.docsAccess === 'key' ? 'reader' : null;
    if (access === 'metrics') return hub.config.metricsAccess === 'key' ? 'reader' : null;
    return access;
  }

  const entryOf = (route: string) => REST_ROUTES[route.replace(/^HEAD /, 'GET ')];

  it('declares every route the app registers, and no route it does not', () => {
    expect(registered.size).toBeGreaterThan(30);
    expect([...registered].filter((route) => !entryOf(route))).toEqual([]);
    const withGet = new Set([...registered].map((route) => route.replace(/^HEAD /, 'GET ')));
    expect(Object.keys(REST_ROUTES).filter((route) => !withGet.has(route))).toEqual([]);
  });

  it('declares every top-level GraphQL query and mutation, and nothing else', () => {
    const schema = hub.app.get(GraphQLSchemaHost).schema;
    const fields = [
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}).map((name) => `Query.${name}`),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((name) => `Mutation.${name}`),
      ...Object.keys(schema.getSubscriptionType()?.getFields() ?? {}).map((name) => `Subscription.${name}`),
    ];
    expect(fields.length).toBeGreaterThan(5);
    expect(fields.filter((field) => !GRAPHQL_FIELDS[field])).toEqual([]);
    expect(Object.keys(GRAPHQL_FIELDS).filter((field) => !fields.includes(field))).toEqual([]);
  });

  it('answers every REST route as the table declares, for every key form and path spelling', async () => {
    const routes = [...registered].filter((route) => entryOf(route)).sort();
    // What each route answers without a key: public routes must answer every key the same.
    const anonymous = new Map<string, number>();
    await inBatches(routes.map((route) => async () => {
      const [method, pattern] = route.split(' ');
      anonymous.set(route, (await call({ method, path: samplePath(pattern), body: bodyOf(method, route) })).status);
    }));
    const calls = routes.flatMap((route) => restCalls(route, anonymous.get(route)!));
    expect(calls.length).toBeGreaterThan(1000);
    expect(await failures(calls)).toEqual([]);
  }, 60_000);

  it('answers every GraphQL field as the table declares, over POST and GET, for every key form and path spelling', async () => {
    const calls = Object.entries(GRAPHQL_FIELDS).flatMap(([field, entry]) => graphqlCalls(field, entry.access, entry.operation));
    expect(await failures(calls)).toEqual([]);
  }, 60_000);

  it('never answers GraphQL without a key, however the path is spelled', async () => {
    const query = JSON.stringify({ query: '{ erpTargets { id baseUrl } }' });
    const post = (path: string) => call({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: query });
    for (const path of ['/graphql', '/%67raphql', '/graphq%6C', '/graphq%6c', '/%67%72%61%70%68%71%6c', '/graphql#x', '/graphql?x=1', 'http://127.0.0.1/graphql']) {
      const answer = await post(path);
      expect({ path, status: answer.status, code: json(answer)?.code }).toEqual({ path, status: 401, code: 'UNAUTHORIZED' });
      expect(answer.text).not.toContain('baseUrl');
    }
    // The router does not send these to GraphQL at all (case-sensitive, no slash folding).
    for (const path of ['/graphql/', '//graphql', '/GraphQL', '/%47raphql', '/graphql;x', '/./graphql', '/graphql%2F']) {
      expect({ path, status: (await post(path)).status }).toEqual({ path, status: 404 });
    }
    const get = await call({ method: 'GET', path: `/%67raphql?query=${encodeURIComponent('{ erpTargets { baseUrl } }')}` });
    expect(get.status).toBe(401);
    const withKey = await call({ method: 'POST', path: '/%67raphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${READER_KEY}` }, body: query });
    expect(withKey.status).toBe(200);
    expect(json(withKey)).toEqual({ data: { erpTargets: [] } });
  });

  it('keeps /docs and /metrics behind a key with DOCS_ACCESS=key and METRICS_ACCESS=key', async () => {
    for (const path of ['/metrics', '/docs-json', '/docs', '/docs/swagger-ui-init.js', '/%6detrics']) {
      expect({ path, status: (await call({ method: 'GET', path })).status }).toEqual({ path, status: 401 });
    }
    const metrics = await call({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('hub_queue_jobs');
    const docs = await call({ method: 'GET', path: '/docs-json', headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(docs.status).toBe(200);
    expect(json(docs)?.paths).toHaveProperty(['/admin/mappings']);
  });

  it('parses bodies by the route the router matched, not by the URL as sent', async () => {
    // The raw bytes reach the webhook (its signature is over them) however its path is spelled.
    const body = fixture('order-create.json').replace('{', '{ ');
    const webhook = await call({
      method: 'POST',
      path: '/%77ebhooks/shopify',
      headers: {
        'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'example-shop.myshopify.com',
        'x-shopify-webhook-id': randomUUID(), 'x-shopify-hmac-sha256': sign(body, SHOPIFY_SECRET),
      },
      body,
    });
    expect(webhook.status).toBe(202);
    const [row] = await hub.sql<{ raw_body: Buffer }>('SELECT raw_body FROM inbox WHERE id = $1', [json(webhook)?.inboxId]);
    expect(Buffer.from(row.raw_body).toString('utf8')).toBe(body);
    // CSV reaches the mapping import as text, not as (failed) JSON.
    const csv = 'kind,channel,account,erp_target,source_value,target,note\nITEM,SHOPIFY,,,SKU-PATH,"{""itemId"":""1""}",via an encoded path\n';
    const imported = await call({
      method: 'POST', path: '/%61dmin/mappings/import', headers: { 'content-type': 'text/csv', authorization: `Bearer ${ADMIN_KEY}` }, body: csv,
    });
    expect({ status: imported.status, body: json(imported) }).toEqual({ status: 200, body: { rows: 1, created: 1, updated: 0, unchanged: 0 } });
  });

  function bodyOf(method: string, route: string): string | undefined {
    if (method !== 'POST' && method !== 'PUT') return undefined;
    return JSON.stringify(entryOf(route)?.body ?? {});
  }

  function restCalls(route: string, anonymousStatus: number): Call[] {
    const [method, pattern] = route.split(' ');
    const needed = need(entryOf(route).access);
    const path = samplePath(pattern);
    const body = bodyOf(method, route);
    const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    const refused = needed ? unauthorized : sameAs(anonymousStatus);
    const letIn = needed ? allowed : sameAs(anonymousStatus);
    const calls: Call[] = [{ label: `${route} without a key`, method, path, headers: json, body, check: refused }];
    for (const role of ROLES) {
      const check = !needed ? letIn : roleAllows(role, needed) ? allowed : forbidden;
      calls.push({ label: `${route} as ${role}`, method, path, headers: { ...json, authorization: `Bearer ${KEYS[role]}` }, body, check });
    }
    if (method === 'HEAD') return calls;
    const key = KEYS[needed ?? 'admin'];
    for (const form of KEY_FORMS) {
      const withQuery = form.query ? `${path}?${form.query(key)}` : path;
      calls.push({ label: `${route} with ${form.name}`, method, path: withQuery, headers: { ...json, ...form.headers(key) }, body, check: form.accepted ? letIn : refused });
    }
    for (const form of PATH_FORMS) {
      const odd = form.apply(path);
      if (odd === path) continue;
      const keyed = { ...json, authorization: `Bearer ${key}` };
      calls.push({ label: `${method} ${odd} without a key (${form.name})`, method, path: odd, headers: json, body, check: form.routed ? refused : notFoundOr(refused) });
      calls.push({ label: `${method} ${odd} with a key (${form.name})`, method, path: odd, headers: keyed, body, check: form.routed ? letIn : notFoundOr(letIn) });
    }
    return calls;
  }

  function graphqlCalls(field: string, needed: ApiRole, operation: string): Call[] {
    const mutation = field.startsWith('Mutation.');
    const post = (label: string, path: string, headers: Record<string, string | string[]>, check: Check): Call =>
      ({ label: `${field} ${label}`, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: operation }), check });
    const getPath = `/graphql?query=${encodeURIComponent(operation)}`;
    const get = (label: string, headers: Record<string, string | string[]>, check: Check): Call => ({ label: `${field} ${label} over GET`, method: 'GET', path: getPath, headers, check });
    const calls: Call[] = [post('without a key', '/graphql', {}, unauthorized), get('without a key', {}, unauthorized)];
    for (const role of ROLES) {
      const bearer = { authorization: `Bearer ${KEYS[role]}` };
      calls.push(post(`as ${role}`, '/graphql', bearer, roleAllows(role, needed) ? allowed : gqlForbidden));
      // Mercurius runs no mutation over GET (405), whoever asks.
      calls.push(get(`as ${role}`, bearer, mutation ? status(405) : roleAllows(role, needed) ? allowed : gqlForbidden));
    }
    const key = KEYS[needed];
    for (const form of KEY_FORMS) {
      const path = form.query ? `/graphql?${form.query(key)}` : '/graphql';
      calls.push(post(`with ${form.name}`, path, form.headers(key), form.accepted ? allowed : unauthorized));
    }
    for (const form of PATH_FORMS) {
      const odd = form.apply('/graphql');
      if (odd === '/graphql') continue;
      calls.push(post(`at ${odd} without a key (${form.name})`, odd, {}, form.routed ? unauthorized : status(404)));
      calls.push(post(`at ${odd} with a key (${form.name})`, odd, { authorization: `Bearer ${key}` }, form.routed ? allowed : status(404)));
    }
    return calls;
  }

  async function failures(calls: readonly Call[]): Promise<string[]> {
    const results = await inBatches(calls.map((c) => async () => {
      const problem = c.check(await call(c));
      return problem ? `${c.label}: ${problem}` : null;
    }));
    return results.filter((r): r is string => r !== null);
  }
});
