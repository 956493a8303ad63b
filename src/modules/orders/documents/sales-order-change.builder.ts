import { Inject, Injectable } from '@nestjs/common';
import type { ErpAdapter, ErpCallContext, SalesOrderChangeLine } from '../../../adapters/erp/erp-adapter.port.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { shippedByLine } from '../../fulfillments/domain/shipment-check.js';
import { ShipmentReader } from '../../fulfillments/shipments/shipment-reader.js';
// How a kept unit keeps its share of a line's discount: ERP sync's money rule for line changes.
import { splitLineDiscount } from '../../erp-sync/kept-discount.js';
import { SalesOrderBuilder } from './sales-order.builder.js';

/**
 * A change to the ERP's sales order of an order (posting type SALES_ORDER_CHANGE, subject
 * ORDER; document key 'cancel' for a cancellation): every unit not shipped comes off.
 */
@Injectable()
@BuildsDocument('SALES_ORDER_CHANGE', 'ORDER')
export class SalesOrderChangeBuilder implements DocumentBuilder<ErpAdapter, ErpCallContext> {
  constructor(
    @Inject(ShipmentReader) private readonly shipments: ShipmentReader,
    @Inject(SalesOrderBuilder) private readonly salesOrders: SalesOrderBuilder,
  ) {}

  async prepare(request: DocumentRequest): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const salesOrder = request.dependency!;
    const [row, shipments] = await Promise.all([this.salesOrders.order(request.subjectId), this.shipments.confirmedLinesOfOrder(request.subjectId)]);
    const order = await this.salesOrders.build(row, request.targetId);
    const shipped = shippedByLine(shipments);
    // The ERP finds its line by position (and item); the document's line order is the sales order's.
    // The kept units keep their share of the line's discount, so the ERP keeps their net value.
    const reduced = order.lines.flatMap((l, lineIndex): SalesOrderChangeLine[] => {
      const kept = shipped.get(l.lineRef) ?? 0;
      if (kept >= l.quantity) return [];
      const discount = splitLineDiscount(l.discount, kept, l.quantity).kept;
      return [{ lineRef: l.lineRef, lineIndex, itemId: l.itemId, quantity: kept, unitPrice: l.unitPrice, discount }];
    });
    // A cancel of an order none of which shipped closes the ERP order whole, shipping included.
    const closeWholeOrder = request.documentKey === 'cancel' && [...shipped.values()].every((units) => units === 0);
    const doc = {
      externalId: `${order.externalId}-${request.documentKey}`, salesOrderExternalId: order.externalId, salesOrderInternalId: salesOrder.internalId,
      lines: reduced, ...(closeWholeOrder && { closeWholeOrder }),
    };
    if (reduced.length > 0) return { externalId: doc.externalId, find: () => Promise.resolve(null), send: (a, ctx) => a.changeSalesOrderLines(doc, ctx) };
    // Everything had shipped: nothing to take off, the sales order stands as it is.
    return { externalId: doc.externalId, find: () => Promise.resolve(salesOrder), send: () => Promise.resolve(salesOrder) };
  }
}
