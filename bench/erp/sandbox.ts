/**
 * The NetSuite sandbox as its own process (dist/sandboxes/cli.js), as a remote ERP is: in the
 * bench process its latency timers would share an event loop with the load generator and the
 * database polling, and run late. Its admin endpoints and its checks, read over HTTP.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { TbaCredentials } from '../../src/adapters/erp/netsuite/tba-signer.js';
import { logTail, startChild, stopChild, type Child } from '../ingest/infra.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'sandboxes', 'cli.js');

export interface SandboxProcess {
  readonly url: string;
  readonly credentials: TbaCredentials;
  readonly child: Child;
  get<T>(urlPath: string): Promise<T>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxStats {
  apiRequests: number;
  peakConcurrency: number;
  peakAttempted: number;
  refusedOverCap: number;
  documents: number;
  byStatus: Record<string, number>;
  /** Slot time the API requests held, summed (the sandbox's own view of how busy it was). */
  busyMs: number;
}
interface SandboxDocuments {
  count: number;
  creates: number;
  updates: number;
  duplicateKeys: unknown[];
  documents: { key: string | null; creates: number }[];
}

/** The CLI prints one JSON line once it listens; its log file is its stdout. */
async function announced(child: Child, timeoutMs: number): Promise<{ url: string; credentials: TbaCredentials }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) throw new Error(`sandbox exited with ${child.exitCode}:\n${logTail(child)}`);
    let text = '';
    try {
      text = readFileSync(child.logFile, 'utf8');
    } catch {
      // not written yet
    }
    const line = text.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
    if (line) return JSON.parse(line) as { url: string; credentials: TbaCredentials };
    await sleep(100);
  }
  throw new Error(`sandbox printed no JSON line within ${timeoutMs} ms:\n${logTail(child)}`);
}

export async function startSandboxProcess(knobs: { latencyMs: number; cap: number }, logFile: string): Promise<SandboxProcess> {
  const child = startChild('netsuite sandbox', [
    CLI, 'netsuite', '--port', '0', '--latency-ms', String(knobs.latencyMs), '--concurrency', String(knobs.cap),
  ], process.env, logFile);
  let line: { url: string; credentials: TbaCredentials };
  try {
    line = await announced(child, 30_000);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const call = async (method: 'GET' | 'POST', urlPath: string): Promise<Response> => {
    const res = await fetch(`${line.url}${urlPath}`, { method });
    if (!res.ok) throw new Error(`sandbox ${method} ${urlPath} answered ${res.status}`);
    return res;
  };
  return {
    url: line.url,
    credentials: line.credentials,
    child,
    get: async <T>(urlPath: string) => (await (await call('GET', urlPath)).json()) as T,
    reset: async () => {
      await call('POST', '/_sandbox/reset');
    },
    stop: () => stopChild(child),
  };
}

export interface SandboxCheck {
  readonly ok: boolean;
  readonly stats: SandboxStats;
  readonly lines: readonly string[];
}

/** What the sandbox saw: N documents, each created once, never more than the cap at once. */
export async function checkSandbox(sandbox: SandboxProcess, expected: { documents: number; cap: number }): Promise<SandboxCheck> {
  const stats = await sandbox.get<SandboxStats>('/_sandbox/stats');
  const docs = await sandbox.get<SandboxDocuments>('/_sandbox/documents');
  const createdOnce = docs.documents.every((d) => d.creates === 1);
  const capOk = stats.peakAttempted <= expected.cap;
  return {
    ok: docs.count === expected.documents && createdOnce && docs.duplicateKeys.length === 0 && capOk,
    stats,
    lines: [
      `sandbox peak concurrency      ${stats.peakConcurrency} (attempted ${stats.peakAttempted}, cap ${expected.cap}: ${capOk ? 'ok' : 'EXCEEDED'}); refused over cap ${stats.refusedOverCap}`,
      `sandbox API requests          ${stats.apiRequests} ${JSON.stringify(stats.byStatus)}; mean slot time ${(stats.busyMs / Math.max(1, stats.apiRequests)).toFixed(1)} ms`,
      `sandbox documents             ${docs.count} (creates ${docs.creates}, updates ${docs.updates}, duplicate keys ${docs.duplicateKeys.length}; each created once: ${createdOnce ? 'yes' : 'NO'})`,
    ],
  };
}
