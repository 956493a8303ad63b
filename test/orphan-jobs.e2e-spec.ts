import { randomUUID } from 'node:crypto';
import Bull from 'bull';
import { Redis } from 'ioredis';
import { purgeOrphanJobs } from '../src/platform/queue/orphan-jobs.js';
import { dropQueueKeys } from './support/test-hub.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const options = { removeOnComplete: true, removeOnFail: true };

/** Bull on real Redis, no worker: the jobs stay where they are put. */
describe('purgeOrphanJobs (real Redis)', () => {
  const prefix = `e2e-orphans-${randomUUID()}`;
  const queue = new Bull('postings', REDIS_URL, { prefix });
  const redis = new Redis(REDIS_URL);

  afterAll(async () => {
    await queue.close();
    await dropQueueKeys(prefix);
    redis.disconnect();
  });

  const ids = async (): Promise<string[]> => (await queue.getJobs(['waiting', 'delayed'])).map((job) => String(job.id)).sort();

  it('keeps jobs that wait or are delayed, and frees ids whose hash is left without a list or without data', async () => {
    await queue.add({ n: 1 }, { ...options, jobId: 'job-waiting' });
    await queue.add({ n: 2 }, { ...options, jobId: 'job-delayed', delay: 60_000 });
    await queue.add({ n: 3 }, { ...options, jobId: 'job-unlisted' });
    await queue.add({ n: 4 }, { ...options, jobId: 'job-no-data' });
    await redis.lrem(queue.toKey('wait'), 0, 'job-unlisted'); // its list was deleted before its hash
    await redis.lrem(queue.toKey('wait'), 0, 'job-no-data');
    await redis.hdel(queue.toKey('job-no-data'), 'data', 'opts', 'name'); // moveToFailed wrote into a vanished job

    // Bull takes both leftovers as queued: adding them again does nothing.
    await queue.add({ n: 3 }, { ...options, jobId: 'job-unlisted' });
    expect(await ids()).toEqual(['job-delayed', 'job-waiting']);

    expect(await purgeOrphanJobs(queue, ['job-waiting', 'job-delayed', 'job-unlisted', 'job-no-data', 'job-never-queued'])).toBe(2);
    expect(await redis.exists(queue.toKey('job-unlisted'), queue.toKey('job-no-data'))).toBe(0);
    expect(await redis.hget(queue.toKey('job-waiting'), 'data')).toBe(JSON.stringify({ n: 1 }));

    await queue.add({ n: 3 }, { ...options, jobId: 'job-unlisted' });
    await queue.add({ n: 4 }, { ...options, jobId: 'job-no-data' });
    expect(await ids()).toEqual(['job-delayed', 'job-no-data', 'job-unlisted', 'job-waiting']);
    expect(await purgeOrphanJobs(queue, ['job-waiting', 'job-delayed', 'job-unlisted', 'job-no-data'])).toBe(0);
  });
});
