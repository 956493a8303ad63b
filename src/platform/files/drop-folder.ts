/**
 * The pieces every watched folder shares (settlement reports in IMPORT_DIR, store files in
 * POS_DROP_DIR): a file is claimed by renaming it into `processing/` (of several workers, one wins
 * the rename), read, then moved to `done/` or `failed/` under the same relative folder with
 * `<name>.report.json` beside it saying what happened. Files still being written are left alone.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DONE = 'done';
export const FAILED = 'failed';
export const PROCESSING = 'processing';
/** The folders a watcher keeps for itself, never scanned for new files. */
export const KEPT_FOLDERS: readonly string[] = [DONE, FAILED, PROCESSING];
/** A file still being written is dropped under a name like these, then renamed. */
export const IN_PROGRESS = /^\.|\.(part|tmp|crdownload)$/i;
/** A file changed this recently may still be growing. */
const SETTLE_MS = 1000;

/** Whether a file changed too recently to be complete. */
export async function stillGrowing(path: string, now = Date.now()): Promise<boolean> {
  return now - (await stat(path)).mtimeMs < SETTLE_MS;
}

/** Claims `relative` (in `folder` under root) by moving it into processing/; null when another worker took it or it went away. */
export async function claimFile(root: string, folder: string, relative: string): Promise<string | null> {
  const claimed = join(root, PROCESSING, relative);
  await mkdir(join(root, PROCESSING, folder), { recursive: true });
  try {
    await rename(join(root, relative), claimed);
    return claimed;
  } catch {
    return null;
  }
}

/** Moves a claimed file to done/ or failed/ with its report; a name already there gets a timestamp, never overwritten. */
export async function settleFile(root: string, where: typeof DONE | typeof FAILED, folder: string, name: string, claimed: string, report: Record<string, unknown>): Promise<string> {
  const target = join(root, where, folder);
  await mkdir(target, { recursive: true });
  let kept = name;
  if (await exists(join(target, kept))) kept = `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`;
  await writeFile(join(target, `${kept}.report.json`), `${JSON.stringify(report, null, 2)}\n`);
  await rename(claimed, join(target, kept));
  return join(target, kept);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
