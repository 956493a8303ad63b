import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import request from 'supertest';
import { signPosBody } from '../src/adapters/channels/pos/pos-channel.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STORE = 'brooklyn-03';
const SECRET = 'pos-store-secret-brooklyn-03';

const HEADER = 'transaction_id,type,at,register,currency,receipt,total,record,line_id,sku,title,quantity,unit_price,tender_kind,tender_amount,tender_change,amount,reason,business_date,registers,opening_float,counted';
const CSV = [
  HEADER,
  // T-4001 came in a batch already: a duplicate.
  'T-4001,SALE,2026-12-04T10:00:00-05:00,R1,USD,R-4001,20.00,ITEM,1,MUG,Mug,1,20.00,,,,,,,,,',
  'T-4001,,,,,,,TENDER,,,,,,CASH,20.00,0.00,,,,,,',
  'T-4002,SALE,2026-12-04T11:00:00-05:00,R1,USD,R-4002,36.00,ITEM,1,MUG,Mug,2,18.00,,,,,,,,,',
  'T-4002,,,,,,,TENDER,,,,,,CASH,40.00,4.00,,,,,,',
  // A bad row: its transaction is kept, rejected with the reason; the rest of the file goes through.
  'T-4003,SALE,2026-12-04T12:00:00-05:00,R1,USD,R-4003,10.00,ITEM,1,MUG,Mug,two,10.00,,,,,,,,,',
  'T-4003,,,,,,,TENDER,,,,,,CASH,10.00,,,,,,,',
  'T-4004,PAID_OUT,2026-12-04T13:00:00-05:00,R2,USD,,,,,,,,,,,,5.50,window cleaner,,,,',
  'C-4099,DAY_CLOSE,2026-12-04T21:00:00-05:00,R1,USD,,,COUNT,,,,,,,,,,,2026-12-04,R1;R2,150.00,200.00',
].join('\n');

