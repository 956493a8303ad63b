import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { DEFAULT_CONVERSION_ROUNDING_PER_LINE, withConversionRounding } from '../../canonical/conversion.js';
import type { CanonicalOrder } from '../../canonical/order.js';

/** How long looked-up rules are trusted before the table is read again. */
const TTL_MS = 5000;

export interface OrderRules {
  /** Test orders go through like any other (a staging target); otherwise they are held TEST_ORDER. */
  readonly allowTestOrders: boolean;
  /** Minor units per line a converted order's rounding may take (plus one) before it is held TOTALS_MISMATCH. */
  readonly conversionRoundingPerLine: number;
}

const DEFAULT_RULES: OrderRules = { allowTestOrders: false, conversionRoundingPerLine: DEFAULT_CONVERSION_ROUNDING_PER_LINE };

/**
 * A channel account's rules for its orders (allowTestOrders, conversionRoundingPerLine), applied to
 * each order as it is understood, before the release gates see it; cached briefly like the zones.
 */
@Injectable()
export class ChannelAccountOrderRules {
  private readonly cache = new Map<string, { rules: Promise<OrderRules>; until: number }>();

  forget(channel: string, account: string): void {
    this.cache.delete(`${channel}\u0000${account}`);
  }

  /** On the caller's runner: the embedded database has one session, which the caller's transaction holds. */
  rulesOf(runner: QueryRunner, channel: string, account: string): Promise<OrderRules> {
    const key = `${channel}\u0000${account}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.rules;
    const rules = runner
      .query('SELECT allow_test_orders, conversion_rounding_per_line FROM channel_accounts WHERE channel = $1 AND account = $2', [channel, account])
      .then((rows: { allow_test_orders: boolean; conversion_rounding_per_line: number }[]) =>
        rows[0] ? { allowTestOrders: rows[0].allow_test_orders, conversionRoundingPerLine: rows[0].conversion_rounding_per_line } : DEFAULT_RULES);
    rules.catch(() => this.cache.delete(key));
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { rules, until: Date.now() + TTL_MS });
    return rules;
  }

  /** The order under its account's rules: a converted order's rounding made explicit, a test order let through where allowed. */
  async applied(runner: QueryRunner, order: CanonicalOrder): Promise<CanonicalOrder> {
    const rules = await this.rulesOf(runner, order.source.system, order.source.account);
    const rounded = withConversionRounding(order, rules.conversionRoundingPerLine);
    return rounded.test === true && rules.allowTestOrders ? { ...rounded, testAllowed: true } : rounded;
  }
}
