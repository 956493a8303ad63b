import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { SettlementJournalsService } from '../src/modules/settlements/journals/settlement-journals.service.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url)));

/** GL accounts by FEE_TYPE source value, channel AMAZON; the same numbers serve as NetSuite internal ids and BC G/L account Nos. */
const ACCOUNTS: Record<string, string> = {
  'settlement:PRINCIPAL': '4000', 'settlement:TAX': '2200', 'settlement:SHIPPING': '4100', 'settlement:DISCOUNT': '4900',
  'settlement:RESERVE_HOLD': '1250', 'settlement:RESERVE_RELEASE': '1250', 'settlement:REFUND': '4500', 'settlement:PAYOUT': '1090',
  Commission: '6100', FBAPerUnitFulfillmentFee: '6110',
};
const UNKNOWN_KEY = 'Warehouse Surcharge|other-transaction|Peak Handling';

/**
 * Amazon settlements become one summary journal per ERP target, through the posting pipeline:
 * exact lines per component and fee account, the payout to the bank clearing account, debits =
 * credits; once per settlement; an unmapped fee type parks the journal until it is mapped.
 */
describe('Settlement summary journals to NetSuite and Business Central (PostgreSQL + Redis + both sandboxes)', () => {
  let hub: TestHub;
  let ns: NetSuiteSandbox;
  let bc: BusinessCentralSandbox;
  const prefix = `e2e-settlement-journals-${randomUUID()}`;
  const admin = (method: 'put' | 'post', path: string, body: object) =>
    request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
  const upload = (name: string) => request(hub.app.getHttpServer())
    .post(`/admin/settlements/imports?format=AMAZON_V2&fileName=${encodeURIComponent(name)}`)
    .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'text/tab-separated-values').send(fixture(name));
  const map = async (sourceValue: string, glAccount: string) =>
    expect((await admin('post', '/admin/mappings', { kind: 'FEE_TYPE', channel: 'AMAZON', sourceValue, target: { glAccount }, note: 'e2e' })).status).toBe(201);
  const nsJournals = async (): Promise<Json[]> => ((await (await fetch(`${ns.url}/_sandbox/journals`)).json()) as Json).journalEntries;
  const bcLedger = async (): Promise<Json> => (await (await fetch(`${bc.url}/_sandbox/journals`)).json()) as Json;
  const postings = (reportId: string) => hub.sql<Json>(`
    SELECT p.id, p.target_id, p.status, p.last_error_code, p.last_error, p.erp_internal_id, p.erp_total::text AS erp_total, p.expected_total::text AS expected_total,
      p.variance::text AS variance, j.state, j.external_id
    FROM postings p JOIN settlement_journals j ON j.id = p.subject_id JOIN settlement_imports i ON i.id = j.import_id
    WHERE p.subject_type = 'SETTLEMENT' AND p.document_type = 'JOURNAL' AND i.report_id = $1 ORDER BY p.target_id`, [reportId]);

  beforeAll(async () => {
    ns = await startNetSuiteSandbox({ port: 0 });
    bc = await startBusinessCentralSandbox({ port: 0 });
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_journals'), queuePrefix: prefix });
    expect((await admin('put', '/admin/erp-targets/bc-main', {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 4, timeoutMs: 5000,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId }, settings: { localCurrency: 'EUR' },
    })).status).toBe(200);
    expect((await admin('put', '/admin/erp-targets/ns-main', {
      variant: 'netsuite', baseUrl: ns.url, credentials: ns.credentials, concurrencyCap: 4, timeoutMs: 5000,
      settings: { journalSubsidiaryId: '1', currencyIds: { EUR: '4', USD: '1' } },
    })).status).toBe(200);
    for (const [source, account] of Object.entries(ACCOUNTS)) await map(source, account);
  });

  afterAll(async () => {
    await hub?.close();
    await ns?.close();
    await bc?.close();
    await dropQueueKeys(prefix);
  });

  const posted = (reportId: string) => eventually(async () => {
    const rows = await postings(reportId);
    if (rows.length !== 2 || rows.some((r) => r.status !== 'POSTED')) throw new Error(`journals ${JSON.stringify(rows)}`);
    return rows;
  }, 30_000);

  it('books an Amazon settlement as one balanced journal per target: sales, tax, shipping, discounts, fees by account, reserve held, payout', async () => {
    const answer = await upload('amazon-v2-settlement-1.tsv');
    expect(answer.body).toMatchObject({ status: 'IMPORTED', reportId: '11811111111' });
    const rows = await posted('11811111111');
    const key = 'STL-AMAZON_V2-11811111111';
    // 1,193.58 paid out: every target read back debits = credits = 1,193.58 + 187.35 + 5.37 + 5.00 + 100.00.
    for (const row of rows) expect(row).toMatchObject({ external_id: key, erp_total: '149130', expected_total: '149130', variance: '0', state: 'POSTED' });

    const [entry, ...more] = (await nsJournals()).filter((j) => j.externalId === key);
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({ subsidiary: { id: '1' }, currency: { id: '4' }, tranDate: '2026-03-17', total: 1491.3 });
    expect(entry.line.items.map((l: Json) => [l.account.id, l.debit ?? null, l.credit ?? null])).toEqual([
      ['4900', 5, null], ['6100', 187.35, null], ['6110', 5.37, null], ['1090', 1193.58, null], ['4000', null, 1249], ['1250', 100, null],
      ['4100', null, 4.99], ['2200', null, 237.31],
    ]);
    expect(rows.find((r) => r.target_id === 'ns-main')!.erp_internal_id).toBe(String(entry.id));

    const ledger = await bcLedger();
    const entries = ledger.generalLedgerEntries.filter((e: Json) => e.externalDocumentNumber === key);
    expect(entries.map((e: Json) => [e.accountNumber, e.debitAmount, e.creditAmount])).toEqual([
      ['4900', 5, 0], ['6100', 187.35, 0], ['6110', 5.37, 0], ['1090', 1193.58, 0], ['4000', 0, 1249], ['1250', 100, 0], ['4100', 0, 4.99], ['2200', 0, 237.31],
    ]);
    expect(new Set(entries.map((e: Json) => e.documentNumber)).size).toBe(1);
    expect(entries.every((e: Json) => e.postingDate === '2026-03-17')).toBe(true);
    // Posting empties the batch, as BC does.
    expect(ledger.journals.find((j: Json) => j.code === entries[0].documentNumber).lines).toEqual([]);
  });

  it('imports the same settlement again without a second journal anywhere', async () => {
    const before = { ns: (await nsJournals()).length, bc: (await bcLedger()).generalLedgerEntries.length };
    const answer = await upload('amazon-v2-settlement-1.tsv');
    expect(answer.body).toMatchObject({ status: 'DUPLICATE', reportId: '11811111111' });
    const [{ n }] = await hub.sql<{ n: number }>(`SELECT count(*)::int AS n FROM postings WHERE subject_type = 'SETTLEMENT'`);
    expect(n).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect({ ns: (await nsJournals()).length, bc: (await bcLedger()).generalLedgerEntries.length }).toEqual(before);
  });

  it('parks a journal with an unmapped fee type and an unknown line type, and posts it once they are mapped', async () => {
    expect((await upload('amazon-v2-settlement-2.tsv')).body).toMatchObject({ status: 'IMPORTED', reportId: '11822222222' });
    const waiting = await eventually(async () => {
      const rows = await postings('11822222222');
      if (rows.length !== 2 || rows.some((r) => r.status !== 'RETRYING')) throw new Error(`journals ${JSON.stringify(rows)}`);
      return rows;
    }, 20_000);
    for (const row of waiting) {
      expect(row).toMatchObject({ last_error_code: 'UNMAPPED', state: 'PENDING' });
      expect(row.last_error).toContain('"RefundCommission"');
      expect(row.last_error).toContain(JSON.stringify(UNKNOWN_KEY));
    }
    const key = 'STL-AMAZON_V2-11822222222';
    expect((await nsJournals()).filter((j) => j.externalId === key)).toEqual([]);
    expect((await bcLedger()).generalLedgerEntries.filter((e: Json) => e.externalDocumentNumber === key)).toEqual([]);

    await map('RefundCommission', '6100');
    await map(UNKNOWN_KEY, '6190');
    for (const row of waiting) expect((await admin('post', `/admin/postings/${row.id}/replay`, {})).status).toBe(201);
    const rows = await posted('11822222222');
    // 48.29 paid out: refunds 54.50 and the surcharge 3.21 on the debit side; the reserve released (100.00) and
    // the fees' net (7.50 commission back − 1.50 refund commission) on the credit side.
    for (const row of rows) expect(row).toMatchObject({ erp_total: '10600', expected_total: '10600', variance: '0', state: 'POSTED' });
    const [entry] = (await nsJournals()).filter((j) => j.externalId === key);
    expect(entry.line.items.map((l: Json) => [l.account.id, l.debit ?? null, l.credit ?? null])).toEqual([
      ['6100', null, 6], ['1090', 48.29, null], ['4500', 54.5, null], ['1250', null, 100], ['6190', 3.21, null],
    ]);
    const entries = (await bcLedger()).generalLedgerEntries.filter((e: Json) => e.externalDocumentNumber === key);
    expect(entries.map((e: Json) => [e.accountNumber, e.debitAmount, e.creditAmount])).toEqual([
      ['6100', 0, 6], ['1090', 48.29, 0], ['4500', 54.5, 0], ['1250', 0, 100], ['6190', 3.21, 0],
    ]);
  });

  it('maps a payment provider\'s fees under its own channel and posts its payout journal (Stripe)', async () => {
    const stripe: Record<string, string> = {
      'settlement:PRINCIPAL': '1130', 'settlement:REFUND': '4500', 'settlement:CHARGEBACK': '4600', 'settlement:CHARGEBACK_FEE': '6150',
      'settlement:PAYOUT': '1090', stripe_fee: '6120', tax: '2210',
    };
    for (const [sourceValue, glAccount] of Object.entries(stripe)) {
      expect((await admin('post', '/admin/mappings', { kind: 'FEE_TYPE', channel: 'STRIPE', sourceValue, target: { glAccount }, note: 'e2e' })).status).toBe(201);
    }
    // A provider has fees, not items or customers: only FEE_TYPE takes its code.
    const item = await admin('post', '/admin/mappings', { kind: 'ITEM', channel: 'STRIPE', sourceValue: 'SKU-1', target: { itemId: '1' }, note: 'e2e' });
    expect(item.status).toBe(400);
    const answer = await request(hub.app.getHttpServer()).post('/admin/settlements/imports?format=STRIPE&fileName=po_1Stripe0001.jsonl')
      .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/x-ndjson').send(fixture('stripe-balance-transactions-po_1Stripe0001.jsonl'));
    expect(answer.body).toMatchObject({ status: 'IMPORTED' });
    // Business Central's journal API posts in the company's currency (EUR) only: the USD payout is refused there with the reason, and posted to NetSuite.
    const [bcRow, nsRow] = await eventually(async () => {
      const found = await postings(answer.body.reportId);
      if (found.length !== 2 || found[0].status !== 'DEAD' || found[1].status !== 'POSTED') throw new Error(`journals ${JSON.stringify(found)}`);
      return found;
    }, 30_000);
    expect(bcRow).toMatchObject({ target_id: 'bc-main', last_error_code: 'UNSUPPORTED_CURRENCY' });
    // 99.53 paid out; debits = credits = 220.00 captured against refund 25.00, dispute 50.00, fees 3.20 + 3.49 + 0.30 + 23.48, dispute fee 15.00 and the payout.
    expect(nsRow).toMatchObject({ target_id: 'ns-main', erp_total: '22000', expected_total: '22000', variance: '0', external_id: 'STL-STRIPE-po_1Stripe0001' });
    const [entry] = (await nsJournals()).filter((j) => j.externalId === nsRow.external_id);
    expect(new Set(entry.line.items.map((l: Json) => l.account.id))).toEqual(new Set(Object.values(stripe)));
  });

  it('refuses a journal whose parts do not add up to its payout, sends nothing, and holds the settlement with the reason', async () => {
    // No parser lets this through (control totals hold), so the ledger is written as a report that lost a fee would leave it.
    const [{ id: importId }] = await hub.sql<{ id: string }>(`
      INSERT INTO settlement_imports (format, report_id, file_hash, channel, currency, status, control_expected, control_actual, line_count, imported_by)
      VALUES ('AMAZON_V2', '11899999999', repeat('e', 64), 'AMAZON', 'EUR', 'IMPORTED', 975, 975, 2, 'e2e') RETURNING id::text AS id`);
    await hub.sql(`
      INSERT INTO settlement_components (import_id, side, component, fee_type, provider_key, lineage, channel, amount, currency, posted_at)
      VALUES ($1, 'REPORTED', 'PAYOUT', NULL, 'settlement|total-amount', 'x:2', 'AMAZON', 975, 'EUR', '2026-04-01T00:00:00Z'),
             ($1, 'REPORTED', 'PRINCIPAL', NULL, 'Order|ItemPrice|Principal', 'x:3', 'AMAZON', 1000, 'EUR', NULL),
             ($1, 'REPORTED', 'FEE', 'Commission', 'Order|ItemFees|Commission', 'x:4', 'AMAZON', -30, 'EUR', NULL)`, [importId]);
    const runner = hub.app.get(DataSource).createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await hub.app.get(SettlementJournalsService).imported(runner, {
      importId, summary: { format: 'AMAZON_V2', reportId: '11899999999', channel: 'AMAZON', currency: 'EUR', controlExpected: 975n, controlActual: 975n, lineCount: 2 },
    });
    await runner.commitTransaction();
    await runner.release();
    const rows = await eventually(async () => {
      const found = await postings('11899999999');
      if (found.length !== 2 || found.some((r) => r.status !== 'DEAD' || r.state !== 'HELD')) throw new Error(`journals ${JSON.stringify(found)}`);
      return found;
    }, 20_000);
    for (const row of rows) {
      expect(row.last_error_code).toBe('DOCUMENT_TOTAL_MISMATCH');
      expect(row.last_error).toContain('debits 1005 and credits 1000 minor units of EUR differ by 5');
    }
    const [journal] = await hub.sql<Json>(`SELECT hold_code, hold_reason FROM settlement_journals WHERE external_id = 'STL-AMAZON_V2-11899999999'`);
    expect(journal.hold_code).toBe('DOCUMENT_TOTAL_MISMATCH');
    expect((await nsJournals()).filter((j) => j.externalId === 'STL-AMAZON_V2-11899999999')).toEqual([]);
  });
});
