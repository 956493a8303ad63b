import { Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentCorrelationId } from '../../platform/correlation/correlation.js';
import { answer } from './webhook-request.js';
import { FulfillmentIngestionService } from './fulfillment-ingestion.service.js';

@ApiTags('webhooks')
@Controller('webhooks/wms')
export class FulfillmentWebhookController {
  constructor(@Inject(FulfillmentIngestionService) private readonly ingestion: FulfillmentIngestionService) {}

  @Post('shipments')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Receive a shipment confirmation or pickup event from a WMS or store system',
    description:
      'Verifies X-Fulfillment-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body with FULFILLMENT_WEBHOOK_SECRET), keeps the ' +
      'delivery deduplicated on X-Fulfillment-Event-Id and queues it. Types SHIPPED, READY_FOR_PICKUP and PICKED_UP. ' +
      'See docs/contracts/fulfillment-systems.md.',
  })
  @ApiHeader({ name: 'X-Fulfillment-Hmac-Sha256', required: true })
  @ApiHeader({ name: 'X-Fulfillment-Source', required: true, description: 'wms or store' })
  @ApiHeader({ name: 'X-Fulfillment-Event-Id', required: true, description: 'dedupe key; the same on every redelivery' })
  @ApiResponse({ status: 202, description: 'accepted and queued' })
  @ApiResponse({ status: 200, description: 'duplicate, or authentic but unusable (kept as rejected)' })
  @ApiResponse({ status: 401, description: 'missing or wrong signature; nothing kept' })
  @ApiResponse({ status: 409, description: 'event id reused with a different body' })
  async receive(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    return answer(reply, await this.ingestion.receive(headers, request.body as Buffer | undefined, currentCorrelationId() ?? ''));
  }
}
