import type { JournalDocument } from './journal-documents.js';
import type { Money } from '../../canonical/money.js';
import type { CreditMemoDocument } from './credit-documents.js';

/**
 * The one port every ERP variant implements. Sales orders now; the other documents are
 * named so later work fills them in behind the same shape.
 * @since 0.3.0
 */
/** A variant's code, as its definition in the registry (erp-variants.ts) declares it. */
export type ErpVariant = string;

/** Where an ERP is and how to reach it. Credentials are variant-specific and never logged. */
export interface ErpConnection {
  readonly targetId: string;
  readonly variant: ErpVariant;
  readonly baseUrl: string;
  readonly credentials: Readonly<Record<string, string>>;
  /** Non-secret settings of the ERP account, checked per variant when the target is saved. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Per request; a request that takes longer is an ambiguous outcome. */
  readonly timeoutMs: number;
}

export interface SalesOrderLine {
  /** The hub's stable reference of the line (channel line id), for matching on update. */
  readonly lineRef: string;
  /** The ERP's item, already resolved through master data. */
  readonly itemId: string;
  readonly description: string;
  readonly quantity: number;
  /** Unit price before discounts. */
  readonly unitPrice: Money;
  /** Discount on the whole line (all units). */
  readonly discount: Money;
  /** Tax on the whole line (all units): the sum of `taxes`. */
  readonly tax: Money;
  /** The ERP tax code the line carries (its first jurisdiction with a mapped code), for the ERP's own tax engine. */
  readonly taxCode: string | null;
  /** The channel's tax on the line, one entry per jurisdiction; absent: `tax` as one entry with `taxCode`. */
  readonly taxes?: readonly SalesOrderTax[];
  /** The ERP location the line ships from, when known. */
  readonly locationId: string | null;
  /** What the buyer typed on the line (engraving, gift message); absent: none. */
  readonly properties?: readonly { readonly name: string; readonly value: string }[];
}

/** One jurisdiction's tax (state, city, VAT…) on a line or on shipping, as the channel charged it. */
export interface SalesOrderTax {
  readonly title: string;
  readonly jurisdiction: string | null;
  /** The channel's rate as printed ("0.04875"); not money, kept as text. */
  readonly rate: string | null;
  readonly amount: Money;
  /** Through the jurisdiction's TAX_CODE mapping, when mapped. */
  readonly taxCode: string | null;
  /** The tax liability account (TAX_CODE mapping taxAccount) the tax is booked to where the ERP takes it as a line. */
  readonly taxAccount: string | null;
}

/** A bill-to or ship-to address as the channel gave it. */
export interface SalesOrderAddress {
  readonly name: string | null;
  readonly company: string | null;
  readonly line1: string | null;
  readonly line2: string | null;
  readonly city: string | null;
  readonly region: string | null;
  readonly postalCode: string | null;
  /** ISO 3166-1 alpha-2. */
  readonly countryCode: string | null;
  readonly phone: string | null;
}

/**
 * An order-level charge the customer paid besides lines and shipping (a tip, duties, a
 * multi-currency rounding adjustment), resolved through the ITEM mapping `charge:<kind>`.
 */
export interface SalesOrderCharge {
  /** TIP, DUTY, ROUNDING, … */
  readonly kind: string;
  readonly title: string;
  readonly itemId: string;
  /** The ERP line type the mapping names (Business Central: Item, Account, …); null: the variant's default. */
  readonly lineType: string | null;
  /** May be negative (a rounding adjustment down). */
  readonly amount: Money;
}

/** A sales order in the hub's terms, already mapped to ERP ids; adapters translate it to their API. */
export interface SalesOrderDocument {
  /** The natural key the ERP stores (NetSuite externalId, BC externalDocumentNumber): the hub's posting key. */
  readonly externalId: string;
  readonly channelOrderNumber: string;
  readonly placedAt: string;
  /** The order's day in the books, 'YYYY-MM-DD' in the shop's own time: the document date (NetSuite tranDate, BC orderDate). */
  readonly accountingDate?: string;
  readonly currency: string;
  readonly customerId: string;
  readonly subsidiaryId: string | null;
  readonly locationId: string | null;
  readonly lines: readonly SalesOrderLine[];
  /** Shipping before its discounts. */
  readonly shipping: Money;
  /** The discounts on shipping (a free-shipping code): the customer paid shipping − shippingDiscount. Absent: none. */
  readonly shippingDiscount?: Money;
  readonly shippingTaxCode: string | null;
  /** The channel's tax on shipping, per jurisdiction. Absent: none. */
  readonly shippingTaxes?: readonly SalesOrderTax[];
  /** The channel's prices (unit prices, shipping) include tax (EU, UK, AU shops). Absent: false. */
  readonly taxesIncluded?: boolean;
  readonly charges?: readonly SalesOrderCharge[];
  readonly billTo?: SalesOrderAddress | null;
  readonly shipTo?: SalesOrderAddress | null;
  /** What the customer paid: every document the hub sends adds up to it, to the minor unit. */
  readonly grandTotal: Money;
  readonly memo: string | null;
  /** The buyer's note on the order; absent: none. */
  readonly note?: string | null;
  /** The buyer's purchase order number; absent: none. */
  readonly poNumber?: string | null;
  /**
   * The currency the buyer paid in when the shop's money is converted from it (set even when the
   * channel gave no full presentment money), and the same document in it: a target whose
   * currencyBasis is PRESENTMENT sends that one (shared/currency-basis.ts).
   */
  readonly presentmentCurrency?: string;
  readonly presentment?: SalesOrderDocument;
}

