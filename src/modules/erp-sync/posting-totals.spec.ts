import { postedTotals } from './posting-totals.js';

const usd = (amount: bigint) => ({ amount, currency: 'USD' });

describe('postedTotals', () => {
  it('keeps the ERP total and its variance from the document total, in minor units', () => {
    expect(postedTotals({ internalId: '1', documentNumber: null, erpTotal: usd(16747n), expectedTotal: usd(16744n) }, undefined))
      .toEqual({ erpTotal: 16747n, currency: 'USD', expectedTotal: 16744n, variance: 3n });
  });

  it('takes the expected total from the document when the ref has none (a document found by its key)', () => {
    expect(postedTotals({ internalId: '1', documentNumber: null, erpTotal: usd(100n) }, usd(101n)))
      .toEqual({ erpTotal: 100n, currency: 'USD', expectedTotal: 101n, variance: -1n });
  });

  it('leaves the variance unknown without an ERP total, an expected total or a common currency', () => {
    expect(postedTotals({ internalId: '1', documentNumber: null, expectedTotal: usd(5n) }, undefined))
      .toEqual({ erpTotal: null, currency: null, expectedTotal: 5n, variance: null });
    expect(postedTotals({ internalId: '1', documentNumber: null, erpTotal: usd(5n) }, undefined))
      .toEqual({ erpTotal: 5n, currency: 'USD', expectedTotal: null, variance: null });
    expect(postedTotals({ internalId: '1', documentNumber: null, erpTotal: usd(5n), expectedTotal: { amount: 5n, currency: 'EUR' } }, undefined))
      .toEqual({ erpTotal: 5n, currency: 'USD', expectedTotal: null, variance: null });
  });
  it('a total to be read later keeps the currency to read it in, and only with an expected total to compare it with', () => {
    expect(postedTotals({ internalId: '1', documentNumber: null, expectedTotal: usd(5n), totalReadLater: true }, undefined))
      .toEqual({ erpTotal: null, currency: null, expectedTotal: 5n, variance: null, readBackCurrency: 'USD' });
    expect(postedTotals({ internalId: '1', documentNumber: null, totalReadLater: true }, undefined))
      .toEqual({ erpTotal: null, currency: null, expectedTotal: null, variance: null });
  });
});
