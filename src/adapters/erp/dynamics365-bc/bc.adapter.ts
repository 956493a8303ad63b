/**
 * Microsoft Dynamics 365 Business Central through API v2.0, with an OAuth 2.0 client-credentials
 * bearer token.
 *
 *   find:   GET   {base}/v2.0/{tenant}/{env}/api/v2.0/companies({company})/salesOrders
 *                 ?$filter=externalDocumentNumber eq '{key}'&$expand=salesOrderLines
 *   create: POST  …/salesOrders  {header…, salesOrderLines: [...]}   (one deep insert) → 201
 *   update: PATCH …/salesOrders({id})  If-Match: {@odata.etag}        (header fields only)
 *
 * Connection credentials: tenantId, environment, companyId, clientId, clientSecret, and optionally
 * localCurrency (the company's LCY, sent as currencyCode ''; default USD), shippingAccountNumber /
 * shippingLineType (see bc.mapper.ts), tokenUrl (the identity platform's authority or full token
 * endpoint) and scope.
 *
 * Upsert. BC does not keep externalDocumentNumber unique, so every upsert looks the key up first and
 * creates only when nothing carries it; a retry after any failure (even one classed RETRYABLE) is
 * therefore safe. When the order is there:
 *  - same customer, currency and lines: nothing is written, except a PATCH of the header fields that
 *    changed (orderDate) with the order's etag (a stale etag → 412 → RETRYABLE, read again);
 *  - different customer, currency or lines: PERMANENT (code LINES_CHANGED). The API cannot change
 *    lines through the order (PATCH does not take salesOrderLines) and changing customer or currency
 *    in BC re-creates the lines; a person decides (e.g. cancel and re-post) and replays.
 * The externalDocumentNumber scheme (≤ 35 characters, upper case, a hash for longer keys) is in
 * `bcExternalDocumentNumber`; find and create both use it.
 *
 * Timeouts. Each HTTP request runs under AbortSignal.timeout(connection.timeoutMs) and the caller's
 * signal. A write that gets no answer, is cut off or times out is AMBIGUOUS (BC may have committed:
 * look up by key before sending again); a read is RETRYABLE. A 401 drops the token and the request
 * is sent once more with a fresh one; a second 401 is AUTH.
 *
 * One call is one attempt: retries, backoff and concurrency caps belong to the posting pipeline.
 */
import { Logger } from '@nestjs/common';
import { ErpError, type ErpAdapter, type ErpCallContext, type ErpConnection, type ErpDocumentRef, type FulfillmentDocument, type SalesOrderChangeDocument, type SalesOrderDocument } from '../erp-adapter.port.js';
import { BcTokenProvider, BC_SCOPE, tokenEndpoint } from './bc-token.js';
import { parseBcError, transportError } from './bc.errors.js';
import {
  BC_LINE_TYPES, bcExternalDocumentNumber, compareWithExisting, externalDocumentNumberFilter, serializeBcJson, toBcSalesOrder,
  type BcLineType, type BcMappingOptions,
} from './bc.mapper.js';

type Json = Record<string, unknown>;

