import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { ACQUIRE, HANDOFF, REJOIN, RELEASE } from './semaphore-scripts.js';

/** A waiter retries on its own this often, for what no message announces (a dead holder's lease running out). */
const FALLBACK_RETRY_MS = 100;
/** The longest a new epoch waits for processes that heard of it but never answered. */
const LONGEST_QUIET_MS = 5000;

/** One acquire waiting in this process: woken to try again, or handed a slot outright. */
interface Waiter {
  readonly holder: string;
  readonly leaseMs: number;
  /** A release is handing it a slot: its timeout must wait for the outcome. */
  handing: boolean;
  /** Woken already (e.g. by close()): a slot handed to it now has nobody to use it. */
  settled: boolean;
  wake(granted: boolean): void;
}

interface KeyState {
  readonly channel: string;
  readonly epochKey: string;
  readonly waitingKey: string;
  /** Holders of this process → when their lease ends here (measured after Redis granted it, so never early). */
  readonly holders: Map<string, { until: number }>;
  /** Holders whose acquire is on its way: Redis may have granted it before a flush this process has not seen yet. */
  readonly asking: Map<string, number>;
  /** Asking holders put back by a rejoin; one that was refused must then give its slot back. */
  readonly rejoined: Set<string>;
  readonly waiters: Waiter[];
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
  private readonly processId = randomUUID();
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
    for (const state of this.states.values()) for (const waiter of state.waiters.splice(0)) waiter.wake(false);
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
        answer = await this.redis.eval(
          ACQUIRE, 3, key, state.epochKey, state.waitingKey, leaseMs, cap, holder, randomUUID(), LONGEST_QUIET_MS, state.channel, this.processId,
          waited ? '1' : '0', state.waiters.length === 0 ? '1' : '0',
        );
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
      if (await this.turn(state, holder, leaseMs, Math.min(left, FALLBACK_RETRY_MS), waited)) return true;
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
      const next = state.waiters.find((w) => !w.handing);
      if (next) {
        await this.handOff(key, state, holder, next);
        return;
      }
    }
    await this.redis.eval(RELEASE, 1, key, holder, state.channel, lingerMs);
  }

  /** Gives the slot to this process's first waiter, unless another process waits too (then it is freed for all). */
  private async handOff(key: string, state: KeyState, holder: string, next: Waiter): Promise<void> {
    next.handing = true;
    state.asking.set(next.holder, next.leaseMs);
    let answer: unknown;
    try {
      answer = await this.redis.eval(HANDOFF, 2, key, state.waitingKey, holder, next.holder, next.leaseMs, state.channel, this.processId);
    } catch (error) {
      answer = null;
      this.onError(`semaphore hand-off: ${(error as Error).message}`);
    } finally {
      state.asking.delete(next.holder);
      next.handing = false;
    }
    if (answer === 1 && next.settled) {
      await this.redis.eval(RELEASE, 1, key, next.holder, state.channel, 0);
      return;
    }
    if (answer === 1) {
      state.holders.set(next.holder, { until: Date.now() + next.leaseMs });
      state.rejoined.delete(next.holder);
      next.wake(true);
      return;
    }
    // Not handed over: a rejoin may have put the waiter in meanwhile; it must not keep that.
    if (state.rejoined.delete(next.holder)) await this.redis.eval(RELEASE, 1, key, next.holder, state.channel, 0);
    if (answer === null) await this.redis.eval(RELEASE, 1, key, holder, state.channel, 0);
    // Freed for all (0) or not held (-1): the waiter tries on its own, as after any release.
    next.wake(false);
  }

  private state(key: string): KeyState {
    let state = this.states.get(key);
    if (!state) {
      state = {
        channel: key, epochKey: `${key}:epoch`, waitingKey: `${key}:waiting`, holders: new Map(), asking: new Map(), rejoined: new Set(), waiters: [], subscribed: null,
      };
      state.subscribed = this.subscriber.subscribe(state.channel).catch((error: Error) => this.onError(`semaphore subscribe: ${error.message}`));
      this.states.set(key, state);
    }
    return state;
  }

  /**
   * Resolves true when a release handed this holder a slot, false when a slot may have come
   * free or after timeoutMs. First come, first served: a waiter that was woken and lost the
   * race goes back to the front.
   */
  private turn(state: KeyState, holder: string, leaseMs: number, timeoutMs: number, front: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        holder,
        leaseMs,
        handing: false,
        settled: false,
        wake: (granted: boolean): void => {
          if (waiter.settled) return;
          waiter.settled = true;
          clearTimeout(timer);
          const index = state.waiters.indexOf(waiter);
          if (index >= 0) state.waiters.splice(index, 1);
          resolve(granted);
        },
      };
      // A hand-off in progress decides; the timeout only ends a wait nobody is answering.
      const expire = (): void => {
        if (waiter.handing) timer = setTimeout(expire, 5);
        else waiter.wake(false);
      };
      let timer = setTimeout(expire, timeoutMs);
      if (front) state.waiters.unshift(waiter);
      else state.waiters.push(waiter);
    });
  }

  private heard(channel: string, message: string): void {
    const state = this.states.get(channel);
    if (!state) return;
    if (message === 'free') state.waiters.find((w) => !w.handing)?.wake(false);
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
