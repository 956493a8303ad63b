import type { ApiRole } from '../../src/platform/config/app-config.js';

/**
 * The one declaration of who may call what. The auth matrix spec calls every route the app
 * registers, and every top-level GraphQL field, with every role and fails on any route or
 * field missing here: a new endpoint cannot ship without saying who may call it.
 *
 * `docs` and `metrics` follow DOCS_ACCESS / METRICS_ACCESS: public, or any key (reader).
 */
export type Access = 'public' | 'docs' | 'metrics' | ApiRole;

export interface RestEntry {
  readonly access: Access;
  /** A JSON body for the call; `{}` when unset. Calls with enough role may still get 400/404. */
  readonly body?: object;
}

/** `METHOD /pattern` as Fastify registers it; HEAD routes share their GET route's entry. */
export const REST_ROUTES: Readonly<Record<string, RestEntry>> = {
  'GET /health/live': { access: 'public' },
  'GET /health/ready': { access: 'public' },
  'GET /metrics': { access: 'metrics' },
  'GET /docs': { access: 'docs' },
  'GET /docs/': { access: 'docs' },
  'GET /docs/*': { access: 'docs' },
  'GET /docs/index.html': { access: 'docs' },
  'GET /docs/LICENSE': { access: 'docs' },
  'GET /docs/swagger-ui-init.js': { access: 'docs' },
  'GET /docs/docs/swagger-ui-init.js': { access: 'docs' },
  'GET /docs-json': { access: 'docs' },
  'GET /docs-yaml': { access: 'docs' },
  // Public to API keys; their own HMAC signature is checked by the handler.
  'POST /webhooks/shopify': { access: 'public' },
  'POST /webhooks/:channel': { access: 'public' },
  'POST /webhooks/:channel/:account/batches': { access: 'public' },
  'POST /webhooks/:channel/:account': { access: 'public' },
  'POST /webhooks/wms/shipments': { access: 'public' },
  'GET /admin/channel-accounts': { access: 'reader' },
  'PUT /admin/channel-accounts': { access: 'admin' },
  'GET /admin/mappings': { access: 'reader' },
  'POST /admin/mappings': { access: 'admin' },
  'GET /admin/mappings/export': { access: 'reader' },
  'POST /admin/mappings/import': { access: 'admin' },
  'PUT /admin/mappings/:mappingKey': { access: 'admin' },
  'POST /admin/mappings/:mappingKey/retire': { access: 'admin' },
  'GET /admin/mappings/:mappingKey/history': { access: 'reader' },
  'GET /admin/erp-targets': { access: 'reader' },
  'PUT /admin/erp-targets/:id': { access: 'admin' },
  'POST /admin/postings/replay': { access: 'operator', body: { dryRun: true } },
  'POST /admin/postings/:id/replay': { access: 'operator' },
  'GET /admin/fulfillment-locations': { access: 'reader' },
  'PUT /admin/fulfillment-locations/:locationRef': { access: 'admin' },
  'GET /admin/outbound-messages': { access: 'reader' },
  'POST /admin/outbound-messages/:id/replay': { access: 'operator' },
  'POST /admin/shipments/:id/reevaluate': { access: 'admin' },
  'POST /admin/orders/:id/release': { access: 'operator', body: { note: 'auth matrix' } },
  'POST /admin/orders/:id/hold': { access: 'operator', body: { note: 'auth matrix' } },
  'POST /admin/settlements/imports': { access: 'operator' },
  'POST /admin/settlements/erp-extracts': { access: 'operator' },
  'POST /admin/settlements/match': { access: 'operator' },
  'GET /admin/settlements/breaks.csv': { access: 'reader' },
  'GET /admin/settlements/matches.csv': { access: 'reader' },
  // Every GraphQL call needs a key of any role; each field's own need is in GRAPHQL_FIELDS.
  'GET /graphql': { access: 'reader' },
  'POST /graphql': { access: 'reader' },
};

export interface GraphQLEntry {
  readonly access: ApiRole;
  /** A call of the field alone, valid against the schema. */
  readonly operation: string;
}

