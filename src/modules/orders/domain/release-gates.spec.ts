import type { PaymentStatus, RiskRecommendation } from '../../../canonical/order.js';
import { recomputeTotals } from '../../../canonical/totals.js';
import { buildLine, buildOrder, buildShippingLine, buildTaxLine, usd } from '../../../../test/support/order-builder.js';
import { HOLD_REASONS, ORDER_STATUSES, orderStateMachine, type HoldReason } from './order-state.js';
import { decideTransition, evaluateReleaseGates, type ReleaseGateFailure } from './release-gates.js';

const reasons = (gates: readonly ReleaseGateFailure[]): HoldReason[] => gates.map((gate) => gate.reason);

describe('buildOrder', () => {
  it('builds a consistent USD order with integer totals', () => {
    const order = buildOrder();
    expect(order.currency).toBe('USD');
    const amounts = Object.fromEntries(Object.entries(order.sourceTotals).map(([key, value]) => [key, value.amount]));
    expect(amounts).toEqual({ subtotal: 6000n, discounts: 500n, shipping: 500n, tax: 385n, grandTotal: 6385n });
    expect(recomputeTotals(order)).toEqual(order.sourceTotals);
    expect(order.tenders[0]?.authorized.amount).toBe(6385n);
  });

  it('keeps the totals consistent when lines are overridden, unless told otherwise', () => {
    const order = buildOrder({ lines: [buildLine({ quantity: 3, unitPrice: usd('19.99'), taxes: [] })], shippingLines: [] });
    expect(order.sourceTotals.grandTotal.amount).toBe(5997n);
    expect(buildOrder({ sourceTotals: { tax: usd('3.86') } }).sourceTotals.tax.amount).toBe(386n);
  });
});

describe('evaluateReleaseGates', () => {
  it('passes the default order', () => {
    expect(evaluateReleaseGates(buildOrder())).toEqual([]);
  });

  it.each<[PaymentStatus, boolean]>([
    ['AUTHORIZED', true],
    ['PAID', true],
    ['PARTIALLY_REFUNDED', true],
    ['PARTIALLY_PAID', false],
    ['PENDING', false],
    ['UNKNOWN', false],
    ['VOIDED', false],
    ['REFUNDED', false],
  ])('payment status %s passes: %s', (paymentStatus, passes) => {
    const gates = evaluateReleaseGates(buildOrder({ paymentStatus }));
    expect(gates).toEqual(passes ? [] : [{ reason: 'AWAITING_PAYMENT', detail: `payment status is ${paymentStatus}; AUTHORIZED or PAID is required` }]);
  });

  it.each<[RiskRecommendation, boolean]>([
    ['ACCEPT', true],
    ['NONE', true],
    ['INVESTIGATE', false],
    ['CANCEL', false],
  ])('risk recommendation %s passes: %s', (recommendation, passes) => {
    const gates = evaluateReleaseGates(buildOrder({ risk: { recommendation, source: 'shopify' } }));
    expect(reasons(gates)).toEqual(passes ? [] : ['FRAUD_REVIEW']);
  });

  it('names who recommended the review', () => {
    expect(evaluateReleaseGates(buildOrder({ risk: { recommendation: 'CANCEL', source: 'signifyd' } }))[0]?.detail).toBe(
      'risk recommendation by signifyd is CANCEL',
    );
    expect(evaluateReleaseGates(buildOrder({ risk: { recommendation: 'CANCEL', source: null } }))[0]?.detail).toBe('risk recommendation is CANCEL');
  });

  it('holds on missing tax, not on exempt tax', () => {
    expect(reasons(evaluateReleaseGates(buildOrder({ taxStatus: 'MISSING' })))).toEqual(['TAX_MISSING']);
    expect(evaluateReleaseGates(buildOrder({ taxStatus: 'EXEMPT' }))).toEqual([]);
  });

  it('holds on any totals difference, naming every component', () => {
    const gates = evaluateReleaseGates(buildOrder({ sourceTotals: { tax: usd('3.86'), grandTotal: usd('63.86') } }));
    expect(gates).toEqual([
      {
        reason: 'TOTALS_MISMATCH',
        detail: 'tax: computed 3.85 but channel reported 3.86 USD; grandTotal: computed 63.85 but channel reported 63.86 USD',
      },
    ]);
  });

  it('holds on a one-cent difference', () => {
    expect(reasons(evaluateReleaseGates(buildOrder({ sourceTotals: { grandTotal: usd('63.84') } })))).toEqual(['TOTALS_MISMATCH']);
  });

  it('handles tax-inclusive prices', () => {
    const inclusive = buildOrder({
      taxesIncluded: true,
      lines: [buildLine({ unitPrice: usd('10.70'), taxes: [buildTaxLine({ amount: usd('0.70') })] })],
      shippingLines: [buildShippingLine({ price: usd('0.00') })],
    });
    expect(inclusive.sourceTotals.grandTotal.amount).toBe(1070n);
    expect(evaluateReleaseGates(inclusive)).toEqual([]);
  });

  it('holds, rather than crashes, when totals cannot be recomputed', () => {
    const order = buildOrder();
    const mixed = { ...order, lines: [...order.lines, buildLine({ unitPrice: { amount: 100n, currency: 'EUR' } })] };
    const gates = evaluateReleaseGates(mixed);
    expect(reasons(gates)).toEqual(['TOTALS_MISMATCH']);
    expect(gates[0]?.detail).toBe('totals could not be recomputed: currency mismatch: USD and EUR');

    const fractional = { ...order, lines: [buildLine({ quantity: 1.5 })] };
    expect(reasons(evaluateReleaseGates(fractional))).toEqual(['TOTALS_MISMATCH']);
  });

  it('reports every failed gate at once', () => {
    const order = buildOrder({
      paymentStatus: 'PENDING',
      risk: { recommendation: 'INVESTIGATE', source: null },
      taxStatus: 'MISSING',
      sourceTotals: { discounts: usd('0.00') },
    });
    expect(reasons(evaluateReleaseGates(order))).toEqual(['AWAITING_PAYMENT', 'FRAUD_REVIEW', 'TAX_MISSING', 'TOTALS_MISMATCH']);
  });
});

