import type { Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { ErpAdapter, ErpCallContext, ErpDocumentCopy } from '../../../adapters/erp/erp-adapter.port.js';
import { metricsRegistry } from '../../../platform/metrics/registry.js';
import type { ErpTarget } from '../erp-target.js';
import { judgeCopies } from './duplicate-judge.js';
import type { KeyWatch, KeyWatchStore } from './key-watch-store.js';

const duplicates = new Counter({
  name: 'hub_erp_duplicate_documents_total',
  help: 'Extra ERP documents found under one key, by target and outcome (DELETED, FLAGGED; UNMATCHED: counted on each full scan that sees a group no posting landed as)',
  labelNames: ['target', 'outcome'] as const,
  registers: [metricsRegistry],
});

export interface DuplicateScanDeps {
  readonly store: KeyWatchStore;
  readonly target: (id: string) => Promise<ErpTarget | null>;
  readonly targets: () => Promise<ErpTarget[]>;
  /** Runs ERP calls for the target under its concurrency cap, with its adapter. */
  readonly withAdapter: <T>(target: ErpTarget, key: string, work: (adapter: ErpAdapter) => Promise<T>) => Promise<T>;
  readonly intervalMs: number;
  /** How often every order of the targets is scanned for doubles; 0 = never. */
  readonly fullScanIntervalMs: number;
  readonly logger: Logger;
}

/**
 * Watches sales order keys after an ambiguous outcome. A request the client gave up on may commit
 * long after (Business Central does not keep externalDocumentNumber unique), so one timed look-up
 * cannot settle it: for the watch's length the key is looked up again every interval, and a second
 * document under it is deleted while unposted and flagged otherwise (judgeCopies).
 */
export class DuplicateScan {
  private timer: NodeJS.Timeout | null = null;
  private fullTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private fullRunning: Promise<void> | null = null;

  constructor(private readonly deps: DuplicateScanDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.scan().finally(() => {
        this.running = null;
      });
    }, this.deps.intervalMs);
    this.timer.unref();
    if (this.deps.fullScanIntervalMs > 0) {
      this.fullTimer = setInterval(() => {
        this.fullRunning ??= this.fullScan().finally(() => {
          this.fullRunning = null;
        });
      }, this.deps.fullScanIntervalMs);
      this.fullTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.fullTimer) clearInterval(this.fullTimer);
    this.timer = null;
    this.fullTimer = null;
    await Promise.all([this.running, this.fullRunning]);
  }

  /** One round over the due watches; a failure leaves the watch for the next round. */
  async scan(): Promise<void> {
    let due: KeyWatch[];
    try {
      due = await this.deps.store.due(this.deps.intervalMs, 100);
    } catch (err) {
      this.deps.logger.warn({ msg: 'duplicate scan could not read its watches', err: String(err) });
      return;
    }
    for (const watch of due) {
      try {
        await this.check(watch);
      } catch (err) {
        this.deps.logger.warn({ msg: 'duplicate scan of a key failed; will look again', postingId: watch.postingId, target: watch.targetId, err: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private async check(watch: KeyWatch): Promise<void> {
    const { logger } = this.deps;
    const target = await this.deps.target(watch.targetId);
    if (!target?.enabled) return;
    const ctx: ErpCallContext = { idempotencyKey: `duplicate-scan:${watch.postingId}` };
    const done = await this.deps.withAdapter(target, `scan:${watch.postingId}`, async (adapter) => {
      if (!adapter.listSalesOrders) return 'unsupported' as const;
      const copies = await adapter.listSalesOrders(watch.externalKey, ctx);
      if (copies.length > 1 && watch.keptInternalId === null) {
        logger.warn({ msg: 'several ERP documents carry one key; waiting for the posting to land to keep its one', postingId: watch.postingId, target: target.id, count: copies.length });
      }
      await this.act(adapter, target, watch, copies, ctx);
      return 'scanned' as const;
    });
    if (done === 'unsupported') await this.deps.store.stop(watch.postingId);
    else await this.deps.store.scanned(watch.postingId);
  }

  /**
   * Every sales order of each target that does not keep keys unique, grouped by key: doubles made
   * out of the watch's sight (before it, after it, by another integration). A group is acted on
   * when exactly one of its documents is what a posting landed as; otherwise it is logged and counted.
   */
  async fullScan(): Promise<void> {
    const { logger } = this.deps;
    for (const target of await this.deps.targets()) {
      if (!target.enabled) continue;
      const ctx: ErpCallContext = { idempotencyKey: `duplicate-full-scan:${target.id}` };
      try {
        await this.deps.withAdapter(target, `full-scan:${target.id}`, async (adapter) => {
          if (!adapter.findDuplicateSalesOrders) return;
          for (const { key, copies } of await adapter.findDuplicateSalesOrders(ctx)) {
            const landed = await this.deps.store.landedAs(target.id, copies.map((c) => c.internalId));
            if (landed.length !== 1) {
              duplicates.inc({ target: target.id, outcome: 'UNMATCHED' });
              logger.warn({ msg: 'several ERP documents carry one key, and no single posting landed as one of them: a person must look', target: target.id, documents: copies.map((c) => c.documentNumber ?? c.internalId), postings: landed.length });
              continue;
            }
            await this.act(adapter, target, { postingId: landed[0].postingId, targetId: target.id, externalKey: key, postingStatus: 'POSTED', keptInternalId: landed[0].internalId }, copies, ctx);
          }
        });
      } catch (err) {
        logger.warn({ msg: 'full duplicate scan failed; will run again', target: target.id, err: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Deletes or flags the extra documents (judgeCopies), each recorded once. */
  private async act(adapter: ErpAdapter, target: ErpTarget, watch: KeyWatch, copies: readonly ErpDocumentCopy[], ctx: ErpCallContext): Promise<void> {
    for (const action of judgeCopies(copies, watch.keptInternalId)) {
      const deletes = action.kind === 'delete' && adapter.deleteSalesOrder !== undefined;
      if (deletes) await adapter.deleteSalesOrder!(action.copy, ctx);
      const outcome = deletes ? 'DELETED' : 'FLAGGED';
      const note = action.kind === 'flag' ? action.why : deletes ? 'an unposted second document with this key, deleted' : 'the target cannot delete documents';
      const fresh = await this.deps.store.found({
        postingId: watch.postingId, targetId: target.id, externalKey: watch.externalKey, keptInternalId: watch.keptInternalId!,
        internalId: action.copy.internalId, documentNumber: action.copy.documentNumber, outcome, note,
      });
      if (!fresh) continue;
      duplicates.inc({ target: target.id, outcome });
      this.deps.logger.warn({ msg: deletes ? 'deleted a duplicate ERP document' : 'an ERP document is a duplicate and needs a person', postingId: watch.postingId, target: target.id, key: watch.externalKey, internalId: action.copy.internalId, documentNumber: action.copy.documentNumber, note });
    }
  }
}
