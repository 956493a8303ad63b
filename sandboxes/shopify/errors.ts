/**
 * Shopify Admin REST error answers. The body is always {"errors": …}: a string for 401, 404,
 * 429 and 5xx, an array of messages for a refused fulfilment (422), and an object of field →
 * message for a missing parameter (400). Wording follows what Shopify answers in practice.
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../erp/shared/http.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function shopifyError(status: number, errors: string | readonly string[] | Record<string, string>, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, 'x-request-id': randomUUID(), ...headers }, body: { errors } };
}

export const invalidToken = (): Reply =>
  shopifyError(401, '[API] Invalid API key or access token (unrecognized login or wrong password)');

export const notFound = (): Reply => shopifyError(404, 'Not Found');

export const throttled = (retryAfterSeconds: number): Reply =>
  // Shopify sends Retry-After with one decimal ("2.0").
  shopifyError(429, 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.', {
    'retry-after': retryAfterSeconds.toFixed(1),
  });

export const internalError = (): Reply => shopifyError(500, 'Internal Server Error');

export const missingParameter = (name: string): Reply => shopifyError(400, { [name]: 'Required parameter missing or invalid' });

/** A refused fulfilment: HTTP 422 with the reasons as a list. */
export const unprocessable = (...messages: string[]): Reply => shopifyError(422, messages);
