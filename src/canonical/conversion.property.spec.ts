/**
 * A converted order's rounding, for any lines and any gap: within the bound (perLine × lines + 1)
 * it becomes exactly one ROUNDING charge of the gap and the totals agree to the minor unit; above
 * it nothing is added and the totals gate holds. Never silently absorbed either way.
 */
import fc from 'fast-check';
import { buildLine, buildOrder } from '../../test/support/order-builder.js';
import { evaluateReleaseGates } from '../modules/orders/domain/release-gates.js';
import { conversionBound, withConversionRounding } from './conversion.js';
import { compareTotals, recomputeTotals } from './totals.js';

const line = fc.record({ price: fc.bigInt({ min: 0n, max: 1_000_000n }), quantity: fc.integer({ min: 1, max: 20 }) });

describe('conversion rounding (property)', () => {
  it('turns a gap within the bound into one ROUNDING charge and holds any larger gap', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.integer({ min: -30, max: 30 }), fc.integer({ min: 0, max: 3 }), (specs, gap, perLine) => {
        const lines = specs.map((s, i) => buildLine({ externalId: `L${i}`, sku: `SKU-${i}`, unitPrice: { amount: s.price, currency: 'USD' }, quantity: s.quantity, discounts: [], taxes: [] }));
        const exact = buildOrder({ lines, shippingLines: [], charges: [] });
        const computed = recomputeTotals(exact).grandTotal;
        const order = buildOrder({
          lines, shippingLines: [], charges: [], presentmentCurrency: 'CAD',
          sourceTotals: { grandTotal: { amount: computed.amount + BigInt(gap), currency: 'USD' } },
        });
        const rounded = withConversionRounding(order, perLine);
        const roundings = (rounded.charges ?? []).filter((c) => c.kind === 'ROUNDING');
        if (Math.abs(gap) <= conversionBound(order, perLine)) {
          expect(roundings.map((c) => c.amount.amount)).toEqual(gap === 0 ? [] : [BigInt(gap)]);
          expect(compareTotals(rounded)).toEqual([]);
          expect(evaluateReleaseGates(rounded).map((g) => g.reason)).not.toContain('TOTALS_MISMATCH');
        } else {
          expect(roundings).toEqual([]);
          expect(evaluateReleaseGates(rounded).map((g) => g.reason)).toContain('TOTALS_MISMATCH');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
