import type { UnsettledRefund } from '../returns/refund-settlements.service.js';
import { settlingChannelOf } from './settling-gateways.js';

/** What one report channel should settle of a refund, and the keys its lines may name it by. */
export interface RefundExpectation {
  /** The report channel that settles this money. */
  readonly channel: string;
  readonly refund: UnsettledRefund;
  /** Positive minor units: what that channel gives back. */
  readonly total: bigint;
  readonly keys: readonly string[];
}

/**
 * Where a refund's money should show up. A movement through a gateway some imported report
 * settles (Shopify Payments, Amazon, a payment provider) is expected in that channel's
 * reports, for its own amount; what went back to a gift card, store credit, cash or a manual
 * payment settles in no report, so a refund made only of those is expected nowhere. A refund
 * the channel gave no movements for is expected whole in its own channel's reports.
 */
export function refundExpectations(refund: UnsettledRefund): RefundExpectation[] {
  if (!refund.movements.length) return [{ channel: refund.channel, refund, total: refund.total, keys: [refund.externalId, ...refund.transactionIds] }];
  const byChannel = new Map<string, { total: bigint; ids: string[] }>();
  for (const movement of refund.movements) {
    const channel = settlingChannelOf(movement.gateway);
    if (!channel) continue;
    const entry = byChannel.get(channel) ?? { total: 0n, ids: [] };
    entry.total += movement.amount;
    entry.ids.push(movement.externalId);
    byChannel.set(channel, entry);
  }
  return [...byChannel].map(([channel, { total, ids }]) => ({ channel, refund, total, keys: [refund.externalId, ...ids] }));
}
