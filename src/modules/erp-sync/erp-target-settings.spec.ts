import { ApiError } from '../../platform/http/api-error.js';
import { parseTargetSettings } from './erp-target-settings.js';

function refusal(variant: 'netsuite' | 'dynamics365-bc', input: unknown): { field: string | undefined; message: string } {
  try {
    parseTargetSettings(variant, input);
  } catch (error) {
    if (error instanceof ApiError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('ERP target settings', () => {
  it('takes what each variant knows, normalised', () => {
    expect(parseTargetSettings('netsuite', { currencyIds: { usd: '1', EUR: ' 4 ' }, discountItemId: '900', shippingItemId: '901', lineRefField: 'custcol_hub_line', fetchDocumentNumber: true }))
      .toEqual({ currencyIds: { USD: '1', EUR: '4' }, discountItemId: '900', shippingItemId: '901', lineRefField: 'custcol_hub_line', fetchDocumentNumber: true });
    expect(parseTargetSettings('dynamics365-bc', { localCurrency: 'eur', shippingAccountNumber: '8400', shippingLineType: 'Account' }))
      .toEqual({ localCurrency: 'EUR', shippingAccountNumber: '8400', shippingLineType: 'Account' });
    expect(parseTargetSettings('netsuite', undefined)).toEqual({});
  });

  it('names the offending setting, and refuses one of the other variant', () => {
    expect(refusal('netsuite', { discountItemId: 900 }).field).toBe('settings.discountItemId');
    expect(refusal('netsuite', { currencyIds: { USD: 'one' } }).field).toBe('settings.currencyIds.USD');
    expect(refusal('netsuite', { currencyIds: { DOLLAR: '1' } }).field).toBe('settings.currencyIds.DOLLAR');
    expect(refusal('netsuite', { lineRefField: 'memo' }).field).toBe('settings.lineRefField');
    expect(refusal('netsuite', { localCurrency: 'USD' })).toEqual({ field: 'settings.localCurrency', message: expect.stringContaining('not a netsuite setting') });
    expect(refusal('dynamics365-bc', { shippingLineType: 'Freight' }).field).toBe('settings.shippingLineType');
    expect(refusal('dynamics365-bc', [1]).field).toBe('settings');
    expect(refusal('netsuite', { toString: '1' }).field).toBe('settings.toString');
    expect(refusal('netsuite', JSON.parse('{"__proto__":{"a":1}}')).field).toBe('settings.__proto__');
  });
});
