/**
 * What one round trip costs on this machine: an event-loop turn, sequential parameterised
 * `SELECT $1` over node-postgres and PING over ioredis, timed and CPU-accounted in this process. On a VM
 * where syscalls are dear, this sets the price of every query the hub sends per order.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Redis } from 'ioredis';
import { databaseUrl } from './infra.js';

export interface RoundTripCost {
  readonly what: string;
  readonly count: number;
  /** Wall time per round trip. */
  readonly wallMicros: number;
  /** CPU of this (client) process per round trip. */
  readonly clientCpuMicros: number;
}

async function measure(what: string, count: number, once: () => Promise<unknown>): Promise<RoundTripCost> {
  for (let i = 0; i < 200; i++) await once();
  const cpu = process.cpuUsage();
  const begin = performance.now();
  for (let i = 0; i < count; i++) await once();
  const wall = performance.now() - begin;
  const used = process.cpuUsage(cpu);
  return { what, count, wallMicros: (wall * 1000) / count, clientCpuMicros: (used.user + used.system) / count };
}

export async function calibrate(pgServerUrl: string, redisUrl: string, count = 2000): Promise<RoundTripCost[]> {
  const client = new pg.Client({ connectionString: databaseUrl(pgServerUrl, 'postgres') });
  await client.connect();
  const redis = new Redis(redisUrl);
  try {
    return [
      await measure('event-loop turn (setImmediate)', count, () => new Promise((resolve) => setImmediate(resolve))),
      await measure('PostgreSQL SELECT $1 (extended protocol)', count, () => client.query('SELECT $1::int AS n', [1])),
      await measure('PostgreSQL BEGIN;COMMIT pair (simple protocol)', count / 2, async () => {
        await client.query('BEGIN');
        await client.query('COMMIT');
      }),
      await measure('Redis PING', count, () => redis.ping()),
    ];
  } finally {
    await client.end();
    redis.disconnect();
  }
}
