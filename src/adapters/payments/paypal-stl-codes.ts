import type { ComponentKind } from '../../canonical/settlement.js';

/**
 * PayPal T-codes (`T<event group><type>`) to ledger components. PayPal: "The event group portion
 * of the T-code is sufficient for data reconciliation" (developer.paypal.com/reports/reference/t-codes),
 * so groups decide, with the few codes whose meaning differs within a group named apart
 * (research/settlements.md §2.3). Anything else is UNKNOWN: a break, never dropped.
 */
const BY_CODE: Readonly<Record<string, ComponentKind>> = {
  T1105: 'RESERVE_RELEASE', // release of a temporary hold (T1503)
  T1106: 'CHARGEBACK', // payment reversal initiated by PayPal
  T1107: 'REFUND', // payment refund
  T1201: 'CHARGEBACK',
  T1202: 'CHARGEBACK', // chargeback reversal
};

const BY_GROUP: Readonly<Record<string, ComponentKind>> = {
  T00: 'PRINCIPAL', // PayPal account-to-account payments
  T01: 'FEE', // non-payment-related fees
  T02: 'ADJUSTMENT', // currency conversion
  T03: 'ADJUSTMENT', // bank deposit into the PayPal account
  T04: 'PAYOUT', // bank withdrawal from the PayPal account
  T05: 'PRINCIPAL', // debit card payments
  T07: 'PRINCIPAL', // credit card payments
  T11: 'REFUND', // reversals
  T12: 'ADJUSTMENT', // adjustments
  T15: 'RESERVE_HOLD', // holds
  T22: 'PRINCIPAL',
};

export function paypalComponent(code: string): ComponentKind {
  return BY_CODE[code] ?? BY_GROUP[code.slice(0, 3)] ?? 'UNKNOWN';
}
