import type { FulfillmentRequestModel, ShipmentModel } from '../graphql/fulfillment.model.js';

type Row = Record<string, unknown>;

const at = (value: unknown): Date | null => (value ? new Date(value as string) : null);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** A request row (joined with the delivery state of its outbound messages: the request, and any cancel) as GraphQL shows it. */
export function requestModel(r: Row): FulfillmentRequestModel {
  return {
    id: r.id as string, locationRef: r.location_ref as string, method: r.method as string, system: r.system as string, status: r.status as string,
    lines: json(r.lines), externalId: r.external_id as string | null, deliveryStatus: (r.delivery_status as string | null) ?? 'PENDING',
    deliveryError: r.delivery_error as string | null, cancelDeliveryStatus: r.cancel_status as string | null, cancelDeliveryError: r.cancel_error as string | null,
    createdAt: new Date(r.created_at as string), acceptedAt: at(r.accepted_at), readyAt: at(r.ready_at),
  };
}

/**
 * Only a confirmed shipment the channel withdrew needs a person: its item fulfilments are
 * in the ERP. A held one the channel withdrew posted nothing; its hold reason says so.
 */
const attention = (r: Row, postings: readonly Row[]): string | null => {
  if (!r.channel_cancelled_at || r.status !== 'CONFIRMED') return null;
  const sent = postings.some((p) => p.document_type === 'ITEM_FULFILLMENT' && p.document_key === r.id && p.status !== 'WITHDRAWN');
  return sent
    ? 'the channel cancelled this fulfilment after it was confirmed; its ERP item fulfilments stay posted: reverse them by hand if nothing shipped'
    : 'the channel cancelled this fulfilment after it was confirmed; its ERP item fulfilments were withdrawn before they were sent';
};

/** A shipment row with the item fulfilment postings keyed by its id. */
export function shipmentModel(r: Row, postings: readonly Row[]): ShipmentModel {
  return {
    id: r.id as string, source: r.source as string, externalId: r.external_id as string, kind: r.kind as string, status: r.status as string,
    holdReason: r.hold_reason as string | null, requestId: r.request_id as string | null, locationRef: r.location_ref as string | null,
    carrier: r.carrier as string | null, trackingNumbers: r.tracking_numbers as string[], trackingUrl: r.tracking_url as string | null,
    lines: json(r.lines), shippedAt: new Date(r.shipped_at as string), receivedAt: new Date(r.received_at as string),
    channelStatus: r.channel_status as string, channelReference: r.channel_reference as string | null, channelNotifiedAt: at(r.channel_notified_at),
    channelCancelledAt: at(r.channel_cancelled_at), attention: attention(r, postings),
    erp: postings
      .filter((p) => p.document_type === 'ITEM_FULFILLMENT' && p.document_key === r.id)
      .map((p) => ({
        target: p.target_id as string, postingStatus: p.status as string, internalId: p.erp_internal_id as string | null,
        lastError: p.last_error as string | null, postedAt: at(p.posted_at),
      })),
  };
}
