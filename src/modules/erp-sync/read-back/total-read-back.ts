import type { Logger } from '@nestjs/common';
import type { ErpAdapter } from '../../../adapters/erp/erp-adapter.port.js';
import type { ErpTarget } from '../erp-target.js';
import { countVariance } from '../posting-totals.js';
import type { ReadBackFound, TotalReadBackStore } from './total-read-back-store.js';

/** Rows per query: the SuiteQL page size, so one request answers a whole batch. */
const BATCH = 1000;
/** A document the ERP has not shown after this long is given up on (a deleted order), with a warning. */
const OVERDUE_MS = 10 * 60_000;

export interface TotalReadBackDeps {
  readonly store: TotalReadBackStore;
  readonly targets: () => Promise<ErpTarget[]>;
  /** Runs ERP calls for the target under its concurrency cap and rate limit, with its adapter. */
  readonly withAdapter: <T>(target: ErpTarget, key: string, work: (adapter: ErpAdapter) => Promise<T>) => Promise<T>;
  readonly adapterOf: (target: ErpTarget) => ErpAdapter;
  readonly intervalMs: number;
  /** How long after a landing the next read starts: landings meanwhile share its request. */
  readonly gatherMs: number;
  readonly logger: Logger;
}

/**
 * Reads the ERP's own totals of documents written without one (totalReadLater), many per
 * request, and keeps them on their postings with the variance, as the inline read would have.
 * It runs soon after a landing and on an interval; a failed read is tried again next round.
 */
export class TotalReadBack {
  private timer: NodeJS.Timeout | null = null;
  private soonTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: TotalReadBackDeps) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    await this.running;
  }

  /** A document was written without its total: read it within gatherMs, with whatever lands meanwhile. */
  soon(): void {
    if (this.soonTimer || this.stopped) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = null;
      this.kick();
    }, this.deps.gatherMs);
    this.soonTimer.unref();
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** One round over every target whose adapter reads totals in batches. */
  async round(): Promise<void> {
    let targets: ErpTarget[];
    try {
      targets = await this.deps.targets();
    } catch (err) {
      this.deps.logger.warn({ msg: 'total read-back could not list the targets', err: String(err) });
      return;
    }
    for (const target of targets) {
      if (!target.enabled || !this.deps.adapterOf(target).readTotals) continue;
      try {
        // A full batch may have more behind it; one that resolved nothing would only be read again.
        for (let r = await this.readBatch(target); !this.stopped && r.looked === BATCH && r.resolved > 0; r = await this.readBatch(target));
      } catch (err) {
        this.deps.logger.warn({ msg: 'ERP totals could not be read back; will try again', target: target.id, err: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Reads one batch: how many postings it looked at, and how many of them it settled. */
  private async readBatch(target: ErpTarget): Promise<{ looked: number; resolved: number }> {
    const pending = await this.deps.store.pending(target.id, BATCH, OVERDUE_MS);
    if (pending.length === 0) return { looked: 0, resolved: 0 };
    const read = await this.deps.withAdapter(target, 'total-read-back', (adapter) =>
      adapter.readTotals!(pending.map((p) => ({ internalId: p.internalId, currency: p.currency })), { idempotencyKey: `total-read-back:${target.id}` }));
    const found: ReadBackFound[] = [];
    const lost: string[] = [];
    for (const p of pending) {
      const total = read.get(p.internalId);
      if (total?.erpTotal && total.erpTotal.currency === p.currency) found.push({ postingId: p.postingId, erpTotal: total.erpTotal.amount, documentNumber: total.documentNumber });
      else if (total || p.overdue) lost.push(p.postingId);
    }
    const landed = await this.deps.store.landed(found);
    for (const l of landed) {
      countVariance(target.id, { erpTotal: l.erpTotal, currency: l.currency, expectedTotal: l.expectedTotal, variance: l.variance });
      if (l.variance !== 0n) {
        this.deps.logger.warn({ msg: 'ERP total differs from the document total', postingId: l.postingId, target: target.id, erpTotal: String(l.erpTotal), expectedTotal: String(l.expectedTotal), variance: String(l.variance), currency: l.currency });
      }
    }
    if (lost.length > 0) {
      await this.deps.store.giveUp(lost);
      this.deps.logger.warn({ msg: 'ERP total not readable or document not found; the posting stands without it', target: target.id, postings: lost.length });
    }
    return { looked: pending.length, resolved: found.length + lost.length };
  }
}
