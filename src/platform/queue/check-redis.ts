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
  // The socket error says why (ECONNREFUSED, ENOTFOUND); the rejected connect() only says it closed.
  let socketError: Error | null = null;
  client.on('error', (error: Error) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const cause = (socketError as Error | null) ?? error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`cannot reach Redis at ${safeRedisUrl(redisUrl)}: ${reason}`);
  } finally {
    client.disconnect();
  }
}
