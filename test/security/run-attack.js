// npm run attack: the security specs with many cases per property (ATTACK_RUNS, default 2000),
// then one line per property. Pass jest options after --, e.g. npm run attack -- webhook-fuzz
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'hub-attack-'));
const summaryFile = join(dir, 'summary.jsonl');
const runs = process.env.ATTACK_RUNS ?? '2000';
const started = Date.now();
const jest = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--selectProjects', 'e2e', '--silent', 'test/security', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, ATTACK_RUNS: runs, ATTACK_SUMMARY_FILE: summaryFile } },
);
const entries = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
rmSync(dir, { recursive: true, force: true });

console.log(`\nattack summary (ATTACK_RUNS=${runs}, ${Math.round((Date.now() - started) / 1000)} s)`);
for (const e of entries) console.log(`  ${e.ok ? 'ok  ' : 'FAIL'}  ${String(e.runs).padStart(6)} cases  ${String(Math.round(e.ms / 1000)).padStart(4)} s  ${e.name}`);
const failed = entries.filter((e) => !e.ok).length;
console.log(`  ${entries.length} properties, ${failed} failed; jest exit code ${jest.status}`);
process.exit(jest.status ?? 1);
