import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { signPosBody } from '../src/adapters/channels/pos/pos-channel.js';
import { freshDatabase } from './support/test-database.js';
import { graphql } from './support/shopify-delivery.js';
import { ADMIN_KEY, dropQueueKeys, eventually, READER_KEY, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STORE = 'brooklyn-02';
const SECRET = 'pos-store-secret-brooklyn-02';
const NY = (local: string) => `${local}-05:00`;

const cashSale = (id: string, at: string, amount: string, tendered = amount, change = '0.00'): Json => ({
  id, type: 'SALE', at, receipt: `R-${id}`,
  lines: [{ id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity: 1, unitPrice: amount }],
  tenders: [{ kind: 'CASH', amount: tendered, change }], total: amount,
});
const cardSale = (id: string, at: string, amount: string): Json => ({ ...cashSale(id, at, amount), tenders: [{ kind: 'CARD', gateway: 'adyen', amount }] });
const close = (id: string, businessDate: string, openingFloat: string, counted: string): Json => ({
  id, type: 'DAY_CLOSE', at: NY(`${businessDate}T21:05:00`), businessDate, registers: ['R1'], cash: [{ currency: 'USD', openingFloat, counted }],
});

const DAY_QUERY = `query($filter: StoreDayFilter) { storeDays(filter: $filter) {
  businessDate status restatements registers expected { amount currencyCode } counted { amount } variance { amount }
  cash { currency openingFloat { amount } expected { amount } counted { amount } variance { amount } }
  transactionCounts { type count } journals { externalId seq amount { amount } state erp { target postingStatus internalId } } events { kind note } } }`;

/**
 * Store days on PostgreSQL and Redis with the NetSuite sandbox: the till transactions of a day in
 * the store's zone, closed with a count; over and short become one balanced journal each, to the
 * minor unit; a close sent again changes nothing; a late sale restates the day with a journal of
 * the change.
 */
describe('store days: cash count, variance and its journal (PostgreSQL, Redis, NetSuite and Business Central sandboxes)', () => {
  let hub: TestHub;
  let netsuite: NetSuiteSandbox;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-store-days-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const send = async (batchId: string, transactions: Json[]) => {
    const body = JSON.stringify({ schemaVersion: 1, batchId, storeId: STORE, register: 'R1', currency: 'USD', transactions });
    const res = await request(hub.app.getHttpServer()).post(`/webhooks/pos/${STORE}/batches`)
      .set('Content-Type', 'application/json').set('X-Pos-Signature', signPosBody(body, SECRET)).send(body);
    await eventually(async () => {
      const [row] = await hub.sql<Json>(`SELECT count(*)::int AS n FROM inbox WHERE source = 'POS' AND status = 'PENDING'`);
      if (row.n > 0) throw new Error(`${row.n} pending`);
    }, 20_000);
    return res;
  };
  const day = async (businessDate: string): Promise<Json> => {
    const res = await graphql(hub.app, READER_KEY, DAY_QUERY, { filter: { storeId: STORE, from: businessDate, to: businessDate } });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.storeDays[0];
  };
  const posted = (businessDate: string, journals: number) => eventually(async () => {
    const d = await day(businessDate);
    if (d.status !== 'POSTED' || d.journals.length !== journals) throw new Error(`day ${JSON.stringify(d)}`);
    return d;
  }, 30_000);
  const nsJournal = async (externalId: string): Promise<Json[]> =>
    ((await (await fetch(`${netsuite.url}/_sandbox/journals`)).json()) as Json).journalEntries.filter((j: Json) => j.externalId === externalId);
  const bcEntries = async (key: string): Promise<Json[]> =>
    ((await (await fetch(`${bc.url}/_sandbox/journals`)).json()) as Json).generalLedgerEntries.filter((e: Json) => e.externalDocumentNumber === key);
  const bcLines = (entries: Json[]) => entries.map((e: Json) => [e.accountNumber, e.debitAmount, e.creditAmount]);
  const lines = (entry: Json) => entry.line.items.map((l: Json) => [l.account.id, l.debit ?? null, l.credit ?? null]);

  beforeAll(async () => {
    netsuite = await startNetSuiteSandbox({ port: 0 });
    bc = await startBusinessCentralSandbox({ port: 0 });
    hub = await startHub({ databaseUrl: await freshDatabase('store_days'), queuePrefix: prefix });
    expect((await admin('put', '/admin/channel-accounts', { channel: 'POS', account: STORE, webhookSecret: SECRET, timezone: 'America/New_York' })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns', {
      variant: 'netsuite', baseUrl: netsuite.url, credentials: netsuite.credentials, concurrencyCap: 2, timeoutMs: 5000, routing: { channels: ['POS'] },
      settings: { journalSubsidiaryId: '1', currencyIds: { USD: '1' } },
    })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/bc', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 2, timeoutMs: 5000, routing: { channels: ['POS'] },
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId }, settings: { localCurrency: 'USD' },
    })).status).toBe(200);
    for (const mapping of [
      { kind: 'ITEM', account: STORE, sourceValue: 'MUG-ENAMEL-WHT', target: { itemId: '506' } },
      { kind: 'CUSTOMER', account: STORE, sourceValue: '*', target: { customerId: '900' } },
      { kind: 'LOCATION', account: STORE, sourceValue: STORE, target: { locationId: '12', subsidiaryId: '1' } },
      // The store's own cash account; one over/short account for every store of the channel.
      { kind: 'FEE_TYPE', account: STORE, sourceValue: 'store-day:CASH', target: { glAccount: '1010' } },
      { kind: 'FEE_TYPE', account: null, sourceValue: 'store-day:CASH_OVER_SHORT', target: { glAccount: '6950' } },
    ]) expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'POS', note: 'e2e' })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.close();
    await netsuite?.close();
    await bc?.close();
    await dropQueueKeys(prefix);
  });

  it('a day that is over: float + cash sales − cash refunds ± paid in/out, a voided sale left out, dated in the store zone; one journal debiting cash', async () => {
    const first = await send('B-D1-01', [
      cashSale('T-2001', NY('2026-12-04T10:15:00'), '60.84', '70.00', '9.16'),
      cardSale('T-2002', NY('2026-12-04T10:30:00'), '25.00'),
      cashSale('T-2004', NY('2026-12-04T11:00:00'), '30.00'),
      { id: 'T-2005', type: 'VOID', at: NY('2026-12-04T11:01:00'), voids: 'T-2004' },
      { id: 'T-2006', type: 'RETURN', at: NY('2026-12-04T12:00:00'), tenders: [{ kind: 'CASH', amount: '18.00' }] },
      { id: 'T-2007', type: 'PAID_IN', at: NY('2026-12-04T13:00:00'), amount: '50.00', reason: 'change top-up' },
      { id: 'T-2008', type: 'PAID_OUT', at: NY('2026-12-04T14:00:00'), amount: '12.50', reason: 'milk' },
      { id: 'T-2009', type: 'NO_SALE', at: NY('2026-12-04T15:00:00') },
      // 22:30 in New York on the 4th, though already the 5th in UTC.
      { id: 'T-2010', type: 'PAID_IN', at: '2026-12-05T03:30:00Z', amount: '1.00' },
    ]);
    expect(first.body.counts).toEqual({ accepted: 9, duplicate: 0, rejected: 0, conflict: 0 });
    const open = await day('2026-12-04');
    expect(open).toMatchObject({ status: 'OPEN', cash: [], journals: [] });

    expect((await send('B-D1-close', [close('C-2026-12-04', '2026-12-04', '200.00', '282.00')])).body.counts.accepted).toBe(1);
    const d = await posted('2026-12-04', 1);
    // 200.00 + 60.84 − 18.00 + 50.00 − 12.50 + 1.00 = 281.34; counted 282.00: over 0.66.
    expect(d).toMatchObject({
      status: 'POSTED', restatements: 0, registers: ['R1'], expected: [{ amount: '281.34', currencyCode: 'USD' }], counted: [{ amount: '282.00' }], variance: [{ amount: '0.66' }],
      cash: [{ currency: 'USD', openingFloat: { amount: '200.00' }, expected: { amount: '281.34' }, counted: { amount: '282.00' }, variance: { amount: '0.66' } }],
      journals: [{ externalId: 'POS-brooklyn-02-20261204-USD', seq: 1, amount: { amount: '0.66' }, state: 'POSTED', erp: [{ target: 'bc', postingStatus: 'POSTED' }, { target: 'ns', postingStatus: 'POSTED' }] }],
    });
    expect(d.transactionCounts).toEqual([
      { type: 'NO_SALE', count: 1 }, { type: 'PAID_IN', count: 2 }, { type: 'PAID_OUT', count: 1 }, { type: 'RETURN', count: 1 }, { type: 'SALE', count: 3 }, { type: 'VOID', count: 1 },
    ]);
    expect(await hub.sql(`SELECT c.expected::text, c.counted::text, c.variance::text FROM store_day_cash c JOIN store_days d ON d.id = c.store_day_id
      WHERE d.store = $1 AND d.business_date = '2026-12-04'`, [STORE])).toEqual([{ expected: '28134', counted: '28200', variance: '66' }]);
    const [entry, ...more] = await nsJournal('POS-brooklyn-02-20261204-USD');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ tranDate: '2026-12-04', total: 0.66 });
    expect(lines(entry)).toEqual([['1010', 0.66, null], ['6950', null, 0.66]]);
    expect(d.journals[0].erp[1].internalId).toBe(String(entry.id));
    const ledger = await bcEntries('POS-brooklyn-02-20261204-USD');
    expect(bcLines(ledger)).toEqual([['1010', 0.66, 0], ['6950', 0, 0.66]]);
    expect(ledger.every((e: Json) => e.postingDate === '2026-12-04')).toBe(true);
  });

  it('a day that is short: one journal crediting cash; closed again with the same count, nothing changes', async () => {
    await send('B-D2-01', [cashSale('T-3001', NY('2026-12-05T09:00:00'), '60.84', '60.84')]);
    await send('B-D2-close', [close('C-2026-12-05', '2026-12-05', '100.00', '155.00')]);
    const d = await posted('2026-12-05', 1);
    // 100.00 + 60.84 = 160.84; counted 155.00: short 5.84.
    expect(d.cash).toEqual([{ currency: 'USD', openingFloat: { amount: '100.00' }, expected: { amount: '160.84' }, counted: { amount: '155.00' }, variance: { amount: '-5.84' } }]);
    const [entry] = await nsJournal('POS-brooklyn-02-20261205-USD');
    expect(lines(entry)).toEqual([['1010', null, 5.84], ['6950', 5.84, null]]);
    expect(bcLines(await bcEntries('POS-brooklyn-02-20261205-USD'))).toEqual([['1010', 0, 5.84], ['6950', 5.84, 0]]);

    // The same close again (a duplicate), and the same count under another close id: no second journal.
    expect((await send('B-D2-close', [close('C-2026-12-05', '2026-12-05', '100.00', '155.00')])).body.counts.duplicate).toBe(1);
    await send('B-D2-close-again', [close('C-2026-12-05-b', '2026-12-05', '100.00', '155.00')]);
    const again = await day('2026-12-05');
    expect(again.journals).toHaveLength(1);
    expect(again.events.map((e: Json) => e.kind)).toEqual(['CLOSED', 'CLOSED_AGAIN_SAME']);
    expect(await nsJournal('POS-brooklyn-02-20261205-USD-2')).toEqual([]);
    expect(await hub.sql(`SELECT count(*)::int AS n FROM postings WHERE subject_type = 'STORE_DAY'`)).toEqual([{ n: 4 }]);
  });

  it('a late sale after the close restates the day: a second journal books the change of the variance', async () => {
    await send('B-D1-late', [cashSale('T-2011', NY('2026-12-04T16:00:00'), '10.00')]);
    const d = await posted('2026-12-04', 2);
    // Expected 291.34 now; counted 282.00: short 9.34, of which 0.66 over was booked: the change is −10.00.
    expect(d).toMatchObject({ restatements: 1, variance: [{ amount: '-9.34' }] });
    expect(d.journals.map((j: Json) => [j.externalId, j.amount.amount, j.state])).toEqual([
      ['POS-brooklyn-02-20261204-USD', '0.66', 'POSTED'], ['POS-brooklyn-02-20261204-USD-2', '-10.00', 'POSTED'],
    ]);
    expect(d.events.map((e: Json) => e.kind)).toEqual(['CLOSED', 'RESTATED']);
    const [entry] = await nsJournal('POS-brooklyn-02-20261204-USD-2');
    expect(lines(entry)).toEqual([['1010', null, 10], ['6950', 10, null]]);
    expect(bcLines(await bcEntries('POS-brooklyn-02-20261204-USD-2'))).toEqual([['1010', 0, 10], ['6950', 10, 0]]);
  });
});
