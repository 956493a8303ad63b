import { Redis } from 'ioredis';
import { redisOptionsFromUrl, safeRedisUrl } from './redis-options.js';

/** Fails with one line naming the URL when Redis cannot be reached, before Nest starts. */
export async function checkRedis(redisUrl: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({
    ...redisOptionsFromUrl(redisUrl),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot reach Redis at ${safeRedisUrl(redisUrl)}: ${reason}`);
  } finally {
    client.disconnect();
  }
}