export interface BusinessCentralAdapterDeps {
  /** Clock of the token cache (tests move it). */
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

interface BcSettings {
  readonly tenantId: string;
  readonly environment: string;
  readonly companyId: string;
  readonly mapping: BcMappingOptions;
  /** {base}/v2.0/{tenant}/{env}/api/v2.0/companies({company})/salesOrders */
  readonly ordersUrl: string;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const REQUIRED = ['tenantId', 'environment', 'companyId', 'clientId', 'clientSecret'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function refOf(order: Json): ErpDocumentRef {
  const id = order.id;
  if (typeof id !== 'string' || id === '') throw new ErpError('RETRYABLE', 'Business Central answered with a sales order without an id', { code: 'UNREADABLE_ORDER' });
  const number = order.number;
  return { internalId: id, documentNumber: typeof number === 'string' && number !== '' ? number : null };
}

export class BusinessCentralAdapter implements ErpAdapter {
  readonly variant = 'dynamics365-bc' as const;
  private readonly logger = new Logger('BusinessCentralAdapter');
  private readonly settings: BcSettings | undefined;
  private readonly configProblem: string | undefined;
  private readonly tokens: BcTokenProvider | undefined;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly connection: ErpConnection, deps: BusinessCentralAdapterDeps = {}) {
    this.fetchFn = deps.fetch ?? fetch;
    const c = connection.credentials;
    const value = (key: string): string | undefined => (typeof c[key] === 'string' && c[key].trim() !== '' ? c[key].trim() : undefined);
    const missing = REQUIRED.filter((key) => value(key) === undefined);
    const shippingLineType = value('shippingLineType');
    const localCurrency = (value('localCurrency') ?? 'USD').toUpperCase();
    const problems = [
      ...(missing.length > 0 ? [`missing credentials: ${missing.join(', ')}`] : []),
      ...(value('companyId') !== undefined && !GUID.test(value('companyId')!) ? ['companyId is not a GUID'] : []),
      ...(!/^[A-Z]{3}$/.test(localCurrency) ? ['localCurrency is not an ISO 4217 code'] : []),
      ...(shippingLineType !== undefined && !BC_LINE_TYPES.includes(shippingLineType as BcLineType) ? [`shippingLineType must be one of ${BC_LINE_TYPES.join(', ')}`] : []),
    ];
    if (problems.length > 0) {
      this.configProblem = `Business Central target ${connection.targetId}: ${problems.join('; ')}`;
      return;
    }
    const tenantId = value('tenantId')!;
    const environment = value('environment')!;
    const companyId = value('companyId')!.toLowerCase();
    const base = connection.baseUrl.trim().replace(/\/+$/, '');
    // BC's public form is {host}/v2.0/{tenant}/{env}/api/v2.0; accept a base that already ends in /v2.0.
    const root = base.endsWith('/v2.0') ? base : `${base}/v2.0`;
    this.settings = {
      tenantId,
      environment,
      companyId,
      mapping: {
        localCurrency,
        ...(value('shippingAccountNumber') !== undefined && { shippingAccountNumber: value('shippingAccountNumber') }),
        ...(shippingLineType !== undefined && { shippingLineType: shippingLineType as BcLineType }),
      },
      ordersUrl: `${root}/${encodeURIComponent(tenantId)}/${encodeURIComponent(environment)}/api/v2.0/companies(${companyId})/salesOrders`,
    };
    this.tokens = new BcTokenProvider(
      {
        tenantId,
        clientId: value('clientId')!,
        clientSecret: c.clientSecret,
        tokenUrl: tokenEndpoint(base, tenantId, value('tokenUrl')),
        scope: value('scope') ?? BC_SCOPE,
        timeoutMs: connection.timeoutMs,
      },
      { now: deps.now, fetch: this.fetchFn },
    );
  }

  async upsertSalesOrder(doc: SalesOrderDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const settings = this.config();
    const body = toBcSalesOrder(doc, settings.mapping);
    const existing = await this.lookup(doc.externalId, ctx, true);
    if (existing === undefined) {
      const created = await this.send('POST', settings.ordersUrl, serializeBcJson(body), ctx);
      if (created.status !== 201 && created.status !== 200) throw parseBcError(created.status, created.text, created.headers, { write: true });
      const order = parseJson(created.text);
      if (!isObject(order) || typeof order.id !== 'string') {
        throw new ErpError('AMBIGUOUS', 'Business Central accepted the sales order but its answer could not be read', { status: created.status, code: 'UNREADABLE_ORDER' });
      }
      return refOf(order);
    }

    const { patch, conflicts } = compareWithExisting(body, existing, settings.mapping);
    const ref = refOf(existing);
    if (conflicts.length > 0) {
      throw new ErpError(
        'PERMANENT',
        `sales order ${ref.documentNumber ?? ref.internalId} (externalDocumentNumber ${body.externalDocumentNumber}) is already in Business Central with different content, which the API cannot change on the order: ${conflicts.join('; ')}`,
        { code: 'LINES_CHANGED' },
      );
    }
    if (Object.keys(patch).length === 0) return ref;
    const etag = existing['@odata.etag'];
    if (typeof etag !== 'string' || etag === '') throw new ErpError('RETRYABLE', 'Business Central answered the look-up without an @odata.etag', { code: 'NO_ETAG' });
    const url = `${settings.ordersUrl}(${encodeURIComponent(ref.internalId)})`;
    const patched = await this.send('PATCH', url, serializeBcJson(patch), ctx, { 'if-match': etag });
    if (patched.status !== 200 && patched.status !== 204) throw parseBcError(patched.status, patched.text, patched.headers, { write: true });
    const order = parseJson(patched.text);
    return isObject(order) && typeof order.id === 'string' ? refOf(order) : ref;
  }

  postFulfillment(doc: FulfillmentDocument, _ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return Promise.reject(new ErpError('PERMANENT', `Business Central fulfilment posting is not built yet (${doc.externalId})`));
  }

  findFulfillment(_doc: FulfillmentDocument, _ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    return Promise.resolve(null);
  }

  changeSalesOrderLines(doc: SalesOrderChangeDocument, _ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return Promise.reject(new ErpError('PERMANENT', `Business Central sales order line changes are not built yet (${doc.externalId})`));
  }

  async findSalesOrder(externalId: string, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const order = await this.lookup(externalId, ctx, false);
    return order === undefined ? null : refOf(order);
  }

  /** The order carrying the key (the first, should BC hold several), or undefined. */
  private async lookup(externalId: string, ctx: ErpCallContext, withLines: boolean): Promise<Json | undefined> {
    const settings = this.config();
    const key = bcExternalDocumentNumber(externalId);
    const query = `$filter=${encodeURIComponent(externalDocumentNumberFilter(externalId))}${withLines ? '&$expand=salesOrderLines' : ''}`;
    const answer = await this.send('GET', `${settings.ordersUrl}?${query}`, undefined, ctx);
    if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: false });
    const page = parseJson(answer.text);
    const value = isObject(page) ? page.value : undefined;
    if (!Array.isArray(value)) throw new ErpError('RETRYABLE', 'Business Central answered the look-up without a value array', { status: answer.status, code: 'UNREADABLE_LIST' });
    const matches = value.filter((o): o is Json => isObject(o) && typeof o.externalDocumentNumber === 'string' && o.externalDocumentNumber.toUpperCase() === key);
    if (matches.length > 1) {
      this.logger.warn({ msg: 'several Business Central sales orders carry one externalDocumentNumber; using the first', target: this.connection.targetId, externalDocumentNumber: key, count: matches.length });
    }
    return matches[0];
  }

