import { add, allocate, equals, formatDecimal, money, MoneyError, parseDecimal, subtract, sum, type Money } from './money.js';

describe('money', () => {
  it('parses with the currency exponent', () => {
    expect(parseDecimal('199.00', 'USD').amount).toBe(19900n);
    expect(parseDecimal('1990', 'JPY').amount).toBe(1990n);
    expect(formatDecimal(parseDecimal('1.234', 'KWD'))).toBe('1.234');
    expect(allocate(parseDecimal('1.00', 'USD'), [1, 1, 1]).map((m) => m.amount)).toEqual([34n, 33n, 33n]);
  });
});

/** mulberry32: a seeded generator, so the "random" cases are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const amounts = (values: readonly Money[]): bigint[] => values.map((value) => value.amount);

describe('parseDecimal and formatDecimal', () => {
  it.each([
    ['USD', ['0.00', '0.01', '0.10', '1.00', '199.99', '1234567.89', '-0.01', '-12.34']],
    ['JPY', ['0', '1', '1990', '123456789', '-500']],
    ['KWD', ['0.000', '0.001', '1.234', '10.500', '-0.001', '-7.250']],
  ])('round-trips %s', (currency, values) => {
    for (const text of values) expect(formatDecimal(parseDecimal(text, currency))).toBe(text);
  });

  it('reads minor units by the currency exponent', () => {
    expect(parseDecimal('0.01', 'USD').amount).toBe(1n);
    expect(parseDecimal('1.234', 'KWD').amount).toBe(1234n);
    expect(parseDecimal('1990', 'JPY').amount).toBe(1990n);
    expect(parseDecimal('-12.34', 'USD').amount).toBe(-1234n);
    expect(parseDecimal('-0.001', 'KWD').amount).toBe(-1n);
  });

  it('normalises to the currency number of decimals', () => {
    expect(formatDecimal(parseDecimal('1.5', 'USD'))).toBe('1.50');
    expect(formatDecimal(parseDecimal('7', 'USD'))).toBe('7.00');
    expect(formatDecimal(parseDecimal('007.50', 'USD'))).toBe('7.50');
    expect(formatDecimal(parseDecimal('10.5', 'KWD'))).toBe('10.500');
    expect(formatDecimal(parseDecimal('-0.00', 'USD'))).toBe('0.00');
    expect(formatDecimal(money(-5n, 'USD'))).toBe('-0.05');
    expect(formatDecimal(money(-5n, 'KWD'))).toBe('-0.005');
  });

  it('accepts extra digits only when they are zeros', () => {
    expect(() => parseDecimal('1.234', 'USD')).toThrow(MoneyError);
    expect(() => parseDecimal('1.234', 'USD')).toThrow('1.234 has more precision than USD allows (2 decimals)');
    expect(parseDecimal('1.230', 'USD').amount).toBe(123n);
    expect(parseDecimal('1990.00', 'JPY').amount).toBe(1990n);
    expect(() => parseDecimal('1990.50', 'JPY')).toThrow(MoneyError);
    expect(() => parseDecimal('1.2345', 'KWD')).toThrow(MoneyError);
    expect(() => parseDecimal('-0.001', 'USD')).toThrow(MoneyError);
  });

  it.each(['abc', '1e5', '', '1.2.3', '.5', '1.', '+1', '1,000.00', '--1', '0x10', '1 000', 'NaN', 'Infinity'])(
    'refuses %j',
    (text) => {
      expect(() => parseDecimal(text, 'USD')).toThrow(MoneyError);
      expect(() => parseDecimal(text, 'USD')).toThrow('not a decimal amount');
    },
  );

  it('keeps amounts beyond 2^53 exact when they arrive as strings', () => {
    const big = parseDecimal('90071992547409931.00', 'USD');
    expect(big.amount).toBe(9007199254740993100n);
    expect(formatDecimal(big)).toBe('90071992547409931.00');
    expect(parseDecimal('9007199254740993', 'JPY').amount).toBe(9007199254740993n);
    expect(formatDecimal(add(big, parseDecimal('0.01', 'USD')))).toBe('90071992547409931.01');
  });

  it('takes short JSON numbers but refuses imprecise or exponent ones', () => {
    expect(parseDecimal(19.99, 'USD').amount).toBe(1999n);
    expect(parseDecimal(1990, 'JPY').amount).toBe(1990n);
    expect(() => parseDecimal(0.1 + 0.2, 'USD')).toThrow(MoneyError);
    expect(() => parseDecimal(1e21, 'USD')).toThrow(MoneyError);
    expect(() => parseDecimal(Number.NaN, 'USD')).toThrow(MoneyError);
  });

  it('refuses an invalid currency code', () => {
    expect(() => parseDecimal('1.00', 'usd')).toThrow(MoneyError);
    expect(() => parseDecimal('1.00', 'US')).toThrow(MoneyError);
    expect(() => money(1n, 'DOLLAR')).toThrow(MoneyError);
  });
});

describe('allocate', () => {
  it('adds up exactly, with each share within one unit of its exact quota, for many cases', () => {
    const random = seededRandom(20250301);
    const currencies = ['USD', 'JPY', 'KWD'];
    for (let run = 0; run < 500; run += 1) {
      const scale = [100n, 100_000n, 10_000_000_000n, 2n ** 70n][run % 4] ?? 100n;
      const magnitude = BigInt(Math.floor(random() * 1_000_000)) * scale + BigInt(Math.floor(random() * 1000));
      const amount = run % 5 === 0 ? -magnitude : magnitude;
      const count = 1 + Math.floor(random() * 12);
      const weights: number[] = Array.from({ length: count }, () => (random() < 0.2 ? 0 : Math.floor(random() * 1000)));
      if (!weights.some((weight) => weight > 0)) weights[count - 1] = 1;
      const currency = currencies[run % currencies.length] ?? 'USD';

      const shares = allocate(money(amount, currency), weights);

      expect(shares).toHaveLength(count);
      expect(sum(shares, currency).amount).toBe(amount);
      const total = BigInt(weights.reduce((a, b) => a + b, 0));
      const absolute = amount < 0n ? -amount : amount;
      shares.forEach((share, index) => {
        expect(share.currency).toBe(currency);
        const weight = BigInt(weights[index] ?? 0);
        const floor = (absolute * weight) / total;
        const size = share.amount < 0n ? -share.amount : share.amount;
        expect(size === floor || size === floor + 1n).toBe(true);
        if (weight === 0n) expect(share.amount).toBe(0n);
        if (amount < 0n) expect(share.amount <= 0n).toBe(true);
      });
    }
  });

  it('gives leftover units to the largest remainders, ties to the earlier share', () => {
    expect(amounts(allocate(money(10n, 'USD'), [1, 2]))).toEqual([3n, 7n]);
    expect(amounts(allocate(money(1n, 'USD'), [1, 1]))).toEqual([1n, 0n]);
    expect(amounts(allocate(money(2n, 'USD'), [1, 1, 1]))).toEqual([1n, 1n, 0n]);
    expect(amounts(allocate(money(1000n, 'JPY'), [1, 1, 1]))).toEqual([334n, 333n, 333n]);
    expect(amounts(allocate(money(5n, 'USD'), [3, 1, 3, 1]))).toEqual([2n, 1n, 2n, 0n]);
  });

  it('splits negative amounts as the mirror of positive ones', () => {
    expect(amounts(allocate(money(-100n, 'USD'), [1, 1, 1]))).toEqual([-34n, -33n, -33n]);
    expect(amounts(allocate(money(-10n, 'USD'), [1, 2]))).toEqual([-3n, -7n]);
  });

  it('gives nothing to zero weights', () => {
    expect(amounts(allocate(money(101n, 'USD'), [0, 1, 1, 0]))).toEqual([0n, 51n, 50n, 0n]);
    expect(amounts(allocate(money(1n, 'USD'), [0, 0, 1]))).toEqual([0n, 0n, 1n]);
    expect(amounts(allocate(money(0n, 'USD'), [1, 2, 3]))).toEqual([0n, 0n, 0n]);
  });

  it('takes bigint weights', () => {
    expect(amounts(allocate(money(100n, 'USD'), [2n ** 60n, 2n ** 60n]))).toEqual([50n, 50n]);
  });

  it('refuses no weights, negative weights and all-zero weights', () => {
    expect(() => allocate(money(100n, 'USD'), [])).toThrow(MoneyError);
    expect(() => allocate(money(100n, 'USD'), [1, -1])).toThrow(MoneyError);
    expect(() => allocate(money(100n, 'USD'), [0, 0])).toThrow(MoneyError);
  });
});

describe('currency mismatch', () => {
  const dollars = money(100n, 'USD');
  const euros = money(100n, 'EUR');

  it('throws on arithmetic across currencies', () => {
    expect(() => add(dollars, euros)).toThrow('currency mismatch: USD and EUR');
    expect(() => subtract(dollars, euros)).toThrow(MoneyError);
    expect(() => sum([dollars, euros], 'USD')).toThrow(MoneyError);
    expect(() => sum([euros], 'USD')).toThrow(MoneyError);
  });

  it('never calls amounts in different currencies equal', () => {
    expect(equals(dollars, euros)).toBe(false);
    expect(equals(dollars, money(100n, 'USD'))).toBe(true);
  });
});
