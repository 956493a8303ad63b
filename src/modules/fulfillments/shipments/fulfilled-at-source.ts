import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { OrderReleased, OrderShippedAtSource } from '../../../canonical/domain-events.js';
import type { ShipmentConfirmation, ShipmentSource } from '../../../canonical/fulfillment.js';
import { OnDomainEvent } from '../../../platform/events/on-domain-event.js';
import { ShipmentEventsService } from './shipment-events.service.js';

/**
 * What the channel fulfilled before the hub saw the order (a POS sale handed over at the till) is
 * a shipment already made: recorded as a confirmed shipment from the channel when the order is
 * released, so the ERP gets its item fulfilment right after the sales order, through the same
 * path as any shipment (ShipmentConfirmed → an item fulfilment per target, which waits for the
 * sales order). Those units were never requested from a warehouse (FulfillmentOutbox leaves them
 * out). The shipment keeps the channel's fulfilment id, so the channel's own announcement of it
 * (Shopify fulfillments/create) is a duplicate, and so is a release seen twice.
 */
@Injectable()
export class FulfilledAtSource {
  constructor(@Inject(ShipmentEventsService) private readonly shipments: ShipmentEventsService) {}

  /** After the sales order postings (10), requests (20) and held shipments (30) of the release. */
  @OnDomainEvent('OrderReleased', { order: 40 })
  async onOrderReleased(runner: QueryRunner, event: OrderReleased): Promise<void> {
    await this.record(runner, event);
  }

  /** Shipped by the channel after the release (Amazon's own warehouses); a fulfilment already recorded is a duplicate. */
  @OnDomainEvent('OrderShippedAtSource')
  async onShippedAtSource(runner: QueryRunner, event: OrderShippedAtSource): Promise<void> {
    await this.record(runner, event);
  }

  private async record(runner: QueryRunner, event: OrderReleased | OrderShippedAtSource): Promise<void> {
    const { orderId, order } = event.payload;
    const lineage = { inboxId: null, correlationId: event.correlationId };
    for (const f of order.fulfilledAtSource ?? []) {
      const confirmation: ShipmentConfirmation = {
        source: order.source.system as ShipmentSource,
        account: order.source.account,
        externalId: f.externalId,
        kind: 'SHIPMENT',
        order: { by: 'HUB', orderId, requestId: null },
        locationRef: f.locationRef,
        carrier: null,
        trackingNumbers: [],
        trackingUrl: null,
        shippedAt: f.fulfilledAt,
        lines: f.lines.map((l) => ({ lineRef: l.lineRef, sku: order.lines.find((o) => o.externalId === l.lineRef)?.sku ?? null, quantity: l.quantity })),
      };
      await this.shipments.apply(runner, confirmation, lineage);
    }
  }
}
