import { describe, expect, it } from '@jest/globals';
import { cashLines, journalDeltas, type CountedTransaction } from './store-day-cash.js';

const t = (transactionId: string, kind: string, cash: bigint, voids: string | null = null, currency = 'USD'): CountedTransaction => ({ transactionId, kind, currency, cash, voids });

describe('store day cash', () => {
  const day = [
    t('S1', 'SALE', 3536n), t('S2', 'SALE', 0n), t('S3', 'SALE', 1000n), t('V1', 'VOID', 0n, 'S3'),
    t('R1', 'RETURN', -1800n), t('I1', 'PAID_IN', 500n), t('O1', 'PAID_OUT', -1250n), t('N1', 'NO_SALE', 0n),
  ];

  it('expects float + cash sales − cash refunds + paid in − paid out, leaving voided sales out', () => {
    const [usd] = cashLines(day, [{ currency: 'USD', openingFloat: 20000n, counted: 21000n }]);
    // 20000 + 3536 − 1800 + 500 − 1250 = 20986
    expect(usd).toEqual({ currency: 'USD', openingFloat: 20000n, counted: 21000n, expected: 20986n, variance: 14n });
  });

  it('counts a currency that moved but was not counted as zero, and one counted without moving as its float', () => {
    const lines = cashLines([t('S1', 'SALE', 700n, null, 'CAD')], [{ currency: 'USD', openingFloat: 100n, counted: 90n }]);
    expect(lines.map((l) => [l.currency, l.expected, l.variance])).toEqual([['CAD', 700n, -700n], ['USD', 100n, -10n]]);
  });

  it('journals only what earlier journals did not book', () => {
    const lines = cashLines(day, [{ currency: 'USD', openingFloat: 20000n, counted: 21000n }]);
    expect(journalDeltas(lines, new Map())).toEqual([{ currency: 'USD', amount: 14n }]);
    expect(journalDeltas(lines, new Map([['USD', 14n]]))).toEqual([]);
    expect(journalDeltas(lines, new Map([['USD', 30n]]))).toEqual([{ currency: 'USD', amount: -16n }]);
  });
});
