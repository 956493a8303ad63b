import type { Logger } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { purgeOrphanJobs } from '../../platform/queue/orphan-jobs.js';
import type { ErpTarget } from './erp-target.js';
import type { ErpTargetsService } from './erp-targets.service.js';
import type { PostingStore } from './posting-store.js';

export interface PostingJob {
  readonly postingId: string;
}

/** Without notifications (the embedded database, or the listener is down) the relay polls this often. */
const POLL_MS = 100;
/** With them, the timer only catches what nobody announces: jobs Redis lost, stuck postings. */
const BACKSTOP_MS = 1000;

/** A job id per attempt: offering the same attempt twice is a no-op in Bull. */
function jobOptions(postingId: string, attempts: number, delayMs = 0): JobOptions {
  return { jobId: `posting:${postingId}:${attempts}`, delay: delayMs, removeOnComplete: true, removeOnFail: true, attempts: 1 };
}

/**
 * Moves due postings (PostgreSQL is the source of truth) onto their target's Bull queue.
 * A pass runs when a notification says postings were released or replayed, and on a timer.
 * Each job is offered once and again only after `reofferAfterMs` (it may have been lost
 * with Redis): re-offering a whole backlog on every pass is Redis work that starves the
 * ERP calls of CPU.
 */
export class PostingRelay {
  /** Job id → when this process offered it, oldest first. */
  private readonly offered = new Map<string, number>();
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: PostingStore,
    private readonly targets: ErpTargetsService,
    private readonly queueFor: (target: ErpTarget) => Queue<PostingJob>,
    private readonly settings: { readonly reofferAfterMs: number; readonly stuckAfterMs: number },
    private readonly logger: Logger,
  ) {}

  /** `listening`: whether notifications arrive, so the timer may be slow. */
  start(listening: () => boolean): void {
    const tick = (): void => {
      this.timer = setTimeout(() => void this.pass(true).finally(tick), listening() ? BACKSTOP_MS : POLL_MS);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Postings may be due now: a pass soon, one at a time, none lost while one runs. */
  kick(): void {
    void this.pass(false);
  }

  /** A retry's job is queued with its delay at once, so it does not wait for a relay pass. */
  async offerLater(target: ErpTarget, postingId: string, attempts: number, delayMs: number): Promise<void> {
    try {
      const options = jobOptions(postingId, attempts, delayMs);
      await this.queueFor(target).add({ postingId }, options);
      this.offered.set(options.jobId as string, Date.now());
    } catch (error) {
      this.logger.warn({ msg: 'could not queue a retry; the relay will', postingId, err: String(error) });
    }
  }

  /** The job ran (Bull has removed it): the next pass may offer that attempt again, e.g. after a replay. */
  ran(jobId: string): void {
    this.offered.delete(jobId);
  }

  private async pass(recover: boolean): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.once(recover);
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  private async once(recover: boolean): Promise<void> {
    try {
      if (recover) {
        const recovered = await this.store.recoverStuck(this.settings.stuckAfterMs);
        if (recovered > 0) this.logger.warn({ msg: 'took back postings whose worker stopped renewing them; each is looked up in the ERP first', postings: recovered });
      }
      const now = Date.now();
      for (const [jobId, at] of this.offered) {
        if (now - at < this.settings.reofferAfterMs) break;
        this.offered.delete(jobId);
      }
      const byTarget = new Map<string, { postingId: string; attempts: number }[]>();
      for (const row of await this.store.due(1000)) {
        if (this.offered.has(`posting:${row.id}:${row.attempts}`)) continue;
        const rows = byTarget.get(row.target_id) ?? [];
        rows.push({ postingId: row.id, attempts: row.attempts });
        byTarget.set(row.target_id, rows);
      }
      for (const [targetId, rows] of byTarget) {
        const target = await this.targets.get(targetId);
        if (!target?.enabled) continue;
        const jobs = rows.map((row) => ({ data: { postingId: row.postingId }, opts: jobOptions(row.postingId, row.attempts) }));
        const queue = this.queueFor(target);
        await purgeOrphanJobs(queue, jobs.map((job) => job.opts.jobId as string));
        await queue.addBulk(jobs);
        for (const job of jobs) this.offered.set(job.opts.jobId as string, now);
      }
    } catch (error) {
      this.logger.warn({ msg: 'posting relay failed; will try again', err: String(error) });
    }
  }
}
