import { plausibleTimestamp } from '../webhook-request.js';
import type { NewInboxRow } from './inbox-status.js';
import { storableRow, storableText, storableTimestamp } from './storable-row.js';

describe('storableRow', () => {
  it('replaces NUL and lone surrogates in every text and jsonb value, and keeps the raw bytes', () => {
    const raw = Buffer.from([0, 1, 2]);
    const row: NewInboxRow = {
      id: 'id', source: 'WMS', account: 'w\u0000', topic: 'shipment/SHIPPED\u0000', dedupeKey: 'k\u0000', eventId: 'e\u0000',
      bodyHash: 'h', rawBody: raw, redactedFields: ['a\u0000'], headers: { 'x-a\u0000': 'v\u0000\ud800' }, correlationId: 'c\u0000',
      status: 'PENDING', error: 'e\u0000', triggeredAt: new Date(-8_640_000_000_000_000),
    };
    const stored = storableRow(row);
    expect(JSON.stringify(stored)).not.toMatch(/\\u0000|\\ud800/);
    expect(stored).toMatchObject({ topic: 'shipment/SHIPPED\ufffd', headers: { 'x-a\ufffd': 'v\ufffd\ufffd' }, triggeredAt: null });
    expect(stored.rawBody).toBe(raw);
    expect(storableText('plain é 😀')).toBe('plain é 😀');
    expect(storableTimestamp(new Date('2026-01-01T00:00:00Z'))).toEqual(new Date('2026-01-01T00:00:00Z'));
  });
});

describe('plausibleTimestamp', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');

  it('keeps a timestamp from 2000 to a day ahead, drops anything else with a note', () => {
    expect(plausibleTimestamp('2026-12-04T11:59:00Z', now)).toEqual({ at: new Date('2026-12-04T11:59:00Z'), note: null });
    expect(plausibleTimestamp(undefined, now)).toEqual({ at: null, note: null });
    for (const value of ['-271821-04-20T00:00:00Z', '1999-12-31T23:59:59Z', '2026-12-06T00:00:00Z', 'soon']) {
      expect(plausibleTimestamp(value, now)).toEqual({ at: null, note: 'ignored: not a timestamp between 2000 and now' });
    }
  });
});
