import { describe, expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { SettlementComponent } from '../../canonical/settlement.js';
import { BankStatementCsvParser, type BankColumnMap } from './bank-statement-csv.js';

const NAME = 'bank-statement-de.csv';
const fixture = fileURLToPath(new URL(`../../../test/fixtures/settlements/${NAME}`, import.meta.url));
const GERMAN: BankColumnMap = {
  date: 'Valuta', credit: 'Haben', debit: 'Soll', currency: 'Waehrung', reference: 'Referenz', description: 'Verwendungszweck',
  dateFormat: 'DD.MM.YYYY', delimiter: ';', decimal: ',',
};

async function read(map: BankColumnMap, input: Readable = createReadStream(fixture), fileName = NAME) {
  const parser = new BankStatementCsvParser({ fileName, channel: 'BANK:DE01', fileHash: 'f'.repeat(64) }, map);
  const components: SettlementComponent[] = [];
  for await (const batch of parser.components(input)) components.push(...batch);
  return { components, summary: parser.summary() };
}

describe('bank statement CSV', () => {
  it('reads a German export through its column map: credits in, debits out, exact amounts, the hash as identity', async () => {
    const { components, summary } = await read(GERMAN);
    expect(components.map((c) => [c.transactionRef, c.amount])).toEqual([
      ['AMZ-11811111111', 119358n], ['TX-124-EUR', 11140n], ['DA-2026-03', -250000n], ['AMZ-11822222222', 4829n],
    ]);
    expect(components[0]).toMatchObject({ component: 'BANK_DEPOSIT', lineage: `${NAME}:2`, currency: 'EUR' });
    expect(components[0].eventAt?.toISOString()).toBe('2026-03-17T00:00:00.000Z');
    expect(summary).toMatchObject({ format: 'BANK_CSV', reportId: 'f'.repeat(64), controlExpected: -114673n, controlActual: -114673n, lineCount: 4 });
  });

  it('reads a signed amount column in an exponent-0 currency', async () => {
    const map: BankColumnMap = { date: 'date', amount: 'amount', accountCurrency: 'JPY', reference: 'ref', dateFormat: 'YYYY-MM-DD', decimal: '.' };
    const { components } = await read(map, Readable.from(['date,amount,ref\n2026-03-02,"-1,990",P1\n2026-03-03,250000,P2\n']), 'jp.csv');
    expect(components.map((c) => c.amount)).toEqual([-1990n, 250000n]);
  });

  it('refuses an incomplete map, an impossible date and a bad amount, naming where', () => {
    expect(() => new BankStatementCsvParser({ fileName: 'x.csv', channel: 'B', fileHash: '0'.repeat(64) }, { ...GERMAN, amount: 'Betrag' })).toThrow(/either amount or both/);
    const map: BankColumnMap = { date: 'd', amount: 'a', accountCurrency: 'EUR', reference: 'r', dateFormat: 'DD.MM.YYYY', decimal: ',' };
    return Promise.all([
      expect(read(map, Readable.from(['d,a,r\n31.02.2026,"1,00",x\n']), 'x.csv')).rejects.toThrow('x.csv:2: d: not a DD.MM.YYYY date'),
      expect(read(map, Readable.from(['d,a,r\n01.02.2026,"1,001",x\n']), 'x.csv')).rejects.toThrow('x.csv:2: a:'),
    ]);
  });
});
