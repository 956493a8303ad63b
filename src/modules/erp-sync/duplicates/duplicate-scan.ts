import type { Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { ErpAdapter, ErpCallContext } from '../../../adapters/erp/erp-adapter.port.js';
import { metricsRegistry } from '../../../platform/metrics/registry.js';
import type { ErpTarget } from '../erp-target.js';
import { judgeCopies } from './duplicate-judge.js';
import type { KeyWatch, KeyWatchStore } from './key-watch-store.js';

const duplicates = new Counter({
  name: 'hub_erp_duplicate_documents_total',
  help: 'Extra ERP documents found under one key after an ambiguous outcome, by target and outcome (DELETED, FLAGGED)',
  labelNames: ['target', 'outcome'] as const,
  registers: [metricsRegistry],
});

export interface DuplicateScanDeps {
  readonly store: KeyWatchStore;
  readonly target: (id: string) => Promise<ErpTarget | null>;
  /** Runs ERP calls for the target under its concurrency cap, with its adapter. */
  readonly withAdapter: <T>(target: ErpTarget, key: string, work: (adapter: ErpAdapter) => Promise<T>) => Promise<T>;
  readonly intervalMs: number;
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
  private running: Promise<void> | null = null;

  constructor(private readonly deps: DuplicateScanDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.scan().finally(() => {
        this.running = null;
      });
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
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
    const { store, logger } = this.deps;
    const target = await this.deps.target(watch.targetId);
    if (!target?.enabled) return;
    const ctx: ErpCallContext = { idempotencyKey: `duplicate-scan:${watch.postingId}` };
    const done = await this.deps.withAdapter(target, `scan:${watch.postingId}`, async (adapter) => {
      if (!adapter.listSalesOrders) return 'unsupported' as const;
      const copies = await adapter.listSalesOrders(watch.externalKey, ctx);
      if (copies.length > 1 && watch.keptInternalId === null) {
        logger.warn({ msg: 'several ERP documents carry one key; waiting for the posting to land to keep its one', postingId: watch.postingId, target: target.id, count: copies.length });
      }
      for (const action of judgeCopies(copies, watch.keptInternalId)) {
        if (action.kind === 'delete' && adapter.deleteSalesOrder) await adapter.deleteSalesOrder(action.copy, ctx);
        const outcome = action.kind === 'delete' && adapter.deleteSalesOrder ? 'DELETED' : 'FLAGGED';
        const note = action.kind === 'flag' ? action.why : outcome === 'DELETED' ? 'an unposted second document with this key, deleted' : 'the target cannot delete documents';
        const fresh = await store.found({
          postingId: watch.postingId, targetId: target.id, externalKey: watch.externalKey, keptInternalId: watch.keptInternalId!,
          internalId: action.copy.internalId, documentNumber: action.copy.documentNumber, outcome, note,
        });
        if (!fresh) continue;
        duplicates.inc({ target: target.id, outcome });
        logger.warn({ msg: outcome === 'DELETED' ? 'deleted a duplicate ERP document' : 'an ERP document is a duplicate and needs a person', postingId: watch.postingId, target: target.id, key: watch.externalKey, internalId: action.copy.internalId, documentNumber: action.copy.documentNumber, note });
      }
      return 'scanned' as const;
    });
    if (done === 'unsupported') await store.stop(watch.postingId);
    else await store.scanned(watch.postingId);
  }
}
