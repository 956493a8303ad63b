/**
 * NetSuite sandbox: the SuiteTalk REST record API subset an order posting uses, behind
 * token-based authentication, with NetSuite's error bodies and its concurrency governance
 * (HTTP 429 over the account limit, as the REST web services answer it).
 *
 *   POST  /services/rest/record/v1/salesOrder                 create → 204 + Location
 *   PUT   /services/rest/record/v1/salesOrder/eid:{externalId} upsert → 204 + Location
 *   PATCH /services/rest/record/v1/salesOrder/{id | eid:...}  update → 204 + Location
 *   GET   /services/rest/record/v1/salesOrder/{id | eid:...}  record (?expandSubResources=true)
 *   POST  /services/rest/record/v1/salesOrder/{id | eid:...}/!transform/itemFulfillment → 204 + Location
 *   GET   /services/rest/record/v1/itemFulfillment/{id | eid:...}
 *   POST  …/salesOrder/{id | eid:...}/!transform/returnAuthorization, …/returnAuthorization/{id | eid:...}/!transform/itemReceipt | creditMemo
 *   GET   …/returnAuthorization | itemReceipt | creditMemo/{id | eid:...} (returns.ts); GET /_sandbox/returns lists them
 *   POST  /services/rest/query/v1/suiteql                     the sales orders' totals query (suiteql.ts)
 *   PUT   …/journalEntry/eid:{externalId}, GET …/journalEntry/{id | eid:...} (journals.ts); GET /_sandbox/journals lists them
 *   PUT   …/cashSale/eid:{externalId}, GET …/cashSale/{id | eid:...} (cash-sales.ts); GET /_sandbox/cash-sales lists them
 * A PATCH of existing lines may not take a quantity below what has been fulfilled (fulfillment.ts,
 * line-changes.ts). subtotal, discountTotal, taxTotal and total are computed as NetSuite does
 * (totals.ts) from the tax-code table (knob taxRates); an unknown tax code is refused.
 */
import { SandboxContext } from '../shared/context.js';
import { header, jsonObject, type Reply, type SandboxRequest } from '../shared/http.js';
import type { Knobs } from '../shared/knobs.js';
import { startSandboxServer, type RunningSandbox, type SandboxServerOptions, type SandboxVariant } from '../shared/server.js';
import type { StoredDocument } from '../shared/store.js';
import { TbaVerifier } from './auth.js';
import { duplicateRecord, invalidContent, invalidLogin, notFound, nsError } from './errors.js';
import { FULFILLMENT_PATH, NetSuiteFulfillments } from './fulfillment.js';
import { checkLineChanges, lineChangeOf } from './line-changes.js';
import type { TbaCredentials } from '../../../src/adapters/erp/netsuite/tba-signer.js';
import { JOURNAL_PATH, NetSuiteJournals } from './journals.js';
import { CASH_SALE_PATH, NetSuiteCashSales } from './cash-sales.js';
import { NetSuiteReturns, type ReturnRecordType } from './returns.js';
import { newRecord, presentRecord, updatedRecord, type NsSalesOrder } from './records.js';
import { runSuiteQl, SUITEQL_PATH } from './suiteql.js';
import { withTotals } from './totals.js';
import { validateSalesOrder } from './validate.js';

export const RECORD_BASE = '/services/rest/record/v1';
const COLLECTION = `${RECORD_BASE}/salesOrder`;
const SINGULAR_TYPE = 'application/vnd.oracle.resource+json; type=singular; charset=UTF-8';
const TRANSFORM = /^(.+)\/!transform\/itemFulfillment$/;
const RETURN_TRANSFORM = /^\/services\/rest\/record\/v1\/(salesOrder|cashSale|returnAuthorization)\/([^/]+)\/!transform\/(returnAuthorization|itemReceipt|creditMemo|cashRefund)$/;
const RETURN_RECORD = /^\/services\/rest\/record\/v1\/(returnAuthorization|itemReceipt|creditMemo|customerRefund|cashRefund)\/([^/]+)$/;

