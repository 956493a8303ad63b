/**
 * Local pickup in a Shopify order: Shopify's order JSON has no machine-readable pickup flag,
 * so it is read from the shipping rate (configured codes, categories, names).
 */
import type { FulfillmentMethod } from '../../../canonical/order.js';
import type { ShopifyMapOptions } from './shopify-order.mapper.js';
import type { ShopifyLineItemDto, ShopifyOrderDto, ShopifyShippingLineDto } from './shopify-order.dto.js';

/**
 * DIGITAL when nothing ships (requires_shipping false: digital goods, e-gift cards) — even on
 * a pickup order, there is nothing to collect; PICKUP_IN_STORE for physical lines of a local
 * pickup order; SHIP otherwise.
 */
export function lineFulfillmentMethod(line: ShopifyLineItemDto, pickup: LocalPickup): FulfillmentMethod {
  if (!line.requires_shipping) return 'DIGITAL';
  if (pickup.isPickup) return 'PICKUP_IN_STORE';
  return 'SHIP';
}

// ---------------------------------------------------------------------------------------------
// Local pickup

export interface LocalPickup {
  readonly isPickup: boolean;
  /** What gave it away, for logs and audits. */
  readonly marker: string | null;
  readonly locationRef: string | null;
}

const PICKUP_CATEGORIES: ReadonlySet<string> = new Set(['pickup', 'localpickup', 'pickupinstore', 'storepickup']);
/** Shop-defined rate names that mean "collect in store"; "pickup point" (a carrier drop) does not. */
const PICKUP_NAME = /\b(?:local\s*)?pick[\s_-]?up\b|\bcollect(?:ion)?\s+in\s+store\b|\bclick\s*(?:&|and|\+)\s*collect\b|\bin[\s-]?store\s+pick/i;
const NOT_IN_STORE = /pick[\s_-]?up\s*point|access\s*point|parcel\s*(?:shop|locker)|locker/i;

/**
 * Shopify's REST/webhook order has no explicit pickup flag (GraphQL's fulfillment order
 * deliveryMethod.methodType PICK_UP is not in the payload). Markers, strongest first:
 *  1. options.pickupLocations lists the shipping line's code or title (shop configuration);
 *  2. a shipping line's delivery_category is a pickup category ("pick_up", "pickup", ...);
 *  3. a shipping line from Shopify's own rates (source "shopify") whose code or title reads as
 *     in-store pickup ("Pickup", "Local pickup", "Click & Collect"), excluding pickup points.
 * Removed shipping lines are ignored.
 */
export function detectLocalPickup(order: ShopifyOrderDto, options: Pick<ShopifyMapOptions, 'pickupLocations'> = {}): LocalPickup {
  const configured = new Map(
    Object.entries(options.pickupLocations ?? {}).map(([name, location]) => [name.trim().toLowerCase(), location]),
  );
  const lines = activeShippingLines(order);
  for (const line of lines) {
    for (const name of [line.code, line.title]) {
      const key = name?.trim().toLowerCase();
      if (key && configured.has(key)) {
        return { isPickup: true, marker: `configured pickup rate "${name}"`, locationRef: configured.get(key) ?? null };
      }
    }
  }
  for (const line of lines) {
    const category = line.delivery_category?.toLowerCase().replace(/[\s_-]/g, '');
    if (category && PICKUP_CATEGORIES.has(category)) {
      return { isPickup: true, marker: `delivery_category "${line.delivery_category}"`, locationRef: null };
    }
  }
  for (const line of lines) {
    if ((line.source ?? '').toLowerCase() !== 'shopify') continue;
    for (const name of [line.code, line.title]) {
      if (name && PICKUP_NAME.test(name) && !NOT_IN_STORE.test(name)) {
        return { isPickup: true, marker: `shopify rate "${name}"`, locationRef: null };
      }
    }
  }
  return { isPickup: false, marker: null, locationRef: null };
}

export function activeShippingLines(order: ShopifyOrderDto): ShopifyShippingLineDto[] {
  return (order.shipping_lines ?? []).filter((line) => line.is_removed !== true);
}
