import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ChannelAdapter, ChannelRefusal } from '../../adapters/channels/channel-port.js';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ChannelSecretsService } from '../channel-accounts/channel-secrets.service.js';
import { InboxWriter } from './inbox/inbox-writer.js';
import type { NewInboxRow } from './inbox/inbox-status.js';
import { IngestMetrics } from './ingest-metrics.js';
import { receiveBody } from './received-body.js';
import { rawBytes, type WebhookHeaders } from './webhook-request.js';

export interface WebhookReceipt {
  readonly httpStatus: 200 | 202;
  readonly status: 'accepted' | 'duplicate' | 'ignored' | 'rejected';
  readonly inboxId: string;
  readonly correlationId: string;
  readonly reason?: string;
}

const refused = (refusal: ChannelRefusal): ApiError => new ApiError(refusal.status, refusal.code, refusal.message, refusal.field);

/**
 * The whole of a channel delivery's request path, for every channel alike: the channel's
 * adapter authenticates the raw bytes and names the delivery; the delivery is kept (card
 * data never), enqueued, answered. Parsing into an order happens later, on the queue.
 */
@Injectable()
export class ChannelIngestionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChannelSecretsService) private readonly secrets: ChannelSecretsService,
    @Inject(InboxWriter) private readonly inbox: InboxWriter,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  async receive(channel: ChannelAdapter, headers: WebhookHeaders, rawBody: Buffer | undefined, correlationId: string): Promise<WebhookReceipt> {
    const label = channel.slug;
    const body = rawBytes(rawBody);
    const fallback = channel.defaultSecret(this.config);
    const refusal = await channel.authenticate(headers, body, (account) => this.secrets.secretsFor(channel.code, account, fallback));
    if (refusal) {
      this.metrics.received(label, 'unauthenticated');
      throw refused(refusal);
    }

    const row = this.toInboxRow(channel, headers, body, correlationId);
    const outcome = await this.inbox.write(row);
    if (outcome.kind === 'conflict') {
      this.metrics.received(label, 'conflict');
      throw refused(channel.reusedKey);
    }
    if (outcome.kind === 'duplicate') {
      this.metrics.received(label, 'duplicate');
      return { httpStatus: 200, status: 'duplicate', inboxId: outcome.id, correlationId };
    }
    const status = row.status === 'IGNORED' ? 'ignored' : row.status === 'REJECTED' ? 'rejected' : 'accepted';
    this.metrics.received(label, status);
    return { httpStatus: status === 'accepted' ? 202 : 200, status, inboxId: outcome.id, correlationId, reason: row.error ?? undefined };
  }

  private toInboxRow(channel: ChannelAdapter, headers: WebhookHeaders, raw: Buffer, correlationId: string): NewInboxRow {
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    // Card data never reaches the database, whatever the delivery (see received-body.ts).
    const body = receiveBody(raw);
    const described = channel.describe(headers, body.parsed, bodyHash);
    const unusable = body.jsonError !== null;
    return {
      id: randomUUID(),
      source: channel.code,
      account: channel.accountOf(headers),
      topic: described.topic,
      dedupeKey: described.dedupeKey,
      eventId: described.eventId,
      bodyHash,
      rawBody: body.stored,
      redactedFields: body.redacted,
      headers: described.headers,
      correlationId,
      status: unusable ? 'REJECTED' : described.status,
      error: unusable ? body.jsonError : described.error,
      triggeredAt: described.triggeredAt,
    };
  }
}
