/**
 * How the hub pulls an Amazon seller's orders: getOrders from a watermark (LastUpdatedAfter),
 * every NextToken page, and each order's items, as one inbox event per order version
 * (AmazonOrderId@LastUpdateDate). A notification's fetch of one order gives the same key, so a
 * change both notified and polled is one event.
 */
import type { ChannelPull, PullAccount } from '../channel-port.js';
import type { ChannelPoller, PolledEvent, PollPage } from '../../../modules/ingestion/polling/channel-poller.js';
import { spApiFor as client } from './sp-api-access.js';
import type { SpApiClient } from './sp-api-client.js';

type Json = Record<string, unknown>;

export const AMAZON_ORDER_TOPIC = 'order.version';
/** Where a new seller's first poll starts. */
const FIRST_LOOKBACK_MS = 7 * 86_400_000;
/** Pages of getOrders per poll: at 100 orders a page, 2,000 order versions. */
const MAX_PAGES = 20;
export function marketplaces(settings: Readonly<Record<string, unknown>>): string[] {
  const ids = settings.marketplaceIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

function event(order: Json, items: Json[], address: Json | null): PolledEvent {
  const id = String(order.AmazonOrderId);
  const updated = String(order.LastUpdateDate);
  return { topic: AMAZON_ORDER_TOPIC, dedupeKey: `${id}@${updated}`, eventId: null, body: Buffer.from(JSON.stringify({ order, items, ...(address && { address }) })), cursor: updated };
}

/** A merchant-fulfilled order still to ship: its warehouse needs the whole address, which only a Restricted Data Token shows. */
const needsAddress = (order: Json): boolean => order.FulfillmentChannel !== 'AFN' && ['Unshipped', 'PartiallyShipped'].includes(String(order.OrderStatus));

async function version(api: SpApiClient, order: Json): Promise<PolledEvent> {
  const id = String(order.AmazonOrderId);
  return event(order, await api.getOrderItems(id), needsAddress(order) ? await api.getOrderAddress(id) : null);
}

class AmazonOrdersPoller implements ChannelPoller {
  readonly channel = 'AMAZON';
  readonly stream = 'orders';
  readonly account: string;

  constructor(private readonly api: SpApiClient, private readonly source: PullAccount) {
    this.account = source.account;
  }

  async fetch(since: string | null): Promise<PollPage> {
    const after = since ?? new Date(Date.now() - FIRST_LOOKBACK_MS).toISOString();
    const events: PolledEvent[] = [];
    let query: Record<string, string> = { MarketplaceIds: marketplaces(this.source.settings).join(','), LastUpdatedAfter: after };
    for (let page = 0; page < MAX_PAGES; page++) {
      const payload = await this.api.getOrders(query);
      for (const order of (payload?.Orders as Json[] | undefined) ?? []) events.push(await version(this.api, order));
      const next = typeof payload?.NextToken === 'string' ? payload.NextToken : undefined;
      if (!next) break;
      query = { NextToken: next };
    }
    // Oldest change first, so the watermark never passes a version not yet stored.
    events.sort((a, b) => a.cursor.localeCompare(b.cursor));
    return { events, more: false };
  }
}

export const amazonPull: ChannelPull = {
  checkSettings(settings) {
    const ids = settings.marketplaceIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20 || !ids.every((id) => typeof id === 'string' && /^[A-Z0-9]{8,20}$/.test(id))) {
      throw new Error('settings.marketplaceIds must list the seller\'s marketplace ids (1 to 20, such as ATVPDKIKX0DER)');
    }
  },
  poller: (account, context) => new AmazonOrdersPoller(client(account, context), account),
  async fetchOne(account, context, ref) {
    const api = client(account, context);
    const order = await api.getOrder(ref);
    return order ? [await version(api, order)] : [];
  },
};
