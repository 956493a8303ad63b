import { IllegalTransitionError } from '../../../platform/state-machine/state-machine.js';
import { buildOrder, usd } from '../../../../test/support/order-builder.js';
import {
  HOLD_REASON_MESSAGES,
  HOLD_REASONS,
  isHoldReason,
  ORDER_STATUSES,
  orderStateMachine,
  type OrderStatus,
} from './order-state.js';
import { decideTransition, evaluateReleaseGates } from './release-gates.js';

const noReasons = { holdReasons: [] };
const held = { holdReasons: ['AWAITING_PAYMENT' as const] };

describe('order state machine', () => {
  it('declares exactly ORDER_STATUSES and starts at RECEIVED', () => {
    expect([...orderStateMachine.states].sort()).toEqual([...ORDER_STATUSES].sort());
    expect(orderStateMachine.initial).toBe('RECEIVED');
  });

  it.each<[OrderStatus, OrderStatus[]]>([
    ['RECEIVED', ['ON_HOLD', 'RELEASED', 'CANCELLED']],
    ['ON_HOLD', ['ON_HOLD', 'RELEASED', 'CANCELLED']],
    ['RELEASED', ['ON_HOLD', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED']],
    ['POSTED', ['PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED']],
    ['PARTIALLY_FULFILLED', ['PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED']],
    ['FULFILLED', []],
    ['CANCELLED', []],
  ])('from %s allows exactly %j', (from, allowed) => {
    for (const to of ORDER_STATUSES) {
      expect(orderStateMachine.canTransition(from, to)).toBe(allowed.includes(to));
    }
  });

  it('makes CANCELLED final', () => {
    expect(orderStateMachine.isTerminal('CANCELLED')).toBe(true);
    expect(() => orderStateMachine.assertTransition('CANCELLED', 'RELEASED', noReasons)).toThrow(IllegalTransitionError);
  });

  it('holds only with a reason and releases only without one', () => {
    expect(() => orderStateMachine.assertTransition('RECEIVED', 'ON_HOLD', held)).not.toThrow();
    expect(() => orderStateMachine.assertTransition('ON_HOLD', 'ON_HOLD', held)).not.toThrow();
    expect(() => orderStateMachine.assertTransition('ON_HOLD', 'RELEASED', noReasons)).not.toThrow();
    expect(orderStateMachine.check('RECEIVED', 'ON_HOLD', noReasons)).toMatchObject({ allowed: false, vetoedBy: 'GUARD' });
    expect(() => orderStateMachine.assertTransition('RECEIVED', 'RELEASED', held)).toThrow(
      'state machine "order": cannot transition from RECEIVED to RELEASED: an order with open hold reasons cannot be released: AWAITING_PAYMENT',
    );
    expect(() => orderStateMachine.assertTransition('RELEASED', 'CANCELLED', held)).not.toThrow();
  });

  it('has a message for every hold reason', () => {
    for (const reason of HOLD_REASONS) expect(HOLD_REASON_MESSAGES[reason]).toMatch(/\S/);
    expect(Object.keys(HOLD_REASON_MESSAGES).sort()).toEqual([...HOLD_REASONS].sort());
    expect(isHoldReason('FRAUD_REVIEW')).toBe(true);
    expect(isHoldReason('LOST')).toBe(false);
  });
});

describe('an order through its events', () => {
  /** What the service does: decide, then transition unless the decision is to stay. */
  function apply(current: OrderStatus, order = buildOrder()): { status: OrderStatus; holdReasons: readonly string[] } {
    const decision = decideTransition(current, evaluateReleaseGates(order));
    const stays = decision.to === current && !orderStateMachine.canTransition(current, current);
    if (!stays) orderStateMachine.assertTransition(current, decision.to, { holdReasons: decision.holdReasons });
    return { status: decision.to, holdReasons: decision.holdReasons };
  }

  it('is held, re-held for a different reason, released, re-held and cancelled', () => {
    let state = apply('RECEIVED', buildOrder({ paymentStatus: 'PENDING' }));
    expect(state).toEqual({ status: 'ON_HOLD', holdReasons: ['AWAITING_PAYMENT'] });

    state = apply(state.status, buildOrder({ risk: { recommendation: 'INVESTIGATE', source: 'shopify' } }));
    expect(state).toEqual({ status: 'ON_HOLD', holdReasons: ['FRAUD_REVIEW'] });

    state = apply(state.status, buildOrder());
    expect(state).toEqual({ status: 'RELEASED', holdReasons: [] });

    state = apply(state.status, buildOrder());
    expect(state).toEqual({ status: 'RELEASED', holdReasons: [] });

    state = apply(state.status, buildOrder({ sourceTotals: { grandTotal: usd('63.84') } }));
    expect(state).toEqual({ status: 'ON_HOLD', holdReasons: ['TOTALS_MISMATCH'] });

    orderStateMachine.assertTransition(state.status, 'CANCELLED', { holdReasons: [] });
    expect(apply('CANCELLED', buildOrder())).toEqual({ status: 'CANCELLED', holdReasons: [] });
  });
});
