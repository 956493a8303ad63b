import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InboxStatus } from './inbox/inbox-status.js';
import { InboxProcessorService } from './inbox-processor.service.js';

interface Waiting {
  readonly inboxId: string;
  readonly resolve: (status: InboxStatus | 'SKIPPED') => void;
  readonly reject: (error: unknown) => void;
}

/** Rows per transaction, and transactions in flight at once per process. */
const BATCH_SIZE = 50;
const PARALLEL_BATCHES = 2;

/**
 * Group commit on the worker side: jobs that are active at the same time are applied in
 * one transaction, so a round trip to PostgreSQL is paid per batch rather than per row.
 * If a batch fails, its rows are retried one by one, so one bad row fails alone.
 */
@Injectable()
export class InboxBatcher {
  private readonly logger = new Logger(InboxBatcher.name);
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(@Inject(InboxProcessorService) private readonly processor: InboxProcessorService) {}

  submit(inboxId: string): Promise<InboxStatus | 'SKIPPED'> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ inboxId, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < PARALLEL_BATCHES && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, BATCH_SIZE);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /**
   * A row alone goes through process(), which turns a data error PostgreSQL raises for that
   * row into a REJECTED row instead of a retry; so does each row of a batch that failed.
   */
  private async run(batch: Waiting[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.processor.processBatch(batch.map((w) => w.inboxId));
        for (const waiting of batch) waiting.resolve(results.get(waiting.inboxId) ?? 'SKIPPED');
        return;
      } catch (error) {
        this.logger.warn({ msg: 'batch failed; applying its rows one by one', rows: batch.length, err: String(error) });
      }
    }
    for (const waiting of batch) {
      await this.processor.process(waiting.inboxId).then(waiting.resolve, waiting.reject);
    }
  }
}
