import type { CurrencyCode, Money } from './money.js';
import type { SourceRef } from './references.js';

/** How a line reaches the customer. */
export type FulfillmentMethod = 'SHIP' | 'PICKUP_IN_STORE' | 'SHIP_FROM_STORE' | 'DROP_SHIP' | 'DIGITAL';

export interface TaxLine {
  readonly title: string;
  /** Decimal rate as the channel printed it ("0.0725"); rates are not money and stay text. */
  readonly rate: string;
  readonly amount: Money;
  readonly jurisdiction: string | null;
  readonly code: string | null;
}

export interface DiscountAllocation {
  readonly amount: Money;
  /** Discount code or title of the discount application that produced it. */
  readonly code: string | null;
  readonly title: string | null;
}

export interface OrderLine {
  readonly externalId: string;
  readonly sku: string | null;
  readonly variantId: string | null;
  readonly productId: string | null;
  readonly title: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly discounts: readonly DiscountAllocation[];
  readonly taxes: readonly TaxLine[];
  readonly fulfillmentMethod: FulfillmentMethod;
  /** Channel location id the line ships or is picked up from, when the channel says. */
  readonly locationRef: string | null;
  readonly requiresShipping: boolean;
  readonly giftCard: boolean;
  /**
   * Units the channel had already fulfilled when the order reached the hub (a POS sale handed
   * over at the till): never requested from a fulfilment system. Absent: none.
   */
  readonly fulfilledQuantity?: number;
  /** What the buyer typed on the line (an engraving, a gift message), as the channel lists it; absent: none. */
  readonly properties?: readonly LineProperty[];
  /**
   * Other ITEM source values the channel knows the line by (Amazon's ASIN as `asin:B0…`), tried
   * in order when the first one (the SKU) has no mapping. Absent: none.
   */
  readonly itemKeys?: readonly string[];
}

export interface LineProperty {
  readonly name: string;
  readonly value: string;
}

/** A fulfilment the channel made before the hub saw the order (POS handover), kept as a shipment. */
export interface SourceFulfillment {
  /** The channel's id of it: its own later announcement of the same fulfilment is then a duplicate. */
  readonly externalId: string;
  /** ISO-8601 instant. */
  readonly fulfilledAt: string;
  readonly locationRef: string | null;
  readonly lines: readonly { readonly lineRef: string; readonly quantity: number }[];
}

export interface ShippingLine {
  readonly externalId: string | null;
  readonly title: string;
  readonly code: string | null;
  readonly price: Money;
  readonly discounts: readonly DiscountAllocation[];
  readonly taxes: readonly TaxLine[];
}

/** Money on the order that is neither a line nor shipping: a tip, duties, a currency rounding. */
export interface OrderCharge {
  readonly kind: 'TIP' | 'DUTY' | 'ROUNDING' | 'OTHER';
  readonly title: string;
  readonly amount: Money;
}

export type TenderKind = 'CARD' | 'WALLET' | 'GIFT_CARD' | 'STORE_CREDIT' | 'CASH' | 'MARKETPLACE' | 'OTHER';

export interface Tender {
  readonly kind: TenderKind;
  /** The channel's gateway or payment method name ("shopify_payments", "gift_card"). */
  readonly gateway: string;
  readonly authorized: Money;
  readonly captured: Money;
}

/** The order's payment position as the channel reports it. */
export type PaymentStatus =
  | 'PENDING'
  | 'AUTHORIZED'
  | 'PARTIALLY_PAID'
  | 'PAID'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED'
  | 'VOIDED'
  | 'UNKNOWN';

export type RiskRecommendation = 'ACCEPT' | 'INVESTIGATE' | 'CANCEL' | 'NONE';

export interface RiskAssessment {
  /** NONE when the channel has not (yet) assessed the order. */
  readonly recommendation: RiskRecommendation;
  readonly source: string | null;
}

/** Whether tax was worked out for the order. */
export type TaxStatus = 'CALCULATED' | 'EXEMPT' | 'MISSING';

