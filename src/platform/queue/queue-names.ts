/** Queue "ingest": one job per inbox row, job id = inbox id, so a second enqueue is a no-op. */
export const INGEST_QUEUE = 'ingest';
export const PROCESS_INBOX_JOB = 'process-inbox';

/** Job payloads are plain JSON: ids and the correlation id, never the body itself. */
export interface ProcessInboxJob {
  readonly inboxId: string;
  readonly correlationId: string;
}

/** Re-evaluate a held order from its latest delivery (after a mapping change). */
export const REDRIVE_ORDER_JOB = 'redrive-order';

export interface RedriveOrderJob {
  readonly orderId: string;
  readonly inboxId: string;
  readonly correlationId: string;
}
