import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url)));

/** A bank statement uploaded over HTTP, read with the column map its query parameters give. */
describe('POST /admin/settlements/imports?format=BANK_CSV', () => {
  let hub: TestHub;
  const prefix = `e2e-settlement-bank-upload-${randomUUID()}`;
  const german = {
    format: 'BANK_CSV', bankAccount: 'DE01', fileName: 'bank-statement-de.csv', date: 'Valuta', credit: 'Haben', debit: 'Soll', currency: 'Waehrung',
    reference: 'Referenz', description: 'Verwendungszweck', dateFormat: 'DD.MM.YYYY', delimiter: ';', decimal: ',',
  };

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_bank_upload'), queuePrefix: prefix, role: 'api' });
  });
  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const upload = (query: Record<string, string>, body: Buffer | string = fixture('bank-statement-de.csv')) => request(hub.app.getHttpServer())
    .post(`/admin/settlements/imports?${new URLSearchParams(query).toString()}`)
    .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'text/csv').send(body);

  it('imports a German statement (credit/debit columns, decimal comma, day-first dates) as BANK_DEPOSIT lines of the account', async () => {
    const response = await upload(german);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'IMPORTED', difference: '0', breaks: [] });
    // A statement has no id of its own: its identity is the hash of the whole body, known once the last byte is read.
    expect(response.body.reportId).toBe(createHash('sha256').update(fixture('bank-statement-de.csv')).digest('hex'));
    const lines = await hub.sql<Json>(`SELECT channel, component, amount, currency, transaction_ref, event_at::date::text AS day FROM settlement_components
      WHERE import_id = $1 ORDER BY id LIMIT 2`, [response.body.importId]);
    expect(lines).toEqual([
      { channel: 'BANK:DE01', component: 'BANK_DEPOSIT', amount: '119358', currency: 'EUR', transaction_ref: 'AMZ-11811111111', day: '2026-03-17' },
      { channel: 'BANK:DE01', component: 'BANK_DEPOSIT', amount: '11140', currency: 'EUR', transaction_ref: 'TX-124-EUR', day: '2026-03-18' },
    ]);
    expect(await hub.sql<Json>('SELECT format, channel FROM settlement_imports WHERE id = $1', [response.body.importId])).toEqual([{ format: 'BANK_CSV', channel: 'BANK:DE01' }]);
  });

  it('imports a one-amount-column statement with the account currency, and the same bytes again as DUPLICATE', async () => {
    const csv = 'Date,Amount,Reference\n2026-03-11,81.81,SHOPIFY 623721858\n';
    const query = { format: 'BANK_CSV', bankAccount: 'US01', date: 'Date', amount: 'Amount', accountCurrency: 'USD', reference: 'Reference' };
    const first = await upload(query, csv);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'IMPORTED', lines: 1 });
    const again = await upload(query, csv);
    expect(again.body).toMatchObject({ status: 'DUPLICATE', importId: first.body.importId });
  });

  it('answers 400 naming the field when the account or a column of the map is missing or malformed', async () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ bankAccount: undefined }, 'bankAccount'],
      [{ bankAccount: 'DE 01/..' }, 'bankAccount'],
      [{ date: undefined }, 'date'],
      [{ reference: undefined }, 'reference'],
      [{ debit: undefined }, 'debit'],
      [{ credit: undefined, debit: undefined }, 'amount'],
      [{ currency: undefined }, 'currency'],
      [{ dateFormat: 'D/M/Y' }, 'dateFormat'],
      [{ decimal: "'" }, 'decimal'],
      [{ delimiter: '|' }, 'delimiter'],
    ];
    for (const [change, field] of cases) {
      const query = Object.fromEntries(Object.entries({ ...german, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const response = await upload(query);
      expect({ field, status: response.status, code: response.body.code, answered: response.body.field }).toEqual({ field, status: 400, code: 'VALIDATION_FAILED', answered: field });
    }
    expect((await hub.sql<{ n: number }>('SELECT count(*)::int AS n FROM settlement_imports'))[0].n).toBe(2);
  });
});
