import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { checkJsonBody, checkParameters, validationFailed } from './input-checks.js';

const TEXT_BODY = 'hub:text-body';

/**
 * The route takes a text body (a CSV import) and checks its cells itself, where it can
 * name the row and column; every other admin route takes a JSON object or nothing.
 */
export const TakesTextBody = () => SetMetadata(TEXT_BODY, true);

/**
 * Every admin request's path parameters, query string and body are checked before the
 * handler runs (after the roles guard, so an unauthenticated caller learns nothing):
 * anything PostgreSQL cannot hold is a 400 naming the field, never a 500 from SQL.
 */
@Injectable()
export class AdminInputInterceptor implements NestInterceptor {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      if (request.url.startsWith('/admin/')) this.check(context, request);
    }
    return next.handle();
  }

  private check(context: ExecutionContext, request: FastifyRequest): void {
    checkParameters(request.params);
    checkParameters(request.query);
    const text = this.reflector.getAllAndOverride<boolean | undefined>(TEXT_BODY, [context.getHandler(), context.getClass()]);
    if (typeof request.body === 'string') {
      if (!text) throw validationFailed('body', 'the body must be a JSON object (Content-Type: application/json)');
      return;
    }
    checkJsonBody(request.body);
  }
}
