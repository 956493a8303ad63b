import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { purgeOrphanJobs } from '../../platform/queue/orphan-jobs.js';
import { INGEST_QUEUE, PROCESS_INBOX_JOB, type ProcessInboxJob } from '../../platform/queue/queue-names.js';
import { ingestJobOptions } from './ingest-job-options.js';

/**
 * The queue is not the source of truth: rows still PENDING in PostgreSQL after a while are
 * enqueued again under their own job id. A job that still exists makes this a no-op; a
 * job Redis lost is recreated.
 */
@Injectable()
export class InboxSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InboxSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectQueue(INGEST_QUEUE) private readonly queue: Queue<ProcessInboxJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Re-enqueues pending rows older than one sweep interval; returns how many it offered. */
  async sweep(limit = 1000): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      if (await this.queueCoversPending()) return 0;
      const rows: { id: string; correlation_id: string }[] = await this.dataSource.query(
        `SELECT id, correlation_id FROM inbox
         WHERE status = 'PENDING' AND received_at < now() - ($1 * interval '1 millisecond')
         ORDER BY received_at LIMIT $2`,
        [this.config.sweepIntervalMs, limit],
      );
      if (rows.length === 0) return 0;
      await this.clearFailedJobs(rows.map((row) => row.id));
      await purgeOrphanJobs(this.queue, rows.map((row) => row.id));
      await this.queue.addBulk(
        rows.map((row) => ({
          name: PROCESS_INBOX_JOB,
          data: { inboxId: row.id, correlationId: row.correlation_id },
          opts: ingestJobOptions(row.id),
        })),
      );
      this.logger.log({ msg: 'swept pending inbox rows back onto the queue', rows: rows.length });
      return rows.length;
    } catch (error) {
      this.logger.warn({ msg: 'sweep failed; will try again', err: String(error) });
      return 0;
    } finally {
      this.running = false;
    }
  }

  /**
   * While a backlog drains, the queue holds a job for every pending row and re-offering
   * them all is wasted work. Only when the queue holds fewer jobs than there are pending
   * rows (Redis lost jobs, or an enqueue failed) is there anything to recover.
   */
  private async queueCoversPending(): Promise<boolean> {
    const [{ pending }] = await this.dataSource.query(`SELECT count(*)::int AS pending FROM inbox WHERE status = 'PENDING'`);
    if (pending === 0) return true;
    const counts = await this.queue.getJobCounts();
    return counts.waiting + counts.active + counts.delayed >= pending;
  }

  /**
   * A row still PENDING whose job sits in Bull's failed set (its final failure could not be
   * recorded) would never run again under the same job id; removing that job lets it.
   */
  private async clearFailedJobs(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const job = await this.queue.getJob(id);
      if (job && (await job.isFailed())) await job.remove();
    }
  }
}
