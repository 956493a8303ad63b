import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startPosSimulator, type PosSimulator } from '../sandboxes/pos/sandbox.js';
import { freshDatabase } from './support/test-database.js';
import { graphql } from './support/shopify-delivery.js';
import { ADMIN_KEY, dropQueueKeys, eventually, READER_KEY, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STORE = 'queens-01';
const SECRET = 'pos-store-secret-queens-01';

/** The POS simulator's scripted day against the hub: batches, a duplicate batch, a file drop with a bad row, the close, a late batch. */
describe('POS simulator: a scripted store day against the hub (PostgreSQL, Redis)', () => {
  let hub: TestHub;
  let sim: PosSimulator;
  let dir: string;
  const prefix = `e2e-pos-sim-${randomUUID()}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pos-sim-'));
    hub = await startHub({ databaseUrl: await freshDatabase('pos_sim'), queuePrefix: prefix, env: { POS_DROP_DIR: dir, DROP_SCAN_INTERVAL_MS: '200' } });
    await hub.app.listen(0, '127.0.0.1');
    const put = await request(hub.app.getHttpServer()).put('/admin/channel-accounts').set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ channel: 'POS', account: STORE, webhookSecret: SECRET, timezone: 'America/New_York' });
    expect(put.status).toBe(200);
    sim = await startPosSimulator({ hubUrl: await hub.app.getUrl(), storeId: STORE, secret: SECRET, dropDir: dir });
  });

  afterAll(async () => {
    await sim?.close();
    await hub?.close();
    await dropQueueKeys(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  it('ends with the day the simulator expects: duplicates add nothing, the bad row is rejected, the late sale restates the day', async () => {
    const res = await fetch(`${sim.url}/_sandbox/day`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ businessDate: '2026-12-04', countDelta: -150 }) });
    const run = (await res.json()) as Json;
    expect(run.sent.map((s: Json) => [s.kind, s.status, s.answer?.counts ?? null])).toEqual([
      ['batch', 202, { accepted: 6, duplicate: 0, rejected: 0, conflict: 0 }],
      ['batch', 200, { accepted: 0, duplicate: 6, rejected: 0, conflict: 0 }],
      ['drop', null, null],
      ['batch', 202, { accepted: 1, duplicate: 0, rejected: 0, conflict: 0 }],
      ['batch', 202, { accepted: 1, duplicate: 0, rejected: 0, conflict: 0 }],
    ]);
    const day = await eventually(async () => {
      const answer = await graphql(hub.app, READER_KEY, `{ storeDays(filter: { storeId: "${STORE}" }) { status restatements expected { amount } counted { amount } variance { amount } transactionCounts { type count } } }`);
      const d = answer.body.data?.storeDays[0];
      // The file is taken once it has settled; the late sale may come before or after it.
      if (!d || d.transactionCounts.reduce((n: number, c: Json) => n + c.count, 0) !== 10) throw new Error(`day ${JSON.stringify(answer.body)}`);
      return d;
    }, 20_000);
    expect(day).toMatchObject({
      status: 'SHORT', expected: [{ amount: run.simulatorExpects.expectedAfterLate }], counted: [{ amount: run.simulatorExpects.counted }],
      variance: [{ amount: run.simulatorExpects.varianceAfterLate }],
    });
    expect(run.simulatorExpects).toEqual({ expectedBeforeLate: '234.75', expectedAfterLate: '259.25', counted: '233.25', varianceAfterLate: '-26.00' });
    const [rejected] = await hub.sql<Json>(`SELECT error FROM inbox WHERE dedupe_key = 'txn:SIM-20261204-10'`);
    expect(rejected.error).toContain('transaction.lines[0].quantity');
  });
});
