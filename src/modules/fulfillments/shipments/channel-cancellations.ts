import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { channelLabel } from '../../../adapters/channels/registry.js';
import type { ShipmentCancellation } from '../../../canonical/fulfillment.js';
import { holdReason, type StoredShipment } from '../domain/held-shipment.js';
import { PostingOutbox } from '../../erp-sync/outbox/posting-outbox.js';
import { InboxNotes } from '../../ingestion/inbox/inbox-notes.js';
import { OrderService } from '../../orders/order.service.js';
import { noteRecheck, writeShipment, type ShipmentLineage } from './shipment-rows.js';

export type CancellationOutcome =
  /** Not a shipment the hub has: nothing shipped, as before. */
  | { readonly kind: 'UNKNOWN' }
  | { readonly kind: 'RECORDED' | 'ALREADY_RECORDED'; readonly shipmentId: string; readonly note: string };

/**
 * The channel withdrew a fulfilment (cancelled, or failed, after the fact), applied
 * inside the caller's transaction under the order's lock, then the shipment's.
 *
 * The hub records it and tells people; it undoes nothing. A CONFIRMED shipment keeps its
 * status, still counts as shipped and keeps its ERP item fulfilments: the ERP port has no
 * reversal, and whether goods left is a fact only the merchant knows, so counting them
 * back (and letting a replacement fulfilment post a second item fulfilment beside the
 * first) would be a guess with money on it. The order's status stays for the same reason.
 * A HELD one, with nothing posted, is held for good: it is never applied. The shipment is
 * the channel's own (its external id) or one the hub passed to the channel (its reference).
 */
@Injectable()
export class ChannelCancellations {
  constructor(
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(PostingOutbox) private readonly postings: PostingOutbox,
    @Inject(InboxNotes) private readonly notes: InboxNotes,
  ) {}

  async apply(runner: QueryRunner, c: ShipmentCancellation, lineage: ShipmentLineage): Promise<CancellationOutcome> {
    const order = await this.orders.lock(runner, c.order);
    // A confirmed match first: that is the one with ERP postings (a held channel echo of it may match too).
    const [row]: StoredShipment[] = await runner.query(
      `SELECT * FROM shipments WHERE (source = $1 AND account = $2 AND external_id = $3) OR (order_id = $4 AND channel_reference = $3)
       ORDER BY status = 'CONFIRMED' DESC, received_at LIMIT 1 FOR UPDATE`,
      [c.source, c.account, c.externalId, order?.id ?? null],
    );
    const channel = channelLabel(c.source);
    const what = `${channel} ${c.status === 'cancelled' ? 'cancelled' : `marked ${c.status}`} fulfilment ${c.externalId}`;
    if (!row) return this.tombstone(runner, c, order?.id ?? null, lineage, what);
    const own = row.source === c.source ? `shipment ${row.id}` : `shipment ${row.id} (${row.source} ${row.external_id}, passed to ${channel})`;
    if (row.channel_cancelled_at) return { kind: 'ALREADY_RECORDED', shipmentId: row.id, note: `${what}: already recorded on ${own}; nothing changed` };

    await runner.query(`UPDATE shipments SET channel_cancelled_at = coalesce($2::timestamptz, now()) WHERE id = $1`, [row.id, c.cancelledAt]);
    if (row.status === 'HELD') {
      const reason = holdReason('CHANNEL_CANCELLED', `${what} before it was applied; nothing was posted and it will not be`);
      await runner.query(`UPDATE shipments SET hold_reason = $2 WHERE id = $1`, [row.id, reason]);
      await noteRecheck(this.notes, runner, row, reason);
      return { kind: 'RECORDED', shipmentId: row.id, note: `${what}: ${own} was held, nothing was posted; it stays held and will not be applied` };
    }
    // Item fulfilments not sent yet (the ERP was down, say) are withdrawn: sending them now
    // would record in the ERP a shipment the channel has taken back. One already in flight
    // or posted cannot be stopped here.
    const { withdrawnTargets, sent } = await this.postings.withdrawItemFulfillments(runner, row.id, `${what}: withdrawn before it was sent`);
    const targets = withdrawnTargets.join(', ');
    const note = withdrawnTargets.length === 0
      ? `${what} after ${own} was confirmed: its ERP item fulfilments stay posted and the order's status stays; reverse them by hand if nothing shipped`
      : sent === 0
        ? `${what} after ${own} was confirmed: its ERP item fulfilments had not been sent and are withdrawn (${targets}); the order's status stays`
        : `${what} after ${own} was confirmed: its ERP item fulfilments not yet sent are withdrawn (${targets}), the others stay posted; reverse those by hand if nothing shipped`;
    if (order) await this.orders.note(runner, order, note, lineage);
    return { kind: 'RECORDED', shipmentId: row.id, note };
  }

  /**
   * A cancel for a fulfilment the hub has not seen: webhooks come in any order, so its
   * success may still be on its way. The cancel is kept as a held shipment under the
   * fulfilment's id, which a late success then finds and leaves alone (a duplicate of a
   * shipment held for good), instead of posting an item fulfilment the channel took back.
   */
  private async tombstone(runner: QueryRunner, c: ShipmentCancellation, orderId: string | null, lineage: ShipmentLineage, what: string): Promise<CancellationOutcome> {
    const id = randomUUID();
    const at = c.cancelledAt ?? new Date().toISOString();
    await writeShipment(runner, {
      id, update: false, orderId, requestId: null, lineage, status: 'HELD', channelStatus: 'NOT_REQUIRED',
      holdReason: holdReason('CHANNEL_CANCELLED', `${what} before the hub saw it; if it comes, it will not be applied`),
      c: {
        source: c.source, account: c.account, externalId: c.externalId, kind: 'SHIPMENT', order: c.order, locationRef: null,
        carrier: null, trackingNumbers: [], trackingUrl: null, shippedAt: at, lines: [],
      },
    });
    await runner.query(`UPDATE shipments SET channel_cancelled_at = $2 WHERE id = $1`, [id, at]);
    return { kind: 'RECORDED', shipmentId: id, note: `${what}: nothing shipped; kept, so a late delivery of it is not applied` };
  }
}
