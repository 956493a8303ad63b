import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { ShipmentConfirmation, ShipmentLine } from '../../../canonical/fulfillment.js';
import { PostingOutbox } from '../../erp-sync/outbox/posting-outbox.js';
import { orderStateMachine, type OrderStatus } from '../../orders/domain/order-state.js';
import { checkShipment, fulfilmentProgress, shippedByLine } from '../domain/shipment-check.js';

export interface ShipmentLineage {
  readonly inboxId: string | null;
  readonly correlationId: string;
}

export type ShipmentOutcome =
  | { readonly kind: 'CONFIRMED'; readonly shipmentId: string; readonly orderStatus: OrderStatus }
  | { readonly kind: 'HELD'; readonly shipmentId: string; readonly reason: string }
  | { readonly kind: 'DUPLICATE'; readonly shipmentId: string };

interface OrderHead {
  id: string;
  status: OrderStatus;
  channel: string;
  account: string;
}

/** Where a shipment can be taken: an order released to the ERP and not yet wholly shipped or cancelled. */
const SHIPPABLE: readonly OrderStatus[] = ['RELEASED', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED'];

/**
 * Applies one shipment confirmation inside the caller's transaction, under the order's
 * row lock: the same shipment id again changes nothing (tracking aside); a confirmation
 * that does not fit the order is kept HELD with its reason and nothing is posted for it;
 * one that fits records the shipment, writes the ERP item fulfilment postings and the
 * channel's tracking message (the outbox), and moves the order on.
 */
@Injectable()
export class ShipmentEventsService {
  constructor(@Inject(PostingOutbox) private readonly postings: PostingOutbox) {}

  async apply(runner: QueryRunner, confirmation: ShipmentConfirmation, lineage: ShipmentLineage): Promise<ShipmentOutcome> {
    const order = await this.lockOrder(runner, confirmation);
    const [existing]: { id: string; status: string }[] = await runner.query(
      'SELECT id, status FROM shipments WHERE source = $1 AND account = $2 AND external_id = $3 FOR UPDATE',
      [confirmation.source, confirmation.account, confirmation.externalId],
    );
    if (existing) {
      // Lines are what was confirmed first; a later update may only correct the tracking.
      await runner.query(
        `UPDATE shipments SET carrier = coalesce($2, carrier), tracking_numbers = CASE WHEN cardinality($3::text[]) > 0 THEN $3 ELSE tracking_numbers END,
                tracking_url = coalesce($4, tracking_url)
         WHERE id = $1`,
        [existing.id, confirmation.carrier, [...confirmation.trackingNumbers], confirmation.trackingUrl],
      );
      return { kind: 'DUPLICATE', shipmentId: existing.id };
    }
    if (order && confirmation.source === 'SHOPIFY') {
      const echo = await this.echoOf(runner, order.id, confirmation);
      if (echo) return { kind: 'DUPLICATE', shipmentId: echo };
    }
    const requestId = confirmation.order.by === 'HUB' ? confirmation.order.requestId : null;
    if (!order) return this.hold(runner, confirmation, null, requestId, lineage, 'ORDER_UNKNOWN: the order is not in the hub');
    if (!SHIPPABLE.includes(order.status)) {
      return this.hold(runner, confirmation, order.id, requestId, lineage, `ORDER_NOT_SHIPPABLE: the order is ${order.status}`);
    }
    const ordered: { lineRef: string; quantity: number }[] = (
      await runner.query('SELECT external_id, quantity FROM order_lines WHERE order_id = $1', [order.id])
    ).map((r: { external_id: string; quantity: number }) => ({ lineRef: r.external_id, quantity: r.quantity }));
    const previous: { lines: ShipmentLine[] }[] = await runner.query(`SELECT lines FROM shipments WHERE order_id = $1 AND status = 'CONFIRMED'`, [order.id]);
    const shipped = shippedByLine(previous);
    const verdict = checkShipment(ordered, shipped, confirmation.lines);
    if (!verdict.ok) return this.hold(runner, confirmation, order.id, requestId, lineage, `${verdict.reason}: ${verdict.detail}`);

    const tellChannel = confirmation.source !== 'SHOPIFY' && order.channel === 'SHOPIFY';
    const id = randomUUID();
    await this.insert(runner, id, confirmation, order.id, requestId, lineage, 'CONFIRMED', null, tellChannel ? 'PENDING' : 'NOT_REQUIRED');
    if (tellChannel) {
      await runner.query(
        `INSERT INTO outbound_messages (id, kind, subject_id, order_id, status, correlation_id) VALUES ($1, 'CHANNEL_FULFILLMENT', $2, $3, 'PENDING', $4)`,
        [randomUUID(), id, order.id, lineage.correlationId],
      );
    }
    await this.postings.shipped(runner, order.id, id, lineage.correlationId);
    for (const line of confirmation.lines) shipped.set(line.lineRef, (shipped.get(line.lineRef) ?? 0) + line.quantity);
    if (requestId) await this.progressRequest(runner, requestId, shipped);
    const to = fulfilmentProgress(ordered, shipped) === 'FULL' ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
    if (order.status !== to || to === 'PARTIALLY_FULFILLED') await this.moveOrder(runner, order, to, confirmation, lineage);
    return { kind: 'CONFIRMED', shipmentId: id, orderStatus: to };
  }

  /**
   * Shopify announces every fulfilment, the ones the hub created to pass on tracking too.
   * Such an echo is the shipment we already have: known by the fulfilment id we were
   * given, or (when the webhook outruns our own bookkeeping) by the same tracking and lines.
   */
  private async echoOf(runner: QueryRunner, orderId: string, c: ShipmentConfirmation): Promise<string | null> {
    const rows: { id: string; channel_reference: string | null; tracking_numbers: string[]; lines: ShipmentLine[] }[] = await runner.query(
      `SELECT id, channel_reference, tracking_numbers, lines FROM shipments
       WHERE order_id = $1 AND status = 'CONFIRMED' AND source <> 'SHOPIFY' AND channel_status <> 'NOT_REQUIRED'`,
      [orderId],
    );
    const key = (lines: readonly ShipmentLine[]) => lines.map((l) => `${l.lineRef}:${l.quantity}`).sort().join(',');
    const tracking = [...c.trackingNumbers].sort().join(',');
    const match = rows.find(
      (r) => r.channel_reference === c.externalId || (tracking !== '' && [...r.tracking_numbers].sort().join(',') === tracking && key(r.lines) === key(c.lines)),
    );
    return match?.id ?? null;
  }

  /** A store says the goods wait at the counter: the request shows it; nothing ships yet. */
  async readyForPickup(runner: QueryRunner, requestId: string, at: string): Promise<boolean> {
    const rows: unknown[] = await runner.query(
      `UPDATE fulfillment_requests SET status = 'READY_FOR_PICKUP', ready_at = coalesce(ready_at, $2), updated_at = now()
       WHERE id = $1 AND status IN ('PENDING', 'ACCEPTED') RETURNING id`,
      [requestId, at],
    );
    return rows.length > 0;
  }

  private async lockOrder(runner: QueryRunner, confirmation: ShipmentConfirmation): Promise<OrderHead | null> {
    const ref = confirmation.order;
    const rows: OrderHead[] =
      ref.by === 'HUB'
        ? await runner.query('SELECT id, status, channel, account FROM orders WHERE id = $1::uuid FOR UPDATE', [ref.orderId])
        : await runner.query('SELECT id, status, channel, account FROM orders WHERE channel = $1 AND account = $2 AND external_id = $3 FOR UPDATE', [
            ref.channel, ref.account, ref.externalId,
          ]);
    return rows[0] ?? null;
  }

  private async hold(
    runner: QueryRunner, confirmation: ShipmentConfirmation, orderId: string | null, requestId: string | null, lineage: ShipmentLineage, reason: string,
  ): Promise<ShipmentOutcome> {
    const id = randomUUID();
    await this.insert(runner, id, confirmation, orderId, requestId, lineage, 'HELD', reason, 'NOT_REQUIRED');
    return { kind: 'HELD', shipmentId: id, reason };
  }

  private async insert(
    runner: QueryRunner, id: string, c: ShipmentConfirmation, orderId: string | null, requestId: string | null, lineage: ShipmentLineage,
    status: 'CONFIRMED' | 'HELD', holdReason: string | null, channelStatus: 'PENDING' | 'NOT_REQUIRED',
  ): Promise<void> {
    const knownRequest = requestId && orderId
      ? ((await runner.query('SELECT id FROM fulfillment_requests WHERE id = $1::uuid AND order_id = $2', [requestId, orderId])) as unknown[]).length > 0
      : false;
    await runner.query(
      `INSERT INTO shipments (id, order_id, request_id, source, account, external_id, kind, status, hold_reason, location_ref, carrier,
                              tracking_numbers, tracking_url, lines, shipped_at, channel_status, inbox_id, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        id, orderId, knownRequest ? requestId : null, c.source, c.account, c.externalId, c.kind, status, holdReason, c.locationRef, c.carrier,
        [...c.trackingNumbers], c.trackingUrl, JSON.stringify(c.lines), c.shippedAt, channelStatus, lineage.inboxId, lineage.correlationId,
      ],
    );
  }

  private async progressRequest(runner: QueryRunner, requestId: string, shipped: ReadonlyMap<string, number>): Promise<void> {
    const [request]: { lines: { lineRef: string; quantity: number }[] }[] = await runner.query('SELECT lines FROM fulfillment_requests WHERE id = $1::uuid', [requestId]);
    if (!request) return;
    const status = fulfilmentProgress(request.lines, shipped) === 'FULL' ? 'SHIPPED' : 'PARTIALLY_SHIPPED';
    await runner.query(
      `UPDATE fulfillment_requests SET status = $2, updated_at = now() WHERE id = $1::uuid AND status NOT IN ('SHIPPED', 'CANCELLED')`,
      [requestId, status],
    );
  }

  private async moveOrder(runner: QueryRunner, order: OrderHead, to: OrderStatus, c: ShipmentConfirmation, lineage: ShipmentLineage): Promise<void> {
    orderStateMachine.assertTransition(order.status, to, { holdReasons: [] });
    await runner.query('UPDATE orders SET status = $2, updated_at = now() WHERE id = $1', [order.id, to]);
    const what = c.kind === 'PICKUP' ? 'picked up' : `shipped${c.carrier ? ` by ${c.carrier}` : ''}`;
    await runner.query(
      `INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id) VALUES ($1, $2, $3, '{}', $4, $5)`,
      [order.id, order.status, to, `${c.source} ${c.externalId} ${what}`, lineage.correlationId],
    );
  }
}
