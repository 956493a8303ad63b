import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { QueryRunner } from 'typeorm';
import { DOMAIN_EVENT_TYPES, type DomainEvent, type DomainEventType } from '../../canonical/domain-events.js';
import { afterCommit } from '../database/sql.js';
import { DOMAIN_EVENT_HANDLER, type DomainEventHandlerMeta } from './on-domain-event.js';

interface Registered {
  readonly name: string;
  readonly order: number;
  readonly phase: 'transaction' | 'after-commit';
  readonly call: (runner: QueryRunner | null, event: DomainEvent) => Promise<unknown>;
}

/**
 * The in-process domain event bus. A module publishes what happened inside its transaction;
 * the modules that care subscribe with @OnDomainEvent and are found at boot, so the publisher
 * knows none of them. Handlers are checked at boot: one for an unknown event type stops the
 * start with its name.
 */
@Injectable()
export class DomainEventBus implements OnModuleInit {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly handlers = new Map<DomainEventType, Registered[]>();

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const meta = this.reflector.get<DomainEventHandlerMeta | undefined>(DOMAIN_EVENT_HANDLER, fn);
        if (meta) this.register(`${instance.constructor.name}.${method}`, meta, fn.bind(instance) as (...args: unknown[]) => Promise<unknown>);
      }
    }
  }

  /** The handlers of a type, in the order they run: for boot checks, tests and the docs. */
  handlersOf(type: DomainEventType): string[] {
    return (this.handlers.get(type) ?? []).map((h) => `${h.name} (${h.phase})`);
  }

  /**
   * Runs the in-transaction handlers now, in order, on the caller's runner (an error rolls the
   * whole transaction back), and queues the after-commit ones on it.
   */
  async publish(runner: QueryRunner, event: DomainEvent): Promise<void> {
    for (const handler of this.handlers.get(event.type) ?? []) {
      if (handler.phase === 'transaction') {
        await handler.call(runner, event);
      } else {
        afterCommit(runner, async () => {
          try {
            await handler.call(null, event);
          } catch (error) {
            this.logger.error({ msg: 'after-commit handler failed', handler: handler.name, event: event.type, correlationId: event.correlationId, err: String(error) });
          }
        });
      }
    }
  }

  private register(name: string, meta: DomainEventHandlerMeta, fn: (...args: unknown[]) => Promise<unknown>): void {
    if (!DOMAIN_EVENT_TYPES.includes(meta.type)) {
      throw new Error(`${name} subscribes to ${String(meta.type)}, which is not a domain event; known: ${DOMAIN_EVENT_TYPES.join(', ')}`);
    }
    const call = meta.phase === 'transaction'
      ? (runner: QueryRunner | null, event: DomainEvent) => fn(runner, event)
      : (_runner: QueryRunner | null, event: DomainEvent) => fn(event);
    const list = this.handlers.get(meta.type) ?? [];
    list.push({ name, order: meta.order, phase: meta.phase, call });
    list.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
    this.handlers.set(meta.type, list);
  }
}
