import { Counter } from 'prom-client';
import { metricsRegistry } from '../metrics/registry.js';
import type { OutboxEvent } from './outbox-states.js';

export type OutboxEngine = 'postings' | 'outbound';

/** One counter for every outbox, so a dashboard reads postings and outbound messages alike. Module scope: one registration per process. */
const transitions = new Counter({
  name: 'hub_outbox_transitions_total',
  help: 'Outbox rows moved after a send, by engine and event (delivered, retry, dead)',
  labelNames: ['engine', 'event'] as const,
  registers: [metricsRegistry],
});

export function countOutbox(engine: OutboxEngine, event: OutboxEvent): void {
  transitions.inc({ engine, event });
}
