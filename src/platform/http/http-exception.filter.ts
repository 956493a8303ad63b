import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentCorrelationId } from '../correlation/correlation.js';
import { ApiError, type ApiErrorBody } from './api-error.js';

/** Fastify's own client errors (oversized body, bad content type) keep their status. */
interface FastifyClientError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'EMPTY_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_CONTENT_LENGTH',
};

/**
 * Every error leaves as { statusCode, code, message, field? }. Anything unexpected is a
 * 500 with a generic message; its detail goes to the log, never to the caller.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const body = errorBody(exception, request, this.logger);
    void reply.status(body.statusCode).header('content-type', 'application/json').send(body);
  }
}

/** Shared by the Nest filter and the hub's Fastify error handler (errors outside Nest's handlers). */
export function errorBody(exception: unknown, request: FastifyRequest, logger: Logger): ApiErrorBody {
  {
    const correlationId = currentCorrelationId();
    if (exception instanceof ApiError) {
      return { statusCode: exception.status, code: exception.code, message: exception.message, field: exception.field, correlationId };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'object' && response !== null && 'message' in response
        ? [(response as { message: unknown }).message].flat().join('; ')
        : exception.message;
      return { statusCode: status, code: httpCode(status), message, correlationId };
    }
    const fastify = exception as FastifyClientError;
    if (fastify && typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      return {
        statusCode: fastify.statusCode,
        code: FASTIFY_CODES[fastify.code ?? ''] ?? httpCode(fastify.statusCode),
        message: fastify.message ?? 'bad request',
        correlationId,
      };
    }
    logger.error({ msg: 'unhandled error', method: request.method, url: request.url, err: describe(exception) });
    return { statusCode: 500, code: 'INTERNAL', message: 'internal error; see the hub log for this correlation id', correlationId };
  }
}

function describe(error: unknown): { name?: string; message: string; stack?: string } {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { message: String(error) };
}

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 422: 'UNPROCESSABLE', 429: 'TOO_MANY_REQUESTS',
};

function httpCode(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}
