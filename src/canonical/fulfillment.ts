/**
 * Fulfilment in the hub's own terms: what a location was asked to send, and what it says
 * it sent. Quantities are per shipment, never cumulative, so parcels add up.
 * @since 0.5.0
 */
import type { FulfillmentMethod } from './order.js';
import type { ChannelCode } from './references.js';

export type FulfillmentSystemKind = 'wms' | 'store';
export type LocationKind = 'WAREHOUSE' | 'STORE' | 'DROP_SHIP_VENDOR';
/** The methods a fulfilment request can carry (digital lines need no request). */
export type RequestMethod = Exclude<FulfillmentMethod, 'DIGITAL'>;

export interface ShipmentLine {
  /** The order line's channel id (Shopify line item id). */
  readonly lineRef: string;
  readonly sku: string | null;
  readonly quantity: number;
}

/** Who confirmed a shipment: a fulfilment system (WMS, STORE) or the order's channel itself. */
export type ShipmentSource = 'WMS' | 'STORE' | ChannelCode;

/** How a confirmation names its order: by the hub's id (systems we sent a request to) or by the channel's. */
export type ConfirmationOrderRef =
  | { readonly by: 'HUB'; readonly orderId: string; readonly requestId: string | null }
  | { readonly by: 'CHANNEL'; readonly channel: string; readonly account: string; readonly externalId: string };

/** One confirmation from a fulfilment system or the channel: a parcel shipped, or goods picked up. */
export interface ShipmentConfirmation {
  readonly source: ShipmentSource;
  readonly account: string;
  /** The sender's id of the shipment: a repeat of the same id is the same shipment. */
  readonly externalId: string;
  readonly kind: 'SHIPMENT' | 'PICKUP';
  readonly order: ConfirmationOrderRef;
  readonly locationRef: string | null;
  readonly carrier: string | null;
  readonly trackingNumbers: readonly string[];
  readonly trackingUrl: string | null;
  /** ISO-8601 instant. */
  readonly shippedAt: string;
  readonly lines: readonly ShipmentLine[];
}

/**
 * The channel withdrew a fulfilment it had announced (Shopify: cancelled, or failed after
 * the fact). Whether it is one the hub confirmed only the hub's records tell.
 */
export interface ShipmentCancellation {
  readonly source: ChannelCode;
  readonly account: string;
  /** The channel's fulfilment id: a shipment's external id, or the channel reference of one the hub passed on. */
  readonly externalId: string;
  readonly order: ConfirmationOrderRef;
  /** The channel's word for it (cancelled, failure, error). */
  readonly status: string;
  /** ISO-8601 instant, or null when the channel gave none. */
  readonly cancelledAt: string | null;
}
