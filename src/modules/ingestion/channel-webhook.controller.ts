import { Controller, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelAdapter } from '../../adapters/channels/channel-port.js';
import { CHANNEL_ADAPTERS, DEDICATED_WEBHOOK_SLUGS, channelBySlug } from '../../adapters/channels/registry.js';
import { currentCorrelationId } from '../../platform/correlation/correlation.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ChannelBatchIngestionService } from './channel-batch-ingestion.service.js';
import { ChannelIngestionService } from './channel-ingestion.service.js';
import { PATH_ACCOUNT } from '../../adapters/channels/webhook-headers.js';
import { answer, type WebhookHeaders } from './webhook-request.js';

const DESCRIPTION =
  "Verifies the channel's signature over the raw body, keeps the delivery in the inbox (deduplicated on the " +
  "channel's event id) and queues it. Events the hub does not act on are kept and marked ignored.\n\n" +
  CHANNEL_ADAPTERS.map((adapter) => `- \`${adapter.slug}\`: ${adapter.summary}`).join('\n');

/** One endpoint for every registered sales channel; the channel's adapter does what differs. */
@ApiTags('webhooks')
@Controller('webhooks')
export class ChannelWebhookController {
  constructor(
    @Inject(ChannelIngestionService) private readonly ingestion: ChannelIngestionService,
    @Inject(ChannelBatchIngestionService) private readonly batches: ChannelBatchIngestionService,
  ) {}

  @Post(':channel')
  @HttpCode(202)
  @ApiOperation({ summary: "Receive a sales channel's webhook delivery", description: DESCRIPTION })
  @ApiParam({ name: 'channel', enum: CHANNEL_ADAPTERS.map((adapter) => adapter.slug) })
  @ApiHeader({ name: 'X-Correlation-Id', required: false })
  @ApiResponse({ status: 202, description: 'accepted and queued' })
  @ApiResponse({ status: 200, description: 'duplicate, ignored event, or authentic but unusable (kept as rejected)' })
  @ApiResponse({ status: 401, description: 'missing or wrong signature; nothing kept' })
  @ApiResponse({ status: 404, description: 'no such channel (CHANNEL_UNKNOWN)' })
  @ApiResponse({ status: 409, description: 'event id reused with a different body' })
  @ApiResponse({ status: 413, description: 'body over 2 MiB' })
  async receive(
    @Param('channel') slug: string,
    @Headers() headers: WebhookHeaders,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    return this.take(known(slug), headers, request, reply);
  }

  /** A batch of a channel that sends them (store systems): each item kept and answered on its own. */
  @Post(':channel/:account/batches')
  @HttpCode(202)
  @ApiOperation({ summary: 'Receive a batch (store POS transactions): each item deduplicated and answered on its own' })
  @ApiResponse({ status: 202, description: 'at least one item accepted; items[] says what became of each' })
  @ApiResponse({ status: 200, description: 'nothing new: every item a duplicate or rejected (kept with its reason)' })
  @ApiResponse({ status: 401, description: 'missing or wrong signature; nothing kept' })
  async receiveBatch(
    @Param('channel') slug: string,
    @Param('account') account: string,
    @Headers() headers: WebhookHeaders,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    const { [PATH_ACCOUNT]: _sent, ...rest } = headers;
    const { httpStatus, ...receipt } = await this.batches.receive(known(slug), account, rest, request.body as Buffer | undefined, currentCorrelationId() ?? '');
    void reply.status(httpStatus);
    return receipt;
  }

  /** Channels whose sender names no account in a header (Loop): the account is the URL's last segment. */
  @Post(':channel/:account')
  @HttpCode(202)
  @ApiOperation({ summary: "Receive a sales channel's webhook delivery for the account the URL names", description: DESCRIPTION })
  @ApiParam({ name: 'channel', enum: CHANNEL_ADAPTERS.filter((adapter) => adapter.accountInPath).map((adapter) => adapter.slug) })
  @ApiParam({ name: 'account', description: 'the channel account (for Loop: the Shopify shop domain)' })
  @ApiResponse({ status: 202, description: 'accepted and queued' })
  @ApiResponse({ status: 401, description: 'missing or wrong signature, or no secret for the account; nothing kept' })
  @ApiResponse({ status: 404, description: 'no such channel, or the channel does not take the account in the URL (CHANNEL_UNKNOWN)' })
  async receiveForAccount(
    @Param('channel') slug: string,
    @Param('account') account: string,
    @Headers() headers: WebhookHeaders,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    const channel = known(slug);
    if (!channel.accountInPath) throw new ApiError(404, 'CHANNEL_UNKNOWN', `${slug.slice(0, 64)} takes webhooks at POST /webhooks/${channel.slug}, not under an account`, 'channel');
    return this.take(channel, headers, request, reply, account);
  }

  /** The routes channels had before the shared one; the same handling, kept for senders already set up. */
  @Post([...DEDICATED_WEBHOOK_SLUGS])
  @HttpCode(202)
  @ApiOperation({ summary: "Receive a sales channel's webhook delivery at its own path", description: DESCRIPTION })
  async receiveDedicated(
    @Headers() headers: WebhookHeaders,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    const slug = (request.routeOptions.url ?? '').split('/').pop() ?? '';
    return this.take(known(slug), headers, request, reply);
  }

  private async take(channel: ChannelAdapter, headers: WebhookHeaders, request: FastifyRequest, reply: FastifyReply, account?: string): Promise<object> {
    // Only the URL names an account this way, never a header that came with the request.
    const { [PATH_ACCOUNT]: _sent, ...rest } = headers;
    const named = account === undefined ? rest : { ...rest, [PATH_ACCOUNT]: account };
    return answer(reply, await this.ingestion.receive(channel, named, request.body as Buffer | undefined, currentCorrelationId() ?? ''));
  }
}

function known(slug: string): ChannelAdapter {
  const channel = channelBySlug(slug);
  if (!channel) throw new ApiError(404, 'CHANNEL_UNKNOWN', `no channel takes webhooks at ${slug.slice(0, 64)}`, 'channel');
  return channel;
}
