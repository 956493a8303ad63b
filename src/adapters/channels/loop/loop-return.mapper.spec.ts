import { loopEventKey } from './loop-event-key.js';
import { LoopEventError, mapLoopEvent, type LoopEventContext } from './loop-return.mapper.js';
import { signLoopBody, verifyLoopSignature } from './loop-signature.js';

const context = (trigger: LoopEventContext['trigger']): LoopEventContext => ({ trigger, account: 'shop.myshopify.com', eventKey: 'k', receivedAt: '2026-11-20T10:00:00.000Z' });
const ORDER = '5723409812345678901';

describe('Loop webhooks as canonical return events', () => {
  it('files a return under the Shopify order with the Loop return as RMA, one unit per line item', () => {
    const body = { trigger: 'return.created', id: '1673', state: 'open', created_at: '2026-11-20T10:00:00Z', provider_order_id: ORDER,
      line_items: [{ line_item_id: '1', provider_line_item_id: '11', reason: 'Too small' }, { line_item_id: '2', provider_line_item_id: '11' }] };
    const event = mapLoopEvent(body, context('return.created'));
    expect(event).toMatchObject({ kind: 'APPROVED', identity: { channel: 'SHOPIFY', orderExternalId: ORDER, rmaRef: '1673', returnRef: null }, source: { system: 'LOOP', occurredAt: '2026-11-20T10:00:00.000Z' } });
    expect(event.lines).toEqual([{ lineRef: '11', quantity: 1, reason: 'Too small' }, { lineRef: '11', quantity: 1, reason: null }]);
    expect(mapLoopEvent({ ...body, state: 'review' }, context('return.updated')).kind).toBe('REQUESTED');
    expect(mapLoopEvent({ ...body, state: 'expired' }, context('return.updated'))).toMatchObject({ kind: 'CANCELLED', lines: [] });
    expect(mapLoopEvent(body, context('return.closed'))).toMatchObject({ kind: 'CLOSED', lines: [] });
  });

  it('moves all units on a label the carrier has, and none before', () => {
    const label = { trigger: 'label.updated', return_id: '1673', provider_order_id: ORDER, label_status: 'in_transit', carrier: 'USPS', tracking_number: '9400' };
    expect(mapLoopEvent(label, context('label.updated'))).toMatchObject({ kind: 'IN_TRANSIT', allUnits: true, lines: [] });
    expect(mapLoopEvent({ ...label, label_status: 'pre_transit' }, context('label.created'))).toMatchObject({ kind: 'APPROVED', allUnits: false });
  });

  it('restocks per order line, keyed or listed, and refuses an item named by variant alone', () => {
    const keyed = { trigger: 'restock.requested', id: '1673', provider_order_id: ORDER, restock_items: { 11: { location_id: 730001, available_adjustment: '2' } } };
    expect(mapLoopEvent(keyed, context('restock.requested')).lines).toEqual([{ lineRef: '11', quantity: 2, disposition: 'RESTOCK', locationRef: '730001' }]);
    const listed = { ...keyed, restock_items: [{ variant_id: 459875465, location_id: 730001, available_adjustment: 1 }] };
    expect(() => mapLoopEvent(listed, context('restock.requested'))).toThrow(new LoopEventError('restock_items[0].line_item_id', 'is required: variant 459875465 alone does not say which order line came back'));
  });

  it('makes a gift card a refund paid by gift card, in minor units', () => {
    const body = { trigger: 'giftcard.requested', id: 12345, total_credit_issued: '23.50', currency: 'USD', return_id: '23456', external_order_id: ORDER };
    const event = mapLoopEvent(body, context('giftcard.requested'));
    expect(event).toMatchObject({ kind: 'REFUNDED', identity: { rmaRef: '23456', orderExternalId: ORDER } });
    expect(event.refund).toMatchObject({
      externalId: 'loop-giftcard-12345', processedAt: '2026-11-20T10:00:00.000Z',
      components: [{ kind: 'ADJUSTMENT', amount: { amount: 2350n, currency: 'USD' } }],
      transactions: [{ tender: 'GIFT_CARD', status: 'SUCCESS', amount: { amount: 2350n, currency: 'USD' } }],
    });
    expect(() => mapLoopEvent({ ...body, total_credit_issued: '23.505' }, context('giftcard.requested'))).toThrow(/total_credit_issued/);
  });

  it('keys an event by its return, trigger, state and edit time, and checks the signature over the raw bytes', () => {
    const body = { id: '1673', state: 'open', created_at: 'c', edited_at: 'e' };
    expect(loopEventKey('return.updated', body, 'ab'.repeat(32))).toBe('return.updated:1673:open:e');
    expect(loopEventKey('return.updated', { ...body, state: 'closed' }, 'x')).not.toBe(loopEventKey('return.updated', body, 'x'));
    const raw = Buffer.from('{"id":"1673"}');
    expect(verifyLoopSignature(raw, signLoopBody(raw, 'secret'), 'secret')).toBe(true);
    expect(verifyLoopSignature(Buffer.from('{"id":"1674"}'), signLoopBody(raw, 'secret'), 'secret')).toBe(false);
    expect(verifyLoopSignature(raw, 'not base64!', 'secret')).toBe(false);
  });
});
