import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { ApiKey, ApiRole } from '../config/app-config.js';
import { ApiError } from '../http/api-error.js';
import { ApiKeyRegistry, roleAllows } from './api-keys.js';

const ROLE_KEY = 'hub:required-role';

/** The least role a route needs; routes without it are public (webhooks, health). */
export const RequireRole = (role: ApiRole) => SetMetadata(ROLE_KEY, role);

export type AuthenticatedRequest = FastifyRequest & { apiKey?: ApiKey };

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyRegistry) private readonly keys: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = this.reflector.getAllAndOverride<ApiRole | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()]);
    if (!needed || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.apiKey ?? this.keys.authenticateRequest(request);
    if (!key) throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required: Authorization: Bearer <key>', 'Authorization');
    if (!roleAllows(key.role, needed)) {
      throw new ApiError(403, 'FORBIDDEN', `this needs the ${needed} role; the key has ${key.role}`, 'Authorization');
    }
    request.apiKey = key;
    return true;
  }
}
