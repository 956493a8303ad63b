import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { ACQUIRE, REJOIN, RELEASE } from './semaphore-scripts.js';

/** A waiter retries on its own this often, for what no message announces (a dead holder's lease running out). */
const FALLBACK_RETRY_MS = 100;
/** The longest a new epoch waits for processes that heard of it but never answered. */
const LONGEST_QUIET_MS = 5000;

interface KeyState {
  readonly channel: string;
  readonly epochKey: string;
  /** Holders of this process → when their lease ends here (measured after Redis granted it, so never early). */
  readonly holders: Map<string, { until: number }>;
  /** Holders whose acquire is on its way: Redis may have granted it before a flush this process has not seen yet. */
  readonly asking: Map<string, number>;
  /** Asking holders put back by a rejoin; one that was refused must then give its slot back. */
  readonly rejoined: Set<string>;
  readonly waiters: (() => void)[];
  subscribed: Promise<unknown> | null;
}

/**
 * Counting semaphores in Redis, shared by every process: holders are members of a sorted
 * set scored by lease expiry, so a holder that dies frees its slot when the lease runs out.
 * Bull's limiter caps a rate, not how many calls are in flight; an ERP's concurrency limit
 * needs this.
 *
 * A waiter does not poll: a release publishes `free` and one waiter per process tries
 * again, so a slot is reused within a Redis round trip. If Redis loses the set, the next
 * acquire opens a new epoch, and nobody gets a slot until each process has put back the
 * slots it still holds (see semaphore-scripts.ts).
 */
export class RedisSemaphores {
  private readonly states = new Map<string, KeyState>();
  private readonly subscriber: Redis;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    subscriberOptions: RedisOptions,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.subscriber = new Redis({ ...subscriberOptions, maxRetriesPerRequest: null });
    this.subscriber.on('error', (error: Error) => this.onError(`semaphore subscriber: ${error.message}`));
    this.subscriber.on('message', (channel: string, message: string) => this.heard(channel, message));
    // Back from a disconnect: an epoch may have begun unheard, so put every held slot back.
    this.subscriber.on('ready', () => {
      for (const [key, state] of this.states) if (state.holders.size > 0) void this.rejoin(key, state, '');
    });
  }

  semaphore(key: string): RedisSemaphore {
    return new RedisSemaphore(this, key);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.states.values()) for (const wake of state.waiters.splice(0)) wake();
    this.subscriber.disconnect();
  }

  /** Waits for a slot, up to maxWaitMs; false when none came free in time. */
  async acquire(key: string, holder: string, cap: number, leaseMs: number, maxWaitMs: number): Promise<boolean> {
    const state = this.state(key);
    await state.subscribed;
    const deadline = Date.now() + maxWaitMs;
    let waited = false;
    for (;;) {
      state.asking.set(holder, leaseMs);
      let answer: unknown;
      try {
        answer = await this.redis.eval(ACQUIRE, 2, key, state.epochKey, leaseMs, cap, holder, randomUUID(), LONGEST_QUIET_MS, state.channel);
      } finally {
        state.asking.delete(holder);
      }
      if (answer === 1) {
        state.holders.set(holder, { until: Date.now() + leaseMs });
        state.rejoined.delete(holder);
        return true;
      }
      if (state.rejoined.delete(holder)) await this.release(key, holder);
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.turn(state, Math.min(left, FALLBACK_RETRY_MS), waited);
      waited = true;
    }
  }

  /**
   * Frees the slot; with lingerMs, only that much later. A call we stopped waiting for may
   * still be running in the ERP, where it counts against the cap.
   */
  async release(key: string, holder: string, lingerMs = 0): Promise<void> {
    const state = this.state(key);
    const held = state.holders.get(holder);
    if (lingerMs > 0 && held) {
      // Still ours to put back if Redis loses the set meanwhile.
      held.until = Math.min(held.until, Date.now() + lingerMs);
      setTimeout(() => state.holders.delete(holder), lingerMs).unref();
    } else {
      state.holders.delete(holder);
    }
    await this.redis.eval(RELEASE, 1, key, holder, state.channel, lingerMs);
  }

  private state(key: string): KeyState {
    let state = this.states.get(key);
    if (!state) {
      state = { channel: key, epochKey: `${key}:epoch`, holders: new Map(), asking: new Map(), rejoined: new Set(), waiters: [], subscribed: null };
      state.subscribed = this.subscriber.subscribe(state.channel).catch((error: Error) => this.onError(`semaphore subscribe: ${error.message}`));
      this.states.set(key, state);
    }
    return state;
  }

  /**
   * Resolves when a slot may have come free, or after timeoutMs. First come, first woken: a
   * waiter that was woken and lost the race goes back to the front.
   */
  private turn(state: KeyState, timeoutMs: number, front: boolean): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        const index = state.waiters.indexOf(wake);
        if (index >= 0) state.waiters.splice(index, 1);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      if (front) state.waiters.unshift(wake);
      else state.waiters.push(wake);
    });
  }

  private heard(channel: string, message: string): void {
    const state = this.states.get(channel);
    if (!state) return;
    if (message === 'free') state.waiters[0]?.();
    else if (message.startsWith('epoch:')) void this.rejoin(channel, state, message.slice('epoch:'.length));
  }

  /** Puts this process's holders (and those whose grant may be in transit) into the current epoch. */
  private async rejoin(key: string, state: KeyState, epoch: string): Promise<void> {
    const now = Date.now();
    const pairs: (string | number)[] = [];
    for (const [holder, { until }] of state.holders) if (until > now) pairs.push(holder, until - now);
    for (const [holder, leaseMs] of state.asking) {
      pairs.push(holder, leaseMs);
      state.rejoined.add(holder);
    }
    try {
      await this.redis.eval(REJOIN, 2, key, state.epochKey, epoch, state.channel, ...pairs);
    } catch (error) {
      this.onError(`semaphore rejoin: ${(error as Error).message}`);
    }
  }
}

/** One semaphore of a {@link RedisSemaphores}: the slots of one ERP target. */
export class RedisSemaphore {
  constructor(
    private readonly semaphores: RedisSemaphores,
    private readonly key: string,
  ) {}

  acquire(holder: string, cap: number, leaseMs: number, maxWaitMs: number): Promise<boolean> {
    return this.semaphores.acquire(this.key, holder, cap, leaseMs, maxWaitMs);
  }

  release(holder: string, lingerMs = 0): Promise<void> {
    return this.semaphores.release(this.key, holder, lingerMs);
  }
}

/** Fixed one-second windows: INCR the window's counter, refuse past the limit. */
const RATE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
return n`;

/** Waits until the target's per-second budget has room for one more call. */
export async function takeRateSlot(redis: Redis, keyPrefix: string, perSecond: number): Promise<void> {
  for (;;) {
    const now = Date.now();
    const window = Math.floor(now / 1000);
    const used = (await redis.eval(RATE, 1, `${keyPrefix}:${window}`)) as number;
    if (used <= perSecond) return;
    await new Promise((resolve) => setTimeout(resolve, (window + 1) * 1000 - now + Math.random() * 20));
  }
}
