import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DeliveryError,
  type ErpAdapter,
  type ErpCallContext,
  type ErpDocumentRef,
  type FulfillmentDocument,
  type SalesOrderChangeDocument,
  type SalesOrderChangeLine,
  type SalesOrderDocument,
} from '../../adapters/erp/erp-adapter.port.js';
import type { ShipmentLine } from '../../canonical/fulfillment.js';
import { shippedByLine } from '../fulfillments/domain/shipment-check.js';
import { splitLineDiscount } from './kept-discount.js';
import { SalesOrderBuilder, type OrderRow } from './sales-order-builder.js';

export type DocumentType = 'SALES_ORDER' | 'ITEM_FULFILLMENT' | 'SALES_ORDER_CHANGE';

export interface PostingSubject {
  readonly orderId: string;
  readonly targetId: string;
  readonly documentType: DocumentType;
  /** '' for the sales order; the shipment id for a fulfilment; 'cancel' for a cancellation. */
  readonly documentKey: string;
  /** The order as the claim read it (ORDER_ROW_SQL), so building it needs no query of its own. */
  readonly orderRow?: OrderRow | null;
}

/** A document ready to go: how to send it, and how to look for it after an ambiguous outcome. */
export interface PreparedDocument {
  readonly externalId: string;
  find(adapter: ErpAdapter, ctx: ErpCallContext): Promise<ErpDocumentRef | null>;
  send(adapter: ErpAdapter, ctx: ErpCallContext): Promise<ErpDocumentRef>;
}

/**
 * The ERP's key of one shipment: short enough for every ERP's external-number field
 * (Business Central allows 35 characters), unique per shipment.
 */
export function fulfillmentKey(shipmentId: string): string {
  return `F-${shipmentId.replace(/-/g, '').slice(0, 20).toUpperCase()}`;
}

/**
 * Builds each kind of posting's document from what the hub holds. Documents that act on
 * the ERP's sales order (fulfilments, line changes) wait for it: until the sales order
 * posting has the ERP's id, they are a missing dependency, re-driven when it lands.
 */
