import { mapShopifyReturn, ShopifyReturnError } from './shopify-return.mapper.js';
import { parseJsonPreservingBigIds } from './shopify-webhook.js';

/** As text, so the 19-digit line id stays exact (Shopify ids pass 2^53). */
const body = (status: string, lineItem = '{"id":1612345678901234501}') => parseJsonPreservingBigIds(
  `{"id":6200100100,"admin_graphql_api_id":"gid://shopify/Return/6200100100","status":"${status}","name":"#1001-R1",
    "order":{"id":7100200300400,"admin_graphql_api_id":"gid://shopify/Order/7100200300400"},
    "return_line_items":[{"id":33001,"quantity":2,"return_reason":"size_too_small","fulfillment_line_item":{"id":1,"line_item":${lineItem}}}]}`,
);
const context = (topic: string) => ({ topic, account: 'shop.myshopify.com', eventKey: 'evt-1' });

describe('mapShopifyReturn', () => {
  it('lists the units a request sends back, keyed by the order line, with the reason', () => {
    const event = mapShopifyReturn(body('requested'), context('returns/request'));
    expect(event.kind).toBe('REQUESTED');
    expect(event.identity).toEqual({ channel: 'SHOPIFY', account: 'shop.myshopify.com', orderExternalId: '7100200300400', returnRef: '6200100100', rmaRef: null });
    expect(event.lines).toEqual([{ lineRef: '1612345678901234501', quantity: 2, reason: 'size_too_small' }]);
    expect(event.source.occurredAt).toBeNull();
  });

  it('reads returns/update by the status it carries, and whole-case topics without units', () => {
    expect(mapShopifyReturn(body('open'), context('returns/update')).kind).toBe('APPROVED');
    expect(mapShopifyReturn(body('declined'), context('returns/update')).kind).toBe('DECLINED');
    const closed = mapShopifyReturn(body('closed'), context('returns/close'));
    expect([closed.kind, closed.lines]).toEqual(['CLOSED', []]);
  });

  it('takes the line id from a GraphQL gid, and refuses an unverified line it cannot tie to the order', () => {
    expect(mapShopifyReturn(body('requested', '{"id":"gid://shopify/LineItem/55"}'), context('returns/request')).lines[0].lineRef).toBe('55');
    expect(() => mapShopifyReturn(body('requested', 'null'), context('returns/request'))).toThrow(ShopifyReturnError);
  });
});
