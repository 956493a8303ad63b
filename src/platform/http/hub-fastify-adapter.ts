import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { errorBody } from './http-exception.filter.js';

/**
 * Fastify keeps one error handler per scope, and each route keeps the one in place when it
 * was registered. The hub installs its own here, before any route exists, so every route
 * and every error outside a route answers in the hub's error shape. Nest would install a
 * second one at init, after its routes: it reached only later routes and made Fastify warn
 * (FSTWRN004) on every start. It would send errors through the same global filter, so it
 * is not installed.
 */
export class HubFastifyAdapter extends FastifyAdapter {
  constructor(options: FastifyServerOptions) {
    super(options);
    const logger = new Logger('Fastify');
    this.getInstance().setErrorHandler((error, request, reply) => {
      const body = errorBody(error, request, logger);
      void reply.status(body.statusCode).send(body);
    });
  }

  override setErrorHandler(): FastifyInstance {
    return this.getInstance();
  }
}
