/**
 * The target's settings and one API request to Business Central with its bearer token.
 *
 * Connection credentials: tenantId, environment, companyId, clientId, clientSecret, and optionally
 * tokenUrl (the identity platform's authority or full token endpoint) and scope. Settings (shown
 * back, unlike credentials): localCurrency (the company's LCY, sent as currencyCode ''; default
 * USD), shippingAccountNumber / shippingLineType (see bc.mapper.ts). A configuration problem is reported (AUTH) on the first call, not thrown
 * from the constructor, so one bad target does not stop the others from being built.
 *
 * Timeouts. Each request runs under AbortSignal.timeout(connection.timeoutMs) and the caller's
 * signal. A write that gets no answer, is cut off or times out is AMBIGUOUS (BC may have committed);
 * a read is RETRYABLE. A 401 drops the token and the request is sent once more with a fresh one.
 */
import { CURRENCY_BASES, type CurrencyBasis } from '../shared/currency-basis.js';
import { Logger } from '@nestjs/common';
import { DeliveryError, type ErpCallContext, type ErpConnection } from '../erp-adapter.port.js';
import { BcTokenProvider, BC_SCOPE, tokenEndpoint } from './bc-token.js';
import { transportError } from './bc.errors.js';
import { TAX_MODES, type TaxMode } from '../shared/document-money.js';
import { BC_LINE_TYPES, type BcLineType, type BcMappingOptions } from './bc.mapper.js';

export type Json = Record<string, unknown>;
export type BcMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface BusinessCentralAdapterDeps {
  /** Clock of the token cache (tests move it). */
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

export interface BcSettings {
  readonly tenantId: string;
  readonly environment: string;
  readonly companyId: string;
  readonly mapping: BcMappingOptions;
  /** {base}/v2.0/{tenant}/{env}/api/v2.0/companies({company}) */
  readonly companyUrl: string;
  /** {companyUrl}/salesOrders */
  readonly ordersUrl: string;
}

export interface BcAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const REQUIRED = ['tenantId', 'environment', 'companyId', 'clientId', 'clientSecret'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

export class BcClient {
  readonly logger = new Logger('BusinessCentralAdapter');
  private readonly settings: BcSettings | undefined;
  private readonly configProblem: string | undefined;
  private readonly tokens: BcTokenProvider | undefined;
  private readonly fetchFn: typeof fetch;

  constructor(readonly connection: ErpConnection, deps: BusinessCentralAdapterDeps = {}) {
    this.fetchFn = deps.fetch ?? fetch;
    // Settings first; targets saved before settings existed kept these among their credentials.
    const c: Record<string, unknown> = { ...connection.credentials, ...connection.settings };
    const value = (key: string): string | undefined => {
      const v = c[key];
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    };
    const missing = REQUIRED.filter((key) => value(key) === undefined);
    const shippingLineType = value('shippingLineType');
    const localCurrency = (value('localCurrency') ?? 'USD').toUpperCase();
    const problems = [
      ...(missing.length > 0 ? [`missing credentials: ${missing.join(', ')}`] : []),
      ...(value('companyId') !== undefined && !GUID.test(value('companyId')!) ? ['companyId is not a GUID'] : []),
      ...(!/^[A-Z]{3}$/.test(localCurrency) ? ['localCurrency is not an ISO 4217 code'] : []),
      ...(value('currencyBasis') !== undefined && !(CURRENCY_BASES as readonly string[]).includes(value('currencyBasis')!) ? [`currencyBasis must be one of ${CURRENCY_BASES.join(', ')}`] : []),
      ...(value('taxMode') !== undefined && !(TAX_MODES as readonly string[]).includes(value('taxMode')!) ? [`taxMode must be one of ${TAX_MODES.join(', ')}`] : []),
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
    const companyUrl = `${root}/${encodeURIComponent(tenantId)}/${encodeURIComponent(environment)}/api/v2.0/companies(${companyId})`;
    this.settings = {
      tenantId,
      environment,
      companyId,
      mapping: {
        localCurrency,
        ...(value('shippingAccountNumber') !== undefined && { shippingAccountNumber: value('shippingAccountNumber') }),
        ...(shippingLineType !== undefined && { shippingLineType: shippingLineType as BcLineType }),
        ...(value('taxMode') !== undefined && { taxMode: value('taxMode') as TaxMode }),
        ...(value('taxAccountNumber') !== undefined && { taxAccountNumber: value('taxAccountNumber') }),
        ...(value('exemptTaxCode') !== undefined && { exemptTaxCode: value('exemptTaxCode') }),
        ...(value('currencyBasis') !== undefined && { currencyBasis: value('currencyBasis') as CurrencyBasis }),
        ...(c.poNumberAsYourReference === true && { poNumberAsYourReference: true }),
      },
      companyUrl,
      ordersUrl: `${companyUrl}/salesOrders`,
    };
    this.tokens = new BcTokenProvider(
      {
        tenantId,
        clientId: value('clientId')!,
        clientSecret: connection.credentials.clientSecret,
        tokenUrl: tokenEndpoint(base, tenantId, value('tokenUrl')),
        scope: value('scope') ?? BC_SCOPE,
        timeoutMs: connection.timeoutMs,
      },
      { now: deps.now, fetch: this.fetchFn },
    );
  }

  config(): BcSettings {
    if (this.settings === undefined) throw new DeliveryError('AUTH', this.configProblem ?? 'Business Central target is not configured', { code: 'INVALID_CONFIGURATION' });
    return this.settings;
  }

  /** One API request with the bearer token; a 401 is retried once with a fresh token. */
  async send(method: BcMethod, url: string, body: string | undefined, ctx: ErpCallContext, extra: Record<string, string> = {}): Promise<BcAnswer> {
    this.config();
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
    method: BcMethod, url: string, body: string | undefined, ctx: ErpCallContext, extra: Record<string, string>, token: string,
  ): Promise<{ answer: BcAnswer; token: string }> {
    const write = method !== 'GET';
    if (ctx.signal?.aborted) throw new DeliveryError('RETRYABLE', 'the request to Business Central was cancelled before it was sent', { code: 'ABORTED' });
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
