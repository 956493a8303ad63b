/**
 * OAuth 1.0a request signing as NetSuite token-based authentication (TBA) uses it: RFC 5849
 * signature base string, HMAC-SHA256 (NetSuite ended HMAC-SHA1 support in 2023.1), key =
 * consumer secret & token secret, realm = the account id. Pure functions (nonce and timestamp
 * are inputs). The NetSuite sandbox verifies with code of its own (sandboxes/erp/netsuite/
 * oauth1-verifier.ts), so each checks the other.
 */
import { createHmac } from 'node:crypto';

export interface TbaCredentials {
  /** NetSuite account id, sent as the OAuth realm (e.g. 1234567 or 1234567_SB1). */
  readonly accountId: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly tokenId: string;
  readonly tokenSecret: string;
}

export interface SignatureInput {
  readonly method: string;
  /** The full request URL, query included: query parameters are signed. */
  readonly url: string | URL;
  readonly nonce: string;
  /** Seconds since the epoch. */
  readonly timestamp: number | string;
  /** Only for application/x-www-form-urlencoded bodies; JSON bodies are not signed. */
  readonly formParams?: readonly (readonly [string, string])[];
}

export const SIGNATURE_METHOD = 'HMAC-SHA256';

/** RFC 5849 §3.6: RFC 3986 unreserved characters stay, everything else is %XX (uppercase). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** RFC 5849 §3.4.1.2: lowercase scheme and host, default port dropped, no query or fragment. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.toLowerCase();
  const defaultPort = (scheme === 'http:' && url.port === '80') || (scheme === 'https:' && url.port === '443');
  const port = url.port && !defaultPort ? `:${url.port}` : '';
  return `${scheme}//${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

/** RFC 5849 §3.4.1.3.2: encode names and values, sort by name then value, join with & and =. */
export function normalizeParameters(params: readonly (readonly [string, string])[]): string {
  return params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * RFC 5849 §3.4.1: METHOD & encode(base URI) & encode(normalised parameters), where the
 * parameters are the query's, the form body's and the oauth_* ones (realm and oauth_signature
 * excluded).
 */
export function signatureBaseString(
  method: string,
  url: string | URL,
  oauthParams: Readonly<Record<string, string>>,
  formParams: readonly (readonly [string, string])[] = [],
): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  const params: [string, string][] = [...u.searchParams.entries()];
  for (const [k, v] of Object.entries(oauthParams)) if (k !== 'realm' && k !== 'oauth_signature') params.push([k, v]);
  params.push(...formParams.map(([k, v]) => [k, v] as [string, string]));
  return [method.toUpperCase(), percentEncode(baseStringUri(u)), percentEncode(normalizeParameters(params))].join('&');
}

/** Base64 HMAC-SHA256 of the base string, keyed by encode(consumer secret) & encode(token secret). */
export function hmacSha256Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha256', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/** The oauth_* parameters of a request, signature included. */
export function signedOAuthParams(credentials: TbaCredentials, input: SignatureInput): Record<string, string> {
  const params: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_token: credentials.tokenId,
    oauth_signature_method: SIGNATURE_METHOD,
    oauth_timestamp: String(input.timestamp),
    oauth_nonce: input.nonce,
    oauth_version: '1.0',
  };
  const base = signatureBaseString(input.method, input.url, params, input.formParams);
  params.oauth_signature = hmacSha256Signature(base, credentials.consumerSecret, credentials.tokenSecret);
  return params;
}

/** The Authorization header value: OAuth realm="<account>", oauth_...="..." (values percent-encoded). */
export function tbaAuthorizationHeader(credentials: TbaCredentials, input: SignatureInput): string {
  const params = signedOAuthParams(credentials, input);
  const parts = [`realm="${percentEncode(credentials.accountId)}"`];
  for (const [k, v] of Object.entries(params)) parts.push(`${k}="${percentEncode(v)}"`);
  return `OAuth ${parts.join(', ')}`;
}
