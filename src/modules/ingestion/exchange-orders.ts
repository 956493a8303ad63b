import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { ExchangeOrderRequested } from '../../canonical/domain-events.js';
import { OnDomainEvent } from '../../platform/events/on-domain-event.js';
import { OrderEventsService } from '../orders/order-events.service.js';
import { OrderMappingResolver } from './order-mapping-resolver.js';

/**
 * A return's exchange items become an order the way a channel's order does: resolved through
 * master data, held by the same release gates (a balance owed holds it for payment), posted to
 * the ERPs that take its channel. Its lineage is the delivery that settled the exchange; asked
 * again, the order is already there and nothing changes.
 */
@Injectable()
export class ExchangeOrders {
  constructor(
    @Inject(OrderEventsService) private readonly orders: OrderEventsService,
    @Inject(OrderMappingResolver) private readonly mappings: OrderMappingResolver,
  ) {}

  @OnDomainEvent('ExchangeOrderRequested', { order: 10 })
  async onExchangeOrderRequested(runner: QueryRunner, event: ExchangeOrderRequested): Promise<void> {
    const { order, inboxId } = event.payload;
    if (!inboxId) return;
    const unmapped = await this.mappings.unmappedFor(runner, [order]);
    await this.orders.apply(runner, {
      order, kind: 'PLACED', lineage: { inboxId, topic: 'exchange', correlationId: event.correlationId }, unmapped: unmapped.get(order) ?? [],
    });
  }
}
