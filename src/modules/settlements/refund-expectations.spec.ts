import { describe, expect, it } from '@jest/globals';
import type { UnsettledRefund } from '../returns/refund-settlements.service.js';
import { refundExpectations } from './refund-expectations.js';

const refund = (movements: UnsettledRefund['movements'], channel = 'SHOPIFY'): UnsettledRefund => ({
  channel, externalId: 'R1', transactionIds: movements.map((m) => m.externalId), movements, currency: 'USD', total: 3000n, processedAt: new Date('2026-04-01T00:00:00Z'),
});

describe('where a refund\'s money should show up', () => {
  it('expects each settling gateway\'s share in its own channel, and nothing of a gift card or cash', () => {
    const split = refund([
      { externalId: 't1', gateway: 'shopify_payments', amount: 1200n }, { externalId: 't2', gateway: 'Stripe', amount: 800n },
      { externalId: 't3', gateway: 'gift_card', amount: 700n }, { externalId: 't4', gateway: 'cash', amount: 300n }, { externalId: 't5', gateway: 'stripe', amount: 0n },
    ]);
    expect(refundExpectations(split).map(({ channel, total, keys }) => ({ channel, total, keys }))).toEqual([
      { channel: 'SHOPIFY', total: 1200n, keys: ['R1', 't1'] },
      { channel: 'STRIPE', total: 800n, keys: ['R1', 't2', 't5'] },
    ]);
  });

  it('expects nothing of a refund made only to store credit, and the whole refund in its own channel when the channel gave no movements', () => {
    expect(refundExpectations(refund([{ externalId: 's1', gateway: 'store_credit', amount: 3000n }]))).toEqual([]);
    expect(refundExpectations(refund([], 'AMAZON')).map(({ channel, total, keys }) => ({ channel, total, keys }))).toEqual([{ channel: 'AMAZON', total: 3000n, keys: ['R1'] }]);
  });
});
