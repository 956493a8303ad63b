import { MoneyError, type Money } from '../../canonical/money.js';
import { splitLineDiscount } from './kept-discount.js';

const usd = (amount: bigint): Money => ({ amount, currency: 'USD' });
const split = (discount: bigint, kept: number, ordered: number): [bigint, bigint] => {
  const { kept: k, cancelled: c } = splitLineDiscount(usd(discount), kept, ordered);
  expect(k.amount + c.amount).toBe(discount);
  return [k.amount, c.amount];
};

describe('splitLineDiscount', () => {
  it('keeps the discount in proportion to the kept units: 3.00 over 3 units, 2 kept → 2.00 kept, 1.00 cancelled', () => {
    expect(split(300n, 2, 3)).toEqual([200n, 100n]);
  });

  it('keeps none of it when nothing is kept, all of it when nothing is cancelled', () => {
    expect(split(300n, 0, 3)).toEqual([0n, 300n]);
    expect(split(300n, 3, 3)).toEqual([300n, 0n]);
  });

  it('splits no discount into no discount', () => {
    expect(split(0n, 1, 3)).toEqual([0n, 0n]);
  });

  it('rounds half-up in minor units; the cancelled units take the remainder', () => {
    expect(split(100n, 1, 3)).toEqual([33n, 67n]);
    expect(split(100n, 2, 3)).toEqual([67n, 33n]);
    // 13.19 over 2 units is 6.595 each: the kept unit keeps 6.60.
    expect(split(1319n, 1, 2)).toEqual([660n, 659n]);
    expect(split(1n, 1, 2)).toEqual([1n, 0n]);
    expect(split(1n, 1, 3)).toEqual([0n, 1n]);
  });

  it('stays exact far beyond what a float could carry', () => {
    // 123456789012345678901 ÷ 7 = 17636684144620811271.57…, × 6 = 105820104867724867629.43…
    expect(split(123_456_789_012_345_678_901n, 1, 7)).toEqual([17_636_684_144_620_811_272n, 105_820_104_867_724_867_629n]);
    expect(split(123_456_789_012_345_678_901n, 6, 7)).toEqual([105_820_104_867_724_867_629n, 17_636_684_144_620_811_272n]);
  });

  it('keeps the currency', () => {
    expect(splitLineDiscount({ amount: 1000n, currency: 'JPY' }, 1, 4).kept).toEqual({ amount: 250n, currency: 'JPY' });
  });

  it('refuses quantities that are not whole or not within the order', () => {
    expect(() => splitLineDiscount(usd(100n), 4, 3)).toThrow(MoneyError);
    expect(() => splitLineDiscount(usd(100n), -1, 3)).toThrow(MoneyError);
    expect(() => splitLineDiscount(usd(100n), 1.5, 3)).toThrow(MoneyError);
    expect(() => splitLineDiscount(usd(100n), 0, 0)).toThrow(MoneyError);
  });
});
