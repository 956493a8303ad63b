import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole, type AuthenticatedRequest } from '../../platform/auth/roles.guard.js';
import { OrderActions, type ActionAnswer } from './order-actions.js';

/**
 * A person releases or holds one order, with a note; who (the API key's name) and why go into
 * the order's history. A release runs the release gates again over the order's latest channel
 * delivery, except the ones named in overrideGates.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/orders')
export class OrderActionsController {
  constructor(@Inject(OrderActions) private readonly actions: OrderActions) {}

  @Post(':id/release')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Release a held order by hand',
    description: 'Body { note, overrideGates? }. 400 without a note; 404 unknown order; 409 TRANSITION_NOT_ALLOWED, RELEASE_GATES_FAILED (names the gates) or NO_DELIVERY.',
  })
  release(@Param('id') id: string, @Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<ActionAnswer> {
    return this.actions.release(id, body, request.apiKey);
  }

  @Post(':id/hold')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hold an order by hand (MANUAL_HOLD) until a manual release',
    description: 'Body { note }. 400 without a note; 404 unknown order; 409 TRANSITION_NOT_ALLOWED for an order posted, fulfilled or cancelled.',
  })
  hold(@Param('id') id: string, @Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<ActionAnswer> {
    return this.actions.hold(id, body, request.apiKey);
  }
}
