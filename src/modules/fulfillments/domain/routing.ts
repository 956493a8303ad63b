import type { FulfillmentSystemKind, LocationKind, RequestMethod } from '../../../canonical/fulfillment.js';
import type { FulfillmentMethod } from '../../../canonical/order.js';

export interface RoutableLine {
  readonly lineRef: string;
  readonly sku: string | null;
  readonly quantity: number;
  readonly method: FulfillmentMethod;
  readonly locationRef: string | null;
  readonly requiresShipping: boolean;
}

export interface FulfillmentLocation {
  readonly locationRef: string;
  readonly kind: LocationKind;
  readonly system: FulfillmentSystemKind;
  readonly isDefault: boolean;
}

export interface PlannedRequest {
  readonly locationRef: string;
  readonly method: RequestMethod;
  readonly system: FulfillmentSystemKind;
  readonly lines: readonly { readonly lineRef: string; readonly sku: string | null; readonly quantity: number }[];
}

/**
 * What a location of this kind does with a line the channel marked for shipping: a store
 * ships from store, a vendor drop-ships, a warehouse ships. Pickup stays pickup.
 */
export function requestMethod(line: FulfillmentMethod, location: LocationKind): RequestMethod {
  if (line === 'PICKUP_IN_STORE') return 'PICKUP_IN_STORE';
  if (location === 'STORE') return 'SHIP_FROM_STORE';
  if (location === 'DROP_SHIP_VENDOR') return 'DROP_SHIP';
  return 'SHIP';
}

/**
 * Groups an order's lines into one request per (location, method). A line without a
 * location goes to the default location; a line whose location has no fulfilment system
 * is left to the channel (merchant-fulfilled: its confirmations come from the channel).
 * Digital lines and lines needing no shipping are not requested from anyone.
 */
export function planRequests(lines: readonly RoutableLine[], locations: readonly FulfillmentLocation[]): PlannedRequest[] {
  const byRef = new Map(locations.map((l) => [l.locationRef, l]));
  const fallback = locations.find((l) => l.isDefault) ?? null;
  const plans = new Map<string, { locationRef: string; method: RequestMethod; system: FulfillmentSystemKind; lines: PlannedRequest['lines'][number][] }>();
  for (const line of lines) {
    if (line.method === 'DIGITAL' || (!line.requiresShipping && line.method !== 'PICKUP_IN_STORE')) continue;
    const location = line.locationRef ? byRef.get(line.locationRef) : fallback;
    if (!location) continue;
    const method = requestMethod(line.method, location.kind);
    const key = `${location.locationRef}\u0000${method}`;
    let plan = plans.get(key);
    if (!plan) {
      plan = { locationRef: location.locationRef, method, system: location.system, lines: [] };
      plans.set(key, plan);
    }
    plan.lines.push({ lineRef: line.lineRef, sku: line.sku, quantity: line.quantity });
  }
  return [...plans.values()];
}
