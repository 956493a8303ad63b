/**
 * NetSuite through the SuiteTalk REST record API (record/v1), token-based authentication.
 *
 *   upsert: PUT  {base}/services/rest/record/v1/salesOrder/eid:{externalId}?replace=item → 204 + Location
 *   find:   GET  {base}/services/rest/record/v1/salesOrder/eid:{externalId}             → 200 record | 404
 *
 * PUT by external id is NetSuite's upsert: it creates the order or updates the one with that
 * external id, so sending a document again never makes a second one. `replace=item` replaces the
 * item sublist instead of merging into it (a merge would add the lines a second time).
 *
 * Every request is signed afresh (OAuth 1.0a, HMAC-SHA256, realm = account id, new nonce and
 * timestamp) with the shared signer in sandboxes/erp/netsuite/oauth1.ts. One call is one attempt:
 * retries, backoff and the look-up after an ambiguous outcome belong to the posting pipeline.
 */
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { tbaAuthorizationHeader, type TbaCredentials } from '../../../../sandboxes/erp/netsuite/oauth1.js';
import { ErpError, type ErpAdapter, type ErpCallContext, type ErpConnection, type ErpDocumentRef, type FulfillmentDocument, type SalesOrderChangeDocument, type SalesOrderDocument } from '../erp-adapter.port.js';
import { parseNetSuiteError, transportError } from './netsuite.errors.js';
import { toNetSuiteSalesOrder, type NetSuiteMappingOptions } from './netsuite.mapper.js';

export interface NetSuiteAdapterOptions extends NetSuiteMappingOptions {
  /**
   * Read the document number (tranId) with a GET after each upsert. Off by default: the PUT does
   * not return it, and a second request per order halves what the account's concurrency limit
   * allows. findSalesOrder always returns it.
   */
  readonly fetchDocumentNumber?: boolean;
}

const RECORD_PATH = '/services/rest/record/v1';
const CREDENTIAL_KEYS = ['accountId', 'consumerKey', 'consumerSecret', 'tokenId', 'tokenSecret'] as const;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** Undefined when the body could not be read. */
  readonly text: string | undefined;
}

/** NetSuite writes the realm as the account id in capitals with "_" (1234567_SB1); URLs use "-" (1234567-sb1). */
function realm(accountId: string): string {
  return accountId.trim().toUpperCase().replace(/-/g, '_');
}

/** The internal id at the end of a record URL (Location: …/salesOrder/1234). */
export function internalIdFromLocation(location: string | null): string | undefined {
  if (!location) return undefined;
  let path: string;
  try {
    path = new URL(location, 'http://placeholder').pathname;
  } catch {
    return undefined;
  }
  return /\/salesOrder\/(\d+)\/?$/i.exec(path)?.[1];
}

export class NetSuiteAdapter implements ErpAdapter {
  readonly variant = 'netsuite' as const;
  private readonly logger = new Logger('NetSuiteAdapter');
  private readonly credentials: TbaCredentials | undefined;
  private readonly missingCredentials: readonly string[];
  private readonly recordBase: string;

  constructor(
    private readonly connection: ErpConnection,
    private readonly options: NetSuiteAdapterOptions = {},
  ) {
    const given = connection.credentials;
    this.missingCredentials = CREDENTIAL_KEYS.filter((key) => typeof given[key] !== 'string' || given[key] === '');
    this.credentials = this.missingCredentials.length > 0
      ? undefined
      : {
          accountId: realm(given.accountId),
          consumerKey: given.consumerKey,
          consumerSecret: given.consumerSecret,
          tokenId: given.tokenId,
          tokenSecret: given.tokenSecret,
        };
    // Accept the account's base URL, or one that already ends in the record API path.
    const base = connection.baseUrl.replace(/\/+$/, '');
    this.recordBase = base.endsWith(RECORD_PATH) ? base : `${base}${RECORD_PATH}`;
  }

