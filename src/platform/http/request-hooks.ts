import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptCorrelationId, enterCorrelationId } from '../correlation/correlation.js';

/**
 * Runs before anything else: every request gets its correlation id (echoed back in the
 * response). Authentication is per route (route-auth.ts and the Nest roles guard), never by URL text.
 */
export function registerRequestHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const correlationId = acceptCorrelationId(request.headers['x-correlation-id']);
    enterCorrelationId(correlationId);
    void reply.header('x-correlation-id', correlationId);
    done();
  });
}
