import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { INGEST_QUEUE, REDRIVE_ORDER_JOB, type RedriveOrderJob } from '../../platform/queue/queue-names.js';
import { MappingCache, type MappingChange, type MappingGroup } from '../master-data/mapping-cache.js';
import { HeldOrderScan, type HeldDelivery, type ScanOptions, type ScanResult } from './held-order-scan.js';

/** Above this many mappings changed between two sweeps, the sweep scans every held order instead. */
const MAX_SWEEP_GROUPS = 5000;
/** Changes come in bursts (an import); one pass shortly after covers them all. */
const DEBOUNCE_MS = 50;

const NOTHING: ScanResult = { orders: 0, batches: 0, longestBatchMs: 0, complete: false };

/** Batch size and statement timeout of one pass; the stop signal is the redriver's own. */
export type PassOptions = Omit<ScanOptions, 'signal'>;

/**
 * Releases orders held for unmapped identifiers once their mappings exist, without anyone
 * retrying them, by queueing their latest delivery for re-evaluation under a deterministic
 * job id.
 * - At start-up, every held order is looked at (mappings may have changed while no worker ran).
 * - A mapping change (heard locally or over pub/sub) looks only at the orders held on the
 *   keys it changed.
 * - A sweep on every interval looks at the keys of the mappings begun since the last good
 *   pass, should a message have been lost.
 * Passes run one at a time, in batches (see HeldOrderScan), and stop at the next batch on
 * shutdown.
 */
@Injectable()
export class HeldOrderRedriver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HeldOrderRedriver.name);
  private readonly scan: HeldOrderScan;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private readonly changed = new Map<string, MappingGroup>();
  private changedAll = false;
  private sweeping = false;
  private flushQueued = false;
  /** Database time before which every mapping change has been acted on; null: nothing yet, so everything. */
  private coveredUntil: string | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @InjectQueue(INGEST_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MappingCache) private readonly cache: MappingCache,
  ) {
    this.scan = new HeldOrderScan(dataSource);
  }

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
    this.cache.onChange((change) => this.heard(change));
  }

  /** Stops the pass in hand at its next batch and waits for it (one batch at most). */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    await this.tail;
  }

  /** Queues re-evaluation of every held order that has a missing key now mapped. */
  redriveAll(options: PassOptions = {}): Promise<ScanResult> {
    return this.exclusive('all held orders', () => this.scan.all(this.enqueue, this.options(options)));
  }

  /** The same, for the orders held on these keys only. */
  redriveKeys(groups: readonly MappingGroup[], options: PassOptions = {}): Promise<ScanResult> {
    if (groups.length === 0) return Promise.resolve({ orders: 0, batches: 0, longestBatchMs: 0, complete: true });
    return this.exclusive('orders held on changed keys', () => this.scan.keys(groups, this.enqueue, this.options(options)));
  }

  private heard(change: MappingChange): void {
    if (change === 'all') this.changedAll = true;
    else for (const g of change) this.changed.set(JSON.stringify([g.kind, g.channel, g.sourceValue]), g);
    this.pending ??= setTimeout(() => {
      this.pending = null;
      this.flush();
    }, DEBOUNCE_MS);
  }

  /** One pass waiting at most: changes heard while it waits join it. */
  private flush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    void this.exclusive('orders held on changed keys', () => {
      this.flushQueued = false;
      const all = this.changedAll;
      const groups = [...this.changed.values()];
      this.changedAll = false;
      this.changed.clear();
      return all ? this.scan.all(this.enqueue, this.options({})) : this.scan.keys(groups, this.enqueue, this.options({}));
    });
  }

  /** The backstop: everything until a pass has covered it, then the mappings begun since. */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.exclusive('sweep', async () => {
        const { at, groups } = await this.scan.changedSince(this.coveredUntil, MAX_SWEEP_GROUPS);
        const options = this.options({});
        const result = groups === null ? await this.scan.all(this.enqueue, options) : await this.scan.keys(groups, this.enqueue, options);
        if (result.complete) this.coveredUntil = at;
        return result;
      });
    } finally {
      this.sweeping = false;
    }
  }

  /** One pass at a time; a failed pass is logged and left to the next sweep. */
  private exclusive(label: string, pass: () => Promise<ScanResult>): Promise<ScanResult> {
    const run = this.tail.then(async () => {
      if (this.stopping.signal.aborted) return NOTHING;
      try {
        const result = await pass();
        if (result.orders > 0) this.logger.log({ msg: 'queued held orders for re-evaluation after mapping changes', pass: label, orders: result.orders });
        return result;
      } catch (error) {
        this.logger.warn({ msg: 'held-order scan failed; the next sweep tries again', pass: label, err: String(error) });
        return NOTHING;
      }
    });
    this.tail = run;
    return run;
  }

  private options(options: PassOptions): ScanOptions {
    return { ...options, signal: this.stopping.signal };
  }

  private readonly enqueue = async (deliveries: readonly HeldDelivery[]): Promise<void> => {
    // The queue may already be closing; whatever is left is found again at the next start.
    if (this.stopping.signal.aborted) return;
    await this.queue.addBulk(
      deliveries.map((d) => ({
        name: REDRIVE_ORDER_JOB,
        data: { orderId: d.orderId, inboxId: d.inboxId, correlationId: d.correlationId } satisfies RedriveOrderJob,
        opts: { jobId: `redrive:${d.orderId}:${d.inboxId}`, attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: true },
      })),
    );
  };
}
