import { amazonChannel } from './amazon/amazon-channel.js';
import { posChannel } from './pos/pos-channel.js';
import { CHANNEL_CODE_FORMAT, type ChannelAdapter, type ChannelFulfilments } from './channel-port.js';
import { loopChannel } from './loop/loop-channel.js';
import { shopifyChannel } from './shopify/shopify-channel.js';
import { storefrontChannel } from './storefront/storefront-channel.js';

/** Every sales channel the hub takes deliveries from: adding a channel is one line here. */
export const CHANNEL_ADAPTERS: readonly ChannelAdapter[] = [shopifyChannel, storefrontChannel, amazonChannel, posChannel, loopChannel];

/**
 * Channels named ahead of their adapter: master data, ERP routing and channel accounts may
 * already be set up for them; deliveries are not taken until an adapter is registered.
 */
const PLANNED_CHANNELS = ['ADOBE_COMMERCE', 'BIGCOMMERCE', 'SFCC', 'WALMART', 'EBAY'] as const;

export const CHANNEL_CODES: readonly string[] = [...CHANNEL_ADAPTERS.map((adapter) => adapter.code), ...PLANNED_CHANNELS];

/** Channels that also keep a webhook path of their own, from before POST /webhooks/{channel}. */
export const DEDICATED_WEBHOOK_SLUGS: readonly string[] = CHANNEL_ADAPTERS.filter((adapter) => adapter.dedicatedRoute).map((adapter) => adapter.slug);

const bySlug = new Map(CHANNEL_ADAPTERS.map((adapter) => [adapter.slug, adapter]));
const byCode = new Map(CHANNEL_ADAPTERS.map((adapter) => [adapter.code, adapter]));

for (const code of CHANNEL_CODES) {
  if (!CHANNEL_CODE_FORMAT.test(code)) throw new Error(`channel code ${code} is not an upper-case identifier`);
}
if (bySlug.size !== CHANNEL_ADAPTERS.length || new Set(CHANNEL_CODES).size !== CHANNEL_CODES.length) {
  throw new Error('two channels share a code or a webhook path');
}

/** The adapter serving POST /webhooks/{slug}, if any. */
export function channelBySlug(slug: string): ChannelAdapter | undefined {
  return bySlug.get(slug);
}

/** The adapter of a channel code (an inbox row's source, an order's channel), if any. */
export function channelByCode(code: string): ChannelAdapter | undefined {
  return byCode.get(code);
}

export function isChannelCode(value: unknown): value is string {
  return typeof value === 'string' && CHANNEL_CODES.includes(value);
}

/** An account as the channel keys it (Shopify lower-cases shop domains); unchanged for channels without an adapter. */
export function normaliseAccount(channel: string, account: string): string {
  return byCode.get(channel)?.normaliseAccount(account) ?? account;
}

/** The channel's tracking-back operation, if it takes tracking (unknown channels do not). */
export function channelFulfilments(code: string): ChannelFulfilments | undefined {
  return byCode.get(code)?.fulfilments;
}

/** The channel's name in notes people read; its code for a channel without an adapter. */
export function channelLabel(code: string): string {
  return byCode.get(code)?.label ?? code;
}
