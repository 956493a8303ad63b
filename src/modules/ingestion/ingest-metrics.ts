import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../../platform/metrics/registry.js';

/** Counters for deliveries by outcome and for the work done off the queue. */
const deliveries = new Counter({
    name: 'hub_webhook_deliveries_total',
    help: 'Webhook deliveries by source and outcome',
    labelNames: ['source', 'outcome'] as const,
    registers: [metricsRegistry],
});

const processed = new Counter({
    name: 'hub_inbox_processed_total',
    help: 'Inbox rows worked off the queue, by source, topic and resulting status',
    labelNames: ['source', 'topic', 'status'] as const,
    registers: [metricsRegistry],
});

const lag = new Histogram({
    name: 'hub_inbox_lag_seconds',
    help: 'Time from receipt of a delivery to the end of its processing',
    labelNames: ['source'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [metricsRegistry],
});

/** Metrics live at module scope: one registration per process, however many app instances. */
@Injectable()
export class IngestMetrics {
  received(source: string, outcome: string): void {
    deliveries.inc({ source, outcome });
  }

  processedRow(source: string, topic: string, status: string, receivedAt: Date): void {
    processed.inc({ source, topic, status });
    lag.observe({ source }, (Date.now() - receivedAt.getTime()) / 1000);
  }
}
