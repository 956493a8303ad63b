import { createHmac } from 'node:crypto';
import {
  parseShipmentConfirmation,
  readShipmentConfirmation,
  signFulfillmentEvent,
  verifyFulfillmentSignature,
} from './shipment-confirmation.js';

const SECRET = 'wms-callback-secret';

const shipped = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventId: 'evt-0001',
  type: 'SHIPPED',
  source: 'wms',
  requestId: '3f1c2a4e-9b7d-4c61-8e2f-5a0b1c2d3e4f',
  shipmentId: 'SHP-100001',
  orderRef: '8d2e6f10-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
  orderNumber: '#10421',
  locationRef: 'WH-EAST',
  carrier: 'UPS',
  trackingNumbers: ['1Z999AA10123456784'],
  occurredAt: '2026-04-02T10:15:00-04:00',
  lines: [{ lineRef: '1612345678901234501', sku: 'MER-CREW-NVY-M', quantity: 2 }],
  ...over,
});

const fields = (body: unknown): string[] => {
  const parsed = parseShipmentConfirmation(body);
  return parsed.ok ? [] : parsed.errors.map((e) => e.field);
};

describe('verifyFulfillmentSignature', () => {
  const raw = Buffer.from(JSON.stringify(shipped()), 'utf8');
  const good = createHmac('sha256', SECRET).update(raw).digest('base64');

  it('accepts base64 HMAC-SHA256 of the raw bytes and signs the same way', () => {
    expect(signFulfillmentEvent(raw, SECRET)).toBe(good);
    expect(verifyFulfillmentSignature(raw, good, SECRET)).toBe(true);
    expect(verifyFulfillmentSignature(raw, ` ${good}\n`, SECRET)).toBe(true);
  });

  it('refuses another secret, changed bytes, a malformed or missing header and an empty body or secret', () => {
    expect(verifyFulfillmentSignature(raw, good, 'other-secret')).toBe(false);
    // Same JSON meaning, different bytes: the signature covers bytes, not meaning.
    expect(verifyFulfillmentSignature(Buffer.from(JSON.stringify(shipped(), null, 1)), good, SECRET)).toBe(false);
    expect(verifyFulfillmentSignature(raw, good.slice(0, -2), SECRET)).toBe(false);
    expect(verifyFulfillmentSignature(raw, createHmac('sha256', SECRET).update(raw).digest('hex'), SECRET)).toBe(false);
    expect(verifyFulfillmentSignature(raw, undefined, SECRET)).toBe(false);
    expect(verifyFulfillmentSignature(Buffer.alloc(0), good, SECRET)).toBe(false);
    expect(verifyFulfillmentSignature(raw, good, '')).toBe(false);
  });
});

