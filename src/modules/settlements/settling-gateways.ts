import { PAYMENT_PROVIDER_CODES } from '../../adapters/payments/providers.js';

/**
 * Which imported report settles a tender's money, by the gateway name the channel gave the tender
 * (case-insensitive): Shopify Payments in its payouts, Amazon in its settlements, the payment
 * providers in theirs, whatever storefront took the order. Gift cards, cash, cash on delivery and
 * manual payments settle in no report the hub imports, so no report is expected to name them.
 */
export const SETTLING_GATEWAYS: readonly { readonly channel: string; readonly pattern: string }[] = [
  { channel: 'SHOPIFY', pattern: '^shopify_payments$' },
  { channel: 'AMAZON', pattern: '^amazon$' },
  { channel: 'STRIPE', pattern: 'stripe' },
  { channel: 'ADYEN', pattern: 'adyen' },
  { channel: 'PAYPAL', pattern: 'paypal' },
];

const MATCHERS = SETTLING_GATEWAYS.map((g) => ({ channel: g.channel, pattern: new RegExp(g.pattern, 'i') }));

/** The report channel that settles money moved through this gateway, or null when no imported report does. */
export function settlingChannelOf(gateway: string): string | null {
  return MATCHERS.find((m) => m.pattern.test(gateway))?.channel ?? null;
}

/** The table above as a FROM item aliased `g` (channel, pattern); its values are constants of the code. */
export const SETTLING_GATEWAYS_SQL = `(VALUES ${SETTLING_GATEWAYS.map((g) => `('${g.channel}', '${g.pattern}')`).join(', ')}) AS g (channel, pattern)`;

/**
 * Report channels that name an order by the merchant's own reference (its channel id or number)
 * rather than as one of their own orders: the order's expectations come from its tenders there.
 */
export const REFERENCE_CHANNELS: readonly string[] = PAYMENT_PROVIDER_CODES;
