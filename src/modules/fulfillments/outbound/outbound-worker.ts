import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { withCorrelationId } from '../../../platform/correlation/correlation.js';
import { countOutbox } from '../../../platform/outbox/outbox-metrics.js';
import { afterFailure } from '../../../platform/outbox/retry-policy.js';
import { OutboundSenders } from './outbound-senders.js';
import { OutboundStore, type ClaimedMessage } from './outbound-store.js';

const POLL_MS = 100;
const BATCH = 20;
const STUCK_AFTER_MS = 120_000;

/**
 * Sends outbound messages (requests to fulfilment systems, tracking to channels) from the
 * outbox table. PostgreSQL is the only queue here: these are a few per order, not hundreds
 * per second, and a Redis flush cannot lose them. Failures back off like ERP postings.
 */
@Injectable()
export class OutboundWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboundWorker.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private lastRecovery = 0;

  constructor(
    @Inject(OutboundStore) private readonly store: OutboundStore,
    @Inject(OutboundSenders) private readonly senders: OutboundSenders,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = null));
    }, POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round: recover stuck messages now and then, claim a batch, send it. Returns how many were sent or failed. */
  async tick(): Promise<number> {
    try {
      if (Date.now() - this.lastRecovery > 10_000) {
        this.lastRecovery = Date.now();
        await this.store.recoverStuck(STUCK_AFTER_MS);
      }
      const batch = await this.store.claim(BATCH);
      await Promise.all(batch.map((message) => withCorrelationId(message.correlationId, () => this.deliver(message))));
      return batch.length;
    } catch (error) {
      this.logger.warn({ msg: 'outbound round failed; will try again', err: String(error) });
      return 0;
    }
  }

  private async deliver(message: ClaimedMessage): Promise<void> {
    try {
      await this.store.sent(message, await this.senders.send(message));
      countOutbox('outbound', 'delivered');
    } catch (failure) {
      const { error, next } = afterFailure(failure, message.attempts, message.lookupFirst);
      const detail = { message: error.message, kind: error.kind };
      if (next.status === 'DEAD') await this.store.dead(message, detail);
      else await this.store.retry(message, next.delayMs, next.lookupFirst, detail);
      countOutbox('outbound', next.status === 'DEAD' ? 'dead' : 'retry');
      this.logger.warn({ msg: 'outbound message failed', messageId: message.id, kind: message.kind, attempt: message.attempts, errorKind: error.kind, next: next.status });
    }
  }
}
