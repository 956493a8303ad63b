/**
 * The sandbox's orders: kept in the Orders API v0 shape (Order and OrderItem objects), with
 * LastUpdateDate moved on every change, as Amazon does. Prices are hidden while an order is
 * Pending, as the API hides them.
 */
export type Json = Record<string, unknown>;

export interface SandboxOrder {
  order: Json;
  items: Json[];
  /** Which seller (selling partner) it belongs to. */
  sellerId: string;
}

const PRICE_FIELDS = ['ItemPrice', 'ShippingPrice', 'ItemTax', 'ShippingTax', 'ShippingDiscount', 'ShippingDiscountTax', 'PromotionDiscount', 'PromotionDiscountTax'];

/** Second-granular, as the API prints it. */
export const amazonTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export class OrderBook {
  private readonly orders = new Map<string, SandboxOrder>();
  /** Never hands out the same LastUpdateDate twice, so every change is a new version. */
  private lastStamp = 0;

  reset(): void {
    this.orders.clear();
    this.lastStamp = 0;
  }

  private stamp(): string {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1000);
    return amazonTime(this.lastStamp);
  }

  upsert(sellerId: string, order: Json, items: Json[]): SandboxOrder {
    const id = String(order.AmazonOrderId);
    const kept = { order: { ...order, LastUpdateDate: this.stamp() }, items, sellerId };
    this.orders.set(id, kept);
    return kept;
  }

  /** A change as Amazon makes one: a new status (and shipped quantities), a new LastUpdateDate. */
  change(id: string, patch: Json, itemPatch?: Json): SandboxOrder | undefined {
    const found = this.orders.get(id);
    if (!found) return undefined;
    found.order = { ...found.order, ...patch, LastUpdateDate: this.stamp() };
    if (itemPatch) found.items = found.items.map((item) => ({ ...item, ...itemPatch }));
    return found;
  }

  get(id: string): SandboxOrder | undefined {
    return this.orders.get(id);
  }

  all(): SandboxOrder[] {
    return [...this.orders.values()];
  }

  /** Orders of the seller updated at or after `after`, oldest change first. */
  updatedSince(sellerId: string, after: string, marketplaceIds: readonly string[]): SandboxOrder[] {
    return this.all()
      .filter((o) => o.sellerId === sellerId && String(o.order.LastUpdateDate) >= after && marketplaceIds.includes(String(o.order.MarketplaceId)))
      .sort((a, b) => String(a.order.LastUpdateDate).localeCompare(String(b.order.LastUpdateDate)));
  }
}

/** The address fields only a Restricted Data Token shows. */
const RESTRICTED_ADDRESS_FIELDS = ['Name', 'AddressLine1', 'AddressLine2', 'AddressLine3', 'Phone', 'CompanyName'];

/** What the API shows of an order: no OrderTotal while Pending; the address without its restricted fields. */
export function presentOrder(o: SandboxOrder): Json {
  const address = o.order.ShippingAddress as Json | undefined;
  const shown: Json = address
    ? { ...o.order, ShippingAddress: Object.fromEntries(Object.entries(address).filter(([key]) => !RESTRICTED_ADDRESS_FIELDS.includes(key))) }
    : o.order;
  if (o.order.OrderStatus !== 'Pending') return shown;
  const { OrderTotal: _total, ...rest } = shown;
  return rest;
}

/** What the API shows of an order's items: no prices while the order is Pending. */
export function presentItems(o: SandboxOrder): Json[] {
  if (o.order.OrderStatus !== 'Pending') return o.items;
  return o.items.map((item) => Object.fromEntries(Object.entries(item).filter(([key]) => !PRICE_FIELDS.includes(key))));
}
