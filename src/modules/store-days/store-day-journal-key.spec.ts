import { describe, expect, it } from '@jest/globals';
import { storeDayJournalKey } from './store-days.service.js';

describe('storeDayJournalKey', () => {
  it('names the store, the day and the currency, and each restatement after the first', () => {
    const day = { channel: 'POS', store: 'brooklyn-01', businessDate: '2026-12-04' };
    expect(storeDayJournalKey(day, 'USD', 1)).toBe('POS-brooklyn-01-20261204-USD');
    expect(storeDayJournalKey(day, 'USD', 2)).toBe('POS-brooklyn-01-20261204-USD-2');
  });

  it('keeps every key within 35 characters, distinct for long store ids', () => {
    const long = (store: string) => storeDayJournalKey({ channel: 'POS', store, businessDate: '2026-12-04' }, 'USD', 1234);
    const a = long('a-very-long-store-identifier-number-0001');
    const b = long('a-very-long-store-identifier-number-0002');
    expect(a).toMatch(/^POS-[0-9A-F]{8}-20261204-USD-1234$/);
    expect(a.length).toBeLessThanOrEqual(35);
    expect(a).not.toBe(b);
  });
});
