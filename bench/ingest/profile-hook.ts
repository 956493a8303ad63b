/**
 * Preloaded into a profiled child with `node --import <this file>`. The first SIGWINCH
 * starts the V8 CPU profiler and zeroes the query counters, the second stops it and writes
 * BENCH_PROFILE_OUT (the .cpuprofile) and BENCH_PROFILE_OUT.counts.json (PostgreSQL queries
 * and Redis commands sent meanwhile), so both cover the timed load only, not start-up.
 *
 * SIGWINCH because Nest treats SIGUSR2 as a shutdown signal; not --cpu-prof because that
 * only writes on a clean exit, and Nest's SIGTERM handling re-raises the signal instead.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import path from 'node:path';

const out = process.env.BENCH_PROFILE_OUT;

interface Counts {
  pgQueries: number;
  redisCommands: number;
}

/** node-postgres and ioredis are CommonJS: patching the cached module is what the hub uses too. */
function installCounters(counts: Counts): void {
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  try {
    const pg = require('pg') as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function counted(this: unknown, ...args: unknown[]) {
      counts.pgQueries++;
      return query.apply(this, args);
    };
  } catch {
    // pg not resolvable from here: no count
  }
  try {
    const ioredis = require('ioredis') as { Redis: { prototype: { sendCommand: (...args: unknown[]) => unknown } } };
    const send = ioredis.Redis.prototype.sendCommand;
    ioredis.Redis.prototype.sendCommand = function counted(this: unknown, ...args: unknown[]) {
      counts.redisCommands++;
      return send.apply(this, args);
    };
  } catch {
    // ioredis not resolvable: no count
  }
}

if (out) {
  const counts: Counts = { pgQueries: 0, redisCommands: 0 };
  installCounters(counts);
  const session = new Session();
  session.connect();
  let running = false;
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
    });
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      counts.pgQueries = 0;
      counts.redisCommands = 0;
      void post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 1000 }))
        .then(() => post('Profiler.start'))
        .then(() => process.stderr.write('bench-profile: started\n'));
      return;
    }
    running = false;
    const snapshot = { ...counts };
    void post('Profiler.stop').then((result) => {
      writeFileSync(`${out}.counts.json`, JSON.stringify(snapshot));
      writeFileSync(out, JSON.stringify((result as { profile: unknown }).profile));
      process.stderr.write(`bench-profile: written ${out}\n`);
    });
  });
}
