/**
 * The Selling Partner API calls the hub makes, each within the seller's usage plan: a token
 * bucket per seller and operation shared by every process (Redis), a 429 drains it and waits
 * by the rate Amazon names in x-amzn-RateLimit-Limit, and an access token refused as expired
 * is exchanged again once. Nothing is lost to throttling: a call waits, or fails as retryable.
 */
import type { BucketPlan, RedisTokenBuckets } from '../../../platform/queue/redis-token-bucket.js';
import type { LwaTokens } from './lwa-token.js';

/** Usage plans from the Orders API model (ordersV0.json, "Usage plan" tables). */
export const AMAZON_USAGE_PLANS: Readonly<Record<AmazonOperation, BucketPlan>> = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  getOrderAddress: { rate: 0.5, burst: 30 },
  // Tokens API v2021-03-01 ("Usage plan": 1 request per second, burst 10).
  createRestrictedDataToken: { rate: 1, burst: 10 },
};

export type AmazonOperation = 'getOrders' | 'getOrder' | 'getOrderItems' | 'confirmShipment' | 'getOrderAddress' | 'createRestrictedDataToken';
type Json = Record<string, unknown>;

/** A refusal from the API with Amazon's own code; `retryable` when asking again later can succeed. */
export class AmazonApiError extends Error {
  constructor(message: string, readonly status: number, readonly code: string, readonly retryable: boolean) {
    super(message);
    this.name = 'AmazonApiError';
  }
}

export interface SpApiOptions {
  /** The regional endpoint (https://sellingpartnerapi-na.amazon.com; the sandbox's in tests). */
  readonly endpoint: string;
  readonly sellerId: string;
  readonly tokens: LwaTokens;
  /** Null: no shared budget (one process); the 429 handling still applies. */
  readonly buckets: RedisTokenBuckets | null;
  readonly timeoutMs?: number;
  /** 429s in a row before giving up as retryable. */
  readonly maxThrottled?: number;
  readonly signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason as Error); }, { once: true });
});

export class SpApiClient {
  constructor(private readonly options: SpApiOptions) {}

  /** `restrictedToken`: a Restricted Data Token to call with instead of the seller's access token. */
  async call(operation: AmazonOperation, method: 'GET' | 'POST', path: string, query: Record<string, string> = {}, body?: Json, restrictedToken?: string): Promise<Json | null> {
    const plan = AMAZON_USAGE_PLANS[operation];
    const key = `${this.options.sellerId}:${operation}`;
    let throttled = 0;
    let refreshed = false;
    for (;;) {
      await this.options.buckets?.take(key, plan, this.options.signal);
      const token = restrictedToken ?? (await this.options.tokens.accessToken());
      const url = new URL(path, this.options.endpoint);
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      const response = await fetch(url, {
        method,
        headers: { 'x-amz-access-token': token, accept: 'application/json', ...(body && { 'content-type': 'application/json' }), 'user-agent': 'retail-sync-hub/0.1 (Language=TypeScript)' },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
      const text = await response.text();
      if (response.ok) return text === '' ? null : (JSON.parse(text) as Json);
      const error = firstError(text);
      if (response.status === 429) {
        throttled += 1;
        if (throttled > (this.options.maxThrottled ?? 5)) throw new AmazonApiError(`${operation} throttled ${throttled} times in a row`, 429, 'QuotaExceeded', true);
        // Amazon's bucket is empty: so is ours now, and the next token comes at the rate it names.
        await this.options.buckets?.drain(key);
        const rate = Number(response.headers.get('x-amzn-ratelimit-limit'));
        const waitMs = Math.min(60_000, Math.ceil(1000 / (rate > 0 ? rate : plan.rate)) * throttled);
        await sleep(this.options.buckets ? Math.min(waitMs, 1000) : waitMs, this.options.signal);
        continue;
      }
      if (response.status === 403 && /expired/i.test(error.details) && !refreshed && !restrictedToken) {
        refreshed = true;
        this.options.tokens.forget(token);
        continue;
      }
      throw new AmazonApiError(`${operation}: ${response.status} ${error.code} ${error.message}`.trim(), response.status, error.code, response.status >= 500);
    }
  }

  async getOrders(query: Record<string, string>): Promise<Json> {
    return (await this.call('getOrders', 'GET', '/orders/v0/orders', query))?.payload as Json;
  }

  async getOrder(orderId: string): Promise<Json> {
    return (await this.call('getOrder', 'GET', `/orders/v0/orders/${encodeURIComponent(orderId)}`))?.payload as Json;
  }

  /** Every item of the order, across NextToken pages. */
  async getOrderItems(orderId: string): Promise<Json[]> {
    const items: Json[] = [];
    let next: string | undefined;
    do {
      const page = (await this.call('getOrderItems', 'GET', `/orders/v0/orders/${encodeURIComponent(orderId)}/orderItems`, next ? { NextToken: next } : {}))?.payload as Json;
      items.push(...((page?.OrderItems as Json[] | undefined) ?? []));
      next = typeof page?.NextToken === 'string' ? page.NextToken : undefined;
    } while (next);
    return items;
  }

  /**
   * The order's whole shipping address (name, street, phone): restricted data, read with a
   * Restricted Data Token made for this one path and used once.
   */
  async getOrderAddress(orderId: string): Promise<Json | null> {
    const path = `/orders/v0/orders/${encodeURIComponent(orderId)}/address`;
    const granted = await this.call('createRestrictedDataToken', 'POST', '/tokens/2021-03-01/restrictedDataToken', {}, { restrictedResources: [{ method: 'GET', path }] });
    const token = granted?.restrictedDataToken;
    if (typeof token !== 'string') throw new AmazonApiError('createRestrictedDataToken answered without a token', 200, 'NoToken', true);
    const payload = (await this.call('getOrderAddress', 'GET', path, {}, undefined, token))?.payload as Json | undefined;
    return (payload?.ShippingAddress as Json | undefined) ?? null;
  }

  async confirmShipment(orderId: string, body: Json): Promise<void> {
    await this.call('confirmShipment', 'POST', `/orders/v0/orders/${encodeURIComponent(orderId)}/shipmentConfirmation`, {}, body);
  }
}

function firstError(text: string): { code: string; message: string; details: string } {
  try {
    const errors = (JSON.parse(text) as { errors?: { code?: unknown; message?: unknown; details?: unknown }[] }).errors;
    const first = errors?.[0];
    return { code: String(first?.code ?? ''), message: String(first?.message ?? ''), details: String(first?.details ?? '') };
  } catch {
    return { code: '', message: text.slice(0, 200), details: '' };
  }
}
