import type { Logger } from '@nestjs/common';
import type { PostingStore } from './posting-store.js';

/**
 * The postings this process has IN_FLIGHT, renewed a few times per POSTING_STUCK_AFTER_MS.
 * A posting nobody renews belonged to a process that died mid-call, and only such a posting
 * is taken back: a live one may wait for a semaphore slot or a slow ERP far longer than the
 * recovery delay without being sent twice.
 */
export class InFlightLeases {
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: PostingStore,
    private readonly stuckAfterMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.renew(), Math.max(250, Math.floor(this.stuckAfterMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async hold<T>(postingId: string, work: () => Promise<T>): Promise<T> {
    this.held.add(postingId);
    try {
      return await work();
    } finally {
      this.held.delete(postingId);
    }
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.store.renew([...this.held]);
    } catch (error) {
      this.logger.warn({ msg: 'could not renew in-flight postings; will try again', err: String(error) });
    }
  }
}
