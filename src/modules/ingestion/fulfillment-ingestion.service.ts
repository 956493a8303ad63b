import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { verifyFulfillmentSignature } from '../../adapters/fulfillment/shipment-confirmation.js';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { ApiError } from '../../platform/http/api-error.js';
import { InboxWriter } from './inbox/inbox-writer.js';
import type { InboxStatus } from './inbox/inbox-status.js';
import { IngestMetrics } from './ingest-metrics.js';
import type { WebhookReceipt } from './channel-ingestion.service.js';
import { receiveBody } from './received-body.js';
import { header, keptHeaders, rawBytes, type WebhookHeaders } from './webhook-request.js';

type Headers = WebhookHeaders;

export const FULFILLMENT_SOURCES = { wms: 'WMS', store: 'STORE' } as const;
/** The topic names the confirmation type; an absurdly long one is cut, the body keeps it whole. */
const MAX_TYPE_LENGTH = 64;
const KEPT_HEADERS = ['x-fulfillment-event-id', 'x-fulfillment-source', 'content-type', 'content-length', 'user-agent', 'x-correlation-id'];

/**
 * Shipment confirmations from the WMS and store systems: authenticate over the raw bytes,
 * keep the delivery in the inbox (deduplicated on the event id), queue it, answer. The
 * confirmation is understood on the worker, like a channel delivery.
 */
@Injectable()
export class FulfillmentIngestionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(InboxWriter) private readonly inbox: InboxWriter,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  async receive(headers: Headers, rawBody: Buffer | undefined, correlationId: string): Promise<WebhookReceipt> {
    const body = rawBytes(rawBody);
    const signature = header(headers, 'x-fulfillment-hmac-sha256');
    if (!signature) throw new ApiError(401, 'SIGNATURE_MISSING', 'X-Fulfillment-Hmac-Sha256 is required', 'X-Fulfillment-Hmac-Sha256');
    const secret = this.config.fulfillmentWebhookSecret;
    if (!secret) throw new ApiError(401, 'SECRET_NOT_CONFIGURED', 'no fulfilment webhook secret is configured (FULFILLMENT_WEBHOOK_SECRET)', 'X-Fulfillment-Hmac-Sha256');
    if (!verifyFulfillmentSignature(body, signature, secret)) {
      this.metrics.received('fulfillment', 'unauthenticated');
      throw new ApiError(401, 'SIGNATURE_INVALID', 'the HMAC does not match the body', 'X-Fulfillment-Hmac-Sha256');
    }
    const sourceHeader = header(headers, 'x-fulfillment-source')?.toLowerCase() ?? '';
    const source = FULFILLMENT_SOURCES[sourceHeader as keyof typeof FULFILLMENT_SOURCES];
    if (!source) throw new ApiError(400, 'SOURCE_INVALID', 'X-Fulfillment-Source must be wms or store', 'X-Fulfillment-Source');
    const eventId = header(headers, 'x-fulfillment-event-id');
    if (!eventId) throw new ApiError(400, 'EVENT_ID_MISSING', 'X-Fulfillment-Event-Id is required: it makes redelivery harmless', 'X-Fulfillment-Event-Id');

    const bodyHash = createHash('sha256').update(body).digest('hex');
    // The same card-data rule as channel bodies: a confirmation should carry none, and none is stored.
    const received = receiveBody(body);
    const status: InboxStatus = received.jsonError === null ? 'PENDING' : 'REJECTED';
    const error = received.jsonError;
    const type = (received.parsed as { type?: unknown } | null | undefined)?.type;
    // Return events are named by their type (return.received); shipment events as shipment/<TYPE>.
    const topic = typeof type !== 'string' ? 'shipment/unknown' : type.startsWith('return.') ? type.slice(0, MAX_TYPE_LENGTH) : `shipment/${type.slice(0, MAX_TYPE_LENGTH)}`;
    const kept = keptHeaders(headers, KEPT_HEADERS);
    const outcome = await this.inbox.write({
      id: randomUUID(), source, account: sourceHeader, topic, dedupeKey: eventId, eventId, bodyHash, rawBody: received.stored, redactedFields: received.redacted,
      headers: kept, correlationId, status, error, triggeredAt: null,
    });
    if (outcome.kind === 'conflict') {
      this.metrics.received('fulfillment', 'conflict');
      throw new ApiError(409, 'EVENT_ID_REUSED', 'this event id was delivered before with a different body', 'X-Fulfillment-Event-Id');
    }
    if (outcome.kind === 'duplicate') {
      this.metrics.received('fulfillment', 'duplicate');
      return { httpStatus: 200, status: 'duplicate', inboxId: outcome.id, correlationId };
    }
    const state = status === 'REJECTED' ? 'rejected' : 'accepted';
    this.metrics.received('fulfillment', state);
    return { httpStatus: state === 'accepted' ? 202 : 200, status: state, inboxId: outcome.id, correlationId, reason: error ?? undefined };
  }
}