@Injectable()
export class PostingDocuments {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SalesOrderBuilder) private readonly salesOrders: SalesOrderBuilder,
  ) {}

  async prepare(subject: PostingSubject, orderKey: string): Promise<PreparedDocument> {
    switch (subject.documentType) {
      case 'SALES_ORDER': {
        const doc = await this.salesOrders.build(subject.orderId, subject.targetId, orderKey, subject.orderRow);
        return { externalId: doc.externalId, find: (a, ctx) => a.findSalesOrder(doc.externalId, ctx), send: (a, ctx) => a.upsertSalesOrder(doc, ctx) };
      }
      case 'ITEM_FULFILLMENT': {
        const doc = await this.fulfillment(subject, orderKey);
        return { externalId: doc.externalId, find: (a, ctx) => a.findFulfillment(doc, ctx), send: (a, ctx) => a.postFulfillment(doc, ctx) };
      }
      case 'SALES_ORDER_CHANGE': {
        const { doc, unchanged } = await this.change(subject, orderKey);
        if (!unchanged) return { externalId: doc.externalId, find: () => Promise.resolve(null), send: (a, ctx) => a.changeSalesOrderLines(doc, ctx) };
        // Everything had shipped: nothing to take off, the sales order stands as it is.
        return { externalId: doc.externalId, find: () => Promise.resolve(unchanged), send: () => Promise.resolve(unchanged) };
      }
    }
  }

  private async salesOrderRef(subject: PostingSubject): Promise<ErpDocumentRef> {
    const [row]: { erp_internal_id: string | null; erp_document_number: string | null }[] = await this.dataSource.query(
      `SELECT erp_internal_id, erp_document_number FROM postings
       WHERE order_id = $1 AND target_id = $2 AND document_type = 'SALES_ORDER' AND status = 'POSTED'`,
      [subject.orderId, subject.targetId],
    );
    if (!row?.erp_internal_id) {
      throw new DeliveryError('MISSING_DEPENDENCY', `the sales order is not in ${subject.targetId} yet`, {
        code: 'SALES_ORDER_PENDING',
        // Posting the sales order re-drives this at once; the short wait covers a race with that.
        retryAfterMs: 5000,
      });
    }
    return { internalId: row.erp_internal_id, documentNumber: row.erp_document_number };
  }

  private async fulfillment(subject: PostingSubject, orderKey: string): Promise<FulfillmentDocument> {
    const salesOrder = await this.salesOrderRef(subject);
    const [shipment]: {
      lines: ShipmentLine[]; carrier: string | null; tracking_numbers: string[]; shipped_at: Date; kind: string; source: string; external_id: string;
      channel_cancelled_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT lines, carrier, tracking_numbers, shipped_at, kind, source, external_id, channel_cancelled_at FROM shipments WHERE id = $1 AND status = 'CONFIRMED'`,
      [subject.documentKey],
    );
    if (!shipment) throw new DeliveryError('PERMANENT', `shipment ${subject.documentKey} is not a confirmed shipment`);
    // In flight when the channel cancelled it, then failed: it must not go out on a retry.
    if (shipment.channel_cancelled_at) {
      throw new DeliveryError('PERMANENT', `the channel cancelled shipment ${subject.documentKey} before its item fulfilment reached the ERP; not sent`, { code: 'CHANNEL_CANCELLED' });
    }
    const order = await this.salesOrders.build(subject.orderId, subject.targetId, orderKey, subject.orderRow);
    const byRef = new Map(order.lines.map((l, index) => [l.lineRef, { ...l, index }]));
    return {
      externalId: fulfillmentKey(subject.documentKey),
      salesOrderExternalId: order.externalId,
      salesOrderInternalId: salesOrder.internalId,
      shippedAt: new Date(shipment.shipped_at).toISOString(),
      carrier: shipment.carrier,
      trackingNumbers: shipment.tracking_numbers,
      lines: shipment.lines.map((line) => {
        const ordered = byRef.get(line.lineRef);
        if (!ordered) throw new DeliveryError('PERMANENT', `shipment line ${line.lineRef} is not on the sales order`);
        return { lineRef: line.lineRef, lineIndex: ordered.index, itemId: ordered.itemId, quantity: line.quantity, locationId: ordered.locationId };
      }),
      memo: `${shipment.kind === 'PICKUP' ? 'picked up' : 'shipped'} (${shipment.source} ${shipment.external_id})`,
    };
  }

  private async change(subject: PostingSubject, orderKey: string): Promise<{ doc: SalesOrderChangeDocument; unchanged: ErpDocumentRef | null }> {
    const salesOrder = await this.salesOrderRef(subject);
    const [order, shipments]: [SalesOrderDocument, { lines: ShipmentLine[] }[]] = await Promise.all([
      this.salesOrders.build(subject.orderId, subject.targetId, orderKey, subject.orderRow),
      this.dataSource.query(`SELECT lines FROM shipments WHERE order_id = $1 AND status = 'CONFIRMED'`, [subject.orderId]),
    ]);
    const shipped = shippedByLine(shipments);
    // The ERP finds its line by position (and item); the document's line order is the sales order's.
    // The kept units keep their share of the line's discount, so the ERP keeps their net value.
    const reduced = order.lines.flatMap((l, lineIndex): SalesOrderChangeLine[] => {
      const kept = shipped.get(l.lineRef) ?? 0;
      if (kept >= l.quantity) return [];
      const discount = splitLineDiscount(l.discount, kept, l.quantity).kept;
      return [{ lineRef: l.lineRef, lineIndex, itemId: l.itemId, quantity: kept, unitPrice: l.unitPrice, discount }];
    });
    const doc = { externalId: `${orderKey}-${subject.documentKey}`, salesOrderExternalId: order.externalId, salesOrderInternalId: salesOrder.internalId, lines: reduced };
    return { doc, unchanged: reduced.length === 0 ? salesOrder : null };
  }
}
