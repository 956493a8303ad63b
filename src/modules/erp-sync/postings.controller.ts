import { Body, Controller, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../../platform/auth/roles.guard.js';
import { ApiError } from '../../platform/http/api-error.js';
import { PostingStore } from './posting-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/postings')
export class PostingsController {
  constructor(@Inject(PostingStore) private readonly store: PostingStore) {}

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
