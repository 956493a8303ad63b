import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ChannelAdapter } from '../../adapters/channels/channel-port.js';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ChannelSecretsService } from '../channel-accounts/channel-secrets.service.js';
import { InboxWriter } from './inbox/inbox-writer.js';
import { IngestMetrics } from './ingest-metrics.js';
import { receiveBody } from './received-body.js';
import { PATH_ACCOUNT } from '../../adapters/channels/webhook-headers.js';
import { rawBytes, type WebhookHeaders } from './webhook-request.js';

export interface BatchItemReceipt {
  readonly ref: string;
  readonly status: 'accepted' | 'duplicate' | 'rejected' | 'conflict';
  readonly inboxId: string | null;
  readonly reason?: string;
}

export interface BatchReceipt {
  readonly httpStatus: 200 | 202;
  readonly batchId: string;
  readonly correlationId: string;
  readonly counts: Record<BatchItemReceipt['status'], number>;
  readonly items: BatchItemReceipt[];
}

/**
 * A batch from a channel that sends them (store systems): authenticated as a whole over its raw
 * bytes, then kept item by item in the inbox, each deduplicated on its own key. The answer says
 * what became of each item; a bad one is kept with its reason and does not stop the others.
 */
@Injectable()
export class ChannelBatchIngestionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChannelSecretsService) private readonly secrets: ChannelSecretsService,
    @Inject(InboxWriter) private readonly inbox: InboxWriter,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  async receive(channel: ChannelAdapter, urlAccount: string, headers: WebhookHeaders, rawBody: Buffer | undefined, correlationId: string): Promise<BatchReceipt> {
    const batches = channel.batches;
    if (!batches) throw new ApiError(404, 'CHANNEL_UNKNOWN', `channel ${channel.slug} takes no batches`, 'channel');
    const account = channel.normaliseAccount(urlAccount);
    const named = channel.accountOf(headers);
    if (named !== null && named !== account) throw new ApiError(400, 'ACCOUNT_MISMATCH', `the headers name ${named.slice(0, 64)}, the URL ${account}`, 'account');
    // The URL's account, under the name no real header can have, beside the sender's own headers.
    const withAccount: WebhookHeaders = { ...headers, [PATH_ACCOUNT]: account };
    const body = rawBytes(rawBody);
    const refusal = await channel.authenticate(withAccount, body, (who) => this.secrets.secretsFor(channel.code, who, channel.defaultSecret(this.config)));
    if (refusal) {
      this.metrics.received(channel.slug, 'unauthenticated');
      throw new ApiError(refusal.status, refusal.code, refusal.message, refusal.field);
    }
    const received = receiveBody(body);
    if (received.jsonError !== null) throw new ApiError(400, 'VALIDATION_FAILED', received.jsonError, 'body');
    return this.keep(channel, account, received.parsed, correlationId);
  }

  /**
   * An authenticated batch (a request's, or one read from a file the channel dropped) kept item by
   * item; a batch the channel refuses whole throws its refusal (an ApiError).
   */
  async keep(channel: ChannelAdapter, account: string, parsed: unknown, correlationId: string): Promise<BatchReceipt> {
    const split = channel.batches!.split(parsed, account);
    if (!split.ok) throw new ApiError(split.refusal.status, split.refusal.code, split.refusal.message, split.refusal.field);

    const items = await Promise.all(split.items.map(async (item): Promise<BatchItemReceipt> => {
      // Each item's bytes are kept as the batch's were: card data never.
      const kept = receiveBody(item.body);
      const outcome = await this.inbox.write({
        id: randomUUID(), source: channel.code, account, topic: item.topic, dedupeKey: item.dedupeKey, eventId: item.eventId,
        bodyHash: createHash('sha256').update(item.identity ?? item.body).digest('hex'), rawBody: kept.stored, redactedFields: kept.redacted,
        headers: { 'x-batch-id': split.batchId }, correlationId, status: item.status, error: item.error, triggeredAt: null,
      });
      if (outcome.kind === 'conflict') return { ref: item.ref, status: 'conflict', inboxId: outcome.id, reason: channel.reusedKey.message };
      if (outcome.kind === 'duplicate') return { ref: item.ref, status: 'duplicate', inboxId: outcome.id };
      return item.status === 'REJECTED'
        ? { ref: item.ref, status: 'rejected', inboxId: outcome.id, reason: item.error ?? 'rejected' }
        : { ref: item.ref, status: 'accepted', inboxId: outcome.id };
    }));
    const counts = { accepted: 0, duplicate: 0, rejected: 0, conflict: 0 };
    for (const item of items) {
      counts[item.status] += 1;
      this.metrics.received(channel.slug, item.status);
    }
    return { httpStatus: counts.accepted > 0 ? 202 : 200, batchId: split.batchId, correlationId, counts, items };
  }
}
