/** The hub's orders of one channel (GraphQL, reader key), for the channels beside the Shopify shop. */
import type { HubClient, Json } from './http.js';

export interface ChannelOrderView {
  readonly externalId: string;
  readonly status: string;
  readonly holdReasons: readonly string[];
  readonly grandTotal: { readonly amount: string; readonly currencyCode: string };
  readonly erpReferences: readonly { documentType: string; postingStatus: string; erpTotal: { amount: string; currencyCode: string } | null }[];
  readonly fulfillmentRequests: readonly { id: string; system: string; status: string }[];
  readonly shipments: readonly { source: string; channelStatus: string; erp: { postingStatus: string }[] }[];
}

const query = (channel: string): string => `query($after: String) { orders(first: 100, after: $after, filter: { channel: ${channel} }) {
  edges { node { externalId status holdReasons totals { grandTotal { amount currencyCode } }
    erpReferences { documentType postingStatus erpTotal { amount currencyCode } }
    fulfillmentRequests { id system status } shipments { source channelStatus erp { postingStatus } } } }
  pageInfo { hasNextPage endCursor } } }`;

export async function readChannelOrders(hub: HubClient, channel: 'AMAZON' | 'POS'): Promise<Map<string, ChannelOrderView>> {
  const orders = new Map<string, ChannelOrderView>();
  let after: string | null = null;
  do {
    const page: Json = (await hub.graphql(query(channel), { after })).orders;
    for (const { node } of page.edges as { node: Json }[]) orders.set(node.externalId as string, { ...node, grandTotal: node.totals.grandTotal } as ChannelOrderView);
    after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor as string) : null;
  } while (after !== null);
  return orders;
}

/** A channel's orders in the summary: by state, and how many of their ERP documents equal the channel's total. */
export interface ChannelOutcome {
  readonly orders: number;
  readonly byStatus: Record<string, number>;
  readonly salesOrdersPosted: number;
  readonly itemFulfillmentsPosted: number;
  /** Posted sales orders whose ERP total, read back, equals the channel's grand total. */
  readonly totalsEqual: number;
}

export function channelOutcome(orders: Iterable<ChannelOrderView>): ChannelOutcome {
  const byStatus: Record<string, number> = {};
  let count = 0;
  let salesOrdersPosted = 0;
  let itemFulfillmentsPosted = 0;
  let totalsEqual = 0;
  for (const o of orders) {
    count++;
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    const sales = o.erpReferences.find((r) => r.documentType === 'SALES_ORDER' && r.postingStatus === 'POSTED');
    if (sales) salesOrdersPosted++;
    if (sales?.erpTotal && sales.erpTotal.amount === o.grandTotal.amount && sales.erpTotal.currencyCode === o.grandTotal.currencyCode) totalsEqual++;
    itemFulfillmentsPosted += o.erpReferences.filter((r) => r.documentType === 'ITEM_FULFILLMENT' && r.postingStatus === 'POSTED').length;
  }
  return { orders: count, byStatus, salesOrdersPosted, itemFulfillmentsPosted, totalsEqual };
}
