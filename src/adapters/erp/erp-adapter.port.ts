import type { Money } from '../../canonical/money.js';

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
  /** Tax on the whole line (all units). */
  readonly tax: Money;
  readonly taxCode: string | null;
  /** The ERP location the line ships from, when known. */
  readonly locationId: string | null;
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
  readonly shipping: Money;
  readonly shippingTaxCode: string | null;
  readonly grandTotal: Money;
  readonly memo: string | null;
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
}

/** Where the document landed. */
export interface ErpDocumentRef {
  readonly internalId: string;
  readonly documentNumber: string | null;
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
  postCreditMemo?(doc: unknown, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  postRefund?(doc: unknown, ctx: ErpCallContext): Promise<ErpDocumentRef>;
  postJournal?(doc: unknown, ctx: ErpCallContext): Promise<ErpDocumentRef>;
}

/** How an ERP call fails: the kinds every delivery pipeline acts on (see platform/delivery). */
export { DeliveryError, type DeliveryErrorKind } from '../../platform/delivery/delivery-error.js';
