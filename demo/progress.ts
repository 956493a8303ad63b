/**
 * Waiting for the hub, with a count every few seconds so a watcher sees it move, a hard
 * deadline for the whole run, and Ctrl-C honoured between polls.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class DemoTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoTimeout';
  }
}

export class DemoStopped extends Error {
  constructor() {
    super('stopped before the demo finished');
    this.name = 'DemoStopped';
  }
}

export interface Pace {
  /** Epoch ms by which the whole demo must be done. */
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

export function checkStopped(pace: Pace): void {
  if (pace.signal?.aborted) throw new DemoStopped();
}

export interface WaitSpec<T> {
  readonly what: string;
  readonly read: () => Promise<T>;
  /** Null when done; otherwise what is still missing, for the progress line and a timeout. */
  readonly missing: (state: T) => string | null;
  readonly progress: (state: T) => string;
  readonly pollMs?: number;
  readonly reportEveryMs?: number;
}

/** Polls until `missing` says nothing is, printing `progress` every few seconds. */
export async function waitFor<T>(pace: Pace, spec: WaitSpec<T>): Promise<T> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    checkStopped(pace);
    const state = await spec.read();
    const missing = spec.missing(state);
    if (missing === null) {
      pace.log(`  ✓ ${spec.what}: ${spec.progress(state)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return state;
    }
    if (Date.now() >= pace.deadline) {
      throw new DemoTimeout(`timed out after ${Math.round(pace.timeoutMs / 1000)} s waiting for ${spec.what}: ${missing}`);
    }
    if (Date.now() - reported >= (spec.reportEveryMs ?? 2000)) {
      reported = Date.now();
      pace.log(`    … ${spec.progress(state)}`);
    }
    await sleep(spec.pollMs ?? 250, undefined, { signal: pace.signal }).catch(() => undefined);
  }
}
