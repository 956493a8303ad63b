import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireRole, type AuthenticatedRequest } from '../../platform/auth/roles.guard.js';
import { currentCorrelationId } from '../../platform/correlation/correlation.js';
import { TakesTextBody } from '../../platform/http/admin-input.interceptor.js';
import { ApiError } from '../../platform/http/api-error.js';
import { checkDraft, isMappingKind, MAPPING_CHANNELS, MAPPING_KINDS } from './mapping-kinds.js';
import { MappingImportService, type ImportSummary } from './mapping-import.service.js';
import type { MappingFilter, MappingVersion } from './mapping-store.js';
import { MappingService, type WriteContext } from './mapping.service.js';
import { ImportRejectedError, mappingError, validationError } from './master-data.errors.js';

const MAX_LIMIT = 1000;

function writer(request: AuthenticatedRequest): WriteContext {
  // RolesGuard has set it on every admin route; a route without it is a programming error.
  if (!request.apiKey) throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required: Authorization: Bearer <key>', 'Authorization');
  return { actor: request.apiKey.name };
}

function body(value: unknown): Record<string, unknown> {
  // No body at all is an empty object, so the answer names the missing field (note), not the body.
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mappingError('VALIDATION_FAILED', 'the body must be a JSON object', 'body');
  return value as Record<string, unknown>;
}

/** Query-string filters, checked like any other input. */
function filterOf(query: Record<string, string | undefined>): MappingFilter {
  const { kind, channel, account, erpTarget, sourceValue, includeRetired, limit, offset } = query;
  for (const [field, value] of Object.entries(query)) {
    if (typeof value === 'string' && value.includes('\u0000')) throw mappingError('VALIDATION_FAILED', `${field} must not contain NUL characters`, field);
  }
  if (kind !== undefined && !isMappingKind(kind)) throw mappingError('VALIDATION_FAILED', `kind must be one of ${MAPPING_KINDS.join(', ')}`, 'kind');
  if (channel !== undefined && !MAPPING_CHANNELS.includes(channel)) {
    throw mappingError('VALIDATION_FAILED', `channel must be one of ${MAPPING_CHANNELS.join(', ')}`, 'channel');
  }
  if (includeRetired !== undefined && !['true', 'false'].includes(includeRetired)) throw mappingError('VALIDATION_FAILED', 'includeRetired must be true or false', 'includeRetired');
  const count = (value: string | undefined, field: string, min: number, max: number, fallback: number) => {
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw mappingError('VALIDATION_FAILED', `${field} must be a whole number from ${min} to ${max}`, field);
    return Number(value);
  };
  return {
    kind, channel, account, erpTarget, sourceValuePrefix: sourceValue,
    includeRetired: includeRetired === 'true',
    limit: count(limit, 'limit', 1, MAX_LIMIT, 100),
    offset: count(offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0),
  };
}

/**
 * Admin REST for master-data mappings: admins write, readers read. Every write needs a
 * note and is recorded under the caller's API key name.
 * @since 0.2.0
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/mappings')
export class MappingsController {
  constructor(
    @Inject(MappingService) private readonly mappings: MappingService,
    @Inject(MappingImportService) private readonly imports: MappingImportService,
  ) {}

  @Post()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create a mapping: { kind, channel, account?, erpTarget?, sourceValue, target, note }' })
  create(@Req() request: AuthenticatedRequest, @Body() input: unknown): Promise<MappingVersion> {
    const draft = checkDraft(body(input));
    if (!draft.ok) throw validationError(draft.errors);
    return this.mappings.create(writer(request), draft.value);
  }

  @Get()
  @RequireRole('reader')
  @ApiOperation({ summary: 'Current mappings; filters: kind, channel, account, erpTarget ("" = every), sourceValue (prefix), includeRetired, limit, offset' })
  list(@Query() query: Record<string, string | undefined>): Promise<MappingVersion[]> {
    return this.mappings.list({}, filterOf(query));
  }

  @Get('export')
  @RequireRole('reader')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="mappings.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Current mappings as CSV, in the import format (filters: kind, channel)' })
  export(@Query() query: Record<string, string | undefined>): Promise<string> {
    return this.imports.exportCsv({}, filterOf({ kind: query.kind, channel: query.channel }));
  }

  @Post('import')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @TakesTextBody()
  @ApiOperation({ summary: 'Import a CSV, all or nothing; 400 lists every bad row (1-based, header not counted)' })
  async import(@Req() request: AuthenticatedRequest, @Body() csv: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<ImportSummary | object> {
    try {
      return await this.imports.importCsv(writer(request), csv);
    } catch (error) {
      if (!(error instanceof ImportRejectedError)) throw error;
      // The shared error body has one field; an import needs every row, so it answers here.
      void reply.status(400);
      return { statusCode: 400, code: error.code, message: error.message, field: error.field, errors: error.errors, correlationId: currentCorrelationId() };
    }
  }

  @Put(':mappingKey')
  @RequireRole('admin')
  @ApiOperation({ summary: 'A new version with another target: { target, note }' })
  update(@Req() request: AuthenticatedRequest, @Param('mappingKey') mappingKey: string, @Body() input: unknown): Promise<MappingVersion> {
    const { target, note } = body(input);
    return this.mappings.update(writer(request), mappingKey, { target, note });
  }

  @Post(':mappingKey/retire')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retire a mapping (a new, retired version): { note }' })
  retire(@Req() request: AuthenticatedRequest, @Param('mappingKey') mappingKey: string, @Body() input: unknown): Promise<MappingVersion> {
    return this.mappings.retire(writer(request), mappingKey, body(input).note);
  }

  @Get(':mappingKey/history')
  @RequireRole('reader')
  @ApiOperation({ summary: 'Every version of a mapping, oldest first' })
  history(@Param('mappingKey') mappingKey: string): Promise<MappingVersion[]> {
    return this.mappings.history({}, mappingKey);
  }
}
