/**
 * One signed request to NetSuite's REST record API, and nothing more: every request is signed
 * afresh (OAuth 1.0a, HMAC-SHA256, realm = account id, new nonce and timestamp) with the shared
 * signer in sandboxes/erp/netsuite/oauth1.ts, runs under the target's timeout and the caller's
 * signal, and a failure without an HTTP answer becomes a typed DeliveryError (a write that may have
 * been committed is AMBIGUOUS). Interpreting answers is the caller's business.
 */
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { tbaAuthorizationHeader, type TbaCredentials } from './tba-signer.js';
import { DeliveryError, type ErpCallContext, type ErpConnection } from '../erp-adapter.port.js';
import { transportError } from './netsuite.errors.js';

const RECORD_PATH = '/services/rest/record/v1';
const SUITEQL_PATH = '/services/rest/query/v1/suiteql';
const CREDENTIAL_KEYS = ['accountId', 'consumerKey', 'consumerSecret', 'tokenId', 'tokenSecret'] as const;

export type NetSuiteMethod = 'GET' | 'PUT' | 'POST' | 'PATCH';

export interface NetSuiteAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Undefined when the body could not be read. */
  readonly text: string | undefined;
}

/** NetSuite writes the realm as the account id in capitals with "_" (1234567_SB1); URLs use "-" (1234567-sb1). */
function realm(accountId: string): string {
  return accountId.trim().toUpperCase().replace(/-/g, '_');
}

/** The internal id at the end of a record URL (Location: …/salesOrder/1234, …/itemFulfillment/1235). */
export function internalIdFromLocation(location: string | null, recordType = 'salesOrder'): string | undefined {
  if (!location) return undefined;
  let path: string;
  try {
    path = new URL(location, 'http://placeholder').pathname;
  } catch {
    return undefined;
  }
  const match = /\/([A-Za-z]+)\/(\d+)\/?$/.exec(path);
  return match && match[1].toLowerCase() === recordType.toLowerCase() ? match[2] : undefined;
}

/** The answer's JSON object, or undefined when it is not one. */
export function recordOf(answer: NetSuiteAnswer): Record<string, unknown> | undefined {
  try {
    const value: unknown = answer.text === undefined ? undefined : JSON.parse(answer.text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class NetSuiteClient {
  readonly logger = new Logger('NetSuiteAdapter');
  private readonly credentials: TbaCredentials | undefined;
  private readonly missingCredentials: readonly string[];
  private readonly recordBase: string;

  constructor(private readonly connection: ErpConnection) {
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

  /** {base}/services/rest/query/v1/suiteql, one page of up to `limit` rows. */
  suiteQlUrl(limit: number): URL {
    const url = new URL(`${this.recordBase.slice(0, -RECORD_PATH.length)}${SUITEQL_PATH}`);
    url.searchParams.set('limit', String(limit));
    return url;
  }

  /** {base}/services/rest/record/v1/{type}/{id} — id is an internal id or eid:{externalId} (encoded here). */
  url(recordType: string, id: { readonly internalId: string } | { readonly externalId: string }, suffix = '', query: Record<string, string> = {}): URL {
    const segment = 'internalId' in id ? encodeURIComponent(id.internalId) : `eid:${encodeURIComponent(id.externalId)}`;
    const url = new URL(`${this.recordBase}/${recordType}/${segment}${suffix}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  /** One signed request; a DeliveryError for every failure that has no HTTP answer. */
  async send(method: NetSuiteMethod, url: URL, body: unknown, ctx: ErpCallContext, extra: { readonly query?: boolean } = {}): Promise<NetSuiteAnswer> {
    // A query is a POST that writes nothing: a lost answer is simply asked again.
    const write = method !== 'GET' && !extra.query;
    if (!this.credentials) {
      throw new DeliveryError('AUTH', `NetSuite target ${this.connection.targetId} lacks credentials: ${this.missingCredentials.join(', ')}`, { code: 'MISSING_CREDENTIALS' });
    }
    if (ctx.signal?.aborted) throw new DeliveryError('RETRYABLE', 'the request to NetSuite was cancelled before it was sent', { code: 'ABORTED' });

    const timeout = AbortSignal.timeout(this.connection.timeoutMs);
    const signal = ctx.signal ? AbortSignal.any([timeout, ctx.signal]) : timeout;
    const authorization = tbaAuthorizationHeader(this.credentials, {
      method, url, nonce: randomBytes(16).toString('hex'), timestamp: Math.floor(Date.now() / 1000),
    });
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // SuiteQL over REST asks for it: the results are not kept as a resource.
    if (extra.query) headers.prefer = 'transient';
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
