/**
 * Closed-loop load generator: C workers over a keep-alive node:http Agent with C sockets,
 * each sending the next pre-signed delivery as soon as its previous one is answered.
 * Bounded by the number of deliveries and by a deadline.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Delivery } from './bodies.js';
import { summarise, type LatencySummary } from './stats.js';

export interface LoadOptions {
  readonly port: number;
  readonly path: string;
  readonly deliveries: readonly Delivery[];
  readonly concurrency: number;
  /** Per request. */
  readonly requestTimeoutMs: number;
  /** For the whole run; workers stop taking new deliveries after it. */
  readonly deadlineMs: number;
}

export interface LoadProgress {
  sent: number;
  done: number;
  ok: number;
}

export interface LoadResult {
  readonly sent: number;
  readonly completed: number;
  readonly ok2xx: number;
  readonly statuses: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly seconds: number;
  readonly acceptedPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly deadlineHit: boolean;
}

function send(agent: http.Agent, port: number, path: string, delivery: Delivery, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: delivery.headers, timeout: timeoutMs },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timeout')));
    request.on('error', reject);
    request.end(delivery.body);
  });
}

export async function runLoad(options: LoadOptions, progress: LoadProgress = { sent: 0, done: 0, ok: 0 }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const total = options.deliveries.length;
  const latencies = new Float64Array(total);
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let next = 0;
  let completed = 0;
  let deadlineHit = false;
  const startedAt = performance.now();
  const deadline = startedAt + options.deadlineMs;

  const worker = async (): Promise<void> => {
    while (next < total) {
      if (performance.now() > deadline) {
        deadlineHit = true;
        return;
      }
      const index = next++;
      progress.sent++;
      const begin = performance.now();
      try {
        const delivery = options.deliveries[index];
        const status = await send(agent, options.port, delivery.path ?? options.path, delivery, options.requestTimeoutMs);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) progress.ok++;
      } catch (error) {
        const key = error instanceof Error ? error.message : String(error);
        errors[key] = (errors[key] ?? 0) + 1;
      }
      latencies[completed++] = performance.now() - begin;
      progress.done++;
    }
  };

  await Promise.all(Array.from({ length: Math.min(options.concurrency, total) }, () => worker()));
  const endedAt = performance.now();
  agent.destroy();
  const ok2xx = Object.entries(statuses).reduce((sum, [status, n]) => (Number(status) >= 200 && Number(status) < 300 ? sum + n : sum), 0);
  const seconds = (endedAt - startedAt) / 1000;
  return {
    sent: next,
    completed,
    ok2xx,
    statuses,
    errors,
    startedAt,
    endedAt,
    seconds,
    acceptedPerSecond: ok2xx / seconds,
    latencyMs: summarise(latencies.subarray(0, completed)),
    deadlineHit,
  };
}