describe('decideTransition', () => {
  const gate = (reason: HoldReason): ReleaseGateFailure => ({ reason, detail: reason.toLowerCase() });

  it('releases when no gate fails', () => {
    expect(decideTransition('RECEIVED', [])).toEqual({ to: 'RELEASED', holdReasons: [] });
    expect(decideTransition('ON_HOLD', [])).toEqual({ to: 'RELEASED', holdReasons: [] });
    expect(decideTransition('RELEASED', [])).toEqual({ to: 'RELEASED', holdReasons: [] });
  });

  it('holds with distinct reasons in a stable order', () => {
    const gates = [gate('TOTALS_MISMATCH'), gate('UNMAPPED'), gate('AWAITING_PAYMENT'), gate('UNMAPPED')];
    expect(decideTransition('RECEIVED', gates)).toEqual({ to: 'ON_HOLD', holdReasons: ['AWAITING_PAYMENT', 'UNMAPPED', 'TOTALS_MISMATCH'] });
    expect(decideTransition('RELEASED', [gate('CHANNEL_INVALID')])).toEqual({ to: 'ON_HOLD', holdReasons: ['CHANNEL_INVALID'] });
  });

  it('keeps a cancelled order cancelled', () => {
    expect(decideTransition('CANCELLED', [])).toEqual({ to: 'CANCELLED', holdReasons: [] });
    expect(decideTransition('CANCELLED', [gate('FRAUD_REVIEW')])).toEqual({ to: 'CANCELLED', holdReasons: [] });
  });

  it('only ever decides a transition the table and its guards allow, or to stay', () => {
    const outcomes: ReleaseGateFailure[][] = [[], [gate('FRAUD_REVIEW')], HOLD_REASONS.map(gate)];
    for (const current of ORDER_STATUSES) {
      for (const gates of outcomes) {
        const { to, holdReasons } = decideTransition(current, gates);
        const stays = to === current && !orderStateMachine.canTransition(current, current);
        if (!stays) expect(orderStateMachine.check(current, to, { holdReasons })).toEqual({ allowed: true });
      }
    }
  });
});
