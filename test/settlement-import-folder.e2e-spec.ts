import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { scanImportFolder } from '../src/modules/settlements/import-folder.js';
import { freshDatabase } from './support/test-database.js';
import { dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Drops a fixture as a file written a while ago (a fresh one may still be growing and is left for the next pass). */
function drop(root: string, folder: string, name: string, as = name): string {
  mkdirSync(join(root, folder), { recursive: true });
  const target = join(root, folder, as);
  copyFileSync(fixture(name), target);
  const past = new Date(Date.now() - 60_000);
  utimesSync(target, past, past);
  return target;
}

describe('IMPORT_DIR: a watched folder of settlement reports', () => {
  let db: DataSource;
  let root: string;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: await freshDatabase('settlement_folder'), poolSize: 2, migrations: MIGRATIONS, migrationsTransactionMode: 'each' }).initialize();
    await db.runMigrations();
    root = mkdtempSync(join(tmpdir(), 'settle-drop-'));
  });
  afterAll(async () => {
    await db?.destroy();
    rmSync(root, { recursive: true, force: true });
  });

  it('imports each dropped file and moves it to done/ or failed/ with a report file', async () => {
    drop(root, 'AMAZON_V2', 'amazon-v2-settlement-1.tsv');
    drop(root, 'AMAZON_V2', 'amazon-v2-control-total-failure.tsv');
    drop(root, 'AMAZON_V2', 'amazon-v2-settlement-1.tsv', 'same-again.tsv');
    drop(root, 'BANK_CSV/DE01', 'bank-statement-de.csv');
    writeFileSync(join(root, 'BANK_CSV/DE01/columns.json'), JSON.stringify({
      date: 'Valuta', credit: 'Haben', debit: 'Soll', currency: 'Waehrung', reference: 'Referenz', description: 'Verwendungszweck', dateFormat: 'DD.MM.YYYY', delimiter: ';', decimal: ',',
    }));
    drop(root, 'STRIPE', 'amazon-v2-settlement-2.tsv', 'not-stripe.tsv');
    drop(root, 'PAYPAL', 'amazon-v2-settlement-2.tsv', 'unknown-folder.tsv');
    const writing = drop(root, 'AMAZON_V2', 'amazon-v2-settlement-2.tsv', 'still-writing.tsv.part');

    const results = await scanImportFolder(db, root, 'import-folder');
    expect(results.map((r) => `${r.file}=${r.outcome}`)).toEqual([
      'AMAZON_V2/amazon-v2-control-total-failure.tsv=CONTROL_TOTAL_FAILED', 'AMAZON_V2/amazon-v2-settlement-1.tsv=IMPORTED', 'AMAZON_V2/same-again.tsv=DUPLICATE',
      'BANK_CSV/DE01/bank-statement-de.csv=IMPORTED', 'PAYPAL/unknown-folder.tsv=FAILED', 'STRIPE/not-stripe.tsv=FAILED',
    ]);
    expect(readJson(join(root, 'done/AMAZON_V2/amazon-v2-settlement-1.tsv.report.json'))).toMatchObject({ status: 'IMPORTED', reportId: '11811111111', lines: 10, difference: '0', breaks: [] });
    expect(readJson(join(root, 'done/AMAZON_V2/amazon-v2-control-total-failure.tsv.report.json'))).toMatchObject({
      status: 'CONTROL_TOTAL_FAILED', difference: '-1', breaks: [expect.objectContaining({ category: 'CONTROL_TOTAL', amount: '-1' })],
    });
    expect(readJson(join(root, 'done/AMAZON_V2/same-again.tsv.report.json'))).toMatchObject({ status: 'DUPLICATE', reportId: '11811111111' });
    expect(readJson(join(root, 'failed/PAYPAL/unknown-folder.tsv.report.json')).error).toBe('PAYPAL is not a report format: AMAZON_V2, SHOPIFY_PAYMENTS, STRIPE, ADYEN, PAYPAL_STL or BANK_CSV/<account>');
    expect(readJson(join(root, 'failed/STRIPE/not-stripe.tsv.report.json')).status).toBe('FAILED');
    expect(existsSync(join(root, 'failed/STRIPE/not-stripe.tsv'))).toBe(true);
    expect(existsSync(join(root, 'AMAZON_V2/amazon-v2-settlement-1.tsv'))).toBe(false);
    expect(existsSync(writing)).toBe(true);
    expect(await db.query(`SELECT format, channel, imported_by FROM settlement_imports ORDER BY id`)).toEqual([
      { format: 'AMAZON_V2', channel: 'AMAZON', imported_by: 'import-folder' }, { format: 'AMAZON_V2', channel: 'AMAZON', imported_by: 'import-folder' },
      { format: 'BANK_CSV', channel: 'BANK:DE01', imported_by: 'import-folder' },
    ]);
    // The failed file's report did not half-land.
    expect(await db.query(`SELECT count(*)::int AS n FROM settlement_components WHERE lineage LIKE 'not-stripe%'`)).toEqual([{ n: 0 }]);
  });

  it('keeps a second file of the same name in done/ beside the first, never over it', async () => {
    drop(root, 'AMAZON_V2', 'amazon-v2-settlement-1.tsv');
    expect(await scanImportFolder(db, root, 'import-folder')).toEqual([{ file: 'AMAZON_V2/amazon-v2-settlement-1.tsv', outcome: 'DUPLICATE' }]);
    expect(readJson(join(root, 'done/AMAZON_V2/amazon-v2-settlement-1.tsv.report.json')).status).toBe('IMPORTED');
  });
});

describe('IMPORT_DIR in a worker process', () => {
  let hub: TestHub;
  const prefix = `e2e-settlement-folder-${randomUUID()}`;
  const root = mkdtempSync(join(tmpdir(), 'settle-watch-'));

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_watch'), queuePrefix: prefix, role: 'worker', env: { IMPORT_DIR: root, IMPORT_SCAN_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
    rmSync(root, { recursive: true, force: true });
  });

  it('imports a dropped report, schedules its summary journal as an upload does, and matches the ledger', async () => {
    drop(root, 'AMAZON_V2', 'amazon-v2-settlement-2.tsv');
    const report = await eventually(async () => readJson(join(root, 'done/AMAZON_V2/amazon-v2-settlement-2.tsv.report.json')), 15_000);
    expect(report).toMatchObject({ status: 'IMPORTED', reportId: '11822222222' });
    expect(await hub.sql(`SELECT j.external_id, i.report_id FROM settlement_journals j JOIN settlement_imports i ON i.id = j.import_id`)).toEqual([
      { external_id: 'STL-AMAZON_V2-11822222222', report_id: '11822222222' },
    ]);
    // Matching ran: the fee types of the report have no mapping yet.
    await eventually(async () => {
      const [{ n }] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM settlement_breaks WHERE break_key LIKE 'UNKNOWN_FEE_TYPE:FEE:%'`);
      expect(n).toBe(2);
    });
  });
});