export interface OrderTotals {
  /** Sum of unit price × quantity over the lines, before discounts. */
  readonly subtotal: Money;
  /** Discounts on lines and shipping. */
  readonly discounts: Money;
  readonly tax: Money;
  /** Shipping before its discounts. */
  readonly shipping: Money;
  readonly grandTotal: Money;
}

export interface Address {
  readonly name: string | null;
  readonly company: string | null;
  readonly line1: string | null;
  readonly line2: string | null;
  readonly city: string | null;
  readonly region: string | null;
  readonly postalCode: string | null;
  readonly countryCode: string | null;
  readonly phone: string | null;
}

export interface Customer {
  readonly externalId: string | null;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
}

/** One order in the hub's own terms, whatever channel it came from. */
export interface CanonicalOrder {
  readonly source: SourceRef;
  readonly orderNumber: string;
  /** ISO-8601 instants. */
  readonly placedAt: string;
  /** The channel's version of this order (Shopify updated_at): newer wins. */
  readonly sourceUpdatedAt: string;
  readonly cancelledAt: string | null;
  readonly currency: CurrencyCode;
  readonly customer: Customer | null;
  readonly billingAddress: Address | null;
  readonly shippingAddress: Address | null;
  readonly lines: readonly OrderLine[];
  readonly shippingLines: readonly ShippingLine[];
  readonly tenders: readonly Tender[];
  readonly paymentStatus: PaymentStatus;
  readonly risk: RiskAssessment;
  readonly taxesIncluded: boolean;
  readonly taxStatus: TaxStatus;
  /** The totals the channel printed, checked against the hub's own recomputation. */
  readonly sourceTotals: OrderTotals;
  readonly tags: readonly string[];
  /** The channel marks it a test (a bogus gateway, a staging checkout): never a real sale. */
  readonly test?: boolean;
  /** Tips, duties and other charges the grand total includes; none when absent. */
  readonly charges?: readonly OrderCharge[];
  /** When the channel processed the order, as it printed it (its offset kept); see accounting-date.ts. */
  readonly processedAt?: string;
  /** The order's day in the books, 'YYYY-MM-DD' in the shop's own time; absent: the UTC date of placedAt. */
  readonly accountingDate?: string;
  /** The zone the order's later documents (shipments) are dated in: an IANA name or a fixed offset; absent: UTC. */
  readonly timeZone?: string | null;
  /** Fulfilments done at the channel before the hub saw the order (fulfilledQuantity of the lines). */
  readonly fulfilledAtSource?: readonly SourceFulfillment[];
  /**
   * A counter sale: paid and handed over in one step at a till, so the sale is complete when the
   * hub sees it. A target may book it as a cash sale rather than a sales order and its fulfilment
   * (ERP target setting counterSales). Absent: false.
   */
  readonly counterSale?: boolean;
  /** The channel account lets test orders through (a staging target): a test order is then released like any other. */
  readonly testAllowed?: boolean;
  /** The buyer's note on the order. */
  readonly note?: string | null;
  /** The buyer's purchase order number (B2B). */
  readonly poNumber?: string | null;
  /** The currency the buyer paid in, when it is not the shop's (`currency`). */
  readonly presentmentCurrency?: CurrencyCode;
  /**
   * The same order in the buyer's (presentment) currency, when it differs from the shop currency and the
   * channel gives every amount in it. Lines and shipping lines are the order's, in the same order.
   */
  readonly presentment?: OrderMoneyView;
  /**
   * Each totals component other than the grand total may differ from the recomputation by this many minor
   * units: the channel converted each field on its own. Set only with a conversion rounding (conversion.ts).
   */
  readonly conversionTolerance?: number;
}

/** The money of an order in one currency: what a document needs to be built in that currency. */
export interface OrderMoneyView {
  readonly currency: CurrencyCode;
  readonly lines: readonly OrderLine[];
  readonly shippingLines: readonly ShippingLine[];
  readonly charges?: readonly OrderCharge[];
  readonly sourceTotals: OrderTotals;
  readonly conversionTolerance?: number;
}
