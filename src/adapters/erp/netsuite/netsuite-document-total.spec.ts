import { freeShippingOrder, vatInclusiveEurOrder } from '../shared/document-fixtures.js';
import { checkedNetSuiteSalesOrder, netSuiteDocumentTotal } from './netsuite-document-total.js';
import { toNetSuiteSalesOrder } from './netsuite.mapper.js';

describe('NetSuite salesOrder: the channel money (issue 11)', () => {
  it('a free-shipping order: shippingCost is what was paid for shipping (0), each jurisdiction a tax detail', () => {
    const doc = freeShippingOrder();
    const body = checkedNetSuiteSalesOrder(doc);
    expect(body.shippingCost).toBe(0);
    expect(body.taxDetailsOverride).toBe(true);
    expect(body.taxDetails!.items.map((d) => [d.taxDetailsReference, d.lineName, d.taxCode, d.taxBasis, d.taxAmount])).toEqual([
      ['L1', 'NY State Tax', { id: '-7' }, 164.81, 6.59],
      ['L1', 'New York City Tax', { id: '-8' }, 164.81, 8.03],
      ['L2', 'NY State Tax', { id: '-7' }, 22.69, 0.91],
      ['L2', 'New York City Tax', { id: '-8' }, 22.69, 1.11],
    ]);
    expect(body.shippingAddress).toEqual({ addressee: 'Maya Okafor', addr1: '212 Wythe Ave', addr2: 'Apt 4B', city: 'Brooklyn', state: 'NY', zip: '11249', country: 'US' });
    expect(netSuiteDocumentTotal(body, doc, 'CHANNEL_AMOUNTS')).toEqual({ amount: 20414n, currency: 'USD' });
  });

  it('with a shipping item and a discount item: the shipping line at its price and a discount line for the code', () => {
    const body = checkedNetSuiteSalesOrder(freeShippingOrder(), { shippingItemId: '88', discountItemId: '77' });
    expect(body.shippingCost).toBeUndefined();
    expect(body.item.items.slice(-2)).toEqual([
      { item: { id: '88' }, quantity: 1, rate: 9.95, amount: 9.95, description: 'Shipping', taxDetailsReference: 'SHIPPING' },
      { item: { id: '77' }, rate: -9.95, amount: -9.95, description: 'Shipping discount' },
    ]);
  });

  it('a VAT-inclusive EUR order: net amounts plus the VAT as tax details (CHANNEL_AMOUNTS)', () => {
    const doc = vatInclusiveEurOrder();
    const body = checkedNetSuiteSalesOrder(doc, { currencyIds: { EUR: '2' } });
    expect(body.pricesIncludeTax).toBe(false);
    expect(body.item.items[0]).toMatchObject({ quantity: 3, rate: 19.99, amount: 48.71 });
    expect(body.shippingCost).toBe(4.12);
    expect(body.taxDetails!.items.map((d) => [d.taxDetailsReference, d.lineType, d.taxBasis, d.taxAmount])).toEqual([
      ['L1', 'Item', 48.71, 9.26],
      ['SHIPPING', 'Shipping', 4.12, 0.78],
    ]);
    expect(body.billingaddress).toMatchObject({ addressee: 'Jonas Weber', country: 'DE', zip: '10119' });
  });

  it('a VAT-inclusive EUR order under ERP_CALCULATES: gross amounts marked pricesIncludeTax, codes, no tax details', () => {
    const doc = vatInclusiveEurOrder();
    const body = checkedNetSuiteSalesOrder(doc, { taxMode: 'ERP_CALCULATES' });
    expect(body.pricesIncludeTax).toBe(true);
    expect(body.taxDetails).toBeUndefined();
    expect(body.item.items[0]).toMatchObject({ amount: 57.97, taxCode: { id: 'DE19' } });
    expect(body.item.items[0].taxDetailsReference).toBeUndefined();
    expect(body.shippingCost).toBe(4.9);
    expect(body.shippingTaxCode).toEqual({ id: 'DE19' });
    expect(netSuiteDocumentTotal(body, doc, 'ERP_CALCULATES')).toEqual({ amount: 6287n, currency: 'EUR' });
  });

  it('order charges become item lines of their mapped items, a rounding adjustment negative', () => {
    const doc = freeShippingOrder();
    const charged = {
      ...doc,
      charges: [
        { kind: 'TIP', title: 'Tip', itemId: '601', lineType: null, amount: { amount: 500n, currency: 'USD' } },
        { kind: 'ROUNDING', title: 'Currency rounding', itemId: '602', lineType: null, amount: { amount: -1n, currency: 'USD' } },
      ],
      grandTotal: { amount: 20913n, currency: 'USD' },
    };
    const body = checkedNetSuiteSalesOrder(charged);
    expect(body.item.items.slice(-2)).toEqual([
      { item: { id: '601' }, quantity: 1, rate: 5, amount: 5, description: 'Tip' },
      { item: { id: '602' }, quantity: 1, rate: -0.01, amount: -0.01, description: 'Currency rounding' },
    ]);
  });

  it('refuses a body that does not add up: PERMANENT DOCUMENT_TOTAL_MISMATCH naming both figures, before anything is sent', () => {
    const doc = { ...freeShippingOrder(), grandTotal: { amount: 21409n, currency: 'USD' } };
    expect(() => checkedNetSuiteSalesOrder(doc)).toThrow(expect.objectContaining({
      kind: 'PERMANENT', details: { code: 'DOCUMENT_TOTAL_MISMATCH', field: 'grandTotal' },
      message: expect.stringMatching(/adds up to 204\.14 USD, the order's grand total is 214\.09 USD/),
    }) as Error);
    expect(toNetSuiteSalesOrder(doc).shippingCost).toBe(0);
  });
});
