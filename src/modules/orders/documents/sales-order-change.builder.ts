import { Inject, Injectable } from '@nestjs/common';
import type { ErpAdapter, ErpCallContext, SalesOrderChangeLine, SalesOrderDocument } from '../../../adapters/erp/erp-adapter.port.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { shippedByLine } from '../../fulfillments/domain/shipment-check.js';
import { ShipmentReader } from '../../fulfillments/shipments/shipment-reader.js';
// How a kept unit keeps its share of a line's discount: ERP sync's money rule for line changes.
import { splitLineDiscount } from '../../erp-sync/kept-discount.js';
import { SalesOrderBuilder } from './sales-order.builder.js';

/** The document key of the change a cancellation makes; edits are keyed `edit-<version>`. */
const CANCEL_KEY = 'cancel';

/**
 * A change to the ERP's sales order of an order (posting type SALES_ORDER_CHANGE, subject
 * ORDER). Document key 'cancel': every unit not shipped comes off. Any other key (an order
 * edit): every line becomes what the order now says, never below what has shipped; a line the
 * ERP's order lacks (added by the edit) is added with its whole content, and one edited away goes
 * to what has shipped (0: cancelled). Absolute either way, so sending it again changes nothing.
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
    const linesOf = (d: SalesOrderDocument) => (request.documentKey === CANCEL_KEY ? cancelled(d, shipped) : edited(d, shipped));
    const lines = linesOf(order);
    // A cancel of an order none of which shipped closes the ERP order whole, shipping included.
    const closeWholeOrder = request.documentKey === CANCEL_KEY && [...shipped.values()].every((units) => units === 0);
    const doc = {
      externalId: `${order.externalId}-${request.documentKey}`, salesOrderExternalId: order.externalId, salesOrderInternalId: salesOrder.internalId,
      lines, ...(closeWholeOrder && { closeWholeOrder }),
      // A target that took the sales order in the buyer's money takes its changes in it too.
      ...(order.presentmentCurrency !== undefined && { presentmentCurrency: order.presentmentCurrency }),
      ...(order.presentment && { presentmentLines: linesOf(order.presentment) }),
    };
    if (lines.length > 0) return { externalId: doc.externalId, find: () => Promise.resolve(null), send: (a, ctx) => a.changeSalesOrderLines(doc, ctx) };
    // Everything had shipped: nothing to take off, the sales order stands as it is.
    return { externalId: doc.externalId, find: () => Promise.resolve(salesOrder), send: () => Promise.resolve(salesOrder) };
  }
}

/**
 * The ERP finds its line by position (and item); the document's line order is the sales order's.
 * The kept units keep their share of the line's discount, so the ERP keeps their net value.
 */
function cancelled(order: SalesOrderDocument, shipped: ReadonlyMap<string, number>): SalesOrderChangeLine[] {
  return order.lines.flatMap((l, lineIndex): SalesOrderChangeLine[] => {
    const kept = shipped.get(l.lineRef) ?? 0;
    if (kept >= l.quantity) return [];
    const discount = splitLineDiscount(l.discount, kept, l.quantity).kept;
    return [{ lineRef: l.lineRef, lineIndex, itemId: l.itemId, quantity: kept, unitPrice: l.unitPrice, discount }];
  });
}

/** Every line as the order now has it; what has shipped stays on the order whatever the edit says. */
function edited(order: SalesOrderDocument, shipped: ReadonlyMap<string, number>): SalesOrderChangeLine[] {
  return order.lines.map((l, lineIndex): SalesOrderChangeLine => {
    const quantity = Math.max(l.quantity, shipped.get(l.lineRef) ?? 0);
    return { lineRef: l.lineRef, lineIndex, itemId: l.itemId, quantity, unitPrice: l.unitPrice, discount: l.discount, line: { ...l, quantity } };
  });
}
