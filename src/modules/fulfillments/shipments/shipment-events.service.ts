import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { ShipmentConfirmation, ShipmentLine } from '../../../canonical/fulfillment.js';
import { channelFulfilments, channelLabel } from '../../../adapters/channels/registry.js';
import { returnedRows } from '../../../platform/database/sql.js';
import { DomainEventBus } from '../../../platform/events/domain-event-bus.js';
import type { OrderStatus } from '../../orders/domain/order-state.js';
import { OrderService, type OrderHead } from '../../orders/order.service.js';
import { InboxNotes } from '../../ingestion/inbox/inbox-notes.js';
import { awaitsOrder, holdCode, holdReason, sameOrderRef, storedConfirmation, type StoredShipment } from '../domain/held-shipment.js';
import { checkShipment, fulfilmentProgress, shippedByLine } from '../domain/shipment-check.js';
import { noteRecheck, writeShipment, type ShipmentLineage } from './shipment-rows.js';

export type { ShipmentLineage } from './shipment-rows.js';

export type ShipmentOutcome =
  | { readonly kind: 'CONFIRMED'; readonly shipmentId: string; readonly orderStatus: OrderStatus }
  | { readonly kind: 'HELD'; readonly shipmentId: string; readonly reason: string }
  | { readonly kind: 'DUPLICATE'; readonly shipmentId: string };

export type RecheckOutcome =
  | ShipmentOutcome
  | { readonly kind: 'NOT_FOUND' }
  | { readonly kind: 'NOT_HELD'; readonly shipmentId: string; readonly status: string; readonly reason: string | null };

/** What made the hub look at a held shipment again; the order history says so. */
export type RecheckTrigger = 'ORDER_RELEASED' | 'REDELIVERED' | 'ADMIN' | 'SWEEP';

const TRIGGER_NOTES: Record<RecheckTrigger, string> = {
  ORDER_RELEASED: 'held until the order was released',
  REDELIVERED: 'held, applied on redelivery',
  ADMIN: 'held, applied on re-evaluation by an admin',
  SWEEP: 'held until the order was released',
};

/** A new confirmation, or a held row being looked at again (kept in place: same id). */
interface Target {
  readonly held: StoredShipment | null;
  readonly lineage: ShipmentLineage;
  readonly trigger: RecheckTrigger | null;
}

