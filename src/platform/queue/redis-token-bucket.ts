import type { Redis } from 'ioredis';

/**
 * A token bucket kept in Redis, so every process of the hub draws on one budget per key (a
 * marketplace's usage plan per seller and operation). The script refills by elapsed time and
 * takes a token, or answers how long until one is there; Redis' own clock decides, so the
 * processes' clocks need not agree.
 */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 60000)
return wait`;

/** Empties the bucket, as a 429 says the provider's own bucket is: the next calls wait for refills. */
const DRAIN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], 'tokens', '0', 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 600000)
return 0`;

export interface BucketPlan {
  /** Tokens restored per second. */
  readonly rate: number;
  readonly burst: number;
}

export class RedisTokenBuckets {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  /** Waits until the bucket gives a token (or the signal aborts), then takes it. */
  async take(key: string, plan: BucketPlan, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = Number(await this.redis.eval(TAKE, 1, `${this.prefix}:${key}`, String(plan.rate), String(plan.burst)));
      if (wait <= 0) return;
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 60_000)));
    }
  }

  async drain(key: string): Promise<void> {
    await this.redis.eval(DRAIN, 1, `${this.prefix}:${key}`);
  }
}
