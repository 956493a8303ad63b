import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { ApiKeyRegistry } from './platform/auth/api-keys.js';
import type { AppConfig } from './platform/config/app-config.js';
import { MAX_BODY_BYTES, registerBodyParsers } from './platform/http/body-parsers.js';
import { HttpExceptionFilter, errorBody } from './platform/http/http-exception.filter.js';
import { registerRequestHooks } from './platform/http/request-hooks.js';
import { JsonLogger } from './platform/logging/json-logger.js';

/** Builds the hub for a configuration; main.ts and the e2e tests both start it this way. */
export async function createApp(config: AppConfig, logger = new JsonLogger(config.logLevel)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES, logger: false, trustProxy: true });
  const fastify = adapter.getInstance();
  registerBodyParsers(fastify);
  registerRequestHooks(fastify, new ApiKeyRegistry(config.apiKeys));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config), adapter, {
    logger,
    bodyParser: false,
  });
  app.useGlobalFilters(new HttpExceptionFilter());
  const errors = new Logger('Fastify');
  fastify.setErrorHandler((error, request, reply) => {
    const body = errorBody(error, request, errors);
    void reply.status(body.statusCode).send(body);
  });
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
