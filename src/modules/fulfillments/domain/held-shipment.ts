import type { ConfirmationOrderRef, ShipmentConfirmation, ShipmentLine, ShipmentSource } from '../../../canonical/fulfillment.js';

/**
 * Why a shipment is held. The first two wait on the order and clear by themselves once it
 * can take shipments; the others need the data to change or a person to decide, except
 * CHANNEL_CANCELLED: the channel withdrew it, so it is never applied.
 */
export type HoldCode = 'ORDER_UNKNOWN' | 'ORDER_NOT_SHIPPABLE' | 'REQUEST_CANCELLED' | 'UNKNOWN_LINE' | 'OVER_SHIPMENT' | 'CHANNEL_ECHO' | 'CHANNEL_CANCELLED';

export const AWAITING_ORDER: readonly HoldCode[] = ['ORDER_UNKNOWN', 'ORDER_NOT_SHIPPABLE'];

/** A hold reason is stored as `CODE: detail`, so people read one text and code matches the prefix. */
export const holdReason = (code: HoldCode, detail: string): string => `${code}: ${detail}`;

export function holdCode(reason: string | null): string | null {
  if (reason === null) return null;
  const colon = reason.indexOf(':');
  return colon < 0 ? reason : reason.slice(0, colon);
}

export const awaitsOrder = (reason: string | null): boolean => AWAITING_ORDER.includes(holdCode(reason) as HoldCode);

/** The inbox note of a delivery whose shipment was held; a re-evaluation rewrites notes that start so. */
export const HELD_NOTE_PREFIX = 'shipment held: ';
export const heldNote = (reason: string): string => `${HELD_NOTE_PREFIX}${reason}`;

/** A shipments row as re-evaluation reads it. */
export interface StoredShipment {
  readonly id: string;
  readonly order_id: string | null;
  readonly request_id: string | null;
  readonly order_ref: ConfirmationOrderRef | null;
  readonly source: ShipmentSource;
  readonly account: string;
  readonly external_id: string;
  readonly kind: 'SHIPMENT' | 'PICKUP';
  readonly status: 'CONFIRMED' | 'HELD';
  readonly hold_reason: string | null;
  readonly location_ref: string | null;
  readonly carrier: string | null;
  readonly tracking_numbers: string[];
  readonly tracking_url: string | null;
  readonly lines: ShipmentLine[];
  readonly shipped_at: Date | string;
  readonly inbox_id: string | null;
  readonly correlation_id: string;
  readonly channel_reference: string | null;
  readonly channel_cancelled_at: Date | string | null;
}

/**
 * The confirmation a stored shipment was made from, as if it arrived again: the lines as
 * first confirmed, the tracking as last corrected. Null when the row does not say which
 * order it is for (held for an unknown order before references were kept).
 */
export function storedConfirmation(row: StoredShipment): ShipmentConfirmation | null {
  const order: ConfirmationOrderRef | null = row.order_ref ?? (row.order_id ? { by: 'HUB', orderId: row.order_id, requestId: row.request_id } : null);
  if (!order) return null;
  return {
    source: row.source, account: row.account, externalId: row.external_id, kind: row.kind, order, locationRef: row.location_ref,
    carrier: row.carrier, trackingNumbers: row.tracking_numbers, trackingUrl: row.tracking_url,
    shippedAt: new Date(row.shipped_at).toISOString(), lines: row.lines,
  };
}

/** Whether two references name the same order the same way. */
export function sameOrderRef(a: ConfirmationOrderRef | null, b: ConfirmationOrderRef | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.by === 'HUB' && b.by === 'HUB') return a.orderId === b.orderId && a.requestId === b.requestId;
  if (a.by === 'CHANNEL' && b.by === 'CHANNEL') return a.channel === b.channel && a.account === b.account && a.externalId === b.externalId;
  return false;
}
