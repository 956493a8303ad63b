import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { OrderReleased } from '../../canonical/domain-events.js';
import { OnDomainEvent } from '../../platform/events/on-domain-event.js';
import { ReturnEventsService } from './return-events.service.js';

/**
 * A refund can reach the hub before its order (a webhook overtaking another): it waits as
 * ORDER_UNKNOWN. When the order is released, its waiting refunds are judged at once, in the
 * release's transaction, so their ERP credits follow the sales order without another event.
 */
@Injectable()
export class RefundsAwaitingOrder {
  constructor(@Inject(ReturnEventsService) private readonly returns: ReturnEventsService) {}

  /** After the release's own documents (sales orders 10, requests 20, held shipments 30, fulfilled at source 40). */
  @OnDomainEvent('OrderReleased', { order: 50 })
  async onOrderReleased(runner: QueryRunner, event: OrderReleased): Promise<void> {
    const { channel, account, order } = event.payload;
    await this.returns.orderArrived(runner, channel, account, order.source.externalId, event.correlationId);
  }
}
