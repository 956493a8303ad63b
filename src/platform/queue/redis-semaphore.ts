import type { Redis } from 'ioredis';

/**
 * A counting semaphore in Redis, shared by every process: holders are members of a sorted
 * set scored by lease expiry, so a holder that dies frees its slot when the lease runs out.
 * Bull's limiter caps a rate, not how many calls are in flight; an ERP's concurrency limit
 * needs this.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
  return 1
end
return 0`;

/** Fixed one-second windows: INCR the window's counter, refuse past the limit. */
const RATE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
return n`;

export class RedisSemaphore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async tryAcquire(holder: string, cap: number, leaseMs: number): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key, leaseMs, cap, holder)) === 1;
  }

  /** Waits for a slot, polling, up to maxWaitMs; false when none came free in time. */
  async acquire(holder: string, cap: number, leaseMs: number, maxWaitMs: number): Promise<boolean> {
    const deadline = Date.now() + maxWaitMs;
    let pause = 5;
    while (!(await this.tryAcquire(holder, cap, leaseMs))) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 20);
    }
    return true;
  }

  async release(holder: string): Promise<void> {
    await this.redis.zrem(this.key, holder);
  }
}

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
