import { PassThrough, Transform, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { ApiError } from './api-error.js';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Settlement reports run to hundreds of megabytes; they are read as they arrive, never held whole. */
export const STREAMED_BODY_BYTES = 200 * 1024 * 1024;
const STREAMED_ROUTES: ReadonlySet<string> = new Set(['POST /admin/settlements/imports', 'POST /admin/settlements/erp-extracts']);
const UPLOAD = Symbol('hub:streamed-body');

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
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = [route.method].flat();
    if (!methods.some((method) => STREAMED_ROUTES.has(`${method} ${route.url}`))) return;
    route.bodyLimit = STREAMED_BODY_BYTES;
    route.preParsing = [...(route.preParsing === undefined ? [] : [route.preParsing].flat()), handOverStream];
  });
}

/**
 * The request stream of a streamed route, for its handler to read (once). Fastify's parser
 * sees an empty body for these routes; the bytes go to the handler as they arrive.
 */
export function streamedBody(request: FastifyRequest): Readable {
  const stream = (request as FastifyRequest & { [UPLOAD]?: Readable })[UPLOAD];
  if (!stream) throw new Error(`${request.routeOptions.url ?? request.url} is not a streamed route`);
  return stream;
}

/**
 * preParsing of a streamed route: the request stream is kept for the handler, and Fastify's
 * body parser is given an already-ended stream that reports the declared length as read, so
 * its content-length check agrees. Fastify has refused a declared length over the route's
 * limit before this runs; a chunked body is counted here instead.
 */
function handOverStream(request: FastifyRequest, _reply: unknown, payload: Readable, done: (error: Error | null, stream?: Readable) => void): void {
  (request as FastifyRequest & { [UPLOAD]?: Readable })[UPLOAD] = payload.pipe(byteLimit(STREAMED_BODY_BYTES));
  payload.on('error', (error) => (request as FastifyRequest & { [UPLOAD]?: Readable })[UPLOAD]?.destroy(error));
  const consumed = Object.assign(new PassThrough(), { receivedEncodedLength: Number(request.headers['content-length']) || 0 });
  consumed.end();
  done(null, consumed);
}

function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) return callback(new ApiError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`, 'body'));
      callback(null, chunk);
    },
  });
}