/** Fixed defaults so the demo and benchmarks need no setup; tests may pass their own. */
export const DEFAULT_NETSUITE_CREDENTIALS: TbaCredentials = {
  accountId: 'TSTDRV1234567',
  consumerKey: 'sandbox-consumer-key',
  consumerSecret: 'sandbox-consumer-secret',
  tokenId: 'sandbox-token-id',
  tokenSecret: 'sandbox-token-secret',
};

export interface NetSuiteSandboxOptions extends SandboxServerOptions {
  readonly credentials?: TbaCredentials;
  readonly knobs?: Partial<Knobs>;
  readonly timestampToleranceSeconds?: number;
}

export interface NetSuiteSandbox extends RunningSandbox<NsSalesOrder> {
  readonly credentials: TbaCredentials;
  /** Base URL for the adapter: {url}/services/rest/record/v1 */
  readonly recordApiUrl: string;
}

type Target = { kind: 'id'; id: string } | { kind: 'eid'; externalId: string };

function parseTarget(segment: string): Target | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  if (decoded.startsWith('eid:')) return decoded.length > 4 ? { kind: 'eid', externalId: decoded.slice(4) } : undefined;
  return /^\d+$/.test(decoded) ? { kind: 'id', id: decoded } : undefined;
}

class NetSuiteVariant implements SandboxVariant<NsSalesOrder> {
  readonly name = 'netsuite';
  private nextId = 1001;
  private readonly fulfillments: NetSuiteFulfillments;
  private readonly returns: NetSuiteReturns;
  private readonly journals: NetSuiteJournals;
  private readonly cashSales: NetSuiteCashSales;

  constructor(
    private readonly context: SandboxContext<NsSalesOrder>,
    private readonly verifier: TbaVerifier,
  ) {
    // Transactions share one internal id sequence, as in NetSuite.
    this.fulfillments = new NetSuiteFulfillments(context, () => String(this.nextId++));
    this.returns = new NetSuiteReturns(() => context.knobs, () => String(this.nextId++));
    this.journals = new NetSuiteJournals(() => String(this.nextId++));
    this.cashSales = new NetSuiteCashSales(() => context.knobs, () => String(this.nextId++));
    context.onReset(() => {
      this.nextId = 1001;
      this.returns.reset();
      this.journals.reset();
      this.cashSales.reset();
      verifier.reset();
    });
  }

  classify(): 'api' {
    return 'api';
  }

  authenticate(req: SandboxRequest): Reply | undefined {
    const reason = this.verifier.verify(req);
    return reason === undefined ? undefined : invalidLogin(reason);
  }

  handle(req: SandboxRequest): Reply {
    const path = req.url.pathname.replace(/\/+$/, '');
    if (path === SUITEQL_PATH) return runSuiteQl(req, (id) => this.context.store.get(id));
    if (path === COLLECTION) {
      return req.method === 'POST' ? this.create(req) : this.methodNotAllowed(req, 'POST');
    }
    if (path.startsWith(`${FULFILLMENT_PATH}/`)) {
      const target = parseTarget(path.slice(FULFILLMENT_PATH.length + 1));
      if (!target) return nsError(400, [{ detail: 'Invalid record instance identifier.', code: 'INVALID_ID', urlPath: path }]);
      return req.method === 'GET' ? this.fulfillments.read(req, target) : this.methodNotAllowed(req, 'GET');
    }
    if (path.startsWith(`${JOURNAL_PATH}/`)) return this.journalRoute(req, path);
    const returned = this.returnRoute(req, path);
    if (returned) return returned;
    if (path.startsWith(`${CASH_SALE_PATH}/`)) return this.cashSaleRoute(req, path);
    const transform = TRANSFORM.exec(path);
    if (transform && transform[1].startsWith(`${COLLECTION}/`)) {
      if (req.method !== 'POST') return this.methodNotAllowed(req, 'POST');
      return this.transform(req, transform[1].slice(COLLECTION.length + 1));
    }
    if (!path.startsWith(`${COLLECTION}/`)) {
      return nsError(404, [{ detail: `Record type or resource not found: ${path}`, code: 'INVALID_URL', urlPath: path }]);
    }
    const target = parseTarget(path.slice(COLLECTION.length + 1));
    if (!target) return nsError(400, [{ detail: 'Invalid record instance identifier.', code: 'INVALID_ID', urlPath: path }]);
    switch (req.method) {
      case 'GET': return this.read(req, target);
      case 'PUT': return target.kind === 'eid' ? this.upsert(req, target.externalId) : this.methodNotAllowed(req, 'GET, PATCH');
      case 'PATCH': return this.patch(req, target);
      default: return this.methodNotAllowed(req, 'GET, PUT, PATCH');
    }
  }

