import type { JobOptions } from 'bull';

/**
 * The job id is the inbox id, so enqueueing the same row twice (request path and
 * sweeper) is a no-op. Completed jobs are dropped; failed ones stay for inspection.
 */
export function ingestJobOptions(inboxId: string): JobOptions {
  return {
    jobId: inboxId,
    attempts: 5,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: true,
    removeOnFail: false,
  };
}
