/**
 * The state of one sandbox run: knobs, fault draws, statistics and the document store. The
 * variant (an ERP, Shopify, a WMS or store) and the HTTP core share it, and the admin endpoints
 * read and reset it.
 */
import { DEFAULT_KNOBS, mergeKnobs, type Knobs } from './knobs.js';
import { SeededRandom } from './random.js';
import { DocumentStore } from './store.js';

export interface Stats {
  startedAt: string;
  /** Every request except the /_sandbox endpoints. */
  requests: number;
  /** Requests to the ERP API proper (counted against the cap); excludes e.g. the token endpoint. */
  apiRequests: number;
  inFlight: number;
  /** Most API requests admitted at once: never above the cap. */
  peakConcurrency: number;
  /**
   * Most API requests the clients had open at once, counting the one that arrived over the cap
   * (refused ones are answered at once, so they do not pile up): above the cap exactly when some
   * client exceeded it. This is the number a "cap never exceeded" test asserts on.
   */
  peakAttempted: number;
  /** Requests refused because the cap was full (the vendor's concurrency error). */
  refusedOverCap: number;
  authFailures: number;
  faults: { serverError: number; throttled: number; commitTimeout: number };
  byStatus: Record<string, number>;
  /**
   * Milliseconds API requests held a slot, summed: divided by cap × a window, how busy the
   * ERP was kept (its utilisation), whatever the client thinks it did.
   */
  busyMs: number;
}

function freshStats(): Stats {
  return {
    startedAt: new Date().toISOString(),
    requests: 0,
    apiRequests: 0,
    inFlight: 0,
    busyMs: 0,
    peakConcurrency: 0,
    peakAttempted: 0,
    refusedOverCap: 0,
    authFailures: 0,
    faults: { serverError: 0, throttled: 0, commitTimeout: 0 },
    byStatus: {},
  };
}

export type Fault = 'none' | 'server-error' | 'throttled' | 'commit-timeout';

/** One change of a sales order's lines (ordered quantity, closed, deleted), as the ERP applied it. */
export interface LineChange {
  readonly at: string;
  /** The sales order's internal id and natural key. */
  readonly salesOrderId: string;
  readonly salesOrderKey: string | null;
  readonly lines: readonly {
    /** The ERP's line handle (NetSuite line number, Business Central sequence). */
    readonly line: number;
    readonly quantityBefore: number;
    readonly quantityAfter: number;
    readonly closed?: boolean;
    readonly deleted?: boolean;
  }[];
}

export class SandboxContext<T> {
  knobs: Knobs;
  stats: Stats = freshStats();
  readonly store = new DocumentStore<T>();
  /** Shipments posted against the sales orders (NetSuite itemFulfillment, BC posted salesShipment), keyed by the hub's key. */
  readonly fulfillments = new DocumentStore<Record<string, unknown>>();
  /** Every applied line change, oldest first. */
  readonly lineChanges: LineChange[] = [];
  /** Writes refused because their key already named a fulfilment: key → times. */
  readonly duplicateRefusals = new Map<string, number>();
  private faults: SeededRandom;
  /**
   * Writes draw from a stream of their own: the n-th write gets the same fault whatever reads
   * came between, so a run with a fixed seed sees the same write faults however its requests
   * interleave.
   */
  private writeFaults: SeededRandom;
  /** Latency has its own stream so that changing latency does not shift the fault sequence. */
  private latencies: SeededRandom;
  private readonly resetHooks: (() => void)[] = [];

  constructor(knobs: Partial<Knobs> = {}) {
    this.knobs = mergeKnobs(DEFAULT_KNOBS, knobs as Record<string, unknown>);
    this.faults = new SeededRandom(this.knobs.seed);
    this.writeFaults = new SeededRandom(this.knobs.seed ^ 0x5bd1e995);
    this.latencies = new SeededRandom(this.knobs.seed ^ 0x9e3779b9);
  }

  setKnobs(patch: Record<string, unknown>): Knobs {
    this.knobs = mergeKnobs(this.knobs, patch);
    if ('seed' in patch) this.reseed();
    return this.knobs;
  }

  /** Variants register their own run state (nonces, counters) to be cleared with the documents. */
  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  /** Forgets documents, statistics and variant run state; keeps knobs (and issued tokens). */
  reset(): void {
    const inFlight = this.stats.inFlight;
    this.store.clear();
    this.fulfillments.clear();
    this.lineChanges.length = 0;
    this.duplicateRefusals.clear();
    this.stats = freshStats();
    this.stats.inFlight = inFlight;
    this.reseed();
    for (const hook of this.resetHooks) hook();
  }

  /**
   * One draw per API request, after authentication: which fault, if any, this request gets. The
   * draw happens whatever the request, so narrowing commit timeouts to some paths
   * (commitTimeoutPath) does not shift the sequence.
   */
  drawFault(isWrite: boolean, path = ''): Fault {
    const { errorRate, rate429, commitTimeoutRate } = this.knobs;
    if (errorRate + rate429 + commitTimeoutRate === 0) return 'none';
    const r = (isWrite ? this.writeFaults : this.faults).next();
    if (r < errorRate) return 'server-error';
    if (r < errorRate + rate429) return 'throttled';
    if (r < errorRate + rate429 + commitTimeoutRate) return isWrite && path.includes(this.knobs.commitTimeoutPath) ? 'commit-timeout' : 'none';
    return 'none';
  }

  drawLatency(): number {
    const l = this.knobs.latencyMs;
    return typeof l === 'number' ? l : this.latencies.between(l[0], l[1]);
  }

  private reseed(): void {
    this.faults = new SeededRandom(this.knobs.seed);
    this.writeFaults = new SeededRandom(this.knobs.seed ^ 0x5bd1e995);
    this.latencies = new SeededRandom(this.knobs.seed ^ 0x9e3779b9);
  }
}
