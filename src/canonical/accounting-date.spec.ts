import { accountingDateOf, dateInOwnOffset, dateInZone, isTimeZone, ownOffset } from './accounting-date.js';

describe('accounting dates', () => {
  it('takes the date a timestamp was printed with, in its own offset', () => {
    expect(dateInOwnOffset('2026-03-31T20:30:00-04:00')).toBe('2026-03-31');
    expect(ownOffset('2026-03-31T20:30:00-0400')).toBe('-04:00');
    expect(dateInOwnOffset('2026-04-01T00:30:00Z')).toBeNull();
    expect(dateInOwnOffset('2026-04-01')).toBeNull();
  });

  it('dates an instant in an IANA zone or a fixed offset, across daylight saving time', () => {
    expect(dateInZone('2026-04-01T00:30:00Z', 'America/New_York')).toBe('2026-03-31');
    expect(dateInZone('2026-01-01T04:30:00Z', 'America/New_York')).toBe('2025-12-31');
    expect(dateInZone('2026-01-01T05:30:00Z', 'America/New_York')).toBe('2026-01-01');
    expect(dateInZone('2026-03-31T20:30:00-04:00', '+09:00')).toBe('2026-04-01');
    expect(dateInZone('2026-03-31T20:30:00-04:00', null)).toBe('2026-04-01');
  });

  it('prefers the channel’s own offset for the order’s date, and the account’s zone for later documents', () => {
    expect(accountingDateOf('2026-03-31T20:30:00-04:00', null)).toEqual({ date: '2026-03-31', zone: '-04:00' });
    expect(accountingDateOf('2026-03-31T20:30:00-04:00', 'Asia/Tokyo')).toEqual({ date: '2026-03-31', zone: 'Asia/Tokyo' });
    expect(accountingDateOf('2026-04-01T00:30:00Z', 'America/New_York')).toEqual({ date: '2026-03-31', zone: 'America/New_York' });
    expect(accountingDateOf('2026-04-01T00:30:00Z', null)).toEqual({ date: '2026-04-01', zone: null });
  });

  it('knows a zone from a typo', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('-04:00')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
