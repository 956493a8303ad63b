/**
 * OAuth 2.0 client-credentials tokens for Business Central (Microsoft identity platform):
 *
 *   POST {authority}/{tenant}/oauth2/v2.0/token
 *   grant_type=client_credentials&client_id=…&client_secret=…&scope=https://api.businesscentral.dynamics.com/.default
 *   → {token_type: "Bearer", expires_in, access_token}
 *
 * The token is cached until shortly before it expires (a tenth of its lifetime, at most a
 * minute), concurrent callers share one token request, and a token the API refuses (401) is
 * dropped with `invalidate` so the next `get` fetches a fresh one. Neither the secret nor a token
 * is ever logged or put into an error message.
 */
import { DeliveryError } from '../erp-adapter.port.js';
import { parseTokenError, transportError } from './bc.errors.js';

export const BC_SCOPE = 'https://api.businesscentral.dynamics.com/.default';

/** Business Central's public API host and the identity platform that issues its tokens. */
const BC_API_HOST = 'api.businesscentral.dynamics.com';
const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';

export interface BcTokenConfig {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The full token endpoint. */
  readonly tokenUrl: string;
  readonly scope?: string;
  /** Per token request. */
  readonly timeoutMs: number;
}

export interface BcTokenDeps {
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/**
 * The token endpoint: `tokenUrl` as given when it already ends in /oauth2/v2.0/token, otherwise
 * taken as the authority ({tokenUrl}/{tenant}/oauth2/v2.0/token). Without one, the base URL serves
 * as the authority (the sandbox serves both), except for BC's public API host, whose tokens come
 * from login.microsoftonline.com.
 */
export function tokenEndpoint(baseUrl: string, tenantId: string, tokenUrl?: string): string {
  const given = tokenUrl?.trim().replace(/\/+$/, '');
  if (given && /\/oauth2\/v2\.0\/token$/.test(given)) return given;
  let authority = given || baseUrl.trim().replace(/\/+$/, '');
  if (!given) {
    try {
      if (new URL(authority).hostname.toLowerCase() === BC_API_HOST) authority = ENTRA_AUTHORITY;
    } catch {
      // An unparsable base URL fails at the request, with the transport's own message.
    }
  }
  return `${authority}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

/** The promise's outcome, or a RETRYABLE error as soon as the caller's signal fires (nothing was written). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const cancelled = (): DeliveryError => new DeliveryError('RETRYABLE', 'the call was cancelled while waiting for a token', { code: 'ABORTED' });
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

interface CachedToken {
  readonly value: string;
  /** When the cache stops handing it out (shortly before it really expires). */
  readonly refreshAt: number;
}

export class BcTokenProvider {
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;
  private readonly now: () => number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly config: BcTokenConfig, deps: BcTokenDeps = {}) {
    this.now = deps.now ?? Date.now;
    this.fetchFn = deps.fetch ?? fetch;
  }

  /** A valid bearer token: the cached one, or a fresh one (one request however many callers wait). */
  async get(signal?: AbortSignal): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAt) return cached.value;
    // The shared request runs on its own timeout: one caller giving up must not fail the others.
    this.pending ??= this.request().finally(() => {
      this.pending = undefined;
    });
    const token = await (signal ? untilAborted(this.pending, signal) : this.pending);
    return token.value;
  }

  /** Forgets the token if it is still the cached one (the API refused it). */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async request(): Promise<CachedToken> {
    const { tokenUrl, clientId, clientSecret, scope = BC_SCOPE, timeoutMs } = this.config;
    const timeout = AbortSignal.timeout(timeoutMs);
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope });
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal: timeout,
        redirect: 'manual',
      });
      text = await response.text();
    } catch (err) {
      // A token request changes nothing: whatever happened to it, it can be sent again.
      throw transportError(err, { write: false, timedOut: timeout.aborted, cancelled: false, timeoutMs, peer: 'the token endpoint' });
    }
    if (response.status !== 200) throw this.scrub(parseTokenError(response.status, text, response.headers, this.now()));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const record = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    const value = record.access_token;
    if (typeof value !== 'string' || value === '') {
      throw new DeliveryError('RETRYABLE', 'the token endpoint answered without an access_token', { status: response.status, code: 'NO_ACCESS_TOKEN' });
    }
    const expiresIn = typeof record.expires_in === 'number' ? record.expires_in : Number(record.expires_in);
    const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : 0;
    const margin = Math.min(60_000, lifetimeMs / 10);
    const token = { value, refreshAt: this.now() + lifetimeMs - margin };
    this.cached = token;
    return token;
  }

  /** Belt and braces: the identity platform never echoes the secret, but a message must never carry it. */
  private scrub(error: DeliveryError): DeliveryError {
    const secret = this.config.clientSecret;
    if (secret.length < 4 || !error.message.includes(secret)) return error;
    return new DeliveryError(error.kind, error.message.split(secret).join('***'), error.details);
  }
}
