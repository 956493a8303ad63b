import type { QueryRunner } from 'typeorm';
import type { ShipmentConfirmation } from '../../../canonical/fulfillment.js';
import type { InboxNotes } from '../../ingestion/inbox/inbox-notes.js';
import { HELD_NOTE_PREFIX, heldNote, type StoredShipment } from '../domain/held-shipment.js';

export interface ShipmentLineage {
  readonly inboxId: string | null;
  readonly correlationId: string;
}

export interface ShipmentWrite {
  readonly id: string;
  /** A held row confirmed or held again in place, rather than a new row. */
  readonly update: boolean;
  readonly c: ShipmentConfirmation;
  readonly orderId: string | null;
  readonly requestId: string | null;
  readonly lineage: ShipmentLineage;
  readonly status: 'CONFIRMED' | 'HELD';
  readonly holdReason: string | null;
  readonly channelStatus: 'PENDING' | 'NOT_REQUIRED';
}

/**
 * A new shipment row, or a held one's verdict. The row keeps the order reference its
 * confirmation named, so a shipment for an order not yet in the hub is found when it comes.
 */
export async function writeShipment(runner: QueryRunner, w: ShipmentWrite): Promise<void> {
  if (w.update) {
    await runner.query(
      `UPDATE shipments SET status = $2, hold_reason = $3, order_id = coalesce($4, order_id), request_id = coalesce($5, request_id), channel_status = $6
       WHERE id = $1`,
      [w.id, w.status, w.holdReason, w.orderId, w.requestId, w.channelStatus],
    );
    return;
  }
  const c = w.c;
  await runner.query(
    `INSERT INTO shipments (id, order_id, request_id, order_ref, source, account, external_id, kind, status, hold_reason, location_ref, carrier,
                            tracking_numbers, tracking_url, lines, shipped_at, channel_status, inbox_id, correlation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [
      w.id, w.orderId, w.requestId, JSON.stringify(c.order), c.source, c.account, c.externalId, c.kind, w.status, w.holdReason, c.locationRef, c.carrier,
      [...c.trackingNumbers], c.trackingUrl, JSON.stringify(c.lines), c.shippedAt, w.channelStatus, w.lineage.inboxId, w.lineage.correlationId,
    ],
  );
}

/**
 * The note on the delivery that first brought a held shipment says what became of it, so
 * whoever reads the inbox is not sent after a hold that has since cleared. heldAgain is
 * the reason it is still held for, or null once confirmed.
 */
export async function noteRecheck(notes: InboxNotes, runner: QueryRunner, held: StoredShipment, heldAgain: string | null): Promise<void> {
  if (!held.inbox_id) return;
  const note = heldAgain === null ? `shipment confirmed on re-evaluation; first held: ${held.hold_reason ?? ''}` : heldNote(heldAgain);
  await notes.replaceNote(runner, held.inbox_id, note, HELD_NOTE_PREFIX);
}
