import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { RequireRole } from '../../platform/auth/roles.guard.js';
import { ApiError } from '../../platform/http/api-error.js';
import { OutboundStore } from './outbound/outbound-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = ['PENDING', 'IN_FLIGHT', 'SENT', 'RETRYING', 'DEAD'];

/** Requests to fulfilment systems and tracking to channels: what failed, and sending it again. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/outbound-messages')
export class OutboundMessagesController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OutboundStore) private readonly store: OutboundStore,
  ) {}

  @Get()
  @RequireRole('reader')
  @ApiOperation({ summary: 'Outbound messages by status (default DEAD), most recently changed first, with their errors' })
  async list(@Query('status') status = 'DEAD'): Promise<object[]> {
    if (!STATUSES.includes(status)) throw new ApiError(400, 'VALIDATION_FAILED', `status must be one of ${STATUSES.join(', ')}`, 'status');
    return this.dataSource.query(
      `SELECT id, kind, subject_id AS "subjectId", order_id AS "orderId", status, attempts, last_error AS "lastError",
              last_error_kind AS "lastErrorKind", external_ref AS "externalRef", updated_at AS "updatedAt"
       FROM outbound_messages WHERE status = $1 ORDER BY updated_at DESC LIMIT 500`,
      [status],
    );
  }

  /** Sends a DEAD or RETRYING message again now, looking first for what may have landed. */
  @Post(':id/replay')
  @RequireRole('operator')
  @ApiOperation({ summary: 'Replay one outbound message' })
  async replay(@Param('id') id: string, @Body() _body: unknown): Promise<{ replayed: string[] }> {
    if (!UUID.test(id)) throw new ApiError(400, 'VALIDATION_FAILED', 'id must be an outbound message id (uuid)', 'id');
    const replayed = await this.store.replay([id]);
    if (replayed.length === 0) throw new ApiError(409, 'NOT_REPLAYABLE', 'only DEAD or RETRYING messages can be replayed (or there is no such message)', 'id');
    return { replayed };
  }
}