/** File drops in POS_DROP_DIR on PostgreSQL and Redis: each transaction through the same intake as a batch. */
describe('POS file drops: CSV and NDJSON files in the batch model, moved to done/ or failed/ with a report (PostgreSQL, Redis)', () => {
  let hub: TestHub;
  let dir: string;
  const prefix = `e2e-pos-drops-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  /** Written, then aged past the watcher's settle time, as a finished upload would be. */
  const drop = async (relative: string, content: string) => {
    await mkdir(join(dir, relative, '..'), { recursive: true });
    await writeFile(join(dir, relative), content);
    const past = new Date(Date.now() - 5000);
    await utimes(join(dir, relative), past, past);
  };
  const report = (relative: string) => eventually(async () => JSON.parse(await readFile(join(dir, `${relative}.report.json`), 'utf8')) as Json, 20_000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pos-drops-'));
    hub = await startHub({ databaseUrl: await freshDatabase('pos_drops'), queuePrefix: prefix, env: { POS_DROP_DIR: dir, DROP_SCAN_INTERVAL_MS: '200' } });
    expect((await admin('put', '/admin/channel-accounts', { channel: 'POS', account: STORE, webhookSecret: SECRET, timezone: 'America/New_York' })).status).toBe(200);
    const batch = JSON.stringify({ batchId: 'B-4000', currency: 'USD', register: 'R1', transactions: [{
      id: 'T-4001', type: 'SALE', at: '2026-12-04T10:00:00-05:00', receipt: 'R-4001', lines: [{ id: '1', sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: '20.00' }],
      tenders: [{ kind: 'CASH', amount: '20.00', change: '0.00' }], total: '20.00',
    }] });
    const sent = await request(hub.app.getHttpServer()).post(`/webhooks/pos/${STORE}/batches`).set('Content-Type', 'application/json').set('X-Pos-Signature', signPosBody(batch, SECRET)).send(batch);
    expect(sent.status).toBe(202);
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  it('takes a CSV: each transaction deduplicated on its id, a bad row rejected with its reason, moved to done/ with every outcome; the close counts its day', async () => {
    await drop(`${STORE}/2026-12-04.csv`, CSV);
    const r = await report(`done/${STORE}/2026-12-04.csv`);
    expect(r).toMatchObject({ file: `${STORE}/2026-12-04.csv`, account: STORE, status: 'DONE', counts: { accepted: 3, duplicate: 1, rejected: 1, conflict: 0 } });
    expect(r.items.map((i: Json) => [i.ref, i.status])).toEqual([
      ['T-4001', 'duplicate'], ['T-4002', 'accepted'], ['T-4003', 'rejected'], ['C-4099', 'accepted'], ['T-4004', 'accepted'],
    ]);
    expect(r.items.find((i: Json) => i.ref === 'T-4003').reason).toContain('transaction.lines[0].quantity');
    expect(await readdir(join(dir, 'done', STORE))).toEqual(['2026-12-04.csv', '2026-12-04.csv.report.json']);
    expect(await readdir(dir)).toEqual(expect.not.arrayContaining([STORE + '.csv']));

    const rows = await hub.sql<Json>(`SELECT dedupe_key, status FROM inbox WHERE source = 'POS' ORDER BY dedupe_key`);
    expect(rows.map((x) => x.dedupe_key)).toEqual(['txn:C-4099', 'txn:T-4001', 'txn:T-4002', 'txn:T-4003', 'txn:T-4004']);
    // 150.00 + 20.00 + 36.00 − 5.50 = 200.50 expected; 200.00 counted: short 0.50 (the rejected sale is not the day's).
    const cash = await eventually(async () => {
      const found = await hub.sql<Json>(`SELECT c.expected::text, c.counted::text, c.variance::text FROM store_day_cash c JOIN store_days d ON d.id = c.store_day_id
        WHERE d.store = $1 AND d.business_date = '2026-12-04'`, [STORE]);
      if (found[0]?.expected !== '20050') throw new Error(`cash ${JSON.stringify(found)}`);
      return found;
    }, 20_000);
    expect(cash).toEqual([{ expected: '20050', counted: '20000', variance: '-50' }]);
  });

  it('moves a file it cannot take to failed/ with why, keeping nothing of it', async () => {
    await drop(`${STORE}/other-store.ndjson`, '{"id":"T-4100","type":"NO_SALE","at":"2026-12-04T10:00:00Z","currency":"USD","storeId":"queens-01"}\n');
    await drop('loose.csv', CSV);
    await drop('unknown-store/day.ndjson', '{"id":"T-4101","type":"NO_SALE","at":"2026-12-04T10:00:00Z","currency":"USD"}\n');
    await drop(`${STORE}/notes.txt`, 'hello');
    expect(await report(`failed/${STORE}/other-store.ndjson`)).toMatchObject({ status: 'FAILED', error: `line 1 names store queens-01, the folder ${STORE}` });
    expect(await report('failed/loose.csv')).toMatchObject({ status: 'FAILED', error: 'put the file in the folder of its account (the store id): <account>/<file>' });
    expect(await report('failed/unknown-store/day.ndjson')).toMatchObject({ status: 'FAILED', error: 'no enabled POS account unknown-store' });
    expect(await report(`failed/${STORE}/notes.txt`)).toMatchObject({ status: 'FAILED', error: 'a POS drop is a .csv or an .ndjson file' });
    expect(await readdir(join(dir, 'failed', STORE))).toEqual(['notes.txt', 'notes.txt.report.json', 'other-store.ndjson', 'other-store.ndjson.report.json']);
    expect(await hub.sql(`SELECT id FROM inbox WHERE dedupe_key IN ('txn:T-4100', 'txn:T-4101')`)).toEqual([]);
  });

  it('takes NDJSON, one transaction a line, and a file dropped again adds nothing', async () => {
    const lines = [
      { id: 'T-4200', type: 'NO_SALE', at: '2026-12-04T16:00:00-05:00', currency: 'USD', register: 'R2' },
      { id: 'T-4201', type: 'PAID_IN', at: '2026-12-04T16:05:00-05:00', currency: 'USD', register: 'R2', amount: '3.00' },
    ].map((l) => JSON.stringify(l)).join('\n');
    await drop(`${STORE}/late.ndjson`, lines);
    expect(await report(`done/${STORE}/late.ndjson`)).toMatchObject({ counts: { accepted: 2, duplicate: 0, rejected: 0, conflict: 0 } });
    await drop(`${STORE}/late.ndjson`, lines);
    await eventually(async () => {
      const kept = (await readdir(join(dir, 'done', STORE))).filter((f) => f.endsWith('-late.ndjson.report.json'));
      if (kept.length !== 1) throw new Error('not yet');
      const again = JSON.parse(await readFile(join(dir, 'done', STORE, kept[0]), 'utf8')) as Json;
      expect(again.counts).toEqual({ accepted: 0, duplicate: 2, rejected: 0, conflict: 0 });
    }, 20_000);
  });
});
