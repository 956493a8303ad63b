/**
 * Release gates: what must be true before an order may go to the ERP, and where an
 * order goes after an event. Pure functions of the canonical order.
 *
 * Decisions (see the comments on each table):
 * - Payment: AUTHORIZED, PAID and PARTIALLY_REFUNDED pass. PARTIALLY_PAID holds: part
 *   of the order is not secured. PENDING, UNKNOWN, VOIDED and REFUNDED hold.
 * - Risk: CANCEL and INVESTIGATE hold for fraud review. ACCEPT passes, and so does NONE:
 *   Shopify order webhooks carry no risk assessment, and holding on NONE would hold
 *   every such order forever. A later RiskAssessed event re-evaluates the gates.
 * - Tax: MISSING holds; CALCULATED and EXEMPT pass.
 * - Test orders (the channel says test): held, so no ERP ever books them as sales, unless the
 *   channel account allows them (allowTestOrders, for a staging target).
 * - Totals: any difference between the hub's recomputation and the channel's totals
 *   holds, and so do totals that cannot be recomputed at all (mixed currencies, a
 *   fractional quantity): a mismatch never silently passes. A converted order's rounding is an
 *   explicit ROUNDING charge (canonical/conversion.ts), so its grand total still agrees exactly.
 *
 * UNMAPPED and CHANNEL_INVALID are not decided here: master-data resolution and the
 * channel adapter raise them, and the service adds them to these gates before
 * calling {@link decideTransition}.
 *
 * @since 0.1.0
 */
import { MoneyError } from '../../../canonical/money.js';
import type { CanonicalOrder, PaymentStatus, RiskRecommendation, TaxStatus } from '../../../canonical/order.js';
import { orderInView } from '../../../canonical/conversion.js';
import { compareTotals, describeDifference } from '../../../canonical/totals.js';
import { assertNever } from '../../../canonical/assert-never.js';
import { HOLD_REASONS, type HoldReason, type OrderStatus } from './order-state.js';

/** One failed gate: the hold reason and a human-readable explanation. */
export interface ReleaseGateFailure {
  readonly reason: HoldReason;
  readonly detail: string;
}

export interface TransitionDecision {
  readonly to: OrderStatus;
  /** Distinct, in {@link HOLD_REASONS} order; empty unless `to` is ON_HOLD. */
  readonly holdReasons: HoldReason[];
}

/** Whether a payment status secures the order. A new status is a compile error until it is decided here. */
const PAYMENT_SECURED: Readonly<Record<PaymentStatus, boolean>> = {
  AUTHORIZED: true,
  PAID: true,
  // The order was paid; a later partial refund (a return, an appeasement) does not unsecure what remains.
  PARTIALLY_REFUNDED: true,
  // Part of the order is unpaid (split tender still pending, payment on account): not fully secured.
  PARTIALLY_PAID: false,
  PENDING: false,
  UNKNOWN: false,
  VOIDED: false,
  REFUNDED: false,
};

/** Whether a risk recommendation calls for a fraud review. */
const RISK_NEEDS_REVIEW: Readonly<Record<RiskRecommendation, boolean>> = {
  CANCEL: true,
  INVESTIGATE: true,
  ACCEPT: false,
  // No assessment (Shopify order webhooks carry none). Holding would hold such orders forever.
  NONE: false,
};

const TAX_MISSING: Readonly<Record<TaxStatus, boolean>> = { MISSING: true, CALCULATED: false, EXEMPT: false };

/** Every gate the order fails; an empty list means it may be released. */
export function evaluateReleaseGates(order: CanonicalOrder): ReleaseGateFailure[] {
  const failures: ReleaseGateFailure[] = [];
  if (!PAYMENT_SECURED[order.paymentStatus]) {
    failures.push({ reason: 'AWAITING_PAYMENT', detail: `payment status is ${order.paymentStatus}; AUTHORIZED or PAID is required` });
  }
  if (RISK_NEEDS_REVIEW[order.risk.recommendation]) {
    const by = order.risk.source ? ` by ${order.risk.source}` : '';
    failures.push({ reason: 'FRAUD_REVIEW', detail: `risk recommendation${by} is ${order.risk.recommendation}` });
  }
  if (TAX_MISSING[order.taxStatus]) {
    failures.push({ reason: 'TAX_MISSING', detail: 'tax has not been calculated and the order is not tax exempt' });
  }
  const totals = totalsGate(order);
  if (totals) failures.push(totals);
  if (order.test === true && order.testAllowed !== true) failures.push({ reason: 'TEST_ORDER', detail: 'the channel marks this a test order: it is kept, never posted to an ERP as a sale' });
  return failures;
}

function totalsGate(order: CanonicalOrder): ReleaseGateFailure | null {
  try {
    // Both money sets a document may be built in must add up: the shop's and, when converted, the buyer's.
    const differences = [...compareTotals(order), ...(order.presentment ? compareTotals(orderInView(order, order.presentment)) : [])];
    if (differences.length === 0) return null;
    return { reason: 'TOTALS_MISMATCH', detail: differences.map(describeDifference).join('; ') };
  } catch (error) {
    // Bad channel data (mixed currencies, fractional quantity) is a hold, not a crash; anything else is a bug.
    if (error instanceof MoneyError || error instanceof RangeError) {
      return { reason: 'TOTALS_MISMATCH', detail: `totals could not be recomputed: ${error.message}` };
    }
    throw error;
  }
}

/**
 * Where an order goes after an event, given its gates (from {@link evaluateReleaseGates}
 * plus any the service adds). A cancelled order stays cancelled; no failed gate →
 * RELEASED; otherwise ON_HOLD with the distinct reasons.
 *
 * `to` may equal `current`. ON_HOLD → ON_HOLD is a real transition (the reasons may have
 * changed); RELEASED → RELEASED and CANCELLED → CANCELLED mean "stay" and are not in the
 * table. So: when `to === current` and the table has no such self-transition, change
 * nothing; otherwise call `orderStateMachine.assertTransition(current, to, { holdReasons })`.
 */
export function decideTransition(current: OrderStatus, gates: readonly ReleaseGateFailure[]): TransitionDecision {
  switch (current) {
    case 'CANCELLED':
      return { to: 'CANCELLED', holdReasons: [] };
    // Already in the ERP: later channel updates change content, not the state.
    case 'POSTED':
    case 'PARTIALLY_FULFILLED':
    case 'FULFILLED':
      return { to: current, holdReasons: [] };
    case 'RECEIVED':
    case 'ON_HOLD':
    case 'RELEASED': {
      const open = new Set(gates.map((gate) => gate.reason));
      const holdReasons = HOLD_REASONS.filter((reason) => open.has(reason));
      return holdReasons.length === 0 ? { to: 'RELEASED', holdReasons } : { to: 'ON_HOLD', holdReasons };
    }
    default:
      return assertNever(current);
  }
}