  fault(kind: 'server-error' | 'throttled' | 'concurrency'): Reply {
    if (kind === 'server-error') {
      const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
      return nsError(500, [{ detail: `An unexpected error occurred. Error ID: ${id}`, code: 'UNEXPECTED_ERROR' }]);
    }
    // REST web services answer the account concurrency limit with 429 (NOTES); the code names it.
    return nsError(429, [{ detail: 'Concurrent request limit exceeded. Request blocked.', code: 'CONCURRENCY_LIMIT_EXCEEDED' }]);
  }

  error(status: number, message: string): Reply {
    return nsError(status, [{ detail: message, code: status === 413 ? 'INVALID_CONTENT' : 'UNEXPECTED_ERROR' }]);
  }

  present(doc: StoredDocument<NsSalesOrder>): unknown {
    return doc.body;
  }

  /** GET /_sandbox/returns: the return authorizations, item receipts and credit memos created; GET /_sandbox/journals: the journal entries; GET /_sandbox/cash-sales: the cash sales. */
  admin(req: SandboxRequest): Reply | undefined {
    if (req.method !== 'GET') return undefined;
    const path = req.url.pathname.replace(/\/+$/, '');
    if (path === '/_sandbox/returns') return { status: 200, body: this.returns.list() };
    if (path === '/_sandbox/journals') return { status: 200, body: { journalEntries: this.journals.list() } };
    if (path === '/_sandbox/cash-sales') return { status: 200, body: { cashSales: this.cashSales.list() } };
    return undefined;
  }

  private journalRoute(req: SandboxRequest, path: string): Reply {
    const target = parseTarget(path.slice(JOURNAL_PATH.length + 1));
    if (!target) return nsError(400, [{ detail: 'Invalid record instance identifier.', code: 'INVALID_ID', urlPath: path }]);
    if (req.method === 'GET') return this.journals.read(req, target);
    if (req.method !== 'PUT' || target.kind !== 'eid') return this.methodNotAllowed(req, 'GET, PUT');
    const parsed = this.body(req);
    if (!parsed.ok) return parsed.reply;
    if (parsed.value.externalId !== undefined && parsed.value.externalId !== target.externalId) {
      return invalidContent('Error while accessing a resource. The externalId in the body differs from the one in the URL.', 'externalId');
    }
    return this.journals.upsert(req, target.externalId, parsed.value);
  }

  private cashSaleRoute(req: SandboxRequest, path: string): Reply {
    const target = parseTarget(path.slice(CASH_SALE_PATH.length + 1));
    if (!target) return nsError(400, [{ detail: 'Invalid record instance identifier.', code: 'INVALID_ID', urlPath: path }]);
    if (req.method === 'GET') return this.cashSales.read(req, target);
    if (req.method !== 'PUT' || target.kind !== 'eid') return this.methodNotAllowed(req, 'GET, PUT');
    const parsed = this.body(req);
    return parsed.ok ? this.cashSales.upsert(req, target.externalId, parsed.value) : parsed.reply;
  }

