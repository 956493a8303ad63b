import { understandAmazonOrder } from './amazon-order.js';

const usd = (amount: string) => ({ CurrencyCode: 'USD', Amount: amount });
const order = (over: Record<string, unknown> = {}) => ({
  AmazonOrderId: '113-1', PurchaseDate: '2026-11-30T15:04:05Z', LastUpdateDate: '2026-11-30T16:00:00Z', OrderStatus: 'Unshipped',
  FulfillmentChannel: 'MFN', MarketplaceId: 'ATVPDKIKX0DER', OrderTotal: usd('10.64'), ...over,
});
const item = (over: Record<string, unknown> = {}) => ({
  OrderItemId: 'OI-1', SellerSKU: 'SKU-1', ASIN: 'B01', QuantityOrdered: 3, QuantityShipped: 0, ItemPrice: usd('10.00'), ItemTax: usd('0.64'), ...over,
});

describe('an Amazon order version in canonical terms', () => {
  it('splits ItemPrice over the quantity rounding up, and keeps the remainder as a discount: the line still adds up to ItemPrice', () => {
    const meaning = understandAmazonOrder({ order: order(), items: [item()] }, 'SELLER');
    if (!meaning.ok) throw new Error(meaning.reason);
    const [line] = meaning.order.lines;
    expect(line.unitPrice).toEqual({ amount: 334n, currency: 'USD' });
    expect(line.discounts.map((d) => d.amount.amount)).toEqual([2n]);
    expect(line.unitPrice.amount * 3n - 2n).toBe(1000n);
    expect(meaning.order.sourceTotals).toMatchObject({ subtotal: { amount: 1002n }, discounts: { amount: 2n }, tax: { amount: 64n }, grandTotal: { amount: 1064n } });
    expect(meaning.order.paymentStatus).toBe('PAID');
  });

  it('a Pending order has no amounts: zero totals, no tender, payment PENDING (held until Amazon shows it Unshipped)', () => {
    const { OrderTotal: _t, ...pending } = order({ OrderStatus: 'Pending' });
    const meaning = understandAmazonOrder({ order: pending, items: [{ OrderItemId: 'OI-1', SellerSKU: 'SKU-1', QuantityOrdered: 1 }] }, 'SELLER');
    if (!meaning.ok) throw new Error(meaning.reason);
    expect(meaning.order).toMatchObject({ currency: 'USD', paymentStatus: 'PENDING', tenders: [] });
    expect(meaning.order.sourceTotals.grandTotal.amount).toBe(0n);
  });

  it('names marketplace-facilitator tax apart, and an EU marketplace prices with VAT included', () => {
    const us = understandAmazonOrder({ order: order(), items: [item({ TaxCollection: { Model: 'MarketplaceFacilitator', ResponsibleParty: 'Amazon Services, Inc.' } })] }, 'S');
    if (!us.ok) throw new Error(us.reason);
    expect(us.order.lines[0].taxes[0].title).toBe('Amazon marketplace facilitator tax');
    const eur = (a: string) => ({ CurrencyCode: 'EUR', Amount: a });
    const de = understandAmazonOrder({ order: order({ MarketplaceId: 'A1PA6795UKMFR9', OrderTotal: eur('11.90') }), items: [item({ QuantityOrdered: 1, ItemPrice: eur('11.90'), ItemTax: eur('1.90') })] }, 'S');
    if (!de.ok) throw new Error(de.reason);
    expect(de.order).toMatchObject({ currency: 'EUR', taxesIncluded: true });
  });

  it('records what Amazon shipped from FBA only once the order is Shipped, as one fulfilment keyed by the order', () => {
    const afn = { FulfillmentChannel: 'AFN' };
    const partly = understandAmazonOrder({ order: order({ ...afn, OrderStatus: 'PartiallyShipped' }), items: [item({ QuantityShipped: 1 })] }, 'S');
    const shipped = understandAmazonOrder({ order: order({ ...afn, OrderStatus: 'Shipped' }), items: [item({ QuantityShipped: 3 })] }, 'S');
    if (!partly.ok || !shipped.ok) throw new Error('not understood');
    expect(partly.order.fulfilledAtSource).toEqual([]);
    expect(shipped.order.fulfilledAtSource).toEqual([{ externalId: '113-1:FBA', fulfilledAt: '2026-11-30T16:00:00Z', locationRef: 'FBA:ATVPDKIKX0DER', lines: [{ lineRef: 'OI-1', quantity: 3 }] }]);
    expect(shipped.order.lines[0].locationRef).toBe('FBA:ATVPDKIKX0DER');
  });

  it('refuses an amount in another currency than the order’s, with the order named', () => {
    const meaning = understandAmazonOrder({ order: order(), items: [item({ ItemTax: { CurrencyCode: 'CAD', Amount: '0.64' } })] }, 'S');
    expect(meaning).toEqual({ ok: false, reason: 'order 113-1: an amount in CAD on an order in USD' });
  });
});
