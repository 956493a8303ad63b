import { Inject, Logger } from '@nestjs/common';
import { OnQueueFailed, Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { withCorrelationId } from '../../platform/correlation/correlation.js';
import {
  INGEST_QUEUE, PROCESS_INBOX_JOB, REDRIVE_ORDER_JOB, type ProcessInboxJob, type RedriveOrderJob,
} from '../../platform/queue/queue-names.js';
import { InboxBatcher } from './inbox-batcher.js';
import { InboxProcessorService } from './inbox-processor.service.js';

/** Bull consumer of the ingest queue; only registered where ROLE is worker or all. */
@Processor(INGEST_QUEUE)
export class InboxQueueProcessor {
  private readonly logger = new Logger(InboxQueueProcessor.name);

  constructor(
    @Inject(InboxProcessorService) private readonly processor: InboxProcessorService,
    @Inject(InboxBatcher) private readonly batcher: InboxBatcher,
  ) {}

  /** Enough jobs active at once to fill the batcher's transactions; main.ts sets the validated value. */
  @Process({ name: PROCESS_INBOX_JOB, concurrency: Number(process.env.INGEST_CONCURRENCY ?? 100) })
  handle(job: Job<ProcessInboxJob>): Promise<string> {
    return withCorrelationId(job.data.correlationId, () => this.batcher.submit(job.data.inboxId));
  }

  @Process({ name: REDRIVE_ORDER_JOB, concurrency: 4 })
  redrive(job: Job<RedriveOrderJob>): Promise<string> {
    return withCorrelationId(job.data.correlationId, () => this.processor.reapply(job.data.inboxId));
  }

  @OnQueueFailed()
  async failed(job: Job<ProcessInboxJob>, error: Error): Promise<void> {
    await withCorrelationId(job.data.correlationId, async () => {
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      this.logger.error({ msg: 'inbox job failed', inboxId: job.data.inboxId, attempt: job.attemptsMade, final, err: error.message });
      if (final) await this.processor.markFailed(job.data.inboxId, error.message);
    });
  }
}
