import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { ApiKeyRegistry } from '../auth/api-keys.js';
import type { AuthenticatedRequest } from '../auth/roles.guard.js';
import type { AppConfig } from '../config/app-config.js';
import { currentCorrelationId } from '../correlation/correlation.js';
import type { ApiErrorBody } from './api-error.js';

/** Where Mercurius serves GraphQL (GET and POST). */
export const GRAPHQL_PATH = '/graphql';

export type KeyedRoutes = Pick<AppConfig, 'docsAccess' | 'metricsAccess'>;

/**
 * Routes that no Nest guard sees (Mercurius's, Swagger's) or whose need for a key depends
 * on configuration (/metrics): does the route, by the router's own pattern, need a key?
 */
export function routeNeedsKey(url: string, settings: KeyedRoutes): boolean {
  if (url === GRAPHQL_PATH || url === '/graphiql' || url.startsWith('/graphiql/')) return true;
  if (url === '/metrics') return settings.metricsAccess === 'key';
  if (url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs-')) return settings.docsAccess === 'key';
  return false;
}

/**
 * Attaches the key check to each route as it is registered, so it runs for whatever request
 * the router sends there (`/%67raphql`, `/graphql#x`, ...), never by comparing URL text.
 * Must be called before any route is registered. Any role will do: GraphQL mutations check
 * their own role.
 */
export function registerRouteAuth(fastify: FastifyInstance, keys: ApiKeyRegistry, settings: KeyedRoutes): void {
  // Answered here rather than thrown: Mercurius's own error handler would turn a thrown
  // error into a GraphQL answer with status 200.
  const requireKey: onRequestHookHandler = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const key = keys.authenticateRequest(request);
    if (!key) {
      const body: ApiErrorBody = {
        statusCode: 401,
        code: 'UNAUTHORIZED',
        message: 'an API key is required: Authorization: Bearer <key>',
        field: 'Authorization',
        correlationId: currentCorrelationId(),
      };
      void reply.status(401).header('content-type', 'application/json').send(body);
      return;
    }
    (request as AuthenticatedRequest).apiKey = key;
    done();
  };
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (!routeNeedsKey(route.url, settings)) return;
    const existing = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [requireKey, ...existing];
  });
}
