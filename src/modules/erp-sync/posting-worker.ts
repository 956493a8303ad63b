import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import Bull, { type Queue } from 'bull';
import { Redis } from 'ioredis';
import { DeliveryError, type ErpAdapter } from '../../adapters/erp/erp-adapter.port.js';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { withCorrelationId } from '../../platform/correlation/correlation.js';
import { redisOptionsFromUrl } from '../../platform/queue/redis-options.js';
import { RedisSemaphores, takeRateSlot } from '../../platform/queue/redis-semaphore.js';
import { ErpAdapterFactory } from './erp-adapter-factory.js';
import type { ErpTarget } from './erp-target.js';
import { ErpTargetsService } from './erp-targets.service.js';
import { InFlightLeases } from '../../platform/outbox/in-flight-leases.js';
import { attemptDelivery, type OutboxTransport } from '../../platform/outbox/outbox-attempt.js';
import type { Money } from '../../canonical/money.js';
import type { DeliveredRef } from '../../platform/delivery/document-builder.js';
import { countVariance, postedTotals } from './posting-totals.js';
import { DuplicateScan } from './duplicates/duplicate-scan.js';
import { KeyWatchStore } from './duplicates/key-watch-store.js';
import { TotalReadBack } from './read-back/total-read-back.js';
import { TotalReadBackStore } from './read-back/total-read-back-store.js';

/** The code of a look-up that found nothing yet and will look again before sending. */
const LOOKUP_PENDING = 'LOOKUP_PENDING';
import { PostingRelay, type PostingJob } from './posting-relay.js';
import { PostingStore, type ClaimedPosting } from './posting-store.js';
import { PostingDocuments } from './posting-documents.js';
import { PostingsDueListener } from './postings-due-listener.js';

/**
 * Jobs a process runs per target: twice the cap, so that while the cap's worth call the ERP,
 * as many more are building their documents or writing down the last outcome, and a freed
 * slot finds a document ready. The Redis semaphore still bounds the calls at the cap.
 */
const JOBS_PER_SLOT = 2;

/**
 * After an ambiguous outcome a document not found by its key is looked up again, at the growing
 * delays of the retries, until this many target timeouts have passed; only then is it sent again.
 * A request the client gave up on can still commit meanwhile; one that commits later still is the
 * duplicate scan's (duplicates/duplicate-scan.ts).
 */
const LOOKUP_COVER_TIMEOUTS = 2;

/** Totals of documents written within this long of each other are read with one request. */
const READ_BACK_GATHER_MS = 250;

/**
 * The worker side of ERP sync. A relay moves due postings (PostgreSQL is the source of
 * truth) onto a Bull queue per target under deterministic job ids; each target's queue is
 * consumed with its concurrency cap, held across every worker process by a Redis
 * semaphore, and paced by its rate limit. Each job claims its posting with a guarded
 * UPDATE, so a duplicate or stale job does nothing.
 */