/** One tender of a cash sale: what the till took, booked through the tender's TENDER mapping. */
export interface CashSaleTender {
  /** CASH, CARD, GIFT_CARD, STORE_CREDIT. */
  readonly kind: string;
  readonly gateway: string;
  /** What stayed with the store (cash: tendered less change). */
  readonly amount: Money;
  /** The ERP payment method (TENDER mapping paymentMethod). */
  readonly paymentMethodId: string;
  /** The account the money is deposited to (TENDER mapping clearingAccount). */
  readonly accountId: string;
}

/**
 * A counter sale booked as one document that is sale, payment and inventory relief at once
 * (NetSuite cashSale; Business Central a posted sales invoice and its customer payment): the
 * sale's lines, money and tax as its sales order would carry them, leaving the store's location,
 * and the tenders that paid it, adding up to the grand total.
 */
export interface CashSaleDocument {
  readonly sale: SalesOrderDocument;
  readonly tenders: readonly CashSaleTender[];
}

/** Shipped quantities of one sales-order line. */
export interface FulfillmentLine {
  /** The sales order line's lineRef (channel line id). */
  readonly lineRef: string;
  readonly itemId: string;
  /** Units shipped in this shipment (not cumulative). */
  readonly quantity: number;
  /** The ERP location the units left from. */
  readonly locationId: string | null;
  /**
   * 0-based position of the line in SalesOrderDocument.lines as the order was posted. Business
   * Central has no field to carry lineRef, so this (with itemId as a check) is how it tells two
   * lines of the same item apart; without it a line is found by its item when that is unique.
   */
  readonly lineIndex?: number;
}

/**
 * One shipment (or one pickup) against a sales order already in the ERP: NetSuite
 * itemFulfillment transformed from the sales order, Business Central shipment of the lines.
 */
export interface FulfillmentDocument {
  /** The hub's natural key of this shipment in the ERP (NetSuite externalId; BC externalDocumentNumber-style marker). */
  readonly externalId: string;
  readonly salesOrderExternalId: string;
  /** The ERP's id of the sales order, from its POSTED posting. */
  readonly salesOrderInternalId: string;
  /** ISO-8601 instant the parcel left (or the customer picked up). */
  readonly shippedAt: string;
  /** The shipment's day in the books, 'YYYY-MM-DD' in the shop's own time; absent: the date part of shippedAt. */
  readonly accountingDate?: string;
  readonly carrier: string | null;
  readonly trackingNumbers: readonly string[];
  readonly lines: readonly FulfillmentLine[];
  readonly memo: string | null;
}

/**
 * One line's new ordered quantity and the money that stays with it; itemId and lineIndex identify
 * it as in FulfillmentLine. The hub decides the kept line's money (see
 * modules/erp-sync/kept-discount.ts): ERPs reprice a line whose quantity changes in their own way,
 * so adapters send unitPrice and discount with the quantity and the line keeps its net value,
 * quantity × unitPrice − discount, to the cent.
 */
export interface SalesOrderChangeLine {
  readonly lineRef: string;
  /** Absolute ordered quantity after the change (0: every unshipped unit cancelled). */
  readonly quantity: number;
  /** Unit price before discounts, as the line was posted. */
  readonly unitPrice: Money;
  /** The part of the line's discount that stays with the `quantity` kept units (0 when none is kept). */
  readonly discount: Money;
  readonly itemId?: string;
  readonly lineIndex?: number;
  /**
   * The whole line, when the change may have to add it (a line added by an order edit): a line
   * the ERP's order does not have yet is added at lineIndex with `quantity` units.
   */
  readonly line?: SalesOrderLine;
}

/**
 * Lines of a sales order reduced (cancelled before shipping): each named line's ordered
 * quantity becomes `quantity` (absolute, so sending it twice changes nothing); a line at
 * its shipped quantity is closed.
 */
