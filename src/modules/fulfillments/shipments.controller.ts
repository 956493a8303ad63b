import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { RequireRole } from '../../platform/auth/roles.guard.js';
import { inTransaction } from '../../platform/database/sql.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ShipmentEventsService } from './shipments/shipment-events.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Reevaluated {
  id: string;
  status: 'CONFIRMED' | 'HELD';
  holdReason: string | null;
  orderStatus: string | null;
}

/** Held shipments: a person asks for the check again once the data is fixed (an order edited, a line mapped). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/shipments')
export class ShipmentsController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShipmentEventsService) private readonly shipments: ShipmentEventsService,
  ) {}

  @Post(':id/reevaluate')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check one HELD shipment again, as if it had just arrived',
    description: 'Answers its status now: CONFIRMED (posted and passed on like any confirmation) or HELD with the reason. 404 unknown id, 409 not HELD.',
  })
  async reevaluate(@Param('id') id: string, @Body() _body: unknown): Promise<Reevaluated> {
    if (!UUID.test(id)) throw new ApiError(400, 'VALIDATION_FAILED', 'id must be a shipment id (uuid)', 'id');
    const outcome = await inTransaction(this.dataSource, (runner) => this.shipments.recheck(runner, id, 'ADMIN', false));
    switch (outcome.kind) {
      case 'NOT_FOUND':
        throw new ApiError(404, 'NOT_FOUND', `no shipment ${id}`, 'id');
      case 'NOT_HELD':
        throw new ApiError(409, 'NOT_HELD', `shipment ${id} is ${outcome.status}; only a HELD shipment is re-evaluated`, 'id');
      case 'CONFIRMED':
        return { id, status: 'CONFIRMED', holdReason: null, orderStatus: outcome.orderStatus };
      case 'HELD':
        return { id, status: 'HELD', holdReason: outcome.reason, orderStatus: null };
      case 'DUPLICATE':
        throw new Error(`re-evaluating shipment ${id} found it a duplicate of ${outcome.shipmentId}`);
    }
  }
}
