import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

function distinct(n: number): string {
  const base = fixture('order-create.json');
  const id = `7${String(n).padStart(18, '0')}`;
  return base.replace(new RegExp(orderIdOf(base), 'g'), id);
}

/**
 * API and worker as separate processes' worth of app, sharing PostgreSQL and Redis; and the
 * queue is not the source of truth: jobs Redis lost are recovered from the inbox.
 */
describe('API and worker roles, and the sweeper', () => {
  const prefix = `e2e-scale-${randomUUID()}`;
  let databaseUrl: string;
  let api: TestHub;
  let worker: TestHub | undefined;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('scale');
    api = await startHub({ databaseUrl, queuePrefix: prefix, role: 'api' });
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await dropQueueKeys(prefix);
  });

  it('recovers every pending delivery after Redis lost the queue', async () => {
    const sent = 40;
    const responses = await Promise.all(Array.from({ length: sent }, (_, i) => deliver(api.app, { body: distinct(i) })));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    const [pending] = await api.sql<{ n: string }>(`SELECT count(*)::text AS n FROM inbox WHERE status = 'PENDING'`);
    expect(pending.n).toBe(String(sent));

    // Lose every job: what a Redis flush or failover without persistence does.
    await dropQueueKeys(prefix);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    redis.disconnect();

    worker = await startHub({ databaseUrl, queuePrefix: prefix, role: 'worker' });
    await eventually(async () => {
      const [row] = await api.sql<{ orders: string; pending: string }>(
        `SELECT (SELECT count(*) FROM orders)::text AS orders, (SELECT count(*) FROM inbox WHERE status = 'PENDING')::text AS pending`,
      );
      if (row.orders !== String(sent) || row.pending !== '0') throw new Error(`orders ${row.orders}, pending ${row.pending}`);
    }, 30_000);
    const [lines] = await api.sql<{ n: string }>('SELECT count(*)::text AS n FROM order_lines');
    expect(lines.n).toBe(String(sent * 2));
  });
});
