import { parseShipmentConfirmation } from '../../adapters/fulfillment/shipment-confirmation.js';
import { isReturnEventBody, parseReturnEvent, returnEventOf } from '../../adapters/fulfillment/return-event.js';
import type { ShipmentConfirmation } from '../../canonical/fulfillment.js';
import type { CanonicalReturnEvent } from '../../canonical/return.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type FulfillmentEventMeaning =
  | { ok: true; type: 'shipment'; confirmation: ShipmentConfirmation }
  | { ok: true; type: 'ready'; requestId: string; at: string }
  | { ok: true; type: 'return'; event: CanonicalReturnEvent }
  | { ok: false; reason: string };

/** What the delivery's unsigned headers said: the source, the event id and the topic taken from the type. */
export interface FulfillmentDeliveryHeaders {
  readonly topic: string;
  readonly eventId: string | null;
}

/**
 * A WMS or store event in the hub's terms. Those systems know the order by the hub's ids
 * (we sent them in the request), so the order reference must be one of ours. Only the body
 * is signed: the source, event id and type the headers named must agree with it, or the
 * delivery is refused (a signed WMS body resent as a store's, or under a new event id).
 */
export function understandFulfillmentEvent(source: 'WMS' | 'STORE', body: unknown, headers?: FulfillmentDeliveryHeaders): FulfillmentEventMeaning {
  if (isReturnEventBody(body)) return understandReturnEvent(source, body, headers);
  const parsed = parseShipmentConfirmation(body);
  if (!parsed.ok) return { ok: false, reason: `invalid confirmation: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}` };
  const event = parsed.value;
  if (event.source !== source.toLowerCase()) return { ok: false, reason: `invalid confirmation: source: the body says ${event.source} but the delivery came as ${source.toLowerCase()}` };
  if (headers?.eventId && headers.eventId !== event.eventId) return { ok: false, reason: 'invalid confirmation: eventId: differs from X-Fulfillment-Event-Id' };
  if (headers && headers.topic !== `shipment/${event.type}`) return { ok: false, reason: `invalid confirmation: type: the body says ${event.type} but the topic is ${headers.topic}` };
  if (!UUID.test(event.orderRef)) return { ok: false, reason: `invalid confirmation: orderRef: ${event.orderRef} is not an order id the hub sent` };
  const requestId = event.requestId && UUID.test(event.requestId) ? event.requestId : null;
  if (event.type === 'READY_FOR_PICKUP') {
    return requestId ? { ok: true, type: 'ready', requestId, at: event.occurredAt } : { ok: false, reason: 'invalid confirmation: requestId: a pickup needs the request id the hub sent' };
  }
  return {
    ok: true,
    type: 'shipment',
    confirmation: {
      source,
      account: source.toLowerCase(),
      externalId: event.shipmentId,
      kind: event.type === 'PICKED_UP' ? 'PICKUP' : 'SHIPMENT',
      order: { by: 'HUB', orderId: event.orderRef, requestId },
      locationRef: event.locationRef,
      carrier: event.carrier,
      trackingNumbers: event.trackingNumbers,
      trackingUrl: null,
      shippedAt: event.occurredAt,
      lines: event.lines.map((l) => ({ lineRef: l.lineRef, sku: l.sku, quantity: l.quantity })),
    },
  };
}

/** A return received or inspected, by the same rules: the headers must agree with the signed body. */
function understandReturnEvent(source: 'WMS' | 'STORE', body: unknown, headers?: FulfillmentDeliveryHeaders): FulfillmentEventMeaning {
  const parsed = parseReturnEvent(body);
  if (!parsed.ok) return { ok: false, reason: `invalid return event: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}` };
  const event = parsed.value;
  if (event.source !== source.toLowerCase()) return { ok: false, reason: `invalid return event: source: the body says ${event.source} but the delivery came as ${source.toLowerCase()}` };
  if (headers?.eventId && headers.eventId !== event.eventId) return { ok: false, reason: 'invalid return event: eventId: differs from X-Fulfillment-Event-Id' };
  if (headers && headers.topic !== event.type) return { ok: false, reason: `invalid return event: type: the body says ${event.type} but the topic is ${headers.topic}` };
  if (!UUID.test(event.orderRef)) return { ok: false, reason: `invalid return event: orderRef: ${event.orderRef} is not an order id the hub sent` };
  return { ok: true, type: 'return', event: returnEventOf(event) };
}
