import { describe, expect, it } from '@jest/globals';
import { MoneyError } from './money.js';
import { parseLocaleAmount, parseMinorUnits, SettlementParseError } from './settlement.js';

describe('parseLocaleAmount', () => {
  it.each([
    ['1.234,56', 'EUR', 123456n, null],
    ['1,234.56', 'USD', 123456n, null],
    ['95,00', 'EUR', 9500n, null],
    ['-95,00', 'EUR', -9500n, null],
    ['(12.00)', 'USD', -1200n, null],
    ['12.00-', 'USD', -1200n, null],
    ['1 234 567,8', 'EUR', 123456780n, null],
    ['1.234.567', 'JPY', 1234567n, null],
    ['1,990', 'JPY', 1990n, null],
    ['1990.00', 'JPY', 1990n, null],
    ['1,234', 'KWD', 1234000n, '.'],
    ['12,345', 'KWD', 12345n, ','],
    ['0.001', 'BHD', 1n, null],
    ['-0,5', 'EUR', -50n, null],
  ] as const)('reads %s %s exactly', (text, currency, expected, decimal: '.' | ',' | null) => {
    expect(parseLocaleAmount(text, currency, decimal ?? undefined)).toBe(expected);
  });

  it('refuses what would lose or invent value', () => {
    expect(() => parseLocaleAmount('1.234', 'EUR')).toThrow(/ambiguous/);
    expect(() => parseLocaleAmount('1.234', 'KWD')).toThrow(/ambiguous/);
    expect(() => parseLocaleAmount('12.345', 'USD', '.')).toThrow(/precision/);
    expect(() => parseLocaleAmount('1,5', 'JPY')).toThrow(/precision/);
    expect(() => parseLocaleAmount('1.2.3,00', 'EUR')).toThrow(MoneyError);
    expect(() => parseLocaleAmount('1e5', 'EUR')).toThrow(MoneyError);
    expect(() => parseLocaleAmount('', 'EUR')).toThrow(MoneyError);
    expect(() => parseLocaleAmount('12.', 'EUR')).toThrow(MoneyError);
  });

  it('keeps integers beyond a double exactly', () => {
    expect(parseLocaleAmount('92.233.720.368.547.758,07', 'EUR')).toBe(9223372036854775807n);
    expect(parseLocaleAmount('92233720368547758,07', 'EUR')).toBe(9223372036854775807n);
  });

  it('gives the plain shapes of the hot path the general answer', () => {
    const cases: [string, string, ',' | '.' | undefined, bigint | 'throws'][] = [
      ['-95,00', 'EUR', undefined, -9500n], ['1234.5', 'USD', undefined, 123450n], ['7', 'USD', undefined, 700n], ['-0,01', 'EUR', ',', -1n],
      ['12', 'JPY', undefined, 12n], ['12,5', 'JPY', undefined, 'throws'], ['1,234', 'JPY', undefined, 1234n], ['1.234', 'EUR', undefined, 'throws'],
      ['1.234', 'EUR', ',', 123400n], ['1,234', 'KWD', ',', 1234n], ['5.1', 'KWD', '.', 5100n], ['1.005', 'USD', '.', 'throws'], ['1.50', 'USD', ',', 'throws'],
    ];
    for (const [raw, currency, decimal, expected] of cases) {
      if (expected === 'throws') expect(() => parseLocaleAmount(raw, currency, decimal)).toThrow(MoneyError);
      else expect([raw, parseLocaleAmount(raw, currency, decimal)]).toEqual([raw, expected]);
    }
  });
});

describe('parseMinorUnits', () => {
  it('reads integers and names the field of anything else', () => {
    expect(parseMinorUnits('-1500', 'f:2', 'amount')).toBe(-1500n);
    expect(() => parseMinorUnits('15.00', 'f:2', 'amount')).toThrow(SettlementParseError);
    expect(() => parseMinorUnits('15.00', 'f:2', 'amount')).toThrow('f:2: amount:');
  });
});
