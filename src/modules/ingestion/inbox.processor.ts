import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { withCorrelationId } from '../../platform/correlation/correlation.js';
import {
  INGEST_QUEUE, PROCESS_INBOX_JOB, REDRIVE_ORDER_JOB, type ProcessInboxJob, type RedriveOrderJob,
} from '../../platform/queue/queue-names.js';
import { InboxBatcher } from './inbox-batcher.js';
import { InboxProcessorService } from './inbox-processor.service.js';

/** Re-evaluations after a mapping change are few and each runs a transaction of its own. */
const REDRIVE_CONCURRENCY = 4;

/**
 * Bull consumer of the ingest queue; only registered where ROLE is worker or all. Handlers are
 * attached at bootstrap rather than by decorator, so the concurrency comes from the validated
 * configuration of this app instance.
 */
@Injectable()
export class InboxQueueProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(InboxQueueProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(INGEST_QUEUE) private readonly queue: Queue,
    @Inject(InboxProcessorService) private readonly processor: InboxProcessorService,
    @Inject(InboxBatcher) private readonly batcher: InboxBatcher,
  ) {}

  onApplicationBootstrap(): void {
    // Enough jobs active at once to fill the batcher's transactions.
    void this.queue.process(PROCESS_INBOX_JOB, this.config.ingestConcurrency, (job: Job<ProcessInboxJob>) => this.handle(job));
    void this.queue.process(REDRIVE_ORDER_JOB, REDRIVE_CONCURRENCY, (job: Job<RedriveOrderJob>) => this.redrive(job));
    this.queue.on('failed', (job: Job<ProcessInboxJob>, error: Error) => void this.failed(job, error));
  }

  handle(job: Job<ProcessInboxJob>): Promise<string> {
    return withCorrelationId(job.data.correlationId, () => this.batcher.submit(job.data.inboxId));
  }

  redrive(job: Job<RedriveOrderJob>): Promise<string> {
    return withCorrelationId(job.data.correlationId, () => this.processor.reapply(job.data.inboxId));
  }

  async failed(job: Job<ProcessInboxJob>, error: Error): Promise<void> {
    await withCorrelationId(job.data.correlationId, async () => {
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      this.logger.error({ msg: 'inbox job failed', inboxId: job.data.inboxId, attempt: job.attemptsMade, final, err: error.message });
      if (final) await this.processor.markFailed(job.data.inboxId, error.message);
    });
  }
}
