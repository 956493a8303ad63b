/**
 * The finance rules of one refund, pure. A refund reaches the ERP only when its money moved:
 * every transaction SUCCESS (a PENDING one waits, a FAILURE posts nothing), its parts add up
 * to what the transactions paid back, and the order's refunds together stay within what was
 * captured. Idempotency never comes from amounts: two refunds of the same amount are two.
 */
import { sum, type Money } from '../../../canonical/money.js';
import type { CanonicalRefund, RefundTenderKind } from '../../../canonical/return.js';

export type RefundReadiness =
  | { readonly state: 'READY'; readonly total: Money }
  | { readonly state: 'WAITING'; readonly reason: 'TRANSACTION_PENDING'; readonly detail: string }
  | { readonly state: 'FAILED'; readonly reason: 'TRANSACTION_FAILED'; readonly detail: string }
  | { readonly state: 'HELD'; readonly reason: 'REFUND_COMPONENTS_MISMATCH' | 'REFUND_EXCEEDS_CAPTURE'; readonly detail: string };

/** Tax parts already inside a tax-inclusive line's or shipping's subtotal. */
const INCLUDED_TAX = new Set(['LINE_TAX', 'SHIPPING_TAX']);

/**
 * What the refund's parts add up to: the money the customer gets back (a fee counts against it).
 * Where prices include tax, Shopify's subtotals already hold the tax its tax parts name, so those
 * parts describe the money rather than add to it.
 */
export function refundTotal(refund: CanonicalRefund, currency: string, taxesIncluded = false): Money {
  return sum(refund.components.filter((c) => !(taxesIncluded && INCLUDED_TAX.has(c.kind))).map((c) => c.amount), currency);
}

/** Money back per tender, from successful transactions only. */
export function refundedByTender(refund: CanonicalRefund, currency: string): Map<RefundTenderKind, Money> {
  const byTender = new Map<RefundTenderKind, Money>();
  for (const tx of refund.transactions) {
    if (tx.status !== 'SUCCESS') continue;
    const before = byTender.get(tx.tender)?.amount ?? 0n;
    byTender.set(tx.tender, { amount: before + tx.amount.amount, currency });
  }
  return byTender;
}

const show = (m: Money): string => `${m.amount} ${m.currency} (minor units)`;

/**
 * Whether the refund may lead to an ERP credit now.
 * @param capturedLeft what the order's captures leave after the refunds already accepted.
 */
export function refundReadiness(refund: CanonicalRefund, currency: string, capturedLeft: Money, taxesIncluded = false): RefundReadiness {
  const failed = refund.transactions.filter((t) => t.status === 'FAILURE');
  if (failed.length > 0) {
    return { state: 'FAILED', reason: 'TRANSACTION_FAILED', detail: `transaction ${failed.map((t) => t.externalId).join(', ')} failed: no money went back` };
  }
  const pending = refund.transactions.filter((t) => t.status === 'PENDING');
  if (pending.length > 0) {
    return { state: 'WAITING', reason: 'TRANSACTION_PENDING', detail: `transaction ${pending.map((t) => t.externalId).join(', ')} is pending` };
  }
  const total = refundTotal(refund, currency, taxesIncluded);
  const paid = sum(refund.transactions.map((t) => t.amount), currency);
  // A refund with no transactions moves no money (a restock-only refund): its parts must net to zero too.
  if (paid.amount !== total.amount) {
    return { state: 'HELD', reason: 'REFUND_COMPONENTS_MISMATCH', detail: `the refund's parts add up to ${show(total)} but its transactions paid ${show(paid)}` };
  }
  if (total.amount > capturedLeft.amount) {
    return { state: 'HELD', reason: 'REFUND_EXCEEDS_CAPTURE', detail: `the refund of ${show(total)} exceeds the ${show(capturedLeft)} captured and not yet refunded` };
  }
  return { state: 'READY', total };
}
