import {
  assertNever,
  CANONICAL_EVENT_TYPES,
  isCanonicalEventType,
  type CanonicalEvent,
  type EventOfType,
} from './events.js';
import { money, type Money } from './money.js';
import type { SourceRef } from './references.js';

const source: SourceRef = { system: 'SHOPIFY', account: 'example-store.myshopify.com', externalId: '5012345678901234567' };

/** Reads the money an event moves, if any: compiles only because every case narrows. */
function amountOf(event: CanonicalEvent): Money | null {
  switch (event.type) {
    case 'OrderPlaced':
    case 'OrderUpdated':
    case 'OrderCancelled':
      return event.payload.order.sourceTotals.grandTotal;
    case 'PaymentAuthorized':
    case 'PaymentCaptured':
    case 'RefundApproved':
    case 'RefundSettled':
    case 'CreditMemoPosted':
    case 'PayoutReported':
      return event.payload.amount;
    case 'SettlementReported':
      return event.payload.net;
    case 'RiskAssessed':
    case 'FulfillmentRequested':
    case 'ShipmentConfirmed':
    case 'ReturnAuthorized':
    case 'ReturnInTransit':
    case 'ReturnReceived':
    case 'ReturnInspected':
    case 'DispositionAssigned':
      return null;
    default:
      return assertNever(event);
  }
}

describe('canonical events', () => {
  const captured: EventOfType<'PaymentCaptured'> = {
    type: 'PaymentCaptured',
    correlationId: 'corr-1',
    source: { ...source, externalId: '9100000000000000001' },
    occurredAt: '2025-03-01T10:05:00.000Z',
    payload: { orderRef: source, tender: 'CARD', gateway: 'shopify_payments', amount: money(6385n, 'USD'), captureId: 'ch_1' },
  };

  it('narrows on type', () => {
    const event: CanonicalEvent = captured;
    expect(amountOf(event)).toEqual({ amount: 6385n, currency: 'USD' });
    if (event.type === 'PaymentCaptured') expect(event.payload.captureId).toBe('ch_1');

    const disposition: CanonicalEvent = {
      type: 'DispositionAssigned',
      correlationId: 'corr-2',
      source,
      occurredAt: '2025-03-09T12:00:00.000Z',
      payload: { rmaNumber: 'RMA-1', lines: [{ orderLineExternalId: '1', sku: 'SKU-1', quantity: 1, disposition: 'SCRAP' }] },
    };
    expect(amountOf(disposition)).toBeNull();
  });

  it('lists every type once', () => {
    expect(CANONICAL_EVENT_TYPES).toHaveLength(18);
    expect(new Set(CANONICAL_EVENT_TYPES).size).toBe(18);
    expect(isCanonicalEventType('RefundSettled')).toBe(true);
    expect(isCanonicalEventType('OrderShipped')).toBe(false);
    expect(isCanonicalEventType(undefined)).toBe(false);
  });

  it('assertNever throws on a value that slipped past the types, even one holding bigints', () => {
    const rogue = { ...captured, type: 'Nope' } as unknown as never;
    expect(() => assertNever(rogue)).toThrow('unexpected value: { type: Nope }');
    expect(() => assertNever('x' as never)).toThrow('unexpected value: "x"');
  });
});
