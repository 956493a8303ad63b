import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp, type RouteObserver } from '../../src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../src/platform/config/app-config.js';
import { JsonLogger } from '../../src/platform/logging/json-logger.js';

export const ADMIN_KEY = 'admin-key-for-tests';
export const READER_KEY = 'reader-key-for-tests';
export const SHOPIFY_SECRET = 'shopify-secret-for-tests';

export interface TestHub {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  /** A direct connection for asserting on rows; null on the embedded database. */
  readonly db: pg.Client | null;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestHubOptions {
  readonly databaseUrl: string | null;
  readonly role?: 'api' | 'worker' | 'all';
  readonly queuePrefix?: string;
  readonly env?: Record<string, string>;
  /** Sees every route as it is registered (the auth matrix enumerates the app's routes so). */
  readonly observeRoute?: RouteObserver;
}

/** The real app on real PostgreSQL (or the embedded one) and real Redis, nothing mocked. */
export async function startHub(options: TestHubOptions): Promise<TestHub> {
  const config = loadConfig({
    API_KEYS: `admin:${ADMIN_KEY},reader:${READER_KEY}`,
    SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: options.queuePrefix ?? `e2e-${randomUUID()}`,
    ROLE: options.role ?? 'all',
    SWEEP_INTERVAL_MS: '300',
    LOG_LEVEL: 'error',
    // Specs about other things run without mapping holds; the mapping specs turn them on.
    MAPPING_REQUIRED: 'none',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { DATA_DIR: 'memory://' }),
    ...options.env,
  });
  const app = await createApp(config, new JsonLogger('error'), options.observeRoute);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  let db: pg.Client | null = null;
  if (options.databaseUrl) {
    db = new pg.Client({ connectionString: options.databaseUrl });
    await db.connect();
  }
  const dataSource = app.get(DataSource);
  return {
    app,
    config,
    db,
    async sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
      if (db) return (await db.query(text, params)).rows as T[];
      return (await dataSource.query(text, params)) as T[];
    },
    async close() {
      await db?.end();
      await app.close();
    },
  };
}

/** Removes every Redis key of a queue prefix, so test runs leave nothing behind. */
export async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Polls until the check passes or the time is up; the last failure is the test's failure. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw lastError;
}
