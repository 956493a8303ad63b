import { SetMetadata } from '@nestjs/common';
import type { DomainEventType } from '../../canonical/domain-events.js';

export const DOMAIN_EVENT_HANDLER = 'hub:domain-event-handler';

export interface DomainEventHandlerOptions {
  /**
   * 'transaction' (default): runs inside the publisher's transaction, before it commits, and
   * writes its own rows there (outbox rows commit with the change or not at all). 'after-commit':
   * runs once the transaction has committed, for work that must not hold it; a failure there is
   * logged and never undoes the commit.
   */
  readonly phase?: 'transaction' | 'after-commit';
  /** Handlers of one event run in ascending order, so one may build on rows another wrote. */
  readonly order?: number;
}

export interface DomainEventHandlerMeta extends Required<DomainEventHandlerOptions> {
  readonly type: DomainEventType;
}

/**
 * Marks a provider method as a handler of a domain event. In-transaction handlers take
 * (runner, event); after-commit handlers take (event).
 */
export const OnDomainEvent = (type: DomainEventType, options: DomainEventHandlerOptions = {}) =>
  SetMetadata<string, DomainEventHandlerMeta>(DOMAIN_EVENT_HANDLER, { type, phase: options.phase ?? 'transaction', order: options.order ?? 100 });
