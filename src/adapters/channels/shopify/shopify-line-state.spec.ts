import type { ShopifyOrderDto } from './shopify-order.dto.js';
import { editedQuantity, fulfilledQuantity, fulfillmentsAtSource, shopifyOrderDates } from './shopify-line-state.js';

type Line = ShopifyOrderDto['line_items'][number];
const line = (over: Partial<Line>): Line => ({ id: '11', title: 'Tabs', quantity: 3, price: '10.00', taxable: false, requires_shipping: true, ...over }) as Line;
const order = (over: Partial<ShopifyOrderDto>): ShopifyOrderDto =>
  ({ id: '900', created_at: '2026-03-31T20:30:00-04:00', processed_at: '2026-03-31T20:30:00-04:00', line_items: [], ...over }) as ShopifyOrderDto;

describe('Shopify line state', () => {
  it('follows edits but keeps refunded units on the order (they are the returns’ business)', () => {
    const dto = order({ refunds: [{ refund_line_items: [{ line_item_id: '11', quantity: 1 }] }] });
    expect(editedQuantity(line({ current_quantity: 1 }), dto)).toBe(2);
    expect(editedQuantity(line({ current_quantity: 0, id: '12' }), dto)).toBe(0);
    expect(editedQuantity(line({}), dto)).toBe(3);
  });

  it('counts units fulfilled at the till, and attributes them to the order’s fulfilments', () => {
    const tabs = line({ current_quantity: 3, fulfillable_quantity: 0, fulfillment_status: 'fulfilled' });
    const socks = line({ id: '12', quantity: 2, current_quantity: 2, fulfillable_quantity: 1, fulfillment_status: 'partial' });
    const web = line({ id: '13', current_quantity: 3, fulfillable_quantity: 3 });
    const dto = order({ location_id: '70001', line_items: [tabs, socks, web], fulfillments: [{ id: '501', status: 'success', line_items: [{ id: '11', quantity: 3 }] }] });
    expect([tabs, socks, web].map((l) => fulfilledQuantity(l, dto))).toEqual([3, 1, 0]);
    expect(fulfillmentsAtSource(dto, '900')).toEqual([
      { externalId: '501', fulfilledAt: '2026-04-01T00:30:00.000Z', locationRef: '70001', lines: [{ lineRef: '11', quantity: 3 }] },
      { externalId: '900-fulfilled-at-source', fulfilledAt: '2026-04-01T00:30:00.000Z', locationRef: '70001', lines: [{ lineRef: '12', quantity: 1 }] },
    ]);
    expect(fulfillmentsAtSource(order({ line_items: [web] }), '900')).toEqual([]);
  });

  it('keeps processed_at as printed and dates the order in its offset', () => {
    expect(shopifyOrderDates(order({}))).toEqual({ processedAt: '2026-03-31T20:30:00-04:00', accountingDate: '2026-03-31', timeZone: '-04:00' });
    expect(shopifyOrderDates(order({ processed_at: '2026-04-01T00:30:00Z' }))).toEqual({ processedAt: '2026-04-01T00:30:00Z' });
  });
});
