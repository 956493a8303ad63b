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
    expect(parseTargetSettings('netsuite', { taxMode: 'ERP_CALCULATES' })).toEqual({ taxMode: 'ERP_CALCULATES' });
    expect(parseTargetSettings('dynamics365-bc', { taxMode: 'CHANNEL_AMOUNTS', taxAccountNumber: ' 22100 ', exemptTaxCode: 'NOTAX' }))
      .toEqual({ taxMode: 'CHANNEL_AMOUNTS', taxAccountNumber: '22100', exemptTaxCode: 'NOTAX' });
  });

  it('takes only the two tax modes, and BC codes of at most 20 characters', () => {
    expect(refusal('netsuite', { taxMode: 'channel_amounts' })).toEqual({ field: 'settings.taxMode', message: expect.stringContaining('CHANNEL_AMOUNTS, ERP_CALCULATES') });
    expect(refusal('dynamics365-bc', { taxMode: null }).field).toBe('settings.taxMode');
    expect(refusal('dynamics365-bc', { taxAccountNumber: 'X'.repeat(21) }).field).toBe('settings.taxAccountNumber');
    expect(refusal('dynamics365-bc', { exemptTaxCode: '' }).field).toBe('settings.exemptTaxCode');
    expect(refusal('netsuite', { taxAccountNumber: '22100' }).field).toBe('settings.taxAccountNumber');
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
