import type { ChannelContext } from '../channel-port.js';
import { LwaTokens } from './lwa-token.js';
import { SpApiClient } from './sp-api-client.js';

/** A seller as the hub keeps it: the regional endpoint and the seller's refresh token. */
export interface SellerAccess {
  readonly account: string;
  readonly apiUrl: string | null;
  readonly accessToken: string;
}

/** One token cache per seller, shared by its poller, its fetches and the shipments confirmed for it. */
const tokenCaches = new Map<string, LwaTokens>();

export class AmazonSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmazonSetupError';
  }
}

/** The seller's Selling Partner API client, within the shared usage plans. */
export function spApiFor(seller: SellerAccess, context: ChannelContext, timeoutMs?: number): SpApiClient {
  const lwa = context.config.amazonLwa;
  if (!lwa) throw new AmazonSetupError('Amazon needs the hub\'s Login with Amazon application: set AMAZON_LWA_CLIENT_ID and AMAZON_LWA_CLIENT_SECRET');
  if (!seller.apiUrl) throw new AmazonSetupError(`Amazon seller ${seller.account} has no Selling Partner API endpoint (adminApiUrl)`);
  const cacheKey = `${seller.account}\u0000${seller.accessToken}\u0000${lwa.tokenUrl}`;
  let tokens = tokenCaches.get(cacheKey);
  if (!tokens) {
    tokens = new LwaTokens({ tokenUrl: lwa.tokenUrl, clientId: lwa.clientId, clientSecret: lwa.clientSecret, refreshToken: seller.accessToken });
    tokenCaches.set(cacheKey, tokens);
  }
  return new SpApiClient({ endpoint: seller.apiUrl, sellerId: seller.account, tokens, buckets: context.buckets, signal: context.signal, timeoutMs });
}
