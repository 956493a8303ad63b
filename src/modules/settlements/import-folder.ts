import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { BankStatementCsvParser, type BankColumnMap } from '../../adapters/payments/bank-statement-csv.js';
import type { ReportParser, ReportSource } from '../../adapters/payments/report-parser.js';
import { claimFile, DONE, FAILED, IN_PROGRESS, KEPT_FOLDERS, settleFile, stillGrowing } from '../../platform/files/drop-folder.js';
import { UPLOAD_FORMATS } from './report-formats.js';
import { importReport, type ImportOutcome, type ImportRequest } from './settlement-importer.js';

export { DONE, FAILED };
const BANK = 'BANK_CSV';
const COLUMN_MAP = 'columns.json';

export interface FolderFileResult {
  readonly file: string;
  readonly outcome: 'IMPORTED' | 'CONTROL_TOTAL_FAILED' | 'DUPLICATE' | 'FAILED';
}

/** What the caller does in each import's transaction once a report landed whole: the same hook the upload passes (its journal). */
export interface FolderOptions {
  readonly onImported?: ImportRequest['onImported'];
}

/** How one file is read: a report format's folder, or a bank account's folder with its column map. */
interface Drop {
  readonly folder: string;
  readonly relative: string;
  readonly name: string;
  readonly channel: string;
  readonly parser: ((source: ReportSource) => ReportParser) | null;
  readonly problem: string | null;
}

/**
 * One pass over IMPORT_DIR. Reports are dropped into a folder named for their format
 * (`AMAZON_V2/`, `SHOPIFY_PAYMENTS/`, `STRIPE/`, `ADYEN/`) or, for a bank statement, into
 * `BANK_CSV/<account>/` beside that account's `columns.json` (a BankColumnMap). Each file is
 * claimed by renaming it into `processing/` (of several workers, one wins the rename), imported,
 * and moved to `done/` or `failed/` under the same relative path, with `<name>.report.json`
 * saying what happened. A file in no known folder goes to `failed/` saying so.
 */
export async function scanImportFolder(db: DataSource, root: string, importedBy: string, options: FolderOptions = {}): Promise<FolderFileResult[]> {
  const results: FolderFileResult[] = [];
  for (const drop of await drops(root)) {
    const claimed = await claimFile(root, drop.folder, drop.relative);
    if (claimed === null) continue; // another worker took it, or it went away
    results.push({ file: drop.relative, outcome: await importDrop(db, root, drop, claimed, importedBy, options) });
  }
  return results;
}

async function importDrop(
  db: DataSource, root: string, drop: Drop, claimed: string, importedBy: string, { onImported }: FolderOptions,
): Promise<FolderFileResult['outcome']> {
  const startedAt = new Date().toISOString();
  try {
    if (!drop.parser) throw new Error(drop.problem ?? 'not a report folder');
    const fileHash = await hashOf(claimed);
    const parser = drop.parser({ fileName: drop.name, channel: drop.channel, fileHash });
    const outcome: ImportOutcome = await importReport(db, { parser, input: createReadStream(claimed), channel: drop.channel, fileHash, importedBy, onImported });
    const breaks: unknown[] = outcome.status === 'DUPLICATE' ? [] : await db.query(
      'SELECT category, amount::text AS amount, currency, explanation FROM settlement_breaks WHERE import_id = $1 ORDER BY id', [outcome.importId]);
    await settle(root, DONE, drop, claimed, {
      file: drop.relative, startedAt, finishedAt: new Date().toISOString(), ...outcome, difference: outcome.difference.toString(), breaks,
    });
    return outcome.status;
  } catch (error) {
    await settle(root, FAILED, drop, claimed, {
      file: drop.relative, startedAt, finishedAt: new Date().toISOString(), status: 'FAILED', error: (error as Error).message,
    });
    return 'FAILED';
  }
}

async function settle(root: string, where: typeof DONE | typeof FAILED, drop: Drop, claimed: string, report: Record<string, unknown>): Promise<void> {
  await settleFile(root, where, drop.folder, drop.name, claimed, report);
}

async function drops(root: string): Promise<Drop[]> {
  const found: Drop[] = [];
  const now = Date.now();
  const fresh = (path: string) => stillGrowing(path, now);
  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (IN_PROGRESS.test(entry.name) || KEPT_FOLDERS.includes(entry.name)) continue;
    if (entry.isFile()) {
      if (!(await fresh(join(root, entry.name)))) {
        found.push({ folder: '', relative: entry.name, name: entry.name, channel: '', parser: null, problem: `put a report in a folder named for its format: ${[...Object.keys(UPLOAD_FORMATS), `${BANK}/<account>`].join(', ')}` });
      }
      continue;
    }
    if (!entry.isDirectory()) continue;
    if (entry.name === BANK) {
      for (const account of await readdir(join(root, BANK), { withFileTypes: true })) {
        if (account.isDirectory()) found.push(...await bankDrops(root, account.name, fresh));
      }
      continue;
    }
    const format = UPLOAD_FORMATS[entry.name];
    for (const file of await readdir(join(root, entry.name), { withFileTypes: true })) {
      if (!file.isFile() || IN_PROGRESS.test(file.name) || await fresh(join(root, entry.name, file.name))) continue;
      found.push({
        folder: entry.name, relative: join(entry.name, file.name), name: file.name, channel: format?.channel ?? '', parser: format ? format.parser : null,
        problem: format ? null : `${entry.name} is not a report format: ${Object.keys(UPLOAD_FORMATS).join(', ')} or ${BANK}/<account>`,
      });
    }
  }
  return found.sort((a, b) => a.relative.localeCompare(b.relative));
}

async function bankDrops(root: string, account: string, fresh: (path: string) => Promise<boolean>): Promise<Drop[]> {
  const folder = join(BANK, account);
  let map: BankColumnMap | null = null;
  let problem: string | null = null;
  try {
    map = JSON.parse(await readFile(join(root, folder, COLUMN_MAP), 'utf8')) as BankColumnMap;
  } catch (error) {
    problem = `${folder}/${COLUMN_MAP} is missing or not JSON: ${(error as Error).message}`;
  }
  const found: Drop[] = [];
  for (const file of await readdir(join(root, folder), { withFileTypes: true })) {
    if (!file.isFile() || file.name === COLUMN_MAP || IN_PROGRESS.test(file.name) || await fresh(join(root, folder, file.name))) continue;
    found.push({
      folder, relative: join(folder, file.name), name: file.name, channel: `BANK:${account}`, problem,
      parser: map ? (source) => new BankStatementCsvParser(source, map!) : null,
    });
  }
  return found;
}

async function hashOf(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
