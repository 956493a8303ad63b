import type { Logger } from '@nestjs/common';

/** Whatever keeps the owner's IN_FLIGHT rows fresh (OutboxSql.renew on its table). */
export interface LeaseRenewal {
  renew(ids: readonly string[]): Promise<void>;
}

/**
 * The outbox rows this process has IN_FLIGHT, renewed a few times per stuckAfterMs. A row
 * nobody renews belonged to a process that died mid-call, and only such a row
 * is taken back: a live one may wait for a semaphore slot or a slow ERP far longer than the
 * recovery delay without being sent twice.
 */
export class InFlightLeases {
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: LeaseRenewal,
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

  async hold<T>(id: string, work: () => Promise<T>): Promise<T> {
    this.held.add(id);
    try {
      return await work();
    } finally {
      this.held.delete(id);
    }
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.store.renew([...this.held]);
    } catch (error) {
      this.logger.warn({ msg: 'could not renew in-flight outbox rows; will try again', err: String(error) });
    }
  }
}
