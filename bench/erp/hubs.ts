/** The hub under test as child processes, started from dist like production, and their CPU profiles. */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, stopChild, waitForHttpReady, type Child } from '../ingest/infra.js';
import { formatProfile, summariseProfile } from '../ingest/profile.js';
import type { Args } from './args.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface Hub {
  readonly role: 'all' | 'api' | 'worker';
  readonly port: number;
  readonly child: Child;
  readonly profileOut: string | null;
}

export interface HubSetup {
  readonly url: string;
  readonly prefix: string;
  readonly tmp: string;
  readonly secret: string;
  readonly adminKey: string;
  /** Registers the stop of each hub as it starts, so a failed start still stops the others. */
  readonly onCleanup: (label: string, fn: () => Promise<unknown>) => unknown;
}

/**
 * One ROLE=all hub, or one ROLE=api hub (first, it takes the webhooks) and `workers` ROLE=worker
 * hubs; with `erpWorkers`, that many more workers post to the ERP (WORKER_DUTIES=erp) and the
 * others do the rest.
 */
export async function startHubs(args: Args, at: HubSetup): Promise<Hub[]> {
  const roles: Hub['role'][] = args.workers === 0 ? ['all'] : ['api', ...Array.from({ length: args.workers }, () => 'worker' as const)];
  const plan: { role: Hub['role']; duties: string | null }[] = [
    ...roles.map((role) => ({ role, duties: args.erpWorkers > 0 && role !== 'api' ? 'ingest,fulfillment' : null })),
    ...Array.from({ length: args.erpWorkers }, () => ({ role: 'worker' as const, duties: 'erp' })),
  ];
  const hubs: Hub[] = [];
  for (const [i, { role, duties }] of plan.entries()) {
    const port = await freePort();
    const name = `${role}${role === 'worker' ? i : ''}${duties === 'erp' ? '-erp' : ''}`;
    const profileOut = args.profile ? path.join(at.tmp, `${name}.cpuprofile`) : null;
    const child = startChild(`hub ${name}`, [
      ...(profileOut ? ['--import', path.join(HERE, '..', 'ingest', 'profile-hook.js')] : []),
      path.join(HERE, '..', '..', 'src', 'main.js'),
    ], {
      ...process.env,
      DATABASE_URL: at.url, REDIS_URL: args.redisUrl, PORT: String(port), HOST: '127.0.0.1',
      API_KEYS: `admin:${at.adminKey},reader:reader-key-123`, SHOPIFY_WEBHOOK_SECRET: at.secret, QUEUE_PREFIX: at.prefix,
      ROLE: role, MAPPING_REQUIRED: 'ITEM,CUSTOMER', LOG_LEVEL: 'warn', ...(duties ? { WORKER_DUTIES: duties } : {}),
      ...(profileOut ? { BENCH_PROFILE_OUT: profileOut } : {}),
    }, path.join(at.tmp, `${name}.log`));
    at.onCleanup(`stop hub ${name}`, () => stopChild(child));
    hubs.push({ role, port, child, profileOut });
    // The first process migrates the database; the others start once it is ready.
    if (i === 0) await waitForHttpReady(child, port, '/health/ready', 60_000);
  }
  await Promise.all(hubs.slice(1).map((h) => waitForHttpReady(h.child, h.port, '/health/ready', 60_000)));
  return hubs;
}

/**
 * --profile: SIGWINCH starts and stops profile-hook in every hub; on stop, each profile is
 * summarised (per posting POSTED in the window) and kept under the window's name.
 */
export async function profiles(log: (line: string) => void, hubs: readonly Hub[], step: 'start' | 'stop', window: string, postings = 0): Promise<void> {
  const profiled = hubs.filter((h) => h.profileOut);
  if (profiled.length === 0) return;
  for (const hub of profiled) hub.child.process.kill('SIGWINCH');
  if (step === 'start') {
    await sleep(300);
    return;
  }
  for (const hub of profiled) {
    const file = hub.profileOut!;
    const deadline = Date.now() + 20_000;
    while (!existsSync(`${file}.counts.json`) && Date.now() < deadline) await sleep(200);
    await sleep(300);
    if (!existsSync(file)) {
      log(`  profile ${file} was not written`);
      continue;
    }
    const kept = `${file.replace(/\.cpuprofile$/, '')}-${window}.cpuprofile`;
    renameSync(file, kept);
    renameSync(`${file}.counts.json`, `${kept}.counts.json`);
    log(`\n${window} window, ${hub.role} (pid ${hub.child.pid}) ${formatProfile(summariseProfile(kept))}`);
    const counts = JSON.parse(readFileSync(`${kept}.counts.json`, 'utf8')) as { pgQueries: number; redisCommands: number };
    const per = (n: number): string => (postings > 0 ? ` (${(n / postings).toFixed(1)} per posting POSTED in the window)` : '');
    log(`  sent meanwhile: ${counts.pgQueries} PostgreSQL queries${per(counts.pgQueries)}, ${counts.redisCommands} Redis commands${per(counts.redisCommands)}`);
  }
}
