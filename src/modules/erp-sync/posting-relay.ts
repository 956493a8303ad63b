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
function jobIdOf(postingId: string, attempts: number): string {
  return `posting:${postingId}:${attempts}`;
}

function jobOptions(postingId: string, attempts: number, delayMs = 0): JobOptions {
  return { jobId: jobIdOf(postingId, attempts), delay: delayMs, removeOnComplete: true, removeOnFail: true, attempts: 1 };
}

/** `target/posting/attempts` as POSTINGS_DUE_CHANNEL carries it; null for anything else. */
export function parseDuePayload(payload: string): { targetId: string; postingId: string; attempts: number } | null {
  const match = /^([a-z0-9][a-z0-9-]{0,62})\/([0-9a-f-]{36})\/(\d{1,9})$/.exec(payload);
  return match ? { targetId: match[1], postingId: match[2], attempts: Number(match[3]) } : null;
}

/**
 * Moves due postings (PostgreSQL is the source of truth) onto their target's Bull queue.
 * A notification naming a posting queues that posting at once, without reading the table;
 * a pass over the due postings runs when a notification says only "look" (and on a timer),
 * for what nobody announced: jobs Redis lost, stuck postings, targets switched on.
 * Each job is offered once and again only after `reofferAfterMs`, and then only while the
 * queue holds fewer jobs than there are due postings (some may have been lost with Redis):
 * re-offering a whole backlog on every pass is Redis work that starves the ERP calls of CPU.
 */
export class PostingRelay {
  /** Job id → when this process offered it, oldest first. */
  private readonly offered = new Map<string, number>();
  private running = false;
  private again = false;
  /** Whether a pass asked for while one ran wanted recovery too. */
  private againRecover = false;
  private timer: NodeJS.Timeout | null = null;
  /** Postings announced by notifications, queued together on the next turn of the event loop. */
  private announced: { targetId: string; postingId: string; attempts: number }[] = [];
  private flushing: Promise<void> | null = null;

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