export interface SalesOrderChangeDocument {
  /** The hub's key of this change (for logs and idempotency keys). */
  readonly externalId: string;
  readonly salesOrderExternalId: string;
  readonly salesOrderInternalId: string;
  readonly lines: readonly SalesOrderChangeLine[];
  /**
   * The whole order is cancelled and nothing of it shipped: the order's lines that are not the
   * hub's item lines (shipping, its item line or G/L line) come off as well, so the ERP order
   * is closed whole rather than left owing the shipping.
   */
  readonly closeWholeOrder?: boolean;
  /** The same lines in the buyer's money, for a target whose currencyBasis is PRESENTMENT (shared/currency-basis.ts). */
  readonly presentmentCurrency?: string;
  readonly presentmentLines?: readonly SalesOrderChangeLine[];
}

/** Where the document landed. */
export interface ErpDocumentRef {
  readonly internalId: string;
  readonly documentNumber: string | null;
  /**
   * A sales order's total as the ERP computed it (NetSuite total, Business Central
   * totalAmountIncludingTax), read back after writing it; absent when it could not be read.
   */
  readonly erpTotal?: Money;
  /** The total the document the hub sent adds up to (its grand total), to compare erpTotal with. */
  readonly expectedTotal?: Money;
  /**
   * The ERP's total was not read with the write: it is read later, many documents in one request
   * (readTotals), so that the read costs no request of its own inside the ERP's concurrency limit.
   */
  readonly totalReadLater?: boolean;
}

/** A written document whose ERP total is still to be read, with the currency the total is in. */
export interface TotalQuery {
  readonly internalId: string;
  readonly currency: string;
}

/** What a batched read found of one document; a document the ERP does not know is absent from the map. */
export interface ReadTotal {
  readonly erpTotal?: Money;
  readonly documentNumber: string | null;
}

/** One of the documents an ERP holds under a key, as a duplicate scan sees it. */
export interface ErpDocumentCopy extends ErpDocumentRef {
  /** Something was posted from it (shipped or invoiced): it may not simply be deleted. */
  readonly posted: boolean;
  /** The version tag a delete must name (Business Central @odata.etag). */
  readonly etag: string | null;
}

export interface ErpCallContext {
  /** One per logical call, reused across retries (sent where the ERP supports it; logged). */
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
}

export interface ErpAdapter {
  readonly variant: ErpVariant;
  /** Creates or updates the sales order keyed by externalId; never creates a second one for the same key. */
  upsertSalesOrder(doc: SalesOrderDocument, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  /** Looks the document up by its natural key: after an ambiguous failure, before sending again. */
  findSalesOrder(externalId: string, ctx: ErpCallContext): Promise<ErpDocumentRef | null>;
  /** Posts the shipment once: the same externalId twice yields the same document. */
  postFulfillment(doc: FulfillmentDocument, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  /** Looks a fulfilment up by its externalId (ambiguous outcome). */
  findFulfillment(doc: FulfillmentDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null>;
  /** Sets the ordered quantity of the named lines (cancelled units taken off). */
  changeSalesOrderLines(doc: SalesOrderChangeDocument, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  /**
   * Every sales order carrying the key. Only ERPs that do not keep the key unique (Business
   * Central) have it: the duplicate scan looks for a second document after an ambiguous outcome.
   */
  listSalesOrders?(externalId: string, ctx: ErpCallContext): Promise<ErpDocumentCopy[]>;
  /**
   * Every key under which the ERP holds more than one sales order, with those orders: the full
   * duplicate scan, for documents doubled out of the hub's sight. Only where keys are not unique.
   */
  findDuplicateSalesOrders?(ctx: ErpCallContext): Promise<{ readonly key: string; readonly copies: ErpDocumentCopy[] }[]>;
  /** Deletes an unposted extra copy found by listSalesOrders, guarded by its version tag. */
  deleteSalesOrder?(copy: ErpDocumentCopy, ctx: ErpCallContext): Promise<void>;
  /** Creates the cash sale keyed by sale.externalId once (sale, payment and inventory relief in one); see CashSaleDocument. */
  upsertCashSale?(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  /** Looks the cash sale up by its key (ambiguous outcome); null while it is not complete. */
  findCashSale?(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null>;
  /** Credits one refund (a sales credit memo, or the variant's chain of return records), once per externalId. */
  postCreditMemo?(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  /** Looks a credit up by its externalId (ambiguous outcome). */
  findCreditMemo?(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null>;
  /** The ERP's own totals of many written documents in one request, keyed by internal id (totalReadLater). */
  readTotals?(documents: readonly TotalQuery[], ctx: ErpCallContext): Promise<Map<string, ReadTotal>>;
  postRefund?(doc: unknown, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  /** Writes and posts a settlement's summary journal once per externalId; its read-back total is what the ERP booked. */
  postJournal?(doc: JournalDocument, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  /** Looks a posted journal up by its key (ambiguous outcome); null while it is not posted. */
  findJournal?(doc: JournalDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null>;
}

/** How an ERP call fails: the kinds every delivery pipeline acts on (see platform/delivery). */
export { DeliveryError, type DeliveryErrorKind } from '../../platform/delivery/delivery-error.js';
