import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** text/csv and text/plain, whatever their parameters (charset=utf-8). */
const TEXT_TYPES = /^\s*text\/(csv|plain)\s*(;|$)/i;

/**
 * Webhook routes get the raw bytes untouched: the signature is over them, and a
 * malformed body from an authentic sender must still be kept. Admin routes take CSV
 * (mapping imports) as text when the content type says so. Other bodies are JSON.
 * The choice is by the route the router matched (its pattern), not by the URL as sent:
 * `/%77ebhooks/shopify` reaches the webhook route and must get its raw bytes too.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  const parse = (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    const route = request.routeOptions.url ?? '';
    if (route.startsWith('/webhooks/')) return done(null, body);
    if (route.startsWith('/admin/') && TEXT_TYPES.test(request.headers['content-type'] ?? '')) {
      return done(null, body.toString('utf8'));
    }
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(new ApiError(400, 'INVALID_JSON', 'the request body is not valid JSON', 'body'));
    }
  };
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, parse);
}
