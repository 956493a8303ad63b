/**
 * Latency percentiles and CPU accounting from /proc: who used the two cores during a phase.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summarise(values: Float64Array): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
  };
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of one process, in ticks; 0 when it is gone. */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" of the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function pidsByCommand(names: readonly string[]): Map<string, number[]> {
  const found = new Map<string, number[]>(names.map((name) => [name, []]));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      found.get(comm)?.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Busy and total ticks of the whole machine, from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = values[3] + values[4];
  return { busy: total - idle, total };
}

export interface CpuSnapshot {
  readonly at: number;
  readonly groups: Record<string, Map<number, number>>;
  readonly machine: { busy: number; total: number };
}

/** Groups: named pids (hub, baseline, generator) plus every postgres and redis-server process. */
export function cpuSnapshot(named: Record<string, readonly number[]>): CpuSnapshot {
  const groups: Record<string, Map<number, number>> = {};
  for (const [name, pids] of Object.entries(named)) groups[name] = new Map(pids.map((pid) => [pid, processTicks(pid)]));
  const byCommand = pidsByCommand(['postgres', 'redis-server']);
  groups.postgres = new Map((byCommand.get('postgres') ?? []).map((pid) => [pid, processTicks(pid)]));
  groups.redis = new Map((byCommand.get('redis-server') ?? []).map((pid) => [pid, processTicks(pid)]));
  return { at: Date.now(), groups, machine: machineTicks() };
}

/**
 * Cores used by each group between two snapshots (1.0 = one core fully busy). Processes
 * that started in between count from zero; those that ended in between are lost.
 */
export function cpuUsage(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const hz = ticksPerSecond();
  const usage: Record<string, number> = {};
  let accounted = 0;
  for (const [name, pids] of Object.entries(after.groups)) {
    let ticks = 0;
    for (const [pid, value] of pids) ticks += value - (before.groups[name]?.get(pid) ?? 0);
    usage[name] = ticks / hz / seconds;
    accounted += usage[name];
  }
  const totalTicks = after.machine.total - before.machine.total;
  const cores = totalTicks / hz / seconds;
  usage.machineBusy = ((after.machine.busy - before.machine.busy) / hz) / seconds;
  usage.other = Math.max(0, usage.machineBusy - accounted);
  usage.machineCores = Math.round(cores);
  return usage;
}
