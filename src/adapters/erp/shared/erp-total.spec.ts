import { erpTotalOf } from './erp-total.js';

describe('erpTotalOf', () => {
  it('reads an ERP total number as exact minor units of the currency', () => {
    expect(erpTotalOf(164.81, 'USD')).toEqual({ amount: 16481n, currency: 'USD' });
    expect(erpTotalOf(5850, 'JPY')).toEqual({ amount: 5850n, currency: 'JPY' });
    expect(erpTotalOf(-1.234, 'KWD')).toEqual({ amount: -1234n, currency: 'KWD' });
    expect(erpTotalOf('119.00', 'EUR')).toEqual({ amount: 11900n, currency: 'EUR' });
  });

  it('leaves a total it cannot read exactly unknown', () => {
    expect(erpTotalOf(undefined, 'USD')).toBeUndefined();
    expect(erpTotalOf(10.005, 'USD')).toBeUndefined();
    expect(erpTotalOf(1e21, 'USD')).toBeUndefined();
    expect(erpTotalOf(true, 'USD')).toBeUndefined();
  });
});
