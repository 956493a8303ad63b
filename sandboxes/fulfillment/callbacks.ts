/**
 * Shipment confirmations sent back to the hub: one signed POST per event, each attempt and the
 * hub's answer recorded. The first attempt is awaited (so an admin call that ships can report
 * what the hub said); failed attempts are retried in the background with doubling delays,
 * carrying the same bytes, signature and event id, as a real sender's retries would.
 */
import { createHmac } from 'node:crypto';
import { transportCode } from '../../src/adapters/erp/shared/http-errors.js';
import type { ReturnEventBody } from '../../src/adapters/fulfillment/return-event.js';
import type { FulfillmentEventType, ShipmentConfirmationBody } from '../../src/adapters/fulfillment/shipment-confirmation.js';
import type { SystemKind } from './contract.js';

/** The confirmation the hub reads is the one the sandbox sends: one contract, one type. */
export type EventType = FulfillmentEventType;
export type EventBody = ShipmentConfirmationBody | ReturnEventBody;

export interface Delivery {
  readonly attempt: number;
  /** A redelivery asked for through /_sandbox/events/{id}/redeliver. */
  readonly redelivery: boolean;
  readonly at: string;
  /** The hub's HTTP status; null when no answer came (refused, timed out, no callback set). */
  readonly status: number | null;
  readonly error: string | null;
  readonly ms: number;
}

export interface SentEvent {
  readonly body: EventBody;
  /** The exact bytes signed and sent, every time. */
  readonly raw: Buffer;
  readonly deliveries: Delivery[];
}

export interface CallbackSettings {
  readonly url: string | null;
  readonly secret: string | null;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly timeoutMs: number;
}

export class CallbackSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = new AbortController();

  constructor(private readonly source: SystemKind, private readonly settings: () => CallbackSettings) {}

  /** Sends the event; resolves with the first attempt, keeps retrying a failure in the background. */
  async send(event: SentEvent, redelivery = false): Promise<Delivery> {
    const first = await this.attempt(event, redelivery);
    if (!ok(first)) this.retryLater(event, redelivery, 1);
    return first;
  }

  /** Drops pending retries and aborts sends in flight (reset, close). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stopped.abort();
    this.stopped = new AbortController();
  }

  private retryLater(event: SentEvent, redelivery: boolean, retry: number): void {
    const { retries, retryDelayMs } = this.settings();
    if (retry > retries) return;
    const signal = this.stopped.signal;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (signal.aborted) return;
      void this.attempt(event, redelivery).then((d) => {
        if (!ok(d) && !signal.aborted) this.retryLater(event, redelivery, retry + 1);
      });
    }, retryDelayMs * 2 ** (retry - 1));
    this.timers.add(timer);
  }

  private async attempt(event: SentEvent, redelivery: boolean): Promise<Delivery> {
    const { url, secret, timeoutMs } = this.settings();
    const started = Date.now();
    const record = (status: number | null, error: string | null): Delivery => {
      const delivery = { attempt: event.deliveries.length + 1, redelivery, at: new Date(started).toISOString(), status, error, ms: Date.now() - started };
      event.deliveries.push(delivery);
      return delivery;
    };
    if (!url || !secret) return record(null, 'no callback URL or secret configured');
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': `fulfillment-sandbox/${this.source}`,
          'x-fulfillment-hmac-sha256': createHmac('sha256', secret).update(event.raw).digest('base64'),
          'x-fulfillment-event-id': event.body.eventId,
          'x-fulfillment-source': this.source,
        },
        body: event.raw,
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.stopped.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return record(response.status, null);
    } catch (err) {
      const cause = (err as { cause?: { message?: unknown } } | null)?.cause;
      return record(null, transportCode(err) ?? String(cause?.message ?? (err as { message?: unknown } | null)?.message ?? err));
    }
  }
}

const ok = (d: Delivery): boolean => d.status !== null && d.status >= 200 && d.status < 300;
