/** Loop's webhook signature: X-Loop-Signature, base64 HMAC-SHA256 of the raw body with the webhook secret. */
import { createHmac, timingSafeEqual } from 'node:crypto';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Checked over the bytes as received (Loop's own sample does the same), compared in constant time. */
export function verifyLoopSignature(rawBody: Buffer, value: string, secret: string): boolean {
  const given = value.trim();
  if (!BASE64.test(given) || rawBody.length === 0 || secret.length === 0) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const decoded = Buffer.from(given, 'base64');
  return decoded.length === expected.length && timingSafeEqual(decoded, expected);
}

export function signLoopBody(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}
