import { describe, expect, it } from '@jest/globals';
import { buildLine, buildOrder } from '../../../test/support/order-builder.js';
import { CUSTOM_LINE_ITEM, chargeSourceValue, itemSourceValue, itemSourceValues, orderMappingKeys } from './order-mapping-keys.js';

describe('the ITEM key of a line, one rule for the release gate and the sales-order builder', () => {
  it('is the SKU, else the variant, else the account\'s custom-line item', () => {
    expect(itemSourceValue({ sku: 'MER-CREW-NVY-M', variantId: '42' })).toBe('MER-CREW-NVY-M');
    expect(itemSourceValue({ sku: null, variantId: '42' })).toBe('variant:42');
    expect(itemSourceValue({ sku: null, variantId: null })).toBe(CUSTOM_LINE_ITEM);
  });

  it('makes the gate ask for the custom-line item, so a custom line holds the order instead of stalling its posting', () => {
    const order = buildOrder({ lines: [buildLine({ sku: 'SKU-1' }), buildLine({ sku: null, variantId: null, title: 'Gift wrap' })] });
    const items = orderMappingKeys(order, ['ITEM']).map((k) => k.sourceValue);
    expect(items).toEqual(['SKU-1', CUSTOM_LINE_ITEM]);
  });

  it('asks for each order charge\'s item, charge:<kind> in lower case, when the order has charges', () => {
    expect(chargeSourceValue('TIP')).toBe('charge:tip');
    const order = { ...buildOrder({ lines: [buildLine({ sku: 'SKU-1' })] }), charges: (['TIP', 'DUTY', 'TIP'] as const).map((kind) => ({ kind, title: kind, amount: { amount: 100n, currency: 'USD' } })) };
    expect(orderMappingKeys(order, ['ITEM']).map((k) => k.sourceValue)).toEqual(['SKU-1', 'charge:tip', 'charge:duty']);
    expect(orderMappingKeys(buildOrder({ lines: [buildLine({ sku: 'SKU-1' })] }), ['ITEM']).map((k) => k.sourceValue)).toEqual(['SKU-1']);
  });

  it('lists a line\'s other keys (an ASIN) after its SKU, as alternatives of one gate key', () => {
    expect(itemSourceValues({ sku: 'SKU-1', variantId: null, itemKeys: ['asin:B0X', 'SKU-1'] })).toEqual(['SKU-1', 'asin:B0X']);
    const order = buildOrder({ lines: [{ ...buildLine({ sku: 'SKU-1' }), itemKeys: ['asin:B0X'] }] });
    const [key] = orderMappingKeys(order, ['ITEM']);
    expect(key.sourceValue).toBe('SKU-1');
    expect(key.alternatives?.map((k) => k.sourceValue)).toEqual(['asin:B0X']);
  });
});
