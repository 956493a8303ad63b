import { Body, Controller, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../../platform/auth/roles.guard.js';
import { ApiError } from '../../platform/http/api-error.js';
import { timeInRange } from '../../platform/http/input-checks.js';
import { PostingStore, type ReplayFilter } from './posting-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/postings')
export class PostingsController {
  constructor(@Inject(PostingStore) private readonly store: PostingStore) {}

  /**
   * Bulk replay by filter. `dryRun: true` lists what would be sent and changes nothing.
   * At most 1,000 postings per call.
   */
  @Post('replay')
  @RequireRole('operator')
  @ApiOperation({ summary: 'Replay postings by filter (target, status, error code, time range), with a dry run' })
  async replayMany(@Body() body: unknown): Promise<{ dryRun: boolean; postings: object[]; replayed: string[] }> {
    const input = (body ?? {}) as Record<string, unknown>;
    const text = (field: string): string | undefined => {
      const value = input[field];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string' || value === '') throw new ApiError(400, 'VALIDATION_FAILED', `${field} must be a non-empty string`, field);
      return value;
    };
    // Within sane years: a date PostgreSQL cannot hold would otherwise fail the query as a 500.
    const time = (field: string): Date | undefined => {
      const value = text(field);
      return value === undefined ? undefined : timeInRange(value, field);
    };
    const status = text('status');
    if (status !== undefined && status !== 'DEAD' && status !== 'RETRYING') throw new ApiError(400, 'VALIDATION_FAILED', 'status must be DEAD or RETRYING', 'status');
    if (input.dryRun !== undefined && typeof input.dryRun !== 'boolean') throw new ApiError(400, 'VALIDATION_FAILED', 'dryRun must be true or false', 'dryRun');
    const filter: ReplayFilter = { targetId: text('targetId'), status, errorCode: text('errorCode'), from: time('from'), to: time('to') };
    const candidates = await this.store.replayable(filter, 1000);
    const dryRun = input.dryRun === true;
    const replayed = dryRun ? [] : await this.store.replay(candidates.map((c) => c.id));
    return { dryRun, postings: candidates, replayed };
  }

  /** Sends a DEAD or RETRYING posting again now; the adapter looks the document up first, so it cannot double. */
  @Post(':id/replay')
  @RequireRole('operator')
  @ApiOperation({ summary: 'Replay one posting' })
  async replay(@Param('id') id: string, @Body() _body: unknown): Promise<{ replayed: string[] }> {
    if (!UUID.test(id)) throw new ApiError(400, 'VALIDATION_FAILED', 'id must be a posting id (uuid)', 'id');
    const replayed = await this.store.replay([id]);
    if (replayed.length === 0) throw new ApiError(409, 'NOT_REPLAYABLE', 'only DEAD or RETRYING postings can be replayed (or there is no such posting)', 'id');
    return { replayed };
  }
}
