import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { withCorrelationId } from '../../../platform/correlation/correlation.js';
import { attemptDelivery, type OutboxTransport } from '../../../platform/outbox/outbox-attempt.js';
import { OutboxPoller } from '../../../platform/outbox/outbox-poller.js';
import { OutboundSenders } from './outbound-senders.js';
import { OutboundStore, type ClaimedMessage } from './outbound-store.js';

const POLL_MS = 100;
const BATCH = 20;
const STUCK_AFTER_MS = 120_000;
const RECOVER_EVERY_MS = 10_000;

/**
 * Sends outbound messages (requests to fulfilment systems, tracking to channels) from the
 * outbox table: the outbox core's poller and attempt, with OutboundSenders as the transport.
 * PostgreSQL is the only queue here: these are a few per order, not hundreds per second, and
 * a Redis flush cannot lose them. Failures back off like ERP postings.
 */
@Injectable()
export class OutboundWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboundWorker.name);
  private readonly poller: OutboxPoller<ClaimedMessage>;
  private readonly transport: OutboxTransport<ClaimedMessage, string>;

  constructor(
    @Inject(OutboundStore) store: OutboundStore,
    @Inject(OutboundSenders) senders: OutboundSenders,
  ) {
    this.transport = {
      engine: 'outbound',
      send: (message) => senders.send(message),
      delivered: (message, externalRef) => store.sent(message, externalRef),
      retry: (message, delayMs, lookupFirst, error) => store.retry(message, delayMs, lookupFirst, error),
      dead: (message, error) => store.dead(message, error),
    };
    this.poller = new OutboxPoller<ClaimedMessage>({
      claim: (limit) => store.claim(limit),
      recoverStuck: (afterMs) => store.recoverStuck(afterMs),
      attempt: (message) => this.deliver(message),
      pollMs: POLL_MS, batch: BATCH, stuckAfterMs: STUCK_AFTER_MS, recoverEveryMs: RECOVER_EVERY_MS, logger: this.logger, name: 'outbound',
    });
  }

  onApplicationBootstrap(): void {
    this.poller.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.poller.stop();
  }

  /** One round: recover stuck messages now and then, claim a batch, send it. Returns how many were sent or failed. */
  tick(): Promise<number> {
    return this.poller.tick();
  }

  private deliver(message: ClaimedMessage): Promise<void> {
    return withCorrelationId(message.correlationId, async () => {
      const outcome = await attemptDelivery(this.transport, message);
      if (outcome.status !== 'DELIVERED') {
        this.logger.warn({ msg: 'outbound message failed', messageId: message.id, kind: message.kind, attempt: message.attempts, errorKind: outcome.error.kind, next: outcome.status });
      }
    });
  }
}
