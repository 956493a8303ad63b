import type { FulfillmentRequestModel, ShipmentModel } from './fulfillment.model.js';

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

/** A shipment row as GraphQL shows it; its ERP side (erp, attention) is erp-sync's to resolve. */
export function shipmentModel(r: Row): ShipmentModel {
  return {
    id: r.id as string, source: r.source as string, externalId: r.external_id as string, kind: r.kind as string, status: r.status as string,
    holdReason: r.hold_reason as string | null, requestId: r.request_id as string | null, locationRef: r.location_ref as string | null,
    carrier: r.carrier as string | null, trackingNumbers: r.tracking_numbers as string[], trackingUrl: r.tracking_url as string | null,
    lines: json(r.lines), shippedAt: new Date(r.shipped_at as string), receivedAt: new Date(r.received_at as string),
    channelStatus: r.channel_status as string, channelReference: r.channel_reference as string | null, channelNotifiedAt: at(r.channel_notified_at),
    channelCancelledAt: at(r.channel_cancelled_at), orderId: r.order_id as string,
  };
}
