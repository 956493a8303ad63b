/**
 * Fulfillment orders and fulfillments in Shopify's REST shape (2026-04). The API writes ids as
 * bare integers (rawId); the /_sandbox endpoints pass `asText` so tests read them without a
 * bigint-safe parser.
 */
import { rawId, readId } from './json.js';
import { remainingOf, type Fulfillment, type FulfillmentOrder, type ShopOrder } from './orders.js';

export type IdWriter = (id: string | null) => string | null;
export const asText: IdWriter = (id) => id;
export const asInteger: IdWriter = (id) => rawId(id);

export interface ShopSettings {
  readonly shopId: string;
  readonly locations: Readonly<Record<string, { readonly name?: string; readonly countryCode?: string }>>;
}

const SUPPORTED_ACTIONS: Record<FulfillmentOrder['status'], readonly string[]> = {
  open: ['create_fulfillment', 'move', 'hold', 'split'],
  in_progress: ['create_fulfillment', 'hold', 'split'],
  closed: [],
};

export function presentFulfillmentOrder(fo: FulfillmentOrder, shop: ShopSettings, id: IdWriter): Record<string, unknown> {
  const location = shop.locations[fo.locationId] ?? {};
  return {
    id: id(fo.id),
    created_at: fo.createdAt,
    updated_at: fo.updatedAt,
    shop_id: id(shop.shopId),
    order_id: id(fo.orderId),
    assigned_location_id: id(fo.locationId),
    request_status: 'unsubmitted',
    status: fo.status,
    fulfill_at: null,
    fulfill_by: null,
    supported_actions: SUPPORTED_ACTIONS[fo.status],
    destination: fo.destination,
    line_items: fo.lines.map((l) => ({
      id: id(l.id),
      shop_id: id(shop.shopId),
      fulfillment_order_id: id(fo.id),
      quantity: l.quantity,
      line_item_id: id(l.lineItemId),
      inventory_item_id: id(l.inventoryItemId),
      fulfillable_quantity: l.fulfillableQuantity,
      variant_id: id(l.variantId),
    })),
    international_duties: null,
    fulfillment_holds: [],
    delivery_method: null,
    assigned_location: {
      address1: null, address2: null, city: null, country_code: location.countryCode ?? 'US',
      location_id: id(fo.locationId), name: location.name ?? `Location ${fo.locationId}`, phone: null, province: null, zip: null,
    },
    merchant_requests: [],
  };
}

/** Line item fields a fulfillment repeats from the order, as the order carried them. */
const COPIED = [
  'title', 'sku', 'variant_title', 'vendor', 'fulfillment_service', 'requires_shipping', 'taxable', 'gift_card', 'name',
  'variant_inventory_management', 'properties', 'product_exists', 'grams', 'price', 'total_discount', 'price_set',
  'total_discount_set', 'discount_allocations', 'duties', 'tax_lines',
] as const;

function presentLine(order: ShopOrder, lineItemId: string, quantity: number, id: IdWriter): Record<string, unknown> {
  const source = order.lineItems.get(lineItemId) ?? {};
  const copied = Object.fromEntries(COPIED.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
  const remaining = remainingOf(order, lineItemId);
  return {
    id: id(lineItemId),
    variant_id: id(readId(source.variant_id) ?? null),
    product_id: id(readId(source.product_id) ?? null),
    ...copied,
    quantity,
    fulfillable_quantity: remaining,
    fulfillment_status: remaining === 0 ? 'fulfilled' : 'partial',
    admin_graphql_api_id: `gid://shopify/LineItem/${lineItemId}`,
  };
}

export function presentFulfillment(f: Fulfillment, order: ShopOrder, id: IdWriter): Record<string, unknown> {
  return {
    id: id(f.id),
    order_id: id(f.orderId),
    status: 'success',
    created_at: f.createdAt,
    service: 'manual',
    updated_at: f.createdAt,
    tracking_company: f.trackingCompany,
    shipment_status: null,
    location_id: id(f.locationId),
    origin_address: null,
    line_items: f.lines.map((l) => presentLine(order, l.lineItemId, l.quantity, id)),
    tracking_number: f.trackingNumbers[0] ?? null,
    tracking_numbers: f.trackingNumbers,
    tracking_url: f.trackingUrls[0] ?? null,
    tracking_urls: f.trackingUrls,
    receipt: {},
    name: f.name,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${f.id}`,
  };
}
