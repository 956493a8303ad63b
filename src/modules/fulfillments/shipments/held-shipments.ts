import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { OrderReleased } from '../../../canonical/domain-events.js';
import type { ConfirmationOrderRef } from '../../../canonical/fulfillment.js';
import { OrderService } from '../../orders/order.service.js';
import { OnDomainEvent } from '../../../platform/events/on-domain-event.js';
import { AWAITING_ORDER } from '../domain/held-shipment.js';
import { SHIPPABLE, ShipmentEventsService, type RecheckOutcome } from './shipment-events.service.js';

/** Held rows read per round trip while looking for ones whose order can now take them. */
const RECHECK_PAGE = 500;

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
    @Inject(OrderService) private readonly orders: OrderService,
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

  /**
   * Held rows awaiting an order that can now take them (the sweep's work), oldest shipped
   * first. The orders module says which orders can; held rows are read a page at a time, so
   * rows whose orders still cannot take them do not hide the ones behind them.
   */
  async dueForRecheck(limit: number): Promise<string[]> {
    const due: string[] = [];
    let after: { shipped_at: Date; received_at: Date; id: string } | null = null;
    while (due.length < limit) {
      const page: { id: string; shipped_at: Date; received_at: Date; order_id: string | null; order_ref: ConfirmationOrderRef | { by: 'HUB'; orderId?: string } | null }[] =
        await this.dataSource.query(
          `SELECT id, shipped_at, received_at, order_id, order_ref FROM shipments
           WHERE status = 'HELD' AND split_part(hold_reason, ':', 1) = ANY($1::text[])
             AND (order_id IS NOT NULL OR order_ref IS NOT NULL)
             AND ($2::timestamptz IS NULL OR (shipped_at, received_at, id) > ($2, $3, $4::uuid))
           ORDER BY shipped_at, received_at, id LIMIT $5`,
          [[...AWAITING_ORDER], after?.shipped_at ?? null, after?.received_at ?? null, after?.id ?? null, RECHECK_PAGE],
        );
      if (page.length === 0) break;
      const refs = page.map((row): ConfirmationOrderRef | null => {
        if (row.order_id) return { by: 'HUB', orderId: row.order_id, requestId: null };
        const ref = row.order_ref;
        if (ref?.by === 'HUB') return ref.orderId ? { by: 'HUB', orderId: ref.orderId, requestId: null } : null;
        return ref ?? null;
      });
      const known = refs.flatMap((ref, index) => (ref ? [{ ref, index }] : []));
      const shippable = await this.orders.inStates(known.map((k) => k.ref), SHIPPABLE);
      known.forEach((k, i) => {
        if (shippable[i] && due.length < limit) due.push(page[k.index].id);
      });
      if (page.length < RECHECK_PAGE) break;
      after = page[page.length - 1];
    }
    return due;
  }
}
