import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureHubBuilt, ROOT } from './hub-build.js';
import { ADMIN_KEY, READER_KEY, SHOPIFY_SECRET } from './test-hub.js';

export interface HubProcessOptions {
  readonly role: 'api' | 'worker' | 'all';
  readonly databaseUrl: string;
  readonly queuePrefix: string;
  readonly env?: Record<string, string>;
}

export interface HubProcess {
  readonly role: string;
  readonly pid: number;
  readonly url: string;
  readonly exited: boolean;
  /** The last lines the process wrote to stderr (warnings and errors), for a failure message. */
  stderrTail(lines?: number): string;
  /** Whether a line the process wrote to stderr contains the text. */
  logged(text: string): boolean;
  /** Sends the signal and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM (a graceful shutdown), then SIGKILL if it takes too long. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
// Jest ends a worker with process.exit or a signal; either way no hub may outlive the spec.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Loaded into each child before main.js: the child dies with the process that started it.
 * The IPC pipe closes however the parent ends, even by SIGKILL, which no exit handler sees.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  "process.channel?.unref(); process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));",
)}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The hub as a real OS process (`node main.js`, compiled as `npm start` runs it), on a
 * PostgreSQL database and a queue prefix of the spec's choosing, with the e2e keys and
 * secret. Resolves once /health/ready answers 200.
 */
export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  const main = await ensureHubBuilt();
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, main], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      ROLE: options.role,
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: options.queuePrefix,
      API_KEYS: `admin:${ADMIN_KEY},reader:${READER_KEY}`,
      SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET,
      MAPPING_REQUIRED: 'none',
      SWEEP_INTERVAL_MS: '300',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  live.add(child);
  const stderr: string[] = [];
  let partial = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    stderr.push(...lines);
    if (stderr.length > 20_000) stderr.splice(0, stderr.length - 20_000);
  });
  let exitCode: number | null = null;
  let exitSignal: string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      live.delete(child);
      resolve();
    }),
  );
  const gone = (): boolean => exitCode !== null || exitSignal !== null;
  const tail = (lines = 30): string => [...stderr, partial].filter(Boolean).slice(-lines).join('\n');
  const url = `http://127.0.0.1:${port}`;

  const handle: HubProcess = {
    role: options.role,
    pid: child.pid!,
    url,
    get exited() {
      return gone();
    },
    stderrTail: tail,
    logged: (text) => stderr.some((line) => line.includes(text)),
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (gone()) return;
      child.kill(signal);
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (gone()) throw new Error(`hub ${options.role} exited (${exitCode ?? exitSignal}) before it was ready:\n${tail()}`);
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return handle;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await handle.kill();
      throw new Error(`hub ${options.role} was not ready within 90 s:\n${tail()}`);
    }
    await sleep(200);
  }
}
