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
  });
});

describe('parseMinorUnits', () => {
  it('reads integers and names the field of anything else', () => {
    expect(parseMinorUnits('-1500', 'f:2', 'amount')).toBe(-1500n);
    expect(() => parseMinorUnits('15.00', 'f:2', 'amount')).toThrow(SettlementParseError);
    expect(() => parseMinorUnits('15.00', 'f:2', 'amount')).toThrow('f:2: amount:');
  });
});
