import { Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentCorrelationId } from '../../platform/correlation/correlation.js';
import { answer } from './webhook-request.js';
import { ShopifyIngestionService } from './shopify-ingestion.service.js';

@ApiTags('webhooks')
@Controller('webhooks')
export class ShopifyWebhookController {
  constructor(@Inject(ShopifyIngestionService) private readonly ingestion: ShopifyIngestionService) {}

  @Post('shopify')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Receive a Shopify webhook delivery',
    description:
      'Verifies X-Shopify-Hmac-Sha256 over the raw body, keeps the delivery in the inbox (deduplicated on ' +
      'X-Shopify-Webhook-Id) and queues it. Topics orders/create, orders/updated, orders/paid and ' +
      'orders/cancelled are processed; others are kept and marked ignored.',
  })
  @ApiHeader({ name: 'X-Shopify-Hmac-Sha256', required: true, description: 'base64 HMAC-SHA256 of the raw body' })
  @ApiHeader({ name: 'X-Shopify-Topic', required: true })
  @ApiHeader({ name: 'X-Shopify-Shop-Domain', required: true })
  @ApiHeader({ name: 'X-Shopify-Webhook-Id', required: true, description: 'dedupe key; the same on every retry' })
  @ApiResponse({ status: 202, description: 'accepted and queued' })
  @ApiResponse({ status: 200, description: 'duplicate, ignored topic, or authentic but unusable (kept as rejected)' })
  @ApiResponse({ status: 401, description: 'missing or wrong signature; nothing kept' })
  @ApiResponse({ status: 409, description: 'webhook id reused with a different body' })
  @ApiResponse({ status: 413, description: 'body over 2 MiB' })
  async receive(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    return answer(reply, await this.ingestion.receive(headers, request.body as Buffer | undefined, currentCorrelationId() ?? ''));
  }
}
