import { allocate, formatDecimal, parseDecimal } from './money.js';

describe('money', () => {
  it('parses with the currency exponent', () => {
    expect(parseDecimal('199.00', 'USD').amount).toBe(19900n);
    expect(parseDecimal('1990', 'JPY').amount).toBe(1990n);
    expect(formatDecimal(parseDecimal('1.234', 'KWD'))).toBe('1.234');
    expect(allocate(parseDecimal('1.00', 'USD'), [1, 1, 1]).map((m) => m.amount)).toEqual([34n, 33n, 33n]);
  });
});
