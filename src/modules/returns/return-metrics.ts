import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { metricsRegistry } from '../../platform/metrics/registry.js';

const events = new Counter({
  name: 'hub_return_events_total',
  help: 'Return events by source, kind and outcome (APPLIED, DUPLICATE, REFUSED)',
  labelNames: ['source', 'kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

const cycle = new Histogram({
  name: 'hub_return_cycle_seconds',
  help: 'From a return case opening (RMA, receipt or refund) to its ERP credit, per channel',
  labelNames: ['channel'] as const,
  buckets: [3600, 6 * 3600, 86_400, 2 * 86_400, 4 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400, 60 * 86_400],
  registers: [metricsRegistry],
});

/** Read at scrape time, so it is right whichever process moved the refunds. */
let countExceptions: (() => Promise<number>) | null = null;
new Gauge({
  name: 'hub_refund_exceptions',
  help: 'Refunds held or failed, or whose money moved over REFUND_SETTLEMENT_DAYS ago with no settlement',
  registers: [metricsRegistry],
  async collect() {
    if (countExceptions) this.set(await countExceptions().catch(() => Number.NaN));
  },
});

/** Metrics live at module scope: one registration per process, however many app instances. */
@Injectable()
export class ReturnMetrics {
  constructor(@Inject(DataSource) dataSource: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    countExceptions = async () => {
      const [row]: { n: number }[] = await dataSource.query(
        `SELECT count(*)::int AS n FROM return_refunds r
         WHERE r.state IN ('HELD', 'FAILED')
            OR (r.state IN ('READY', 'CREDITED') AND r.settled_at IS NULL AND r.processed_at < now() - make_interval(days => $1))`,
        [config.refundSettlementDays],
      );
      return row.n;
    };
  }

  event(source: string, kind: string, outcome: string): void {
    events.inc({ source, kind, outcome });
  }

  completed(channel: string, openedAt: Date, completedAt: Date): void {
    cycle.observe({ channel }, Math.max(0, (completedAt.getTime() - openedAt.getTime()) / 1000));
  }
}
