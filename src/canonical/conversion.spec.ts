import { convertedOrderBody } from '../../test/support/shopify-converted-order.js';
import { validateShopifyOrder } from '../adapters/channels/shopify/shopify-order.dto.js';
import { mapShopifyOrder } from '../adapters/channels/shopify/shopify-order.mapper.js';
import { evaluateReleaseGates } from '../modules/orders/domain/release-gates.js';
import { orderInView, withConversionRounding } from './conversion.js';
import type { CanonicalOrder } from './order.js';
import { compareTotals, recomputeTotals } from './totals.js';

function mapped(body: Record<string, unknown>): CanonicalOrder {
  const result = validateShopifyOrder(JSON.parse(JSON.stringify(body)), Date.parse('2026-03-15T00:00:00Z'));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return mapShopifyOrder(result.dto, { shopDomain: 'example-shop.myshopify.com' });
}

describe('a converted order (CAD paid, USD books)', () => {
  const order = mapped(convertedOrderBody({ id: '6012345678900021001' }));

  it('keeps both money sets: the shop order in USD and a presentment view in CAD', () => {
    expect(order.currency).toBe('USD');
    expect(order.presentmentCurrency).toBe('CAD');
    expect(order.presentment?.currency).toBe('CAD');
    expect(order.lines.map((l) => l.unitPrice.amount)).toEqual([1466n, 1833n]);
    expect(order.presentment?.lines.map((l) => l.unitPrice)).toEqual([{ amount: 1999n, currency: 'CAD' }, { amount: 2499n, currency: 'CAD' }]);
    expect(order.presentment?.sourceTotals.grandTotal).toEqual({ amount: 9921n, currency: 'CAD' });
    expect(compareTotals(orderInView(order, order.presentment!))).toEqual([]);
  });

  it('without rounding the USD set misses its total by a cent, and the gate holds it', () => {
    expect(compareTotals(order).map((d) => d.component)).toEqual(['subtotal', 'grandTotal']);
    expect(evaluateReleaseGates(order).map((g) => g.reason)).toContain('TOTALS_MISMATCH');
  });

  it('a difference within the bound becomes an explicit ROUNDING charge, counted by the totals', () => {
    const rounded = withConversionRounding(order, 1);
    expect(rounded.charges).toEqual([{ kind: 'ROUNDING', title: 'Currency conversion rounding', amount: { amount: -1n, currency: 'USD' } }]);
    expect(rounded.presentment?.charges).toEqual([]);
    expect(recomputeTotals(rounded).grandTotal).toEqual({ amount: 7275n, currency: 'USD' });
    expect(evaluateReleaseGates(rounded).map((g) => g.reason)).not.toContain('TOTALS_MISMATCH');
  });

  it('a difference above the bound (per line × lines + 1) is not absorbed', () => {
    const far = withConversionRounding(mapped(convertedOrderBody({ id: '6012345678900021002', usdTotal: '72.72' })), 1);
    expect(far.charges ?? []).toEqual([]);
    expect(evaluateReleaseGates(far).map((g) => g.reason)).toContain('TOTALS_MISMATCH');
    const allowed = withConversionRounding(mapped(convertedOrderBody({ id: '6012345678900021002', usdTotal: '72.72' })), 2);
    expect(allowed.charges?.[0].amount).toEqual({ amount: -4n, currency: 'USD' });
  });

  it('an order in one currency is left as it was', () => {
    const body = convertedOrderBody({ id: '6012345678900021003' });
    body.presentment_currency = 'USD';
    const plain = mapped(body);
    expect(plain.presentment).toBeUndefined();
    expect(withConversionRounding(plain, 1)).toBe(plain);
  });

  it('a tip Shopify gives in shop money only leaves the order without a presentment view', () => {
    const tipped = mapped(convertedOrderBody({ id: '6012345678900021004', tip: '1.00', usdTotal: '73.75' }));
    expect(evaluateReleaseGates(withConversionRounding(tipped, 1)).map((g) => g.reason)).not.toContain('TOTALS_MISMATCH');
    expect(tipped.presentmentCurrency).toBe('CAD');
    expect(tipped.presentment).toBeUndefined();
    // Its shop money is still converted, and still rounded.
    expect(withConversionRounding(tipped, 1).charges?.map((c) => [c.kind, c.amount.amount])).toEqual([['TIP', 100n], ['ROUNDING', -1n]]);
  });
});

describe('buyer text and tenders of a Shopify order', () => {
  it('keeps the note, the PO number and the buyer-visible line properties', () => {
    const order = mapped(convertedOrderBody({ id: '6012345678900021005', note: '  Leave at the door ', poNumber: 'PO-4471' }));
    expect(order.note).toBe('Leave at the door');
    expect(order.poNumber).toBe('PO-4471');
    expect(order.lines[0].properties).toEqual([{ name: 'Engraving', value: 'For M.' }]);
    expect(order.lines[1].properties).toBeUndefined();
  });

  it('splits the tender by the transactions: the gift card gets what it took', () => {
    const order = mapped(convertedOrderBody({
      id: '6012345678900021006',
      transactions: [
        { kind: 'sale', gateway: 'gift_card', amount: '20.00', currency: 'USD' },
        { kind: 'authorization', gateway: 'shopify_payments', amount: '52.75', currency: 'USD' },
        { kind: 'capture', gateway: 'shopify_payments', amount: '52.75', currency: 'USD' },
        { kind: 'sale', gateway: 'shopify_payments', amount: '5.00', currency: 'USD', status: 'failure' },
      ],
    }));
    expect(order.tenders).toEqual([
      { kind: 'GIFT_CARD', gateway: 'gift_card', authorized: { amount: 2000n, currency: 'USD' }, captured: { amount: 2000n, currency: 'USD' } },
      { kind: 'CARD', gateway: 'shopify_payments', authorized: { amount: 5275n, currency: 'USD' }, captured: { amount: 5275n, currency: 'USD' } },
    ]);
  });

  it('falls back to the gateway names when the transactions are in another currency', () => {
    const order = mapped(convertedOrderBody({ id: '6012345678900021007', transactions: [{ kind: 'sale', gateway: 'gift_card', amount: '27.00', currency: 'CAD' }] }));
    expect(order.tenders.map((t) => [t.gateway, t.captured.amount])).toEqual([['gift_card', 0n], ['shopify_payments', 7275n]]);
  });
});
