import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyRegistry } from '../auth/api-keys.js';
import type { AuthenticatedRequest } from '../auth/roles.guard.js';
import { acceptCorrelationId, enterCorrelationId } from '../correlation/correlation.js';

/**
 * Runs before routing: every request gets its correlation id (echoed back in the
 * response), and /graphql requires an API key of any role before GraphQL sees the query.
 */
export function registerRequestHooks(fastify: FastifyInstance, keys: ApiKeyRegistry): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const correlationId = acceptCorrelationId(request.headers['x-correlation-id']);
    enterCorrelationId(correlationId);
    void reply.header('x-correlation-id', correlationId);
    if (request.url === '/graphql' || request.url.startsWith('/graphql?')) {
      const key = keys.authenticate(request.headers.authorization);
      if (!key) {
        void reply.status(401).send({
          statusCode: 401,
          code: 'UNAUTHORIZED',
          message: 'an API key is required: Authorization: Bearer <key>',
          field: 'Authorization',
          correlationId,
        });
        return;
      }
      (request as AuthenticatedRequest).apiKey = key;
    }
    done();
  });
}
