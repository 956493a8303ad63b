import { describe, expect, it } from '@jest/globals';
import type { CanonicalReturnEvent } from '../../../canonical/return.js';
import { posChannel } from './pos-channel.js';
import { understandPosTransaction } from './pos-transaction.js';

const delivery = { id: 'inbox-1', topic: 'pos.return', account: 'brooklyn-01', eventId: 'T-3001', correlationId: 'c-1' };
const envelope = (transaction: Record<string, unknown>) => ({ batchId: 'B-1', storeId: 'brooklyn-01', register: 'R1', currency: 'USD', transaction });
const ret = (over: Record<string, unknown> = {}) => ({
  id: 'T-3001', type: 'RETURN', at: '2026-12-06T12:00:00-05:00', receipt: 'R-3001',
  original: { channel: 'POS', orderId: 'T-1001' },
  lines: [
    { originalLineId: '1', quantity: 1, subtotal: '17.00', tax: '0.68', reason: 'too small' },
    { originalLineId: '2', quantity: 1, subtotal: '24.50', tax: '0.98', condition: 'DAMAGED' },
  ],
  tenders: [{ kind: 'CASH', amount: '20.00' }, { kind: 'CARD', gateway: 'Adyen', amount: '23.16' }],
  total: '43.16',
  ...over,
});

describe('a POS RETURN that names its original order', () => {
  it('is the goods dispositioned at the store, then a refund whose till transactions succeeded, and the cash it paid out', () => {
    const meaning = posChannel.understand(delivery, envelope(ret()));
    if (!meaning.ok || meaning.type !== 'returns') throw new Error(JSON.stringify(meaning));
    const [goods, money] = meaning.events as CanonicalReturnEvent[];
    const identity = { channel: 'POS', account: 'brooklyn-01', orderExternalId: 'T-1001', returnRef: null, rmaRef: null };
    expect(goods).toMatchObject({ kind: 'DISPOSITIONED', identity, source: { system: 'POS', account: 'brooklyn-01', eventKey: 'T-3001:goods' }, refund: null });
    expect(goods.lines.map((l) => [l.lineRef, l.quantity, l.condition, l.disposition, l.locationRef, l.locationScope])).toEqual([
      ['1', 1, 'NEW', 'RESTOCK', 'brooklyn-01', { channel: 'POS', account: 'brooklyn-01' }],
      ['2', 1, 'DAMAGED', 'SCRAP', 'brooklyn-01', { channel: 'POS', account: 'brooklyn-01' }],
    ]);
    expect(money).toMatchObject({ kind: 'REFUNDED', identity, source: { eventKey: 'T-3001:refund' } });
    expect(money.refund!.externalId).toBe('brooklyn-01-T-3001');
    expect(money.refund!.components.map((c) => [c.kind, c.lineRef, c.quantity, c.amount.amount])).toEqual([
      ['LINE_SUBTOTAL', '1', 1, 1700n], ['LINE_TAX', '1', 1, 68n], ['LINE_SUBTOTAL', '2', 1, 2450n], ['LINE_TAX', '2', 1, 98n],
    ]);
    expect(money.refund!.transactions.map((t) => [t.externalId, t.tender, t.gateway, t.status, t.amount.amount])).toEqual([
      ['T-3001#1', 'ORIGINAL_PAYMENT', 'cash', 'SUCCESS', 2000n], ['T-3001#2', 'ORIGINAL_PAYMENT', 'adyen', 'SUCCESS', 2316n],
    ]);
    expect(meaning.till).toMatchObject({ kind: 'RETURN', cash: -2000n, transactionId: 'T-3001' });
  });

  it('names an online order under its own channel and account (buy online, return in store)', () => {
    const meaning = understandPosTransaction(envelope(ret({ original: { channel: 'SHOPIFY', account: 'example-shop.myshopify.com', orderId: '820982911946154508' } })));
    if (!meaning.ok || meaning.type !== 'return') throw new Error(JSON.stringify(meaning));
    expect(meaning.events.map((e) => e.identity)).toEqual([
      { channel: 'SHOPIFY', account: 'example-shop.myshopify.com', orderExternalId: '820982911946154508', returnRef: null, rmaRef: null },
    ].flatMap((i) => [i, i]));
    expect(meaning.events[0].source).toMatchObject({ system: 'POS', account: 'brooklyn-01' });
  });

  it('is refused with every field that is wrong', () => {
    const meaning = understandPosTransaction(envelope(ret({
      original: { channel: 'shopify', orderId: '' },
      lines: [{ originalLineId: '1', quantity: 0, subtotal: '17.00', disposition: 'BURN' }],
      tenders: [{ kind: 'CARD', amount: '17.00' }],
      total: '17.00',
    })));
    expect(meaning.ok).toBe(false);
    if (meaning.ok) return;
    expect(meaning.errors.map((e) => e.field)).toEqual([
      'transaction.original.channel', 'transaction.original.account', 'transaction.original.orderId',
      'transaction.lines[0].disposition', 'transaction.lines[0].quantity', 'transaction.tenders[0].gateway',
    ]);
  });

  it('must add up: the tenders and the lines to the total', () => {
    const meaning = understandPosTransaction(envelope(ret({ total: '50.00' })));
    expect(meaning.ok ? [] : meaning.errors).toEqual([
      { field: 'transaction.tenders', reason: 'tenders come to 4316 minor units, the total is 5000' },
      { field: 'transaction.lines', reason: 'the lines come to 4316 minor units (subtotal + tax), the total is 5000' },
    ]);
  });

  it('without an original is kept for the store day only, as before', () => {
    const meaning = posChannel.understand(delivery, envelope({ id: 'T-3002', type: 'RETURN', at: '2026-12-06T12:00:00-05:00', tenders: [{ kind: 'CASH', amount: '18.00' }] }));
    expect(meaning).toMatchObject({ ok: true, type: 'till', transaction: { kind: 'RETURN', cash: -1800n } });
  });
});