@Injectable()
export class PostingWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PostingWorker.name);
  private readonly queues = new Map<string, Queue<PostingJob>>();
  private readonly adapters = new ErpAdapterFactory();
  private readonly holder = randomUUID();
  /** Who claimed a posting, as operators find the process: host and pid. */
  private readonly worker = `${hostname()}:${process.pid}`;
  private redis: Redis | null = null;
  private semaphores: RedisSemaphores | null = null;
  private readonly leases: InFlightLeases;
  private readonly relay: PostingRelay;
  private readonly listener: PostingsDueListener | null;
  private readonly duplicates: DuplicateScan;
  private readonly readBack: TotalReadBack;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PostingStore) private readonly store: PostingStore,
    @Inject(ErpTargetsService) private readonly targets: ErpTargetsService,
    @Inject(PostingDocuments) private readonly documents: PostingDocuments,
    @Inject(KeyWatchStore) private readonly watches: KeyWatchStore,
    @Inject(TotalReadBackStore) readBackStore: TotalReadBackStore,
  ) {
    this.leases = new InFlightLeases(store, config.postingStuckAfterMs, this.logger);
    this.relay = new PostingRelay(store, targets, (target) => this.queueFor(target), {
      reofferAfterMs: config.sweepIntervalMs, stuckAfterMs: config.postingStuckAfterMs,
    }, this.logger);
    // The embedded database serves this process alone: the relay polls it.
    this.listener = config.databaseUrl ? new PostingsDueListener(config.databaseUrl, (payload) => this.relay.heard(payload), this.logger) : null;
    this.duplicates = new DuplicateScan({
      store: watches, target: (id) => targets.get(id), targets: () => targets.list(), withAdapter: (target, key, work) => this.withSlot(target, key, work),
      intervalMs: config.duplicateScanIntervalMs, fullScanIntervalMs: config.duplicateFullScanIntervalMs, logger: this.logger,
    });
    this.readBack = new TotalReadBack({
      store: readBackStore, targets: () => targets.list(), withAdapter: (target, key, work) => this.withSlot(target, key, work),
      adapterOf: (target) => this.adapters.forTarget(target), intervalMs: config.totalReadBackIntervalMs, gatherMs: READ_BACK_GATHER_MS, logger: this.logger,
    });
  }

  onApplicationBootstrap(): void {
    this.redis = new Redis({ ...redisOptionsFromUrl(this.config.redisUrl), maxRetriesPerRequest: null });
    this.redis.on('error', (error: Error) => this.logger.warn({ msg: 'ERP sync Redis error', err: error.message }));
    this.semaphores = new RedisSemaphores(this.redis, redisOptionsFromUrl(this.config.redisUrl), (err) => this.logger.warn({ msg: 'ERP slot semaphore', err }));
    this.relay.start(() => this.listener?.listening ?? false);
    void this.listener?.start();
    this.leases.start();
    this.duplicates.start();
    this.readBack.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.relay.stop();
    await this.listener?.stop();
    this.leases.stop();
    await this.duplicates.stop();
    await this.readBack.stop();
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    this.semaphores?.close();
    this.redis?.disconnect();
  }

  private queueFor(target: ErpTarget): Queue<PostingJob> {
    let queue = this.queues.get(target.id);
    if (!queue) {
      queue = new Bull<PostingJob>(`erp-${target.id}`, { redis: redisOptionsFromUrl(this.config.redisUrl), prefix: this.config.queuePrefix });
      void queue.process(target.concurrencyCap * JOBS_PER_SLOT, (job) => this.post(job.data.postingId).finally(() => this.relay.ran(String(job.id))));
      queue.on('error', (error: Error) => this.logger.warn({ msg: 'ERP queue error', target: target.id, err: error.message }));
      this.queues.set(target.id, queue);
    }
    return queue;
  }

  /**
   * Throws (AMBIGUOUS, LOOKUP_PENDING: looked up again after the next, longer delay) while the
   * posting's last ambiguous outcome is more recent than the cover; returns when it may be sent.
   */
  private async lookedLongEnough(posting: ClaimedPosting, target: ErpTarget): Promise<void> {
    const since = await this.watches.sinceAmbiguous(posting.id);
    const cover = LOOKUP_COVER_TIMEOUTS * target.timeoutMs;
    if (since !== null && since < cover) {
      throw new DeliveryError('AMBIGUOUS', `not found by its key ${Math.round(since)} ms after an ambiguous outcome; looking again before sending (for ${cover} ms)`, { code: LOOKUP_PENDING });
    }
  }

  /** ERP calls outside a posting (the duplicate scan) under the target's concurrency cap and rate limit. */
  private async withSlot<T>(target: ErpTarget, key: string, work: (adapter: ErpAdapter) => Promise<T>): Promise<T> {
    const semaphore = this.semaphores!.semaphore(`${this.config.queuePrefix}:erp:${target.id}:inflight`);
    const slot = `${this.holder}:${key}`;
    if (!(await semaphore.acquire(slot, target.concurrencyCap, target.timeoutMs * 2 + 5000, 30_000))) {
      throw new DeliveryError('RETRYABLE', `no free slot under the concurrency cap of ${target.concurrencyCap} within 30 s`);
    }
    try {
      if (target.rateLimitPerSecond) await takeRateSlot(this.redis!, `${this.config.queuePrefix}:erp:${target.id}:rate`, target.rateLimitPerSecond);
      return await work(this.adapters.forTarget(target));
    } finally {
      await semaphore.release(slot, 0);
    }
  }

  private async post(postingId: string): Promise<string> {
    const posting = await this.store.claim(postingId, this.worker);
    if (!posting) return 'SKIPPED';
    return this.leases.hold(posting.id, () => withCorrelationId(posting.correlationId, () => this.attempt(posting)));
  }

  private async attempt(posting: ClaimedPosting): Promise<string> {
    const target = await this.targets.get(posting.targetId);
    if (!target?.enabled) {
      await this.store.retry(posting, 30_000, posting.lookupFirst, { message: `target ${posting.targetId} is missing or disabled`, kind: 'MISSING_DEPENDENCY' });
      return 'WAITING';
    }
    const outcome = await attemptDelivery(this.transportFor(target), posting);
    if (outcome.status === 'DELIVERED') return 'POSTED';
    if (outcome.status === 'RETRYING') await this.relay.offerLater(target, posting.id, posting.attempts, outcome.delayMs);
    this.logger.warn({ msg: 'ERP posting failed', postingId: posting.id, target: target.id, attempt: posting.attempts, kind: outcome.error.kind, next: outcome.status });
    return outcome.status;
  }

  /**
   * The ERP transport of one attempt: build the document, take a slot under the target's
   * concurrency cap and rate limit, look it up first after an unknown outcome, send it; then
   * write POSTED with what the ERP says it adds up to.
   */
  private transportFor(target: ErpTarget): OutboxTransport<ClaimedPosting, { ref: DeliveredRef; expectedTotal: Money | undefined }> {
    let externalKey: string | null = null;
    return {
      engine: 'postings',
      send: async (posting) => {
        const document = await this.documents.prepare(posting);
        externalKey = document.externalId;
        const semaphore = this.semaphores!.semaphore(`${this.config.queuePrefix}:erp:${target.id}:inflight`);
        const slot = `${this.holder}:${posting.id}:${posting.attempts}`;
        if (!(await semaphore.acquire(slot, target.concurrencyCap, target.timeoutMs * 2 + 5000, 30_000))) {
          throw new DeliveryError('RETRYABLE', `no free slot under the concurrency cap of ${target.concurrencyCap} within 30 s`);
        }
        let lingerMs = 0;
        try {
          if (target.rateLimitPerSecond) await takeRateSlot(this.redis!, `${this.config.queuePrefix}:erp:${target.id}:rate`, target.rateLimitPerSecond);
          const adapter = this.adapters.forTarget(target);
          // One key per logical document, reused by every attempt, as the port asks: the ERP can tell a retry from a new call.
          const context = { idempotencyKey: posting.id };
          const found = posting.lookupFirst ? await document.find(adapter, context) : null;
          if (posting.lookupFirst && !found) await this.lookedLongEnough(posting, target);
          return { ref: found ?? (await document.send(adapter, context)), expectedTotal: document.expectedTotal };
        } catch (failure) {
          // We stopped waiting, but the ERP may still be working on it: that counts against its cap.
          if (failure instanceof DeliveryError && failure.details.code === 'TIMEOUT') lingerMs = target.timeoutMs;
          throw failure;
        } finally {
          // The ERP call is over: free the slot before our own bookkeeping, so the next call starts.
          await semaphore.release(slot, lingerMs);
        }
      },
      delivered: async (posting, { ref, expectedTotal }) => {
        const totals = postedTotals(ref, expectedTotal);
        await this.store.posted(posting, ref.internalId, ref.documentNumber, totals);
        countVariance(target.id, totals);
        if (totals.readBackCurrency) this.readBack.soon();
        if (totals.variance !== null && totals.variance !== 0n) {
          this.logger.warn({ msg: 'ERP total differs from the document total', postingId: posting.id, target: target.id, erpTotal: String(totals.erpTotal), expectedTotal: String(totals.expectedTotal), variance: String(totals.variance), currency: totals.currency });
        }
      },
      failed: async (posting, error) => {
        if (error.kind === 'AMBIGUOUS' && error.details.code !== LOOKUP_PENDING && externalKey !== null && posting.documentType === 'SALES_ORDER') {
          await this.watches.ambiguous(posting.id, target.id, externalKey, this.config.duplicateWatchMs).catch((err: unknown) =>
            this.logger.warn({ msg: 'could not watch a key after an ambiguous outcome', postingId: posting.id, err: String(err) }));
        }
      },
      retry: (posting, delayMs, lookupFirst, error) => this.store.retry(posting, delayMs, lookupFirst, error),
      dead: (posting, error) => this.store.dead(posting, error),
    };
  }
}
