import type { Logger } from '@nestjs/common';
import type { OutboxClaim } from './outbox-attempt.js';

export interface OutboxPollerOptions<C extends OutboxClaim> {
  /** Claims up to `limit` due rows (OutboxSql.claimBatch on the owner's table). */
  claim(limit: number): Promise<C[]>;
  /** Takes back rows IN_FLIGHT for longer than stuckAfterMs (OutboxSql.recoverStuck). */
  recoverStuck(stuckAfterMs: number): Promise<number>;
  /** One attempt of a claimed row (attemptDelivery with the owner's transport). */
  attempt(claim: C): Promise<unknown>;
  readonly pollMs: number;
  readonly batch: number;
  readonly stuckAfterMs: number;
  /** How often the stuck-row sweep runs. */
  readonly recoverEveryMs: number;
  readonly logger: Logger;
  /** Names the outbox in the log line of a failed round. */
  readonly name: string;
}

/**
 * The claim loop of an outbox that PostgreSQL alone queues: every pollMs, one round at a time,
 * take back stuck rows now and then, claim a batch with SKIP LOCKED and attempt every row of it.
 * For a few rows per order; an outbox with hundreds per second has a relay in front (postings).
 */
export class OutboxPoller<C extends OutboxClaim> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private lastRecovery = 0;

  constructor(private readonly options: OutboxPollerOptions<C>) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = null));
    }, this.options.pollMs);
    this.timer.unref();
  }

  /** Stops polling and waits for the round in hand. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round; returns how many rows were attempted. */
  async tick(): Promise<number> {
    const o = this.options;
    try {
      if (Date.now() - this.lastRecovery > o.recoverEveryMs) {
        this.lastRecovery = Date.now();
        await o.recoverStuck(o.stuckAfterMs);
      }
      const batch = await o.claim(o.batch);
      await Promise.all(batch.map((claim) => o.attempt(claim)));
      return batch.length;
    } catch (error) {
      o.logger.warn({ msg: `${o.name} round failed; will try again`, err: String(error) });
      return 0;
    }
  }
}
