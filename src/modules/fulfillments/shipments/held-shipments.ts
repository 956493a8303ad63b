import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { OrderReleased } from '../../../canonical/domain-events.js';
import { OnDomainEvent } from '../../../platform/events/on-domain-event.js';
import { AWAITING_ORDER } from '../domain/held-shipment.js';
import { SHIPPABLE, ShipmentEventsService, type RecheckOutcome } from './shipment-events.service.js';

export interface ReleasedOrder {
  readonly id: string;
  readonly channel: string;
  readonly account: string;
  readonly externalId: string;
}

/**
 * Shipments held only because their order was not in the hub or not released, applied
 * once it is.
 *
 * Inside the release transaction, not after it: the release already holds the order's
 * lock, the sales order postings the item fulfilments hang on are written there, and the
 * order's move to FULFILLED must not race a confirmation arriving meanwhile. Either the
 * release and its held shipments commit together or neither does, and each held row is
 * confirmed in place under its row lock, so none is lost or applied twice. One gap stays:
 * a confirmation for a new order that commits its ORDER_UNKNOWN row while the order's own
 * first transaction is still open is not seen by that release; the sweep (dueForRecheck)
 * picks such rows up within an interval.
 */
@Injectable()
export class HeldShipments {
  constructor(
    @Inject(ShipmentEventsService) private readonly shipments: ShipmentEventsService,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** After the release's postings and requests (lower order numbers), in the same transaction. */
  @OnDomainEvent('OrderReleased', { order: 30 })
  async onOrderReleased(runner: QueryRunner, event: OrderReleased): Promise<void> {
    const { orderId, channel, account, order } = event.payload;
    await this.orderReleased(runner, { id: orderId, channel, account, externalId: order.source.externalId });
  }

  /** In the release transaction, after its postings and requests: the held shipments of this order, oldest shipped first. */
  async orderReleased(runner: QueryRunner, order: ReleasedOrder): Promise<RecheckOutcome[]> {
    const rows: { id: string }[] = await runner.query(
      `SELECT id, shipped_at, received_at FROM shipments
       WHERE order_id = $1 AND status = 'HELD' AND split_part(hold_reason, ':', 1) = ANY($5::text[])
       UNION
       SELECT id, shipped_at, received_at FROM shipments
       WHERE order_id IS NULL AND status = 'HELD' AND order_ref->>'channel' = $2 AND order_ref->>'account' = $3 AND order_ref->>'externalId' = $4
         AND split_part(hold_reason, ':', 1) = ANY($5::text[])
       ORDER BY shipped_at, received_at, id`,
      [order.id, order.channel, order.account, order.externalId, [...AWAITING_ORDER]],
    );
    const outcomes: RecheckOutcome[] = [];
    for (const row of rows) outcomes.push(await this.shipments.recheck(runner, row.id, 'ORDER_RELEASED', true));
    return outcomes;
  }

  /** Held rows awaiting an order that can now take them (the sweep's work), oldest shipped first. */
  async dueForRecheck(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT s.id, s.shipped_at, s.received_at FROM shipments s
       JOIN orders o ON o.id = coalesce(s.order_id, CASE WHEN s.order_ref->>'by' = 'HUB' THEN (s.order_ref->>'orderId')::uuid END)
       WHERE s.status = 'HELD' AND split_part(s.hold_reason, ':', 1) = ANY($1::text[]) AND o.status = ANY($2::text[])
       UNION
       SELECT s.id, s.shipped_at, s.received_at FROM shipments s
       JOIN orders o ON o.channel = s.order_ref->>'channel' AND o.account = s.order_ref->>'account' AND o.external_id = s.order_ref->>'externalId'
       WHERE s.status = 'HELD' AND s.order_id IS NULL AND split_part(s.hold_reason, ':', 1) = ANY($1::text[]) AND o.status = ANY($2::text[])
       ORDER BY shipped_at, received_at, id LIMIT $3`,
      [[...AWAITING_ORDER], [...SHIPPABLE], limit],
    );
    return rows.map((r) => r.id);
  }
}
