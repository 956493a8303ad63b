import { freeShippingOrder, vatInclusiveEurOrder } from '../shared/document-fixtures.js';
import { bcDocumentTotal, checkedBcSalesOrder } from './bc-document-total.js';
import { compareWithExisting, serializeBcJson, toBcSalesOrder, type BcMappingOptions } from './bc.mapper.js';

const OPTIONS: BcMappingOptions = { localCurrency: 'USD', shippingAccountNumber: '40250', taxAccountNumber: '22100', exemptTaxCode: 'NOTAX' };
const wire = (body: unknown) => JSON.parse(serializeBcJson(body)) as { salesOrderLines: Record<string, unknown>[] } & Record<string, unknown>;

describe('Business Central salesOrder: the channel money (issue 11)', () => {
  it('a free-shipping order: the shipping line carries its discount, the tax goes as G/L lines per jurisdiction, line tax off', () => {
    const doc = freeShippingOrder();
    const body = wire(checkedBcSalesOrder(doc, OPTIONS));
    expect(body.salesOrderLines.map((l) => [l.sequence, l.lineType, l.lineObjectNumber, l.unitPrice, l.discountAmount, l.taxCode])).toEqual([
      [10000, 'Item', '501', 89, 13.19, 'NOTAX'],
      [20000, 'Item', '502', 24.5, 1.81, 'NOTAX'],
      [30000, 'Account', '40250', 9.95, 9.95, 'NOTAX'],
      // NY State Tax to the target's account, New York City Tax to its own mapping's.
      [40000, 'Account', '22100', 7.5, 0, 'NOTAX'],
      [50000, 'Account', '22120', 9.14, 0, 'NOTAX'],
    ]);
    expect(body.salesOrderLines.slice(3).map((l) => l.description)).toEqual(['NY State Tax', 'New York City Tax']);
    expect(body).toMatchObject({ shipToName: 'Maya Okafor', shipToAddressLine1: '212 Wythe Ave', shipToCity: 'Brooklyn', shipToState: 'NY', shipToPostCode: '11249', shipToCountry: 'US' });
    expect(bcDocumentTotal(checkedBcSalesOrder(doc, OPTIONS), doc, 'CHANNEL_AMOUNTS')).toEqual({ amount: 20414n, currency: 'USD' });
  });

  it('a VAT-inclusive EUR order: net unit prices (BC takes pricesIncludeTax from the customer), the VAT as a G/L line', () => {
    const doc = vatInclusiveEurOrder();
    const body = wire(checkedBcSalesOrder(doc, OPTIONS));
    expect(body.currencyCode).toBe('EUR');
    // 57.97 − 9.26 = 48.71 net after the 2.00 discount: 50.71 over 3 units is 16.90333…, sent as 16.90333 (3 × → 50.70999 → 50.71).
    expect(body.salesOrderLines.map((l) => [l.lineType, l.quantity, l.unitPrice, l.discountAmount])).toEqual([
      ['Item', 3, 16.90333, 2],
      ['Account', 1, 4.12, 0],
      ['Account', 1, 10.04, 0],
    ]);
    expect(body).toMatchObject({ billToName: 'Jonas Weber', billToCity: 'Berlin', billToCountry: 'DE' });
    expect(body.pricesIncludeTax).toBeUndefined();
  });

  it('under ERP_CALCULATES: the same net lines with their tax codes and no tax lines; the channel tax is the figure BC must reach', () => {
    const doc = vatInclusiveEurOrder();
    const body = checkedBcSalesOrder(doc, { ...OPTIONS, taxMode: 'ERP_CALCULATES' });
    expect(wire(body).salesOrderLines.map((l) => [l.lineType, l.unitPrice, l.taxCode])).toEqual([['Item', 16.90333, 'DE19'], ['Account', 4.12, 'DE19']]);
    expect(bcDocumentTotal(body, doc, 'ERP_CALCULATES')).toEqual({ amount: 6287n, currency: 'EUR' });
  });

  it('charges go as lines of their mapped type; a tax without an account waits for its mapping', () => {
    const doc = freeShippingOrder();
    const charged = {
      ...doc,
      charges: [
        { kind: 'TIP', title: 'Tip', itemId: '1950-T', lineType: null, amount: { amount: 500n, currency: 'USD' } },
        { kind: 'DUTY', title: 'Duties', itemId: '8120', lineType: 'Account', amount: { amount: 1250n, currency: 'USD' } },
      ],
      grandTotal: { amount: 22164n, currency: 'USD' },
    };
    const lines = wire(checkedBcSalesOrder(charged, OPTIONS)).salesOrderLines;
    expect(lines.slice(3, 5).map((l) => [l.lineType, l.lineObjectNumber, l.unitPrice, l.description])).toEqual([['Item', '1950-T', 5, 'Tip'], ['Account', '8120', 12.5, 'Duties']]);
    expect(() => checkedBcSalesOrder(doc, { ...OPTIONS, taxAccountNumber: undefined })).toThrow(expect.objectContaining({
      kind: 'MISSING_DEPENDENCY', details: { code: 'UNMAPPED', field: 'TAX_CODE' }, message: expect.stringMatching(/NY State Tax of 7\.50 USD/),
    }) as Error);
  });

  it('refuses a body that does not add up (DOCUMENT_TOTAL_MISMATCH, both figures)', () => {
    const doc = { ...vatInclusiveEurOrder(), grandTotal: { amount: 7291n, currency: 'EUR' } };
    expect(() => checkedBcSalesOrder(doc, OPTIONS)).toThrow(expect.objectContaining({
      kind: 'PERMANENT', details: { code: 'DOCUMENT_TOTAL_MISMATCH', field: 'grandTotal' },
      message: expect.stringMatching(/adds up to 62\.87 EUR, the order's grand total is 72\.91 EUR/),
    }) as Error);
  });

  it('finds an order already in BC with another tax line a conflict (LINES_CHANGED), and the same one none', () => {
    const wanted = toBcSalesOrder(freeShippingOrder(), OPTIONS);
    const asStored = (): Record<string, unknown> => ({ ...wire(wanted), id: 'f0e1d2c3-b4a5-4697-8889-7a6b5c4d3e2f', number: 'S-ORD1' });
    expect(compareWithExisting(wanted, asStored(), OPTIONS).conflicts).toEqual([]);
    const stale = asStored();
    stale.salesOrderLines = (stale.salesOrderLines as Record<string, unknown>[]).map((l) => (l.sequence === 50000 ? { ...l, unitPrice: 9.15 } : l));
    expect(compareWithExisting(wanted, stale, OPTIONS).conflicts).toEqual(['line 5: unitPrice 9.15 ≠ 9.14']);
  });
});