/** `Query.field` / `Mutation.field` for every top-level field of the schema. */
export const GRAPHQL_FIELDS: Readonly<Record<string, GraphQLEntry>> = {
  'Query.erpTargets': { access: 'reader', operation: '{ erpTargets { id baseUrl } }' },
  'Query.postings': { access: 'reader', operation: '{ postings { id } }' },
  'Query.order': { access: 'reader', operation: '{ order(id: "00000000-0000-0000-0000-000000000000") { id } }' },
  'Query.orderBySource': { access: 'reader', operation: '{ orderBySource(channel: SHOPIFY, externalId: "1") { id } }' },
  'Query.orders': { access: 'reader', operation: '{ orders { edges { cursor } } }' },
  'Query.unmappedValues': { access: 'reader', operation: '{ unmappedValues { sourceValue } }' },
  'Query.mappings': { access: 'reader', operation: '{ mappings { id } }' },
  'Query.mappingHistory': { access: 'reader', operation: '{ mappingHistory(mappingKey: "no-such-key") { id } }' },
  'Query.returns': { access: 'reader', operation: '{ returns { edges { cursor } } }' },
  'Query.return': { access: 'reader', operation: '{ return(id: "00000000-0000-0000-0000-000000000000") { id } }' },
  'Query.refundExceptions': { access: 'reader', operation: '{ refundExceptions { id } }' },
  'Query.settlements': { access: 'reader', operation: '{ settlements { nodes { id } } }' },
  'Query.payouts': { access: 'reader', operation: '{ payouts { nodes { id } } }' },
  'Query.breaks': { access: 'reader', operation: '{ breaks { nodes { id } } }' },
  'Query.reconciliation': { access: 'reader', operation: '{ reconciliation(period: { from: "2026-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z" }) { openBreaks } }' },
  'Query.storeDays': { access: 'reader', operation: '{ storeDays(filter: { storeId: "matrix" }) { id status cash { currency } journals { erp { target } } } }' },
  'Query.resolveMapping': { access: 'reader', operation: '{ resolveMapping(kind: ITEM, channel: SHOPIFY, sourceValue: "SKU-1") { itemId } }' },
  'Mutation.createMapping': {
    access: 'admin',
    operation: 'mutation { createMapping(input: { kind: ITEM, channel: SHOPIFY, sourceValue: "SKU-MATRIX", target: { itemId: "I-1" }, note: "matrix" }) { id } }',
  },
  'Mutation.updateMapping': { access: 'admin', operation: 'mutation { updateMapping(mappingKey: "no-such-key", target: { itemId: "I-2" }, note: "matrix") { id } }' },
  'Mutation.releaseOrder': {
    access: 'operator',
    operation: 'mutation { releaseOrder(id: "00000000-0000-0000-0000-000000000000", note: "matrix", overrideGates: [TAX_MISSING]) { id status } }',
  },
  'Mutation.holdOrder': { access: 'operator', operation: 'mutation { holdOrder(id: "00000000-0000-0000-0000-000000000000", note: "matrix") { id status } }' },
  'Mutation.acknowledgeBreak': { access: 'operator', operation: 'mutation { acknowledgeBreak(id: "999999", note: "matrix") { id } }' },
  'Mutation.resolveBreak': { access: 'operator', operation: 'mutation { resolveBreak(id: "999999", note: "matrix") { id } }' },
  'Mutation.retireMapping': { access: 'admin', operation: 'mutation { retireMapping(mappingKey: "no-such-key", note: "matrix") { id } }' },
};

/** How a request presents a key; `accepted` says whether the hub must take it as that key. */
export interface KeyForm {
  readonly name: string;
  readonly accepted: boolean;
  readonly headers: (key: string) => Record<string, string | string[]>;
  /** Appended to the query string. */
  readonly query?: (key: string) => string;
}

