/**
 * The hub's view of the demo's orders, read the way an internal app reads it: through
 * GraphQL with the reader key, a page of up to 100 orders at a time.
 */
import type { HubClient, Json } from './http.js';

export interface Lines {
  readonly lineRef: string;
  readonly quantity: number;
}

export interface Money {
  readonly amount: string;
  readonly currencyCode: string;
}

export interface OrderView {
  readonly id: string;
  readonly externalId: string;
  readonly orderNumber: string;
  readonly status: string;
  readonly holdReasons: readonly string[];
  readonly totals: { readonly grandTotal: Money };
  readonly erpReferences: readonly { documentType: string; documentKey: string; postingStatus: string; postedAt: string | null; erpTotal: Money | null }[];
  readonly fulfillmentRequests: readonly { id: string; locationRef: string; method: string; system: string; status: string; deliveryStatus: string; lines: Lines[] }[];
  readonly shipments: readonly {
    id: string; kind: string; status: string; source: string; requestId: string | null; trackingNumbers: string[]; channelStatus: string;
    channelReference: string | null; channelNotifiedAt: string | null; receivedAt: string; lines: Lines[]; erp: { postingStatus: string }[];
  }[];
}

const ORDERS = `query($after: String) { orders(first: 100, after: $after, filter: { channel: SHOPIFY }) {
  edges { node { id externalId orderNumber status holdReasons totals { grandTotal { amount currencyCode } }
    erpReferences { documentType documentKey postingStatus postedAt erpTotal { amount currencyCode } }
    fulfillmentRequests { id locationRef method system status deliveryStatus lines { lineRef quantity } }
    shipments { id kind status source requestId trackingNumbers channelStatus channelReference channelNotifiedAt receivedAt
                lines { lineRef quantity } erp { postingStatus } } } }
  pageInfo { hasNextPage endCursor } } }`;

/** Every Shopify order the hub holds, by its Shopify id. */
export async function readOrders(hub: HubClient): Promise<Map<string, OrderView>> {
  const orders = new Map<string, OrderView>();
  let after: string | null = null;
  do {
    const page: Json = (await hub.graphql(ORDERS, { after })).orders;
    // A return's exchange order (<order>-EX-<case>) is the returns leg's: counted there, not among the orders placed.
    for (const edge of page.edges as { node: OrderView }[]) if (!edge.node.externalId.includes('-EX-')) orders.set(edge.node.externalId, edge.node);
    after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor as string) : null;
  } while (after !== null);
  return orders;
}

/** "POSTED 37, ON_HOLD 8, RELEASED 5": how many orders are in each status. */
export function countByStatus(orders: Iterable<OrderView>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of orders) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}

export const formatCounts = (counts: Record<string, number>): string =>
  Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
