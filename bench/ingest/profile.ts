/**
 * Summarises a V8 .cpuprofile: self time by function and by where the code lives
 * (hub source, a package under node_modules, node internals, GC).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly where: string;
  readonly category: string;
  readonly selfMs: number;
  /** Share of the non-idle samples. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly wallMs: number;
  readonly busyMs: number;
  readonly idleMs: number;
  readonly topFunctions: readonly ProfileEntry[];
  readonly categories: readonly { readonly category: string; readonly selfMs: number; readonly share: number }[];
  /** Queries and commands the process sent while profiled (from profile-hook). */
  readonly counts?: { readonly pgQueries: number; readonly redisCommands: number } | null;
}

function category(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return 'native';
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `hub ${url.slice(dist + '/dist/'.length).split('/').slice(0, 3).join('/')}`;
  return 'other';
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url;
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    // timeDeltas[i] is the time before sample i; attribute the following interval to it.
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i + 1] ?? 0;
      selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + Math.max(0, delta));
    }
  } else {
    const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0));
    for (const node of profile.nodes) selfUs.set(node.id, (node.hitCount ?? 0) * interval);
  }

  const functions = new Map<string, { name: string; where: string; category: string; us: number }>();
  const categories = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const cat = category(url, functionName);
    totalUs += us;
    if (cat === 'idle') {
      idleUs += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    const entry = functions.get(key) ?? { name, where, category: cat, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    categories.set(cat, (categories.get(cat) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  return {
    file,
    wallMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, category: f.category, selfMs: f.us / 1000, share: f.us / busyUs })),
    categories: [...categories.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([cat, us]) => ({ category: cat, selfMs: us / 1000, share: us / busyUs })),
  };
}

export function formatProfile(summary: ProfileSummary, topCategories = 15): string {
  const lines: string[] = [];
  lines.push(`profile ${summary.file}: wall ${(summary.wallMs / 1000).toFixed(1)} s, main thread busy ${(summary.busyMs / 1000).toFixed(1)} s (${((100 * summary.busyMs) / summary.wallMs).toFixed(0)}%), idle ${(summary.idleMs / 1000).toFixed(1)} s`);
  lines.push('  self time by origin (share of busy):');
  for (const c of summary.categories.slice(0, topCategories)) {
    lines.push(`    ${(100 * c.share).toFixed(1).padStart(5)}%  ${c.selfMs.toFixed(0).padStart(7)} ms  ${c.category}`);
  }
  lines.push('  top self-time functions:');
  for (const f of summary.topFunctions) {
    lines.push(`    ${(100 * f.share).toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
  }
  return lines.join('\n');
}
