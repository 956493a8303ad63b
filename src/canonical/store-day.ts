/**
 * A store's day at the till, in canonical terms: what each transaction did to the cash drawer,
 * and the count that closes the day. Channel-agnostic: any store system's adapter says it this
 * way, and the store-days module keeps the day. Money is bigint minor units of its currency.
 */
import type { AccountingDate } from './accounting-date.js';

export const TILL_KINDS = ['SALE', 'RETURN', 'VOID', 'NO_SALE', 'PAID_IN', 'PAID_OUT'] as const;
export type TillKind = (typeof TILL_KINDS)[number];

/** One till transaction as the store day counts it. */
export interface TillTransaction {
  readonly channel: string;
  readonly store: string;
  readonly transactionId: string;
  readonly kind: TillKind;
  /** ISO-8601 instant; its date in the store's zone is the business date. */
  readonly at: string;
  readonly register: string | null;
  readonly currency: string;
  /**
   * What it did to the drawer: a sale's cash kept after change (+), a return's cash refund (−),
   * paid in (+), paid out (−); 0 for voids, no-sales and cashless ones.
   */
  readonly cash: bigint;
  /** A void names the transaction it voids; that transaction's cash is left out of the day. */
  readonly voids: string | null;
}

/** The counted cash of one currency at the close, and the float the drawer started with. */
export interface TillCount {
  readonly currency: string;
  readonly openingFloat: bigint;
  readonly counted: bigint;
}

/** The message that closes a store day with its cash count. */
export interface StoreDayClose {
  readonly channel: string;
  readonly store: string;
  /** The close message's own id (deduplicated like any transaction). */
  readonly closeId: string;
  readonly businessDate: AccountingDate;
  readonly registers: readonly string[];
  readonly at: string;
  readonly counts: readonly TillCount[];
}
