import { Inject, Injectable } from '@nestjs/common';
import type { ErpAdapter, ErpCallContext } from '../../../adapters/erp/erp-adapter.port.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { dateInZone } from '../../../canonical/accounting-date.js';
import { PendingLineChanges } from '../../erp-sync/outbox/pending-line-changes.js';
import { ShipmentReader } from '../../fulfillments/shipments/shipment-reader.js';
import { OrderService } from '../order.service.js';
import { present, SalesOrderBuilder } from './sales-order.builder.js';

/**
 * The ERP's key of one shipment: short enough for every ERP's external-number field
 * (Business Central allows 35 characters), unique per shipment.
 */
export function fulfillmentKey(shipmentId: string): string {
  return `F-${shipmentId.replace(/-/g, '').slice(0, 20).toUpperCase()}`;
}

/**
 * The ERP's item fulfilment of one shipment of an order (posting type ITEM_FULFILLMENT, subject
 * ORDER, document key the shipment id), against the target's sales order; the shipment is read
 * through the fulfilments module.
 */
@Injectable()
@BuildsDocument('ITEM_FULFILLMENT', 'ORDER')
export class ItemFulfillmentBuilder implements DocumentBuilder<ErpAdapter, ErpCallContext> {
  constructor(
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(ShipmentReader) private readonly shipments: ShipmentReader,
    @Inject(SalesOrderBuilder) private readonly salesOrders: SalesOrderBuilder,
    @Inject(PendingLineChanges) private readonly lineChanges: PendingLineChanges,
  ) {}

  async prepare(request: DocumentRequest): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const salesOrder = request.dependency!;
    const [shipment, row] = await Promise.all([this.shipments.confirmed(request.documentKey), this.orders.forDocument(request.subjectId)]);
    if (!shipment) throw new DeliveryError('PERMANENT', `shipment ${request.documentKey} is not a confirmed shipment`);
    // In flight when the channel cancelled it, then failed: it must not go out on a retry.
    if (shipment.channelCancelledAt) {
      throw new DeliveryError('PERMANENT', `the channel cancelled shipment ${request.documentKey} before its item fulfilment reached the ERP; not sent`, { code: 'CHANNEL_CANCELLED' });
    }
    // A line an edit added is on the ERP's order only once the edit's line change landed.
    if (await this.lineChanges.pending(request.subjectId, request.targetId)) {
      throw new DeliveryError('MISSING_DEPENDENCY', `an edit of order ${request.subjectId} is not on the ERP's sales order in ${request.targetId} yet`, {
        code: 'SALES_ORDER_CHANGE_PENDING', retryAfterMs: 5000,
      });
    }
    const order = await this.salesOrders.build(present(row, request.subjectId), request.targetId);
    const byRef = new Map(order.lines.map((l, index) => [l.lineRef, { ...l, index }]));
    const doc = {
      externalId: fulfillmentKey(request.documentKey),
      salesOrderExternalId: order.externalId,
      salesOrderInternalId: salesOrder.internalId,
      shippedAt: new Date(shipment.shippedAt).toISOString(),
      // The day it shipped in the shop's own time, as the order's own date.
      accountingDate: dateInZone(new Date(shipment.shippedAt).toISOString(), (row?.time_zone as string | null | undefined) ?? null),
      carrier: shipment.carrier,
      trackingNumbers: shipment.trackingNumbers,
      lines: shipment.lines.map((line) => {
        const ordered = byRef.get(line.lineRef);
        if (!ordered) throw new DeliveryError('PERMANENT', `shipment line ${line.lineRef} is not on the sales order`);
        return { lineRef: line.lineRef, lineIndex: ordered.index, itemId: ordered.itemId, quantity: line.quantity, locationId: ordered.locationId };
      }),
      memo: `${shipment.kind === 'PICKUP' ? 'picked up' : 'shipped'} (${shipment.source} ${shipment.externalId})`,
    };
    return { externalId: doc.externalId, find: (a, ctx) => a.findFulfillment(doc, ctx), send: (a, ctx) => a.postFulfillment(doc, ctx) };
  }
}
