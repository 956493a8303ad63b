/**
 * The reverse documents of the ERP port: what a refund and its returned goods become in an ERP,
 * already mapped to ERP ids by the returns module's builders. Each variant expresses them in its
 * own records (NetSuite: return authorization from the sales order, item receipt, credit memo,
 * customer refund; Business Central: a sales credit memo, then posted).
 */
import type { Money } from '../../canonical/money.js';
import type { Disposition } from '../../canonical/return.js';

/** Returned units of one sales-order line: restocked into `locationId`, or written off. */
export interface CreditItemLine {
  readonly kind: 'ITEM';
  /** The order line (channel line id), as on the sales order. */
  readonly lineRef: string;
  /** 0-based position of the line on the posted sales order (BC has no field for lineRef). */
  readonly lineIndex: number;
  readonly itemId: string;
  readonly description: string;
  readonly quantity: number;
  /** The refunded money of these units before tax, from the channel's own figures. */
  readonly amount: Money;
  /** The line's unit price on the sales order, before discounts (what a credited unit listed at). */
  readonly unitPrice: Money;
  readonly tax: Money;
  readonly taxCode: string | null;
  /** What happens to the goods; null when the refund came without a return (no goods move). */
  readonly disposition: Disposition | null;
  /** The ERP location the goods go to (the DISPOSITION mapping's location), when they move. */
  readonly locationId: string | null;
  /** A write-off (scrap) account, when the disposition's mapping names one instead of a location. */
  readonly writeOffAccountId: string | null;
}

/** Money credited without goods: shipping, duties, a fee, a discrepancy. */
export interface CreditAccountLine {
  readonly kind: 'ACCOUNT';
  readonly component: 'SHIPPING' | 'DUTIES' | 'RESTOCKING_FEE' | 'ADJUSTMENT';
  /** The mapped ERP item (NetSuite Other Charge) or G/L account (BC) the money is booked to. */
  readonly accountId: string;
  readonly description: string;
  readonly amount: Money;
  readonly tax: Money;
  readonly taxCode: string | null;
}

export type CreditLine = CreditItemLine | CreditAccountLine;

/** How the money went back: original payment (cash), or a liability (gift card, store credit). */
export interface CreditTender {
  readonly tender: 'ORIGINAL_PAYMENT' | 'GIFT_CARD' | 'STORE_CREDIT';
  readonly amount: Money;
  readonly gateway: string;
  /** The mapped TENDER clearing account: a bank/clearing account for cash, a liability account otherwise; null when unmapped. */
  readonly accountId: string | null;
}

/**
 * One refund's credit: its lines add up, to the minor unit, to `total`, which is the refund's
 * total as the channel reported it (checked before sending and after reading back).
 */
export interface CreditMemoDocument {
  /** The hub's key of this credit: one per refund, never per amount. */
  readonly externalId: string;
  readonly salesOrderExternalId: string;
  /** The ERP's id of the sales order the credit is for, from its POSTED posting. */
  readonly salesOrderInternalId: string;
  /** The invoice or cash sale the credit applies to, where the target posts one. */
  readonly invoiceInternalId: string | null;
  readonly customerId: string;
  readonly currency: string;
  /** YYYY-MM-DD: the refund's date in the shop's own offset. */
  readonly creditDate: string;
  /** The mapped RETURN_REASON (BC customerReturnReasonId / NetSuite a reason list value). */
  readonly reasonCode: string | null;
  readonly lines: readonly CreditLine[];
  readonly tenders: readonly CreditTender[];
  /**
   * What the order is in this ERP: a sales order (credited by a credit memo) or a cash sale (the
   * target posts counter sales so: paid back at once, NetSuite's cash refund, BC's credit memo
   * applied to the posted invoice). Absent: a sales order.
   */
  readonly against?: 'SALES_ORDER' | 'CASH_SALE';
  readonly total: Money;
  readonly memo: string | null;
}
