/**
 * Infrastructure for the ingest benchmark: throw-away databases, Redis prefix cleanup,
 * free ports and child processes that are always stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';

/** postgres://user@host:port (no database) + database name. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe database name ${name}`);
  await withAdminClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  return databaseUrl(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe database name ${name}`);
  await withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Deletes every key under `${prefix}:` (Bull's layout); returns how many were removed. */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (!/^bench-[A-Za-z0-9-]+$/.test(prefix)) throw new Error(`refusing to delete keys of non-bench prefix ${prefix}`);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port'));
        return;
      }
      const port = address.port;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  exited: boolean;
  exitCode: number | null;
}

/** Starts a node child with stdout/stderr going to a log file (never through a pipe we must drain). */
export function startChild(name: string, nodeArgs: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, nodeArgs, { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const handle: Child = { name, process: child, pid: child.pid, logFile, exited: false, exitCode: null };
  child.on('exit', (code) => {
    handle.exited = true;
    handle.exitCode = code;
  });
  return handle;
}

export function logTail(child: Child, lines = 20): string {
  try {
    return readFileSync(child.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function httpGet(port: number, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, timeout: timeoutMs, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

export async function fetchText(port: number, path: string, timeoutMs = 5000): Promise<string> {
  const { status, body } = await httpGet(port, path, timeoutMs);
  if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
  return body;
}

/** Polls GET path until 200, the child exits, or the time is up. */
export async function waitForHttpReady(child: Child, port: number, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) throw new Error(`${child.name} exited with ${child.exitCode} before it was ready:\n${logTail(child)}`);
    try {
      const { status } = await httpGet(port, path, 1000);
      if (status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${child.name} was not ready within ${timeoutMs} ms:\n${logTail(child)}`);
}

/** For processes that may not serve HTTP (ROLE=worker): waits for any of the lines in the log. */
export async function waitForLogLine(child: Child, needles: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) throw new Error(`${child.name} exited with ${child.exitCode} before it was ready:\n${logTail(child)}`);
    try {
      const text = readFileSync(child.logFile, 'utf8');
      if (needles.some((needle) => text.includes(needle))) return;
    } catch {
      // no log yet
    }
    await sleep(200);
  }
  throw new Error(`${child.name} logged none of ${JSON.stringify(needles)} within ${timeoutMs} ms:\n${logTail(child)}`);
}

/** SIGTERM, then SIGKILL after graceMs; only ever the child's own pid. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.exited) return;
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  child.process.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut && !child.exited) {
    child.process.kill('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
}