  /** The return records and their transforms; undefined for any other path. */
  private returnRoute(req: SandboxRequest, path: string): Reply | undefined {
    const record = RETURN_RECORD.exec(path);
    const transform = record ? undefined : RETURN_TRANSFORM.exec(path);
    if (!record && !transform) return undefined;
    const target = parseTarget((record ?? transform)![2]);
    if (!target) return nsError(400, [{ detail: 'Invalid record instance identifier.', code: 'INVALID_ID', urlPath: path }]);
    if (record) {
      if (req.method === 'GET') return this.returns.read(req, record[1] as ReturnRecordType, target);
      if (req.method !== 'PUT' || record[1] !== 'customerRefund' || target.kind !== 'eid') return this.methodNotAllowed(req, 'GET');
      const parsed = this.body(req);
      return parsed.ok ? this.returns.upsertCustomerRefund(req, target.externalId, parsed.value) : parsed.reply;
    }
    const [, from, , to] = transform!;
    if (req.method !== 'POST') return this.methodNotAllowed(req, 'POST');
    const allowed = from === 'returnAuthorization' ? to !== 'returnAuthorization' : to === 'returnAuthorization';
    if (!allowed) return nsError(400, [{ detail: `The transformation from ${from} to ${to} is not supported.`, code: 'INVALID_TRANSFORM', urlPath: path }]);
    const parsed = this.body(req);
    if (!parsed.ok) return parsed.reply;
    if (from === 'salesOrder') {
      const order = this.find(target);
      return order ? this.returns.fromSalesOrder(req, order, parsed.value) : notFound(path);
    }
    if (from === 'cashSale') {
      const sale = this.cashSales.find(target);
      return sale ? this.returns.fromSalesOrder(req, { id: sale.id, body: sale } as unknown as Parameters<NetSuiteReturns['fromSalesOrder']>[1], parsed.value, 'cashSale') : notFound(path);
    }
    const ra = this.returns.find('returnAuthorization', target);
    return ra ? this.returns.fromReturnAuthorization(req, ra, to as 'itemReceipt' | 'creditMemo' | 'cashRefund', parsed.value) : notFound(path);
  }

  private transform(req: SandboxRequest, segment: string): Reply {
    const target = parseTarget(segment);
    if (!target) return nsError(400, [{ detail: 'Invalid record instance identifier.', code: 'INVALID_ID', urlPath: req.url.pathname }]);
    const order = this.find(target);
    if (!order) return notFound(req.url.pathname);
    const parsed = this.body(req);
    if (!parsed.ok) return parsed.reply;
    return this.fulfillments.transform(req, order, parsed.value);
  }

  private create(req: SandboxRequest): Reply {
    const parsed = this.body(req);
    if (!parsed.ok) return parsed.reply;
    const body = parsed.value;
    const problem = validateSalesOrder(body, 'create', this.context.knobs);
    if (problem) return problem;
    if (typeof body.externalId === 'string' && this.byExternalId(body.externalId)) {
      return duplicateRecord(body.externalId);
    }
    return this.insert(req, body);
  }

  private upsert(req: SandboxRequest, externalId: string): Reply {
    const parsed = this.body(req);
    if (!parsed.ok) return parsed.reply;
    const body = parsed.value;
    if (body.externalId !== undefined && body.externalId !== externalId) {
      return invalidContent('Error while accessing a resource. The externalId in the body differs from the one in the URL.', 'externalId');
    }
    const existing = this.byExternalId(externalId);
    const problem = validateSalesOrder(body, existing ? 'update' : 'create', this.context.knobs);
    if (problem) return problem;
    return existing ? this.update(req, existing, body) : this.insert(req, { ...body, externalId });
  }

  private patch(req: SandboxRequest, target: Target): Reply {
    const existing = this.find(target);
    if (!existing) return notFound(req.url.pathname);
    const parsed = this.body(req);
    if (!parsed.ok) return parsed.reply;
    const body = parsed.value;
    const problem = validateSalesOrder(body, 'update', this.context.knobs) ?? checkLineChanges(existing.body, body, this.replaces(req, 'item'));
    if (problem) return problem;
    if (typeof body.externalId === 'string' && body.externalId !== existing.key && this.byExternalId(body.externalId)) {
      return duplicateRecord(body.externalId);
    }
    const before = existing.body;
    const reply = this.update(req, existing, body);
    const change = this.replaces(req, 'item') ? undefined : lineChangeOf(existing.id, existing.key, before, existing.body);
    if (change) this.context.lineChanges.push(change);
    return reply;
  }

