import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url)), 'utf8');

/** PayPal's Settlement report (STL), uploaded: row types, unsigned minor units with CR/DR, footers as control totals. */
describe('PayPal STL import', () => {
  let hub: TestHub;
  const prefix = `e2e-settlement-paypal-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_paypal_stl'), queuePrefix: prefix, role: 'api' });
  });
  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const upload = (name: string, body = fixture(name), query = 'format=PAYPAL_STL') => request(hub.app.getHttpServer())
    .post(`/admin/settlements/imports?${query}&fileName=${encodeURIComponent(name)}`)
    .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'text/csv').send(body);

  it('imports each transaction signed by its CR/DR, its fee apart, and the withdrawal as the payout', async () => {
    const response = await upload('paypal-stl-20260310.csv');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'IMPORTED', reportId: 'HUBSHOPMERCH01:2026-03-10:01', lines: 4, difference: '0' });
    const lines = await hub.sql<Json>(`SELECT component, fee_type, provider_key, order_ref, transaction_ref, amount, currency, payout_ref
      FROM settlement_components WHERE import_id = $1 ORDER BY id`, [response.body.importId]);
    expect(lines).toEqual([
      { component: 'PRINCIPAL', fee_type: null, provider_key: 'T0006', order_ref: 'PP-1001', transaction_ref: '5TY05013RG002845M', amount: '12000', currency: 'USD', payout_ref: null },
      { component: 'FEE', fee_type: 'PAYPAL_T00_FEE', provider_key: 'T0006|fee', order_ref: 'PP-1001', transaction_ref: '5TY05013RG002845M', amount: '-378', currency: 'USD', payout_ref: null },
      { component: 'PRINCIPAL', fee_type: null, provider_key: 'T0006', order_ref: 'PP-1002', transaction_ref: '7KN40688LF012804R', amount: '4550', currency: 'USD', payout_ref: null },
      { component: 'FEE', fee_type: 'PAYPAL_T00_FEE', provider_key: 'T0006|fee', order_ref: 'PP-1002', transaction_ref: '7KN40688LF012804R', amount: '-162', currency: 'USD', payout_ref: null },
      // A refund points at the payment it refunds; PayPal gives part of the fee back (CR).
      { component: 'REFUND', fee_type: null, provider_key: 'T1107', order_ref: 'PP-0999', transaction_ref: '2AB12345CD678901E', amount: '-2000', currency: 'USD', payout_ref: null },
      { component: 'FEE', fee_type: 'PAYPAL_T11_FEE', provider_key: 'T1107|fee', order_ref: 'PP-0999', transaction_ref: '2AB12345CD678901E', amount: '30', currency: 'USD', payout_ref: null },
      { component: 'PAYOUT', fee_type: null, provider_key: 'T0400', order_ref: null, transaction_ref: '1WD00000BB000001W', amount: '10000', currency: 'USD', payout_ref: '1WD00000BB000001W' },
    ]);
    expect(await hub.sql<Json>('SELECT control_expected, control_actual FROM settlement_imports WHERE id = $1', [response.body.importId]))
      .toEqual([{ control_expected: '9040', control_actual: '9040' }]);
  });

  it('matches the withdrawal to its bank line', async () => {
    const statement = 'Date,Amount,Currency,Reference\n2026-03-11,100.00,USD,PAYPAL 1WD00000BB000001W\n';
    const bank = await upload('bank-us.csv', statement, 'format=BANK_CSV&bankAccount=US01&date=Date&amount=Amount&currency=Currency&reference=Reference');
    expect(bank.body.status).toBe('IMPORTED');
    const run = await request(hub.app.getHttpServer()).post('/admin/settlements/match').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(run.body.payouts.matched).toBe(1);
  });

  it('keeps a report whose footers disagree with its rows, one CONTROL_TOTAL break per failing footer total with the exact difference', async () => {
    const response = await upload('paypal-stl-20260311-footer-off.csv');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'CONTROL_TOTAL_FAILED', difference: '-1' });
    expect(response.body.breaks.filter((b: Json) => b.category === 'CONTROL_TOTAL')).toEqual([
      { category: 'CONTROL_TOTAL', amount: '-1', currency: 'USD', explanation: 'PAYPAL_STL report HUBSHOPMERCH01:2026-03-11:01, control total (report): stated 90.41 USD, its lines give 90.40 USD, a difference of -0.01 USD' },
      { category: 'CONTROL_TOTAL', amount: '-1', currency: 'USD', explanation: 'PAYPAL_STL report HUBSHOPMERCH01:2026-03-11:01, section 1 (USD) total fee debit (paypal-stl-20260311-footer-off.csv:9): stated 5.41 USD, its lines give 5.40 USD, a difference of -0.01 USD' },
      { category: 'CONTROL_TOTAL', amount: '-1', currency: 'USD', explanation: 'PAYPAL_STL report HUBSHOPMERCH01:2026-03-11:01, report total fee debit (paypal-stl-20260311-footer-off.csv:11): stated 5.41 USD, its lines give 5.40 USD, a difference of -0.01 USD' },
    ]);
    expect((await hub.sql<{ n: number }>('SELECT count(*)::int AS n FROM settlement_components WHERE import_id = $1', [response.body.importId]))[0].n).toBe(7);
  });

  it('answers the same report again as DUPLICATE', async () => {
    const again = await upload('paypal-stl-20260310.csv');
    expect(again.body).toMatchObject({ status: 'DUPLICATE', reportId: 'HUBSHOPMERCH01:2026-03-10:01' });
  });

  it('refuses an incomplete file (no file footer, or fewer rows than its count) with 422 and keeps nothing of it', async () => {
    const before = (await hub.sql<{ n: number }>('SELECT count(*)::int AS n FROM settlement_components'))[0].n;
    const rows = fixture('paypal-stl-20260310.csv').replaceAll('2026/03/10', '2026/03/09').trimEnd().split('\n');
    const truncated = await upload('truncated.csv', rows.slice(0, -1).join('\n'));
    expect({ status: truncated.status, code: truncated.body.code, field: truncated.body.field }).toEqual({ status: 422, code: 'REPORT_INVALID', field: 'FF' });
    const short = await upload('short.csv', rows.filter((_, i) => i !== 5).join('\n'));
    expect({ status: short.status, field: short.body.field }).toEqual({ status: 422, field: 'SC' });
    const unsigned = await upload('signed.csv', rows.map((r) => r.replace('"CR",12000', '"CR",-12000')).join('\n'));
    expect({ status: unsigned.status, field: unsigned.body.field }).toEqual({ status: 422, field: 'Gross Transaction Amount' });
    expect((await hub.sql<{ n: number }>('SELECT count(*)::int AS n FROM settlement_components'))[0].n).toBe(before);
  });
});
