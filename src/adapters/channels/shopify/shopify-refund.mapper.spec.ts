import { readFileSync } from 'node:fs';
import { mapShopifyRefund, ShopifyRefundError } from './shopify-refund.mapper.js';
import { parseJsonPreservingBigIds } from './shopify-webhook.js';

// Parsed JSON bodies are mutated freely in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

const FIXTURE = new URL('../../../../test/fixtures/shopify/refund.partial-with-shipping.json', import.meta.url);
const body = (): Body => parseJsonPreservingBigIds(readFileSync(FIXTURE, 'utf8'));
const context = { account: 'northwind.myshopify.com', eventKey: 'evt-1' };
const amounts = (event: ReturnType<typeof mapShopifyRefund>): Record<string, bigint> =>
  Object.fromEntries(event.refund!.components.map((c) => [c.kind, c.amount.amount]));

describe('mapShopifyRefund', () => {
  it('takes line money from the channel figures and counts shipping once', () => {
    const event = mapShopifyRefund(body(), context);
    expect(event.kind).toBe('REFUNDED');
    expect(event.identity).toEqual({ channel: 'SHOPIFY', account: context.account, orderExternalId: '7100200300400', returnRef: '6200100100', rmaRef: null });
    // 80.99 is Shopify's discounted subtotal for one of two units, not 89.99 × 1.
    expect(amounts(event)).toEqual({ LINE_SUBTOTAL: 8099n, LINE_TAX: 668n, SHIPPING: 750n, ADJUSTMENT: 200n });
    expect(event.refund!.components.reduce((s, c) => s + c.amount.amount, 0n)).toBe(9717n);
    expect(event.lines).toEqual([{ lineRef: '15500001', quantity: 1, locationRef: '7300001' }]);
  });

  it('keeps refund ids exact past 2^53 and names each tender', () => {
    const event = mapShopifyRefund(body(), context);
    expect(event.refund!.transactions.map((t) => [t.externalId, t.tender, t.status, t.amount.amount])).toEqual([
      ['5500000000000001', 'ORIGINAL_PAYMENT', 'SUCCESS', 7717n],
      ['5500000000000002', 'GIFT_CARD', 'SUCCESS', 2000n],
    ]);
  });

  it('waits on a pending transaction and records a failed one', () => {
    const pending = body();
    pending.transactions[0].status = 'pending';
    pending.transactions[1].status = 'failure';
    const event = mapShopifyRefund(pending, context);
    expect(event.refund!.transactions.map((t) => t.status)).toEqual(['PENDING', 'FAILURE']);
  });

  it('names the field it cannot use', () => {
    const bad = body();
    bad.refund_line_items[0].subtotal_set.shop_money.amount = '80.999';
    expect(() => mapShopifyRefund(bad, context)).toThrow(ShopifyRefundError);
    expect(() => mapShopifyRefund(bad, context)).toThrow(/refund_line_items\[0\]\.subtotal_set\.shop_money\.amount/);
    const mixed = body();
    mixed.transactions[1].currency = 'EUR';
    expect(() => mapShopifyRefund(mixed, context)).toThrow(/transactions\[1\]\.currency/);
  });

  it('maps a refund with no return and no lines (goodwill) to a case-less refund of the order', () => {
    const goodwill = body();
    goodwill.return = null;
    goodwill.refund_line_items = [];
    goodwill.refund_shipping_lines = [];
    goodwill.order_adjustments = [goodwill.order_adjustments[1]];
    goodwill.transactions = [{ ...goodwill.transactions[0], amount: '2.00' }];
    const event = mapShopifyRefund(goodwill, context);
    expect(event.identity.returnRef).toBeNull();
    expect(event.lines).toEqual([]);
    expect(amounts(event)).toEqual({ ADJUSTMENT: 200n });
  });
});
