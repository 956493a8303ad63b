import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { OrderCancelled, OrderReleased } from '../../../canonical/domain-events.js';
import type { CanonicalOrder } from '../../../canonical/order.js';
import { OnDomainEvent } from '../../../platform/events/on-domain-event.js';
import { planRequests } from '../domain/routing.js';
import { FulfillmentLocationsCache } from './fulfillment-locations.cache.js';

/**
 * The fulfilment half of releasing an order, inside the release transaction: one request
 * per (location, method) and, beside each, the outbound message that sends it. The unique
 * (order, location, method) key makes a second release a no-op.
 */
@Injectable()
export class FulfillmentOutbox {
  constructor(@Inject(FulfillmentLocationsCache) private readonly locations: FulfillmentLocationsCache) {}

  @OnDomainEvent('OrderReleased', { order: 20 })
  async onOrderReleased(runner: QueryRunner, event: OrderReleased): Promise<void> {
    await this.released(runner, event.payload.orderId, event.payload.order, event.correlationId);
  }

  @OnDomainEvent('OrderCancelled', { order: 20 })
  async onOrderCancelled(runner: QueryRunner, event: OrderCancelled): Promise<void> {
    await this.cancelled(runner, event.payload.orderId, event.correlationId);
  }

  async released(runner: QueryRunner, orderId: string, order: CanonicalOrder, correlationId: string): Promise<number> {
    const locations = await this.locations.enabled(runner);
    if (locations.length === 0) return 0;
    // Units the channel already handed over (a POS sale) or an edit took off are asked of no one.
    const plans = planRequests(
      order.lines.flatMap((l) => {
        const quantity = l.quantity - (l.fulfilledQuantity ?? 0);
        return quantity > 0
          ? [{ lineRef: l.externalId, sku: l.sku, quantity, method: l.fulfillmentMethod, locationRef: l.locationRef, requiresShipping: l.requiresShipping }]
          : [];
      }),
      locations,
    );
    if (plans.length === 0) return 0;
    const rows: unknown[] = await runner.query(
      `WITH planned AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) AS p(location_ref, method, system, lines)
       ), requests AS (
         INSERT INTO fulfillment_requests (id, order_id, location_ref, method, system, status, lines, correlation_id)
         SELECT gen_random_uuid(), $1, location_ref, method, system, 'PENDING', lines, $6 FROM planned
         ON CONFLICT (order_id, location_ref, method) DO NOTHING
         RETURNING id
       )
       INSERT INTO outbound_messages (id, kind, subject_id, order_id, status, correlation_id)
       SELECT gen_random_uuid(), 'FULFILLMENT_REQUEST', id, $1, 'PENDING', $6 FROM requests
       RETURNING id`,
      [
        orderId,
        plans.map((p) => p.locationRef),
        plans.map((p) => p.method),
        plans.map((p) => p.system),
        plans.map((p) => JSON.stringify(p.lines)),
        correlationId,
      ],
    );
    return rows.length;
  }

  /**
   * A cancelled order's requests with units still to send are cancelled with it, and each
   * system is told (an outbound message beside the request's). A partly shipped request is
   * cancelled too: what is left must not leave the warehouse. Confirmations that arrive
   * for a cancelled request are held, not applied.
   */
  async cancelled(runner: QueryRunner, orderId: string, correlationId: string): Promise<number> {
    const rows: unknown[] = await runner.query(
      `WITH cancelled AS (
         UPDATE fulfillment_requests SET status = 'CANCELLED', updated_at = now()
         WHERE order_id = $1 AND status IN ('PENDING', 'ACCEPTED', 'READY_FOR_PICKUP', 'PARTIALLY_SHIPPED')
         RETURNING id
       )
       INSERT INTO outbound_messages (id, kind, subject_id, order_id, status, correlation_id)
       SELECT gen_random_uuid(), 'FULFILLMENT_CANCEL', id, $1, 'PENDING', $2 FROM cancelled
       ON CONFLICT (kind, subject_id) DO NOTHING
       RETURNING id`,
      [orderId, correlationId],
    );
    return rows.length;
  }
}
