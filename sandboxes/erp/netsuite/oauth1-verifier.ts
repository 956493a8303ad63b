/**
 * The sandbox's own reading of RFC 5849, written apart from the hub's signer
 * (src/adapters/erp/netsuite/tba-signer.ts) so that a mistake in one is caught by the other:
 * the encoding here works byte by byte from the RFC 3986 unreserved set instead of
 * post-processing encodeURIComponent, and the base string is assembled from sorted pairs of
 * encoded bytes.
 */
import { createHmac } from 'node:crypto';

export const EXPECTED_SIGNATURE_METHOD = 'HMAC-SHA256';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 5849 §3.6, from the bytes of the UTF-8 encoding. */
export function rfc3986(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** RFC 5849 §3.4.1: the string the client must have signed. */
export function expectedBaseString(
  method: string,
  url: string | URL,
  oauth: Readonly<Record<string, string>>,
  form: readonly (readonly [string, string])[],
): string {
  const parsed = new URL(String(url));
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  const defaultPort = { http: '80', https: '443' }[scheme];
  const port = parsed.port === '' || parsed.port === defaultPort ? '' : `:${parsed.port}`;
  const baseUri = `${scheme}://${parsed.hostname.toLowerCase()}${port}${parsed.pathname}`;
  const pairs: [string, string][] = [];
  for (const [name, value] of parsed.searchParams) pairs.push([rfc3986(name), rfc3986(value)]);
  for (const name of Object.keys(oauth)) {
    if (name === 'realm' || name === 'oauth_signature') continue;
    pairs.push([rfc3986(name), rfc3986(oauth[name])]);
  }
  for (const [name, value] of form) pairs.push([rfc3986(name), rfc3986(value)]);
  pairs.sort((a, b) => (a[0] === b[0] ? compare(a[1], b[1]) : compare(a[0], b[0])));
  const normalized = pairs.map((pair) => pair.join('=')).join('&');
  return `${method.toUpperCase()}&${rfc3986(baseUri)}&${rfc3986(normalized)}`;
}

/** The signature the client must have sent, base64 HMAC-SHA256 keyed by both secrets. */
export function expectedSignature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`;
  return createHmac('sha256', key).update(baseString, 'utf8').digest('base64');
}

/** Parses `OAuth k="v", ...` into decoded values; undefined when it is not an OAuth header. */
export function parseOAuthHeader(value: string | undefined): Record<string, string> | undefined {
  if (!value || !/^OAuth\s/i.test(value)) return undefined;
  const params: Record<string, string> = {};
  const rest = value.slice(6);
  const re = /([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    try {
      params[decodeURIComponent(m[1])] = decodeURIComponent(m[2]);
    } catch {
      return undefined;
    }
  }
  return params;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