  private read(req: SandboxRequest, target: Target): Reply {
    const doc = this.find(target);
    if (!doc) return notFound(req.url.pathname);
    const expand = req.url.searchParams.get('expandSubResources') === 'true';
    return { status: 200, headers: { 'content-type': SINGULAR_TYPE }, body: presentRecord(doc.body, this.selfUrl(req, doc.id), expand) };
  }

  private insert(req: SandboxRequest, body: Record<string, unknown>): Reply {
    const id = String(this.nextId++);
    const record = withTotals(newRecord(id, body), this.context.knobs);
    this.context.store.create(id, typeof record.externalId === 'string' ? record.externalId : undefined, record);
    return { status: 204, headers: { location: this.selfUrl(req, id) }, committed: true };
  }

  private replaces(req: SandboxRequest, sublist: string): boolean {
    return (req.url.searchParams.get('replace') ?? '').split(',').map((s) => s.trim()).includes(sublist);
  }

  private update(req: SandboxRequest, doc: StoredDocument<NsSalesOrder>, body: Record<string, unknown>): Reply {
    const replace = (req.url.searchParams.get('replace') ?? '').split(',').map((s) => s.trim());
    const record = withTotals(updatedRecord(doc.body, body, replace), this.context.knobs);
    this.context.store.update(doc, record, typeof record.externalId === 'string' ? record.externalId : undefined);
    return { status: 204, headers: { location: this.selfUrl(req, doc.id) }, committed: true };
  }

  private body(req: SandboxRequest): { ok: true; value: Record<string, unknown> } | { ok: false; reply: Reply } {
    const type = (header(req, 'content-type') ?? '').toLowerCase();
    if (!type.startsWith('application/json') && !type.startsWith('application/vnd.oracle.resource+json')) {
      return { ok: false, reply: nsError(415, [{ detail: 'Unsupported Content-Type; send application/json.', code: 'INVALID_HEADER', header: 'Content-Type' }]) };
    }
    const value = jsonObject(req.body);
    return value ? { ok: true, value } : { ok: false, reply: invalidContent('Invalid content in the request body: expected a JSON object.') };
  }

  private find(target: Target): StoredDocument<NsSalesOrder> | undefined {
    return target.kind === 'id' ? this.context.store.get(target.id) : this.byExternalId(target.externalId);
  }

  /** NetSuite keeps external ids unique per record type, so there is at most one. */
  private byExternalId(externalId: string): StoredDocument<NsSalesOrder> | undefined {
    return this.context.store.findByKey(externalId)[0];
  }

  private selfUrl(req: SandboxRequest, id: string): string {
    return `${req.url.origin}${COLLECTION}/${id}`;
  }

  private methodNotAllowed(req: SandboxRequest, allow: string): Reply {
    return nsError(405, [{ detail: `Method ${req.method} is not allowed on this resource.`, code: 'METHOD_NOT_ALLOWED', urlPath: req.url.pathname }], { allow });
  }
}

export async function startNetSuiteSandbox(options: NetSuiteSandboxOptions = {}): Promise<NetSuiteSandbox> {
  const credentials = options.credentials ?? DEFAULT_NETSUITE_CREDENTIALS;
  const context = new SandboxContext<NsSalesOrder>(options.knobs);
  const verifier = new TbaVerifier({ credentials, timestampToleranceSeconds: options.timestampToleranceSeconds });
  const running = await startSandboxServer(new NetSuiteVariant(context, verifier), context, options);
  return { ...running, credentials, recordApiUrl: `${running.url}${RECORD_BASE}` };
}
