import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisOptionsFromUrl } from '../src/platform/queue/redis-options.js';
import { RedisSemaphores } from '../src/platform/queue/redis-semaphore.js';
import { dropQueueKeys } from './support/test-hub.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Two "processes": each has its own connections, as two workers would. */
describe('RedisSemaphores (real Redis)', () => {
  const prefix = `e2e-semaphore-${randomUUID()}`;
  const clients: Redis[] = [];
  const sets: RedisSemaphores[] = [];
  let key: string;

  const hubProcess = (): RedisSemaphores => {
    const redis = new Redis({ ...redisOptionsFromUrl(REDIS_URL), maxRetriesPerRequest: null });
    clients.push(redis);
    const set = new RedisSemaphores(redis, redisOptionsFromUrl(REDIS_URL));
    sets.push(set);
    return set;
  };

  beforeEach(() => {
    key = `${prefix}:${randomUUID()}:inflight`;
  });

  afterAll(async () => {
    for (const set of sets) set.close();
    for (const client of clients) client.disconnect();
    await dropQueueKeys(prefix);
  });

  it('never lets more than the cap hold a slot across processes, and serves every waiter', async () => {
    const [a, b] = [hubProcess().semaphore(key), hubProcess().semaphore(key)];
    let holding = 0;
    let peak = 0;
    const work = async (semaphore: typeof a, holder: string): Promise<void> => {
      expect(await semaphore.acquire(holder, 3, 10_000, 10_000)).toBe(true);
      peak = Math.max(peak, ++holding);
      await sleep(5 + Math.random() * 10);
      holding -= 1;
      await semaphore.release(holder);
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => work(i % 2 ? a : b, `h-${i}`)));
    expect(peak).toBe(3);
  });

  it('hands a released slot straight to a waiter of the same process', async () => {
    const redis = new Redis(REDIS_URL);
    clients.push(redis);
    const a = hubProcess().semaphore(key);
    expect(await a.acquire('first', 1, 10_000, 1000)).toBe(true);
    const second = a.acquire('second', 1, 10_000, 5000);
    await sleep(50); // 'second' has been refused once and waits
    await a.release('first');
    // Already the holder when the release returns: no message and no second acquire in between.
    expect(await redis.zrange(key, 0, -1)).toEqual(['second']);
    expect(await second).toBe(true);
    await a.release('second');
    expect(await redis.zcard(key)).toBe(0);
  });

  it('frees the slot for all instead while another process waits, so no process keeps the slots to itself', async () => {
    const [busy, other] = [hubProcess().semaphore(key), hubProcess().semaphore(key)];
    let running = true;
    let holding = 0;
    let peak = 0;
    const loop = async (holder: string): Promise<void> => {
      for (let round = 0; running; round++) {
        if (!(await busy.acquire(`${holder}-${round}`, 2, 10_000, 10_000))) continue;
        peak = Math.max(peak, ++holding);
        await sleep(10);
        holding -= 1;
        await busy.release(`${holder}-${round}`);
      }
    };
    const loops = Array.from({ length: 8 }, (_, i) => loop(`busy-${i}`));
    await sleep(200);
    const got = await other.acquire('other', 2, 10_000, 3000);
    if (got) await other.release('other');
    running = false;
    await Promise.all(loops);
    expect(got).toBe(true);
    expect(peak).toBe(2);
  });

  it('keeps the cap when Redis loses the holders: live holders are put back before anyone else gets in', async () => {
    const holderProcess = hubProcess().semaphore(key);
    const other = hubProcess().semaphore(key);
    for (const holder of ['x', 'y', 'z']) expect(await holderProcess.acquire(holder, 3, 10_000, 1000)).toBe(true);
    const redis = clients[clients.length - 1];
    await redis.del(key, `${key}:epoch`);

    expect(await other.acquire('late', 3, 10_000, 500)).toBe(false);
    expect(await redis.zcard(key)).toBe(3);
    await holderProcess.release('x');
    expect(await other.acquire('late', 3, 10_000, 1000)).toBe(true);
  });

  it('keeps a slot a little longer when its call was abandoned, as the ERP may still be running it', async () => {
    const a = hubProcess().semaphore(key);
    const b = hubProcess().semaphore(key);
    expect(await a.acquire('timed-out', 1, 10_000, 1000)).toBe(true);
    await a.release('timed-out', 1500);
    expect(await b.acquire('next', 1, 10_000, 200)).toBe(false);
    expect(await b.acquire('next', 1, 10_000, 5000)).toBe(true);
  });

  it('frees a dead holder\'s slot when its lease runs out', async () => {
    const dying = hubProcess().semaphore(key);
    const survivor = hubProcess().semaphore(key);
    expect(await dying.acquire('gone', 1, 300, 1000)).toBe(true);
    // The holder's process is gone without releasing: only the lease can free the slot.
    sets[sets.length - 2].close();
    expect(await survivor.acquire('next', 1, 10_000, 3000)).toBe(true);
  });
});
