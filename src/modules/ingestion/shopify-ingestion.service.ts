import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SHOPIFY_HANDLED_TOPICS, verifyShopifyHmac } from '../../adapters/channels/shopify/shopify-webhook.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ChannelSecretsService } from '../channel-accounts/channel-secrets.service.js';
import { InboxWriter } from './inbox/inbox-writer.js';
import type { InboxStatus, NewInboxRow } from './inbox/inbox-status.js';
import { IngestMetrics } from './ingest-metrics.js';
import { receiveBody } from './received-body.js';
import { header, keptHeaders, plausibleTimestamp, rawBytes, type WebhookHeaders } from './webhook-request.js';

export interface WebhookReceipt {
  readonly httpStatus: 200 | 202;
  readonly status: 'accepted' | 'duplicate' | 'ignored' | 'rejected';
  readonly inboxId: string;
  readonly correlationId: string;
  readonly reason?: string;
}

type Headers = WebhookHeaders;

/** Headers worth keeping with the delivery; the signature and anything secret never are. */
const KEPT_HEADERS = [
  'x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-webhook-id', 'x-shopify-event-id',
  'x-shopify-triggered-at', 'x-shopify-api-version', 'x-shopify-name', 'x-shopify-sub-topic',
  'content-type', 'content-length', 'user-agent', 'x-correlation-id',
];

/**
 * The whole of a Shopify delivery's request path: authenticate over the raw bytes, keep
 * the delivery, enqueue it, answer. Parsing into an order happens later, on the queue.
 */
@Injectable()
export class ShopifyIngestionService {
  constructor(
    @Inject(ChannelSecretsService) private readonly secrets: ChannelSecretsService,
    @Inject(InboxWriter) private readonly inbox: InboxWriter,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  async receive(headers: Headers, rawBody: Buffer | undefined, correlationId: string): Promise<WebhookReceipt> {
    const body = rawBytes(rawBody);
    const shop = header(headers, 'x-shopify-shop-domain')?.toLowerCase() ?? null;
    const signature = header(headers, 'x-shopify-hmac-sha256') ?? header(headers, 'shopify-hmac-sha256');
    if (!signature) {
      this.metrics.received('shopify', 'unauthenticated');
      throw new ApiError(401, 'SIGNATURE_MISSING', 'X-Shopify-Hmac-Sha256 is required', 'X-Shopify-Hmac-Sha256');
    }
    const candidates = await this.secrets.secretsFor('SHOPIFY', shop);
    if (candidates.length === 0) {
      this.metrics.received('shopify', 'unauthenticated');
      throw new ApiError(
        401,
        'SECRET_NOT_CONFIGURED',
        'no webhook secret is configured for this shop (set SHOPIFY_WEBHOOK_SECRET or a channel account), or the account is disabled',
        'X-Shopify-Shop-Domain',
      );
    }
    if (!candidates.some((secret) => verifyShopifyHmac(body, signature, secret))) {
      this.metrics.received('shopify', 'unauthenticated');
      throw new ApiError(401, 'SIGNATURE_INVALID', 'the HMAC does not match the body for this shop', 'X-Shopify-Hmac-Sha256');
    }

    const row = this.toInboxRow(headers, body, shop, correlationId);
    const outcome = await this.inbox.write(row);
    if (outcome.kind === 'conflict') {
      this.metrics.received('shopify', 'conflict');
      throw new ApiError(409, 'WEBHOOK_ID_REUSED', 'this webhook id was delivered before with a different body', 'X-Shopify-Webhook-Id');
    }
    if (outcome.kind === 'duplicate') {
      this.metrics.received('shopify', 'duplicate');
      return { httpStatus: 200, status: 'duplicate', inboxId: outcome.id, correlationId };
    }
    const status = row.status === 'IGNORED' ? 'ignored' : row.status === 'REJECTED' ? 'rejected' : 'accepted';
    this.metrics.received('shopify', status);
    return {
      httpStatus: status === 'accepted' ? 202 : 200,
      status,
      inboxId: outcome.id,
      correlationId,
      reason: row.error ?? undefined,
    };
  }

  private toInboxRow(headers: Headers, raw: Buffer, shop: string | null, correlationId: string): NewInboxRow {
    const topic = header(headers, 'x-shopify-topic') ?? header(headers, 'shopify-topic') ?? '';
    const webhookId = header(headers, 'x-shopify-webhook-id') ?? header(headers, 'shopify-webhook-id');
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    let status: InboxStatus = 'PENDING';
    let error: string | null = null;

    if (topic === '') {
      status = 'REJECTED';
      error = 'X-Shopify-Topic header is missing';
    } else if (!SHOPIFY_HANDLED_TOPICS.includes(topic)) {
      status = 'IGNORED';
      error = `topic ${topic} is not handled yet`;
    }
    // Card data never reaches the database, whatever the topic (see received-body.ts).
    const body = receiveBody(raw);
    if (body.jsonError !== null) {
      status = 'REJECTED';
      error = body.jsonError;
    } else if (status === 'PENDING' && (body.parsed === null || typeof body.parsed !== 'object' || Array.isArray(body.parsed))) {
      status = 'REJECTED';
      error = 'the body is JSON but not an object';
    }

    const kept = keptHeaders(headers, KEPT_HEADERS);
    const triggered = plausibleTimestamp(header(headers, 'x-shopify-triggered-at'));
    if (triggered.note) kept['x-hub-triggered-at'] = triggered.note;
    return {
      id: randomUUID(),
      source: 'SHOPIFY',
      account: shop,
      topic: topic || 'unknown',
      dedupeKey: webhookId ?? `sha256:${bodyHash}`,
      eventId: header(headers, 'x-shopify-event-id') ?? null,
      bodyHash,
      rawBody: body.stored,
      redactedFields: body.redacted,
      headers: kept,
      correlationId,
      status,
      error,
      triggeredAt: triggered.at,
    };
  }
}
