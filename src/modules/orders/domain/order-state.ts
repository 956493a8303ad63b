/**
 * The order aggregate's states and its one transition table (DESIGN.md "Aggregates
 * and their states"). POSTED once every routed ERP target holds the order; the
 * fulfilment states come with the fulfilment work.
 *
 * @since 0.1.0
 */
import { defineStateMachine } from '../../../platform/state-machine/state-machine.js';

export const ORDER_STATUSES = ['RECEIVED', 'ON_HOLD', 'RELEASED', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED'] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Why an order is held. An order can be held for several reasons at once. */
export const HOLD_REASONS = [
  'AWAITING_PAYMENT',
  'FRAUD_REVIEW',
  'TAX_MISSING',
  'UNMAPPED',
  'TOTALS_MISMATCH',
  'CHANNEL_INVALID',
  'DOCUMENT_TOTAL_MISMATCH',
  // A channel's test order (Shopify `test: true`): kept and shown, never sent to an ERP as a sale.
  'TEST_ORDER',
  'MANUAL_HOLD',
] as const;

export type HoldReason = (typeof HOLD_REASONS)[number];

/** One message per reason: a reason without a message does not compile. */
export const HOLD_REASON_MESSAGES: Readonly<Record<HoldReason, string>> = {
  AWAITING_PAYMENT: 'Payment is not yet authorised or fully paid.',
  FRAUD_REVIEW: 'The risk assessment recommends investigating or cancelling the order.',
  TAX_MISSING: 'Tax has not been calculated for the order.',
  UNMAPPED: 'A SKU, location, tax code, tender or reason has no mapping to the ERP.',
  TOTALS_MISMATCH: "The hub's recomputed totals differ from the channel's totals.",
  CHANNEL_INVALID: 'The channel sent data the hub cannot accept.',
  DOCUMENT_TOTAL_MISMATCH: "The ERP document built for the order does not add up to the order's grand total; it was not sent.",
  TEST_ORDER: 'The channel marks this a test order: it is kept and shown, never posted to an ERP as a sale.',
  MANUAL_HOLD: 'An operator held the order; only a manual release lifts it.',
};

export function isHoldReason(value: unknown): value is HoldReason {
  return typeof value === 'string' && (HOLD_REASONS as readonly string[]).includes(value);
}

/** What the guards look at: the hold reasons the order will have after the transition. */
export interface OrderTransitionContext {
  readonly holdReasons: readonly HoldReason[];
}

/**
 * RECEIVED → ON_HOLD | RELEASED | CANCELLED.
 * ON_HOLD → ON_HOLD (the reasons changed) | RELEASED | CANCELLED.
 * RELEASED → ON_HOLD (a later update re-holds it before it is posted) | POSTED | PARTIALLY_FULFILLED | FULFILLED | CANCELLED.
 * POSTED → PARTIALLY_FULFILLED | FULFILLED | CANCELLED.
 * PARTIALLY_FULFILLED → PARTIALLY_FULFILLED (another parcel) | FULFILLED | CANCELLED (the unshipped rest).
 * FULFILLED and CANCELLED are final.
 *
 * Guards keep the state and the reasons consistent: no hold without a reason, no
 * release while a reason is open.
 */
export const orderStateMachine = defineStateMachine<OrderStatus, OrderTransitionContext>({
  name: 'order',
  initial: 'RECEIVED',
  transitions: {
    RECEIVED: { to: ['ON_HOLD', 'RELEASED', 'CANCELLED'] },
    ON_HOLD: { to: ['ON_HOLD', 'RELEASED', 'CANCELLED'] },
    // A warehouse may ship before the ERP has acknowledged the order: shipping does not wait for POSTED.
    RELEASED: { to: ['ON_HOLD', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED'] },
    // Every ERP target routed to has the order; a cancel then posts the matching ERP line change.
    POSTED: { to: ['PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED'] },
    PARTIALLY_FULFILLED: { to: ['PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED'] },
    FULFILLED: { to: [] },
    CANCELLED: { to: [] },
  },
  guards: {
    ON_HOLD: ({ holdReasons }) => (holdReasons.length > 0 ? true : 'an order is held only with at least one hold reason'),
    RELEASED: ({ holdReasons }) =>
      holdReasons.length === 0 ? true : `an order with open hold reasons cannot be released: ${holdReasons.join(', ')}`,
  },
});