export const KEY_FORMS: readonly KeyForm[] = [
  { name: 'Bearer', accepted: true, headers: (key) => ({ authorization: `Bearer ${key}` }) },
  // The auth scheme is case-insensitive and may be followed by several spaces (RFC 9110 §11.4).
  { name: 'lowercase bearer', accepted: true, headers: (key) => ({ authorization: `bearer ${key}` }) },
  { name: 'extra spaces', accepted: true, headers: (key) => ({ authorization: `Bearer   ${key}   ` }) },
  { name: 'key in the query string', accepted: false, headers: () => ({}), query: (key) => `api_key=${key}&access_token=${key}&key=${key}` },
  { name: 'two Authorization headers', accepted: false, headers: (key) => ({ authorization: [`Bearer ${key}`, `Bearer ${key}`] }) },
  { name: 'junk then the key in two headers', accepted: false, headers: (key) => ({ authorization: ['Bearer junk-key-1234', `Bearer ${key}`] }) },
  { name: 'Basic scheme', accepted: false, headers: (key) => ({ authorization: `Basic ${Buffer.from(`admin:${key}`).toString('base64')}` }) },
  { name: 'Basic with the bare key', accepted: false, headers: (key) => ({ authorization: `Basic ${key}` }) },
  { name: 'empty bearer', accepted: false, headers: () => ({ authorization: 'Bearer ' }) },
  { name: 'scheme only', accepted: false, headers: () => ({ authorization: 'Bearer' }) },
  { name: 'bare key', accepted: false, headers: (key) => ({ authorization: key }) },
  { name: 'key with trailing junk', accepted: false, headers: (key) => ({ authorization: `Bearer ${key}x` }) },
  { name: 'key then a second word', accepted: false, headers: (key) => ({ authorization: `Bearer ${key} x` }) },
  { name: 'two bearer values in one header', accepted: false, headers: (key) => ({ authorization: `Bearer ${key}, Bearer ${key}` }) },
  { name: 'key cut short', accepted: false, headers: (key) => ({ authorization: `Bearer ${key.slice(0, -1)}` }) },
  { name: 'X-API-Key header', accepted: false, headers: (key) => ({ 'x-api-key': key }) },
  { name: 'Token scheme', accepted: false, headers: (key) => ({ authorization: `Token ${key}` }) },
];

/**
 * Other spellings of a path. `routed`: Fastify sends them to the same route (it decodes
 * percent-escapes, takes the path of an absolute-form target, and the path ends at `?` or
 * `#`), so they must get the same answer as
 * the path itself. The others must not reach any route (404) or, where a wildcard route
 * still matches, get the same answer: the router is case-sensitive and neither ignores
 * trailing slashes nor merges duplicate slashes.
 */
export interface PathForm {
  readonly name: string;
  readonly routed: boolean;
  readonly apply: (path: string) => string;
}

const hex = (char: string) => `%${char.charCodeAt(0).toString(16)}`;

export const PATH_FORMS: readonly PathForm[] = [
  { name: 'first letter percent-encoded', routed: true, apply: (path) => `/${hex(path[1])}${path.slice(2)}` },
  { name: 'last letter percent-encoded, upper-case hex', routed: true, apply: (path) => path.replace(/[a-z](?=[^a-z]*$)/i, (letter) => hex(letter).toUpperCase()) },
  { name: 'every letter percent-encoded', routed: true, apply: (path) => path.replace(/[a-z]/gi, hex) },
  { name: 'with a fragment', routed: true, apply: (path) => `${path}#x` },
  { name: 'with a query string', routed: true, apply: (path) => `${path}?x=1` },
  { name: 'absolute form', routed: true, apply: (path) => `http://127.0.0.1${path}` },
  { name: 'trailing slash', routed: false, apply: (path) => `${path}/` },
  { name: 'leading double slash', routed: false, apply: (path) => `/${path}` },
  { name: 'inner double slash', routed: false, apply: (path) => path.replace(/^(\/[^/]+)\//, '$1//') },
  { name: 'upper case', routed: false, apply: (path) => path.toUpperCase() },
  { name: 'first letter upper case, encoded', routed: false, apply: (path) => `/${hex(path[1].toUpperCase())}${path.slice(2)}` },
  { name: 'dot segment', routed: false, apply: (path) => `/.${path}` },
  { name: 'parent segment', routed: false, apply: (path) => `/x/..${path}` },
  { name: 'semicolon parameter', routed: false, apply: (path) => `${path};x=1` },
  { name: 'double-encoded first letter', routed: false, apply: (path) => `/%25${path.charCodeAt(1).toString(16)}${path.slice(2)}` },
  { name: 'encoded slash', routed: false, apply: (path) => path.replace(/^(\/[^/]+)\//, '$1%2F') },
];

/** Concrete values for route parameters and wildcards. */
export function samplePath(pattern: string): string {
  return pattern
    .replace(/:id\b/g, '00000000-0000-0000-0000-000000000000')
    .replace(/:[A-Za-z]+/g, 'no-such-value')
    .replace(/\*$/, 'swagger-ui.css');
}