describe('parseShipmentConfirmation', () => {
  it('returns the typed event, occurredAt normalised to UTC', () => {
    const parsed = parseShipmentConfirmation(shipped());
    expect(parsed).toEqual({
      ok: true,
      value: {
        eventId: 'evt-0001', type: 'SHIPPED', source: 'wms', requestId: '3f1c2a4e-9b7d-4c61-8e2f-5a0b1c2d3e4f', shipmentId: 'SHP-100001',
        orderRef: '8d2e6f10-1a2b-4c3d-9e8f-0a1b2c3d4e5f', orderNumber: '#10421', locationRef: 'WH-EAST', carrier: 'UPS',
        trackingNumbers: ['1Z999AA10123456784'], occurredAt: '2026-04-02T14:15:00.000Z',
        lines: [{ lineRef: '1612345678901234501', sku: 'MER-CREW-NVY-M', quantity: 2 }],
      },
    });
  });

  it('takes a pickup ready with no lines, and a null carrier with no tracking numbers', () => {
    const parsed = parseShipmentConfirmation(shipped({ type: 'READY_FOR_PICKUP', source: 'store', carrier: null, trackingNumbers: [], lines: [] }));
    expect(parsed.ok && parsed.value).toMatchObject({ type: 'READY_FOR_PICKUP', carrier: null, trackingNumbers: [], lines: [] });
  });

  it('refuses quantities that are not positive whole numbers', () => {
    for (const quantity of [0, -1, 1.5, '2', null, 2 ** 53]) {
      expect(fields(shipped({ lines: [{ lineRef: 'L1', sku: 'S', quantity }] }))).toEqual(['lines[0].quantity']);
    }
  });

  it('refuses a type or source outside the enum', () => {
    expect(fields(shipped({ type: 'DELIVERED', source: 'WMS' }))).toEqual(['type', 'source']);
  });

  it('requires lines for SHIPPED and PICKED_UP, and refuses a line named twice', () => {
    expect(fields(shipped({ lines: [] }))).toEqual(['lines']);
    expect(fields(shipped({ type: 'PICKED_UP', lines: [] }))).toEqual(['lines']);
    expect(fields(shipped({ lines: 'all' }))).toEqual(['lines']);
    const twice = [{ lineRef: 'L1', sku: 'S', quantity: 1 }, { lineRef: 'L1', sku: 'S', quantity: 1 }];
    expect(fields(shipped({ lines: twice }))).toEqual(['lines[1].lineRef']);
  });

  it('requires occurredAt to be a real ISO-8601 instant with a zone', () => {
    for (const occurredAt of ['2026-04-02T10:15:00', '2026-04-02', '2026-02-30T10:00:00Z', '2026-04-02T24:00:00Z', 'yesterday', 1775124900000]) {
      expect(fields(shipped({ occurredAt }))).toEqual(['occurredAt']);
    }
    expect(fields(shipped({ occurredAt: '2028-02-29T23:59:59.123456Z' }))).toEqual([]);
  });

  it('requires ids as non-empty strings: a number would already have lost digits', () => {
    expect(fields(shipped({ orderRef: 6012345678901234567, requestId: '', shipmentId: undefined }))).toEqual(['requestId', 'shipmentId', 'orderRef']);
    expect(fields(shipped({ lines: [{ lineRef: 1612345678901234, sku: 'S', quantity: 1 }] }))).toEqual(['lines[0].lineRef']);
    expect(fields(shipped({ trackingNumbers: ['1Z', 42] }))).toEqual(['trackingNumbers[1]']);
  });

  it('lists every problem at once', () => {
    const parsed = parseShipmentConfirmation({ type: 'SHIPPED' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.errors.map((e) => e.field)).toEqual(['eventId', 'source', 'requestId', 'shipmentId', 'orderRef', 'orderNumber', 'locationRef', 'occurredAt', 'lines']);
    }
    expect(parseShipmentConfirmation([shipped()])).toEqual({ ok: false, errors: [{ field: '', message: 'must be a JSON object' }] });
  });
});

describe('readShipmentConfirmation', () => {
  const raw = Buffer.from(JSON.stringify(shipped()));
  const headers = (over: Record<string, string> = {}) => ({
    'x-fulfillment-hmac-sha256': signFulfillmentEvent(raw, SECRET), 'x-fulfillment-event-id': 'evt-0001', 'x-fulfillment-source': 'wms', ...over,
  });

  it('checks the signature, then the body, then that the headers agree with it', () => {
    expect(readShipmentConfirmation(raw, headers(), SECRET)).toMatchObject({ ok: true, value: { eventId: 'evt-0001' } });
    expect(readShipmentConfirmation(raw, headers(), 'wrong')).toMatchObject({ ok: false, reason: 'SIGNATURE_INVALID' });
    expect(readShipmentConfirmation(raw, headers({ 'x-fulfillment-source': 'store' }), SECRET)).toMatchObject({
      ok: false, reason: 'INVALID', errors: [{ field: 'X-Fulfillment-Source' }],
    });
    const notJson = Buffer.from('not json');
    expect(readShipmentConfirmation(notJson, { 'X-Fulfillment-Hmac-Sha256': signFulfillmentEvent(notJson, SECRET) }, SECRET)).toMatchObject({ ok: false, reason: 'NOT_JSON' });
  });
});
