/**
 * Verifies NetSuite token-based authentication on each request, as NetSuite does: OAuth 1.0a
 * Authorization header with realm = account id, a known consumer key and token id, HMAC-SHA256
 * over the RFC 5849 signature base string, a fresh timestamp and a nonce not seen before.
 */
import { timingSafeEqual } from 'node:crypto';
import { header, type SandboxRequest } from '../shared/http.js';
import type { TbaCredentials } from '../../../src/adapters/erp/netsuite/tba-signer.js';
import { EXPECTED_SIGNATURE_METHOD, expectedBaseString, expectedSignature, parseOAuthHeader } from './oauth1-verifier.js';

export interface TbaVerifierOptions {
  readonly credentials: TbaCredentials;
  /** How far a request's oauth_timestamp may be from the sandbox clock. */
  readonly timestampToleranceSeconds?: number;
  readonly now?: () => number;
}

const REQUIRED = ['oauth_consumer_key', 'oauth_token', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature'];

export class TbaVerifier {
  /** nonce key → when it was seen (s); insertion order = time order, so pruning walks from the front. */
  private readonly nonces = new Map<string, number>();
  private readonly tolerance: number;
  private readonly now: () => number;

  constructor(private readonly options: TbaVerifierOptions) {
    this.tolerance = options.timestampToleranceSeconds ?? 300;
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  /** Undefined when the request is authentic; otherwise why not (NetSuite itself only says INVALID_LOGIN). */
  verify(req: SandboxRequest): string | undefined {
    const params = parseOAuthHeader(header(req, 'authorization'));
    if (!params) return 'missing-or-malformed-authorization';
    if (REQUIRED.some((k) => !params[k])) return 'missing-oauth-parameter';
    const { credentials } = this.options;
    if ((params.realm ?? '').toUpperCase() !== credentials.accountId.toUpperCase()) return 'wrong-realm';
    if (params.oauth_version !== undefined && params.oauth_version !== '1.0') return 'unsupported-oauth-version';
    if (params.oauth_signature_method !== EXPECTED_SIGNATURE_METHOD) return 'unsupported-signature-method';
    if (params.oauth_consumer_key !== credentials.consumerKey) return 'unknown-consumer-key';
    if (params.oauth_token !== credentials.tokenId) return 'unknown-token';
    const timestamp = /^\d+$/.test(params.oauth_timestamp) ? Number(params.oauth_timestamp) : NaN;
    const now = this.now();
    if (!(Math.abs(now - timestamp) <= this.tolerance)) return 'stale-timestamp';
    if (!/^[A-Za-z0-9]{6,64}$/.test(params.oauth_nonce)) return 'invalid-nonce';

    const oauth: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (k.startsWith('oauth_')) oauth[k] = v;
    const base = expectedBaseString(req.method, req.url, oauth, formParams(req));
    const expected = Buffer.from(expectedSignature(base, credentials.consumerSecret, credentials.tokenSecret));
    const given = Buffer.from(params.oauth_signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad-signature';

    // Only a correctly signed request uses up its nonce, so a forged one cannot burn a real one.
    const key = `${params.oauth_consumer_key}:${params.oauth_token}:${params.oauth_nonce}`;
    this.prune(now);
    if (this.nonces.has(key)) return 'reused-nonce';
    this.nonces.set(key, now);
    return undefined;
  }

  reset(): void {
    this.nonces.clear();
  }

  private prune(now: number): void {
    for (const [key, seen] of this.nonces) {
      if (seen >= now - 2 * this.tolerance) break;
      this.nonces.delete(key);
    }
  }
}

/** A form-encoded body is part of the signature (RFC 5849 §3.4.1.3.1); a JSON body is not. */
function formParams(req: SandboxRequest): [string, string][] {
  const type = header(req, 'content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return [];
  return [...new URLSearchParams(req.body.toString('utf8')).entries()];
}