/** Where a shipment can be taken: an order released to the ERP and not cancelled. */
export const SHIPPABLE: readonly OrderStatus[] = ['RELEASED', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED'];

/**
 * Applies one shipment confirmation inside the caller's transaction, under the order's
 * row lock (always taken before the shipment's): the same shipment id again changes
 * nothing (tracking aside); a confirmation that does not fit is kept HELD with its reason
 * and nothing is posted for it; one that fits records the shipment, writes the ERP item
 * fulfilment postings and the channel's tracking message (the outbox), and moves the
 * order on. A shipment held only because its order was missing or not released is
 * checked again, in place, when that changes (recheck).
 */
@Injectable()
export class ShipmentEventsService {
  constructor(
    @Inject(DomainEventBus) private readonly events: DomainEventBus,
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(InboxNotes) private readonly notes: InboxNotes,
  ) {}

  async apply(runner: QueryRunner, confirmation: ShipmentConfirmation, lineage: ShipmentLineage): Promise<ShipmentOutcome> {
    const order = await this.orders.lock(runner, confirmation.order);
    const [existing]: StoredShipment[] = await runner.query(
      'SELECT * FROM shipments WHERE source = $1 AND account = $2 AND external_id = $3 FOR UPDATE',
      [confirmation.source, confirmation.account, confirmation.externalId],
    );
    if (!existing) return this.settle(runner, order, confirmation, { held: null, lineage, trigger: null });
    // Lines are what was confirmed first; a later delivery may correct the tracking, and
    // gives a row held before order references were kept the one it lacked.
    // A cancel that came first kept a row without lines: the late success says what it was.
    const [row] = returnedRows<StoredShipment>(await runner.query(
      `UPDATE shipments SET carrier = coalesce($2, carrier), tracking_numbers = CASE WHEN cardinality($3::text[]) > 0 THEN $3 ELSE tracking_numbers END,
              tracking_url = coalesce($4, tracking_url), order_ref = coalesce(order_ref, $5::jsonb),
              lines = CASE WHEN jsonb_array_length(lines) = 0 THEN $6::jsonb ELSE lines END
       WHERE id = $1 RETURNING *`,
      [existing.id, confirmation.carrier, [...confirmation.trackingNumbers], confirmation.trackingUrl, JSON.stringify(confirmation.order), JSON.stringify(confirmation.lines)],
    ));
    if (row.status === 'HELD' && holdCode(row.hold_reason) === 'CHANNEL_CANCELLED') return { kind: 'HELD', shipmentId: row.id, reason: row.hold_reason! };
    const again = row.status === 'HELD' && awaitsOrder(row.hold_reason) ? storedConfirmation(row) : null;
    if (!again) return { kind: 'DUPLICATE', shipmentId: existing.id };
    return this.settle(runner, order, again, { held: row, lineage: { inboxId: row.inbox_id, correlationId: row.correlation_id }, trigger: 'REDELIVERED' });
  }

  /**
   * Runs the checks again for one held shipment, as if it had just arrived, under the
   * order's lock and then the row's. Only HELD rows are looked at; with awaitingOrderOnly,
   * only those held for a missing or unreleased order (the automatic paths: a person asks
   * for the others).
   */
  async recheck(runner: QueryRunner, shipmentId: string, trigger: RecheckTrigger, awaitingOrderOnly: boolean): Promise<RecheckOutcome> {
    const [peek]: StoredShipment[] = await runner.query('SELECT * FROM shipments WHERE id = $1', [shipmentId]);
    if (!peek) return { kind: 'NOT_FOUND' };
    const named = storedConfirmation(peek)?.order ?? null;
    const order = named ? await this.orders.lock(runner, named) : null;
    const [row]: StoredShipment[] = await runner.query('SELECT * FROM shipments WHERE id = $1 FOR UPDATE', [shipmentId]);
    if (row.status !== 'HELD' || (awaitingOrderOnly && !awaitsOrder(row.hold_reason))) {
      return { kind: 'NOT_HELD', shipmentId, status: row.status, reason: row.hold_reason };
    }
    // The channel withdrew it: applying it now would post goods the channel says did not ship.
    if (row.channel_cancelled_at) return { kind: 'NOT_HELD', shipmentId, status: 'CHANNEL_CANCELLED', reason: row.hold_reason };
    const confirmation = storedConfirmation(row);
    const target: Target = { held: row, lineage: { inboxId: row.inbox_id, correlationId: row.correlation_id }, trigger };
    if (!confirmation) {
      return this.hold(runner, null, null, null, target, holdReason('ORDER_UNKNOWN', 'the confirmation kept no order reference; a redelivery supplies it'));
    }
    // A redelivery may have given the row its reference since the peek.
    const locked = sameOrderRef(named, confirmation.order) ? order : await this.orders.lock(runner, confirmation.order);
    return this.settle(runner, locked, confirmation, target);
  }

  /** A store says the goods wait at the counter: the request shows it; nothing ships yet. */
  async readyForPickup(runner: QueryRunner, requestId: string, at: string): Promise<boolean> {
    const rows = returnedRows(await runner.query(
      `UPDATE fulfillment_requests SET status = 'READY_FOR_PICKUP', ready_at = coalesce(ready_at, $2), updated_at = now()
       WHERE id = $1 AND status IN ('PENDING', 'ACCEPTED') RETURNING id`,
      [requestId, at],
    ));
    return rows.length > 0;
  }

  private async settle(runner: QueryRunner, order: OrderHead | null, c: ShipmentConfirmation, target: Target): Promise<ShipmentOutcome> {
    const named = c.order.by === 'HUB' ? c.order.requestId : null;
    const [request]: { id: string; status: string }[] = named && order
      ? await runner.query('SELECT id, status FROM fulfillment_requests WHERE id = $1::uuid AND order_id = $2', [named, order.id])
      : [];
    const requestId = request?.id ?? null;
    const hold = (reason: string) => this.hold(runner, c, order?.id ?? null, requestId, target, reason);
    if (!order) return hold(holdReason('ORDER_UNKNOWN', 'the order is not in the hub'));
    // The channel's own record of a fulfilment may be one the hub passed on to it.
    if (c.source === order.channel) {
      const echo = await this.echoOf(runner, order.id, c);
      if (echo && !target.held) return { kind: 'DUPLICATE', shipmentId: echo };
      if (echo) return hold(holdReason('CHANNEL_ECHO', `${channelLabel(c.source)}'s record of shipment ${echo}, which the hub sent it`));
    }
    if (request?.status === 'CANCELLED') {
      return hold(holdReason('REQUEST_CANCELLED', `request ${request.id} was cancelled; a person decides what to do with goods shipped after that`));
    }
    if (!SHIPPABLE.includes(order.status)) return hold(holdReason('ORDER_NOT_SHIPPABLE', `the order is ${order.status}`));
    const ordered = await this.orders.lineQuantities(runner, order.id);
    const previous: { lines: ShipmentLine[] }[] = await runner.query(`SELECT lines FROM shipments WHERE order_id = $1 AND status = 'CONFIRMED'`, [order.id]);
    const shipped = shippedByLine(previous);
    const verdict = checkShipment(ordered, shipped, c.lines);
    if (!verdict.ok) return hold(holdReason(verdict.reason, verdict.detail));

    // Tracking goes back to the order's channel when someone else shipped and the channel takes it.
    const tellChannel = c.source !== order.channel && channelFulfilments(order.channel) !== undefined;
    const id = target.held?.id ?? randomUUID();
    const { correlationId } = target.lineage;
    await writeShipment(runner, { id, update: target.held !== null, c, orderId: order.id, requestId, lineage: target.lineage, status: 'CONFIRMED', holdReason: null, channelStatus: tellChannel ? 'PENDING' : 'NOT_REQUIRED' });
    if (tellChannel) {
      await runner.query(
        `INSERT INTO outbound_messages (id, kind, subject_id, order_id, status, correlation_id) VALUES ($1, 'CHANNEL_FULFILLMENT', $2, $3, 'PENDING', $4)`,
        [randomUUID(), id, order.id, correlationId],
      );
    }
    await this.events.publish(runner, { type: 'ShipmentConfirmed', correlationId, payload: { orderId: order.id, shipmentId: id } });
    for (const line of c.lines) shipped.set(line.lineRef, (shipped.get(line.lineRef) ?? 0) + line.quantity);
    if (requestId) await this.progressRequest(runner, requestId, shipped);
    const to = fulfilmentProgress(ordered, shipped) === 'FULL' ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
    if (order.status !== to || to === 'PARTIALLY_FULFILLED') await this.moveOrder(runner, order, to, c, target);
    if (target.held) await noteRecheck(this.notes, runner, target.held, null);
    return { kind: 'CONFIRMED', shipmentId: id, orderStatus: to };
  }

  /**
   * A channel that takes tracking (Shopify) announces every fulfilment, the ones the hub
   * created to pass on tracking too.
   * Such an echo is the shipment we already have: known by the fulfilment id we were
   * given, or (when the webhook outruns our own bookkeeping) by the same tracking and lines.
   */
  private async echoOf(runner: QueryRunner, orderId: string, c: ShipmentConfirmation): Promise<string | null> {
    const rows: { id: string; channel_reference: string | null; tracking_numbers: string[]; lines: ShipmentLine[] }[] = await runner.query(
      `SELECT id, channel_reference, tracking_numbers, lines FROM shipments
       WHERE order_id = $1 AND status = 'CONFIRMED' AND source <> $2 AND channel_status <> 'NOT_REQUIRED'`,
      [orderId, c.source],
    );
    const key = (lines: readonly ShipmentLine[]) => lines.map((l) => `${l.lineRef}:${l.quantity}`).sort().join(',');
    const tracking = [...c.trackingNumbers].sort().join(',');
    const match = rows.find(
      (r) => r.channel_reference === c.externalId || (tracking !== '' && [...r.tracking_numbers].sort().join(',') === tracking && key(r.lines) === key(c.lines)),
    );
    return match?.id ?? null;
  }

  /** Keeps the shipment HELD with its reason: a new row, or the held row with its reason now. */
  private async hold(
    runner: QueryRunner, c: ShipmentConfirmation | null, orderId: string | null, requestId: string | null, target: Target, reason: string,
  ): Promise<ShipmentOutcome> {
    if (target.held) {
      await runner.query(
        `UPDATE shipments SET hold_reason = $2, order_id = coalesce($3, order_id), request_id = coalesce($4, request_id) WHERE id = $1`,
        [target.held.id, reason, orderId, requestId],
      );
      await noteRecheck(this.notes, runner, target.held, reason);
      return { kind: 'HELD', shipmentId: target.held.id, reason };
    }
    if (!c) throw new Error('a new shipment is held only with its confirmation');
    const id = randomUUID();
    await writeShipment(runner, { id, update: false, c, orderId, requestId, lineage: target.lineage, status: 'HELD', holdReason: reason, channelStatus: 'NOT_REQUIRED' });
    return { kind: 'HELD', shipmentId: id, reason };
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

  private async moveOrder(runner: QueryRunner, order: OrderHead, to: OrderStatus, c: ShipmentConfirmation, target: Target): Promise<void> {
    const what = c.kind === 'PICKUP' ? 'picked up' : `shipped${c.carrier ? ` by ${c.carrier}` : ''}`;
    const when = target.trigger ? ` (${TRIGGER_NOTES[target.trigger]})` : '';
    await this.orders.transition(runner, order, to, `${c.source} ${c.externalId} ${what}${when}`, { correlationId: target.lineage.correlationId });
  }
}
