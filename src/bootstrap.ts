import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RouteOptions } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { ApiKeyRegistry } from './platform/auth/api-keys.js';
import type { AppConfig, HttpTimeouts } from './platform/config/app-config.js';
import { MAX_BODY_BYTES, registerBodyParsers } from './platform/http/body-parsers.js';
import { HttpExceptionFilter } from './platform/http/http-exception.filter.js';
import { HubFastifyAdapter } from './platform/http/hub-fastify-adapter.js';
import { registerRequestHooks } from './platform/http/request-hooks.js';
import { registerRouteAuth } from './platform/http/route-auth.js';
import { JsonLogger } from './platform/logging/json-logger.js';

/** Lets a caller see each route as it is registered (the auth matrix spec lists them this way). */
export type RouteObserver = (route: RouteOptions) => void;

/**
 * Node answers 408 and closes a connection whose request has not fully arrived in time; its
 * check runs every connectionsCheckingInterval, so that is kept well under the timeouts.
 */
function timeoutOptions(timeouts: HttpTimeouts) {
  return {
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.connectionMs,
    http: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(timeouts.headersMs / 4)),
    },
  };
}

/** Builds the hub for a configuration; main.ts and the e2e tests both start it this way. */
export async function createApp(
  config: AppConfig,
  logger = new JsonLogger(config.logLevel),
  observeRoute?: RouteObserver,
): Promise<NestFastifyApplication> {
  const adapter = new HubFastifyAdapter({ bodyLimit: MAX_BODY_BYTES, logger: false, trustProxy: true, ...timeoutOptions(config.httpTimeouts) });
  const fastify = adapter.getInstance();
  if (observeRoute) fastify.addHook('onRoute', observeRoute);
  registerBodyParsers(fastify);
  registerRequestHooks(fastify);
  registerRouteAuth(fastify, new ApiKeyRegistry(config.apiKeys), config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config), adapter, {
    logger,
    bodyParser: false,
  });
  // Errors in Nest's handlers; Fastify's own errors go to the adapter's handler, same shape.
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  if (config.role !== 'worker') {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Retail sync hub')
        .setDescription('Channel webhooks in, canonical orders out. GraphQL at /graphql for reads.')
        .setVersion('0.1.0')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document);
  }
  return app;
}
