/**
 * Selling Partner API usage plans as the sandbox enforces them: a token bucket per caller and
 * operation, with the rate and burst the API models publish (ordersV0.json). An empty bucket is
 * answered 429 QuotaExceeded; every answer names the rate in x-amzn-RateLimit-Limit.
 */
export interface UsagePlan {
  /** Requests per second restored to the bucket. */
  readonly rate: number;
  readonly burst: number;
}

/** From the "Usage plan" tables of ordersV0.json. */
export const ORDER_PLANS: Readonly<Record<string, UsagePlan>> = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  getOrderAddress: { rate: 0.5, burst: 30 },
  // Tokens API v2021-03-01.
  createRestrictedDataToken: { rate: 1, burst: 10 },
};

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  /** Multiplies every bucket's burst (tests shrink it to provoke 429s). */
  burstScale = 1;

  reset(): void {
    this.buckets.clear();
    this.burstScale = 1;
  }

  /** Takes one token for the caller's operation; false when the bucket is empty. */
  take(caller: string, operation: string, now = Date.now()): boolean {
    const plan = ORDER_PLANS[operation];
    if (!plan) return true;
    const burst = Math.max(1, Math.floor(plan.burst * this.burstScale));
    const key = `${caller}:${operation}`;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * plan.rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