  async upsertSalesOrder(doc: SalesOrderDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const body = toNetSuiteSalesOrder(doc, this.options);
    const url = this.url(doc.externalId, { replace: 'item' });
    const answer = await this.send('PUT', url, body, ctx);
    if (answer.status < 200 || answer.status > 299) throw parseNetSuiteError(answer.status, answer.text, answer.headers);

    const internalId = internalIdFromLocation(answer.headers.get('location'));
    if (internalId !== undefined && !this.options.fetchDocumentNumber) return { internalId, documentNumber: null };
    let found: ErpDocumentRef | null = null;
    try {
      found = await this.findSalesOrder(doc.externalId, ctx);
    } catch (err) {
      if (internalId !== undefined) return { internalId, documentNumber: null };
      // Stored, but where is unknown: the pipeline looks it up before sending again.
      throw new ErpError('AMBIGUOUS', `NetSuite accepted the sales order but its id could not be read back: ${err instanceof Error ? err.message : String(err)}`, { code: 'NO_LOCATION' });
    }
    if (found) return internalId !== undefined ? { internalId, documentNumber: found.documentNumber } : found;
    if (internalId !== undefined) return { internalId, documentNumber: null };
    throw new ErpError('AMBIGUOUS', 'NetSuite accepted the sales order but did not find it by its external id afterwards', { code: 'NO_LOCATION' });
  }

  postFulfillment(doc: FulfillmentDocument, _ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return Promise.reject(new ErpError('PERMANENT', `NetSuite fulfilment posting is not built yet (${doc.externalId})`));
  }

  findFulfillment(_doc: FulfillmentDocument, _ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    return Promise.resolve(null);
  }

  changeSalesOrderLines(doc: SalesOrderChangeDocument, _ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return Promise.reject(new ErpError('PERMANENT', `NetSuite sales order line changes are not built yet (${doc.externalId})`));
  }

  async findSalesOrder(externalId: string, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const answer = await this.send('GET', this.url(externalId), undefined, ctx);
    // Not found, whatever the code: a false "absent" is harmless, as the upsert by external id cannot duplicate.
    if (answer.status === 404) return null;
    if (answer.status < 200 || answer.status > 299) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    let record: Record<string, unknown> | undefined;
    try {
      const value: unknown = answer.text === undefined ? undefined : JSON.parse(answer.text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) record = value as Record<string, unknown>;
    } catch {
      record = undefined;
    }
    const id = record?.id;
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new ErpError('RETRYABLE', 'NetSuite answered the look-up without a record id', { status: answer.status, code: 'UNREADABLE_RECORD' });
    }
    const tranId = record?.tranId;
    return { internalId: String(id), documentNumber: typeof tranId === 'string' && tranId !== '' ? tranId : null };
  }

  private url(externalId: string, query: Record<string, string> = {}): URL {
    const url = new URL(`${this.recordBase}/salesOrder/eid:${encodeURIComponent(externalId)}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  /** One signed request; an ErpError for every failure that has no HTTP answer. */
  private async send(method: 'GET' | 'PUT', url: URL, body: unknown, ctx: ErpCallContext): Promise<Answer> {
    const write = method !== 'GET';
    if (!this.credentials) {
      throw new ErpError('AUTH', `NetSuite target ${this.connection.targetId} lacks credentials: ${this.missingCredentials.join(', ')}`, { code: 'MISSING_CREDENTIALS' });
    }
    if (ctx.signal?.aborted) throw new ErpError('RETRYABLE', 'the request to NetSuite was cancelled before it was sent', { code: 'ABORTED' });

    const timeout = AbortSignal.timeout(this.connection.timeoutMs);
    const signal = ctx.signal ? AbortSignal.any([timeout, ctx.signal]) : timeout;
    const authorization = tbaAuthorizationHeader(this.credentials, {
      method, url, nonce: randomBytes(16).toString('hex'), timestamp: Math.floor(Date.now() / 1000),
    });
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = Date.now();
    const log = { target: this.connection.targetId, method, path: url.pathname, idempotencyKey: ctx.idempotencyKey };

    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, redirect: 'manual' });
    } catch (err) {
      const error = transportError(err, { write, timedOut: timeout.aborted, cancelled: ctx.signal?.aborted ?? false, timeoutMs: this.connection.timeoutMs });
      this.logger.debug({ msg: 'NetSuite request failed', ...log, kind: error.kind, code: error.details.code, ms: Date.now() - started });
      throw error;
    }
    let text: string | undefined;
    try {
      text = await response.text();
    } catch {
      text = undefined;
    }
    if (response.status >= 300) this.logger.debug({ msg: 'NetSuite refused the request', ...log, status: response.status, ms: Date.now() - started });
    return { status: response.status, headers: response.headers, text };
  }
}