  /** A notification: one posting that is due now (queued with the others heard meanwhile), or '' for a pass. */
  heard(payload: string): void {
    const due = parseDuePayload(payload);
    if (!due) {
      this.kick();
      return;
    }
    this.announced.push(due);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush()).finally(() => {
      this.flushing = null;
    });
  }

  /** Until nothing is left: postings announced while a batch is being queued form the next batch. */
  private async flush(): Promise<void> {
    while (this.announced.length > 0) await this.flushBatch();
  }

  private async flushBatch(): Promise<void> {
    const batch = this.announced;
    this.announced = [];
    const byTarget = new Map<string, { postingId: string; attempts: number }[]>();
    const early: typeof batch = [];
    for (const due of batch) {
      // A posting tried before may have a job waiting out its retry delay (queued by this
      // process or another); a new one has none.
      if (due.attempts > 0) early.push(due);
      else if (!this.offered.has(jobIdOf(due.postingId, due.attempts))) byTarget.set(due.targetId, [...(byTarget.get(due.targetId) ?? []), due]);
    }
    const attempts = [
      ...[...byTarget].map(([targetId, rows]) => () => this.offer(targetId, rows, Date.now())),
      ...early.map((due) => () => this.bringForward(due)),
    ];
    for (const attempt of attempts) {
      try {
        await attempt();
      } catch (error) {
        // The timer's pass finds them in PostgreSQL.
        this.logger.warn({ msg: 'could not queue announced postings; the relay will look for them', err: String(error) });
      }
    }
  }

  /** Offered now; kept in offering order (a re-offer moves to the end), which the stale scan relies on. */
  private markOffered(jobId: string, at: number): void {
    this.offered.delete(jobId);
    this.offered.set(jobId, at);
  }

  private async offer(targetId: string, rows: readonly { postingId: string; attempts: number }[], now: number): Promise<void> {
    const target = await this.targets.get(targetId);
    if (!target?.enabled) return;
    const jobs = rows.map((row) => ({ data: { postingId: row.postingId }, opts: jobOptions(row.postingId, row.attempts) }));
    const queue = this.queueFor(target);
    await purgeOrphanJobs(queue, jobs.map((job) => job.opts.jobId as string));
    await queue.addBulk(jobs);
    for (const job of jobs) this.markOffered(job.opts.jobId as string, now);
  }

  /**
   * Announced again after an attempt: the cause of its wait went away (its sales order
   * landed, a replay), so its job runs now, even one already waiting out a retry delay.
   */
  private async bringForward(due: { targetId: string; postingId: string; attempts: number }): Promise<void> {
    const target = await this.targets.get(due.targetId);
    if (!target?.enabled) return;
    const queue = this.queueFor(target);
    const options = jobOptions(due.postingId, due.attempts);
    // Added first, then looked at: a delayed copy queued at any moment is either there to
    // promote now or finds ours and is not added.
    await queue.add({ postingId: due.postingId }, options);
    this.markOffered(options.jobId as string, Date.now());
    const job = await queue.getJob(options.jobId as string);
    // Bull may promote it itself meanwhile; then there is nothing left to do.
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }

  /** A retry's job is queued with its delay at once, so it does not wait for a relay pass. */
  async offerLater(target: ErpTarget, postingId: string, attempts: number, delayMs: number): Promise<void> {
    try {
      const options = jobOptions(postingId, attempts, delayMs);
      await this.queueFor(target).add({ postingId }, options);
      this.markOffered(options.jobId as string, Date.now());
    } catch (error) {
      this.logger.warn({ msg: 'could not queue a retry; the relay will', postingId, err: String(error) });
    }
  }

  /** The job ran (Bull has removed it): the next pass may offer that attempt again, e.g. after a replay. */
  ran(jobId: string): void {
    this.offered.delete(jobId);
  }

  private async queueIsShort(targetId: string, due: number): Promise<boolean> {
    const target = await this.targets.get(targetId);
    if (!target?.enabled) return false;
    // Paused jobs count too: a paused queue still holds them.
    return (await this.queueFor(target).getJobCountByTypes(['waiting', 'paused', 'active', 'delayed'])) < due;
  }

  private async pass(recover: boolean): Promise<void> {
    if (this.running) {
      this.again = true;
      this.againRecover ||= recover;
      return;
    }
    this.running = true;
    try {
      let withRecovery = recover;
      do {
        this.again = false;
        this.againRecover = false;
        await this.once(withRecovery);
        withRecovery = this.againRecover;
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
      const stale = new Set<string>();
      for (const [jobId, at] of this.offered) {
        if (now - at < this.settings.reofferAfterMs) break;
        stale.add(jobId);
      }
      const byTarget = new Map<string, { postingId: string; attempts: number; jobId: string }[]>();
      for (const row of await this.store.due(1000)) {
        const rows = byTarget.get(row.target_id) ?? [];
        rows.push({ postingId: row.id, attempts: row.attempts, jobId: jobIdOf(row.id, row.attempts) });
        byTarget.set(row.target_id, rows);
      }
      for (const [targetId, rows] of byTarget) {
        const unoffered = rows.filter((row) => !this.offered.has(row.jobId));
        const old = rows.filter((row) => stale.has(row.jobId));
        // Offered a while ago and still due: most likely waiting in a backlog. Only a queue
        // holding fewer jobs than there are due postings can have lost some.
        const lost = old.length > 0 && (await this.queueIsShort(targetId, rows.length));
        for (const row of old) this.offered.delete(row.jobId);
        await this.offer(targetId, lost ? [...unoffered, ...old] : unoffered, now);
        if (!lost) for (const row of old) this.markOffered(row.jobId, now);
      }
      for (const jobId of stale) if (this.offered.get(jobId) !== now) this.offered.delete(jobId);
    } catch (error) {
      this.logger.warn({ msg: 'posting relay failed; will try again', err: String(error) });
    }
  }
}
