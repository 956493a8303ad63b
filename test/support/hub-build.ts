import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = ['src', 'migrations', 'bench', 'sandboxes'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const BUILDS = path.join(ROOT, 'var', 'e2e-build');

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** What the build depends on, by content: mtimes change on every checkout, contents do not. */
function fingerprint(): string {
  const hash = createHash('sha256');
  const files = [...SOURCES.flatMap((dir) => tsFiles(path.join(ROOT, dir))), ...CONFIG_FILES.map((file) => path.join(ROOT, file))].sort();
  for (const file of files) hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The hub compiled as `npm run build` compiles it, for specs that run it as real processes.
 * Each source state gets its own folder under var/e2e-build (never dist/, which a developer's
 * `npm start` or a bench may be running from), built once and reused until a source changes.
 * Two runs building at once each build into a private folder and the first rename wins.
 * Returns the path of the compiled main.js.
 */
export async function ensureHubBuilt(): Promise<string> {
  const id = fingerprint();
  const dir = path.join(BUILDS, id);
  const main = path.join(dir, 'src', 'main.js');
  if (existsSync(path.join(dir, '.complete'))) {
    utimesSync(dir, new Date(), new Date());
    return main;
  }
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', staging], { cwd: ROOT, timeout: 300_000 });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const { stdout } = error as { stdout?: string };
    throw new Error(`compiling the hub for the process specs failed:\n${stdout ?? String(error)}`);
  }
  writeFileSync(path.join(staging, '.complete'), new Date().toISOString());
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(dir, '.complete'))) throw new Error(`could not place the hub build in ${dir}`);
  }
  pruneOldBuilds(id);
  return main;
}

/** Older source states' builds go once they have not been used for an hour. */
function pruneOldBuilds(current: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(BUILDS)) {
    const full = path.join(BUILDS, name);
    if (name !== current && statSync(full).mtimeMs < hourAgo) rmSync(full, { recursive: true, force: true });
  }
}
