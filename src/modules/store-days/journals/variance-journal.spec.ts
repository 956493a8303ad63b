import { describe, expect, it } from '@jest/globals';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { varianceJournal } from './variance-journal.js';

const input = { externalId: 'DAY-POS-s1-2026-12-04-USD', store: 's1', businessDate: '2026-12-04', currency: 'USD', seq: 1 };
const accounts = { cash: '1010', overShort: '6950' };

describe('varianceJournal', () => {
  it('books over as a debit to cash and a credit to over/short, short the other way, to the minor unit', () => {
    const over = varianceJournal({ ...input, amount: 1234n }, accounts);
    expect(over.lines.map((l) => [l.kind, l.accountId, l.debit, l.credit])).toEqual([['CASH', '1010', 1234n, 0n], ['CASH_OVER_SHORT', '6950', 0n, 1234n]]);
    expect(over.total).toEqual({ amount: 1234n, currency: 'USD' });
    const short = varianceJournal({ ...input, amount: -5n }, accounts);
    expect(short.lines.map((l) => [l.kind, l.debit, l.credit])).toEqual([['CASH', 0n, 5n], ['CASH_OVER_SHORT', 5n, 0n]]);
    expect(short.memo).toBe('Store day s1 2026-12-04 cash short 0.05 USD');
  });

  it('waits for both accounts to be mapped, naming each missing one', () => {
    let error: unknown;
    try {
      varianceJournal({ ...input, amount: 1n }, { cash: null, overShort: null });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).kind).toBe('MISSING_DEPENDENCY');
    expect((error as DeliveryError).message).toContain('"store-day:CASH", "store-day:CASH_OVER_SHORT"');
  });
});
