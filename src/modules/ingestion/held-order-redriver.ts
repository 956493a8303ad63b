import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { INGEST_QUEUE, REDRIVE_ORDER_JOB, type RedriveOrderJob } from '../../platform/queue/queue-names.js';
import { MappingCache } from '../master-data/mapping-cache.js';

/**
 * Releases orders held for unmapped identifiers once their mappings exist, without anyone
 * retrying them. A mapping change (heard locally or over pub/sub) triggers a scan at once;
 * a scan on every sweep interval covers a missed message. The scan asks PostgreSQL which
 * held orders now have a current mapping for a missing key and queues their latest
 * delivery for re-evaluation under a deterministic job id.
 */
@Injectable()
export class HeldOrderRedriver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HeldOrderRedriver.name);
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private running = false;
  private lastScan: Date | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectQueue(INGEST_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MappingCache) private readonly cache: MappingCache,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.scan(), this.config.sweepIntervalMs);
    this.timer.unref();
    // Changes often come in bursts (an import); one scan shortly after covers them all.
    this.cache.onChange(() => {
      this.pending ??= setTimeout(() => {
        this.pending = null;
        void this.scan();
      }, 50);
    });
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
  }

  /** Queues re-evaluation of held orders whose missing keys are now mapped; returns how many. */
  async scan(limit = 500): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      // Only mappings changed since the last good scan (with a margin) can release anything
      // new; the first scan after start-up looks at all of them, for changes made while no
      // worker ran.
      const startedAt = new Date();
      const since = this.lastScan ? new Date(this.lastScan.getTime() - 60_000) : null;
      const rows: { order_id: string; inbox_id: string; correlation_id: string }[] = await this.dataSource.query(
        `SELECT DISTINCT ON (o.id) o.id AS order_id, e.inbox_id, i.correlation_id
         FROM (SELECT DISTINCT u.order_id
               FROM mappings m JOIN order_unmapped_keys u
                 ON u.kind = m.kind AND u.channel = m.channel
                AND (u.source_value = m.source_value OR (m.kind = 'CUSTOMER' AND m.source_value = '*'))
                AND (m.account IS NULL OR m.account = u.account)
               WHERE m.valid_to IS NULL AND NOT m.retired AND ($2::timestamptz IS NULL OR m.valid_from > $2)) held
         JOIN orders o ON o.id = held.order_id AND o.status = 'ON_HOLD'
         JOIN order_source_events e ON e.order_id = o.id AND e.outcome = 'APPLIED'
         JOIN inbox i ON i.id = e.inbox_id
         ORDER BY o.id, e.id DESC
         LIMIT $1`,
        [limit, since],
      );
      if (rows.length < limit) this.lastScan = startedAt;
      if (rows.length === 0) return 0;
      await this.queue.addBulk(
        rows.map((row) => ({
          name: REDRIVE_ORDER_JOB,
          data: { orderId: row.order_id, inboxId: row.inbox_id, correlationId: row.correlation_id } satisfies RedriveOrderJob,
          opts: { jobId: `redrive:${row.order_id}:${row.inbox_id}`, attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: true },
        })),
      );
      this.logger.log({ msg: 'queued held orders for re-evaluation after mapping changes', orders: rows.length });
      return rows.length;
    } catch (error) {
      this.logger.warn({ msg: 'held-order scan failed; will try again', err: String(error) });
      return 0;
    } finally {
      this.running = false;
    }
  }
}
