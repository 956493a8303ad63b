/**
 * Returns and refunds in the hub's own terms. A return is a CASE linked to its order; what the
 * channels, returns platforms and warehouses say about it arrives as separate EVENTS, days apart,
 * out of order, twice, and from different systems. Each event names the case it belongs to by
 * the identifiers it carries (the channel's return id, a returns platform's RMA, a refund id, the
 * order), so a refund with no return, or a receipt before any RMA, still opens a case that the
 * RMA joins when it arrives.
 */
import type { Money } from './money.js';
import type { ChannelCode } from './references.js';

/** Where a return event came from: a channel, a returns platform, a warehouse or store. */
export interface ReturnEventSource {
  /** CHANNEL code (SHOPIFY), returns platform (LOOP) or fulfilment system (WMS, STORE). */
  readonly system: string;
  readonly account: string;
  /** The source's own id of the event: the same on every redelivery, so it deduplicates. */
  readonly eventKey: string;
  /** ISO-8601 instant the source says the event happened; null when it does not say (then: when the hub recorded it). */
  readonly occurredAt: string | null;
}

/** The ids that tie an event to its case and its order. Any may be missing but the order. */
export interface ReturnIdentity {
  readonly channel: ChannelCode;
  readonly account: string;
  /** The channel's order id (orders.external_id). */
  readonly orderExternalId: string;
  /** The channel's return id (Shopify Return), when the event names one. */
  readonly returnRef: string | null;
  /** A returns platform's RMA (Loop return id), when the event names one. */
  readonly rmaRef: string | null;
}

/**
 * A fulfilment system knows the order by the hub's id (the hub sent it in the request); the
 * returns module turns it into the channel's key before it finds the case.
 */
export interface HubOrderReturnIdentity {
  readonly hubOrderId: string;
  readonly returnRef: string | null;
  readonly rmaRef: string | null;
}

export type ReturnCondition = 'NEW' | 'OPENED' | 'DAMAGED' | 'DEFECTIVE' | 'UNKNOWN';

export type Disposition = 'RESTOCK' | 'SCRAP' | 'VENDOR_RETURN' | 'REFURBISH';

/** One order line's units in one step of the case. */
export interface ReturnLineQuantity {
  /** The channel's order line id (order_lines.external_id). */
  readonly lineRef: string;
  readonly quantity: number;
  /** The channel's reason text or code; mapped through RETURN_REASON mappings per target. */
  readonly reason?: string | null;
  readonly condition?: ReturnCondition | null;
  readonly disposition?: Disposition | null;
  /** The channel's location the units went to (restock, write-off, RTV...). */
  readonly locationRef?: string | null;
  /**
   * Whose LOCATION mapping names `locationRef`, when the units went to a place a channel account
   * owns (a store that took them back over the counter, whichever channel sold them): the ERP
   * credit receives them at that mapped location. Absent: the DISPOSITION mapping of the order's
   * channel places them.
   */
  readonly locationScope?: { readonly channel: ChannelCode; readonly account: string } | null;
}

/**
 * What a refund is made of, each part from the channel's own figures (never price × quantity).
 * EXCHANGE_CREDIT (negative) is the returned value kept to pay for the case's exchange items:
 * the hub adds it when the returned parts exceed the money paid back and the case's exchange
 * lines account for the difference (the channel's refund is already net of the exchange).
 */
export type RefundComponentKind = 'LINE_SUBTOTAL' | 'LINE_TAX' | 'SHIPPING' | 'SHIPPING_TAX' | 'DUTIES' | 'RESTOCKING_FEE' | 'ADJUSTMENT' | 'EXCHANGE_CREDIT';

export interface RefundComponent {
  readonly kind: RefundComponentKind;
  /** Positive: money back to the customer. A restocking fee is negative. */
  readonly amount: Money;
  /** The order line for line components, else null. */
  readonly lineRef: string | null;
  /** For line components: the units refunded; 0 otherwise. */
  readonly quantity: number;
  /** Shopify's restock_type for line components (return, cancel, no_restock). */
  readonly restockType: string | null;
  readonly locationRef: string | null;
}

export type RefundTenderKind = 'ORIGINAL_PAYMENT' | 'GIFT_CARD' | 'STORE_CREDIT';

/** How a payment provider answered a refund transaction. */
export type RefundTransactionStatus = 'SUCCESS' | 'PENDING' | 'FAILURE';

export interface RefundTransaction {
  readonly externalId: string;
  readonly tender: RefundTenderKind;
  readonly gateway: string;
  readonly status: RefundTransactionStatus;
  readonly amount: Money;
}

/** One refund as the channel reports it. Two refunds of the same amount are two refunds. */
export interface CanonicalRefund {
  readonly externalId: string;
  readonly processedAt: string;
  readonly note: string | null;
  readonly components: readonly RefundComponent[];
  readonly transactions: readonly RefundTransaction[];
}

/** A new item the customer takes in exchange: it becomes a line of the case's linked exchange order. */
export interface ExchangeLine {
  /** The channel's id of the exchange line (Shopify ExchangeLineItem). */
  readonly externalId: string;
  readonly sku: string | null;
  readonly variantId: string | null;
  readonly title: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  /** Discounts on the whole line. */
  readonly discount: Money;
  readonly taxes: readonly { readonly title: string; readonly rate: string; readonly amount: Money }[];
  /** What the new item costs after discounts, tax included as the channel charges it. */
  readonly total: Money;
}

/**
 * What one event says. `requested`, `approved` … move units along the chain; a refund carries its
 * money; `cancelled`/`declined`/`closed`/`reopened` act on the whole case.
 */
export type ReturnEventKind =
  | 'REQUESTED'
  | 'APPROVED'
  | 'DECLINED'
  | 'CANCELLED'
  | 'IN_TRANSIT'
  | 'RECEIVED'
  | 'INSPECTED'
  | 'DISPOSITIONED'
  | 'REFUNDED'
  | 'CLOSED'
  | 'REOPENED';

export interface CanonicalReturnEvent {
  readonly kind: ReturnEventKind;
  readonly source: ReturnEventSource;
  readonly identity: ReturnIdentity | HubOrderReturnIdentity;
  readonly lines: readonly ReturnLineQuantity[];
  /**
   * The event moves every unit the case returns to its step, with `lines` empty: a returns
   * platform's parcel names the return, not its lines (a Loop label in transit).
   */
  readonly allUnits?: boolean;
  readonly refund: CanonicalRefund | null;
  readonly exchangeLines: readonly ExchangeLine[];
  /** The source's own words for the event (topic, state), kept on the timeline. */
  readonly description: string;
}

/** An event whose order is named by the channel's key, as the returns module files it. */
export type KeyedReturnEvent = CanonicalReturnEvent & { readonly identity: ReturnIdentity };