  private config(): BcSettings {
    if (this.settings === undefined) throw new ErpError('AUTH', this.configProblem ?? 'Business Central target is not configured', { code: 'INVALID_CONFIGURATION' });
    return this.settings;
  }

  /** One API request with the bearer token; a 401 is retried once with a fresh token. */
  private async send(method: 'GET' | 'POST' | 'PATCH', url: string, body: string | undefined, ctx: ErpCallContext, extra: Record<string, string> = {}): Promise<Answer> {
    const tokens = this.tokens!;
    const first = await this.once(method, url, body, ctx, extra, await tokens.get(ctx.signal));
    if (first.answer.status !== 401) return first.answer;
    // A refused token changes nothing on the server: drop it and try once more with a new one.
    tokens.invalidate(first.token);
    const second = await this.once(method, url, body, ctx, extra, await tokens.get(ctx.signal));
    if (second.answer.status === 401) tokens.invalidate(second.token);
    return second.answer;
  }

  private async once(
    method: 'GET' | 'POST' | 'PATCH', url: string, body: string | undefined, ctx: ErpCallContext, extra: Record<string, string>, token: string,
  ): Promise<{ answer: Answer; token: string }> {
    const write = method !== 'GET';
    if (ctx.signal?.aborted) throw new ErpError('RETRYABLE', 'the request to Business Central was cancelled before it was sent', { code: 'ABORTED' });
    const timeout = AbortSignal.timeout(this.connection.timeoutMs);
    const signal = ctx.signal ? AbortSignal.any([timeout, ctx.signal]) : timeout;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = Date.now();
    const log = { target: this.connection.targetId, method, idempotencyKey: ctx.idempotencyKey };
    try {
      const response = await this.fetchFn(url, { method, headers, body, signal, redirect: 'manual' });
      const text = await response.text();
      if (response.status >= 300) this.logger.debug({ msg: 'Business Central refused the request', ...log, status: response.status, ms: Date.now() - started });
      return { answer: { status: response.status, headers: response.headers, text }, token };
    } catch (err) {
      const error = transportError(err, { write, timedOut: timeout.aborted, cancelled: ctx.signal?.aborted ?? false, timeoutMs: this.connection.timeoutMs });
      this.logger.debug({ msg: 'Business Central request failed', ...log, kind: error.kind, code: error.details.code, ms: Date.now() - started });
      throw error;
    }
  }
}
