import { DeliveryError } from '../delivery/delivery-error.js';
import { afterFailure, asDeliveryError, backoffMs, decide, MAX_RETRYABLE_ATTEMPTS, MISSING_DEPENDENCY_DELAY_MS } from './retry-policy.js';

describe('outbox retry policy', () => {
  const low = () => 0;
  const high = () => 1;

  it('jitters ±20 % around the exponential base and caps it at a minute', () => {
    expect(backoffMs(3, undefined, low)).toBe(1600);
    expect(backoffMs(3, undefined, high)).toBe(2400);
    expect(backoffMs(30, undefined, high)).toBe(72_000);
    expect(backoffMs(30, undefined, low)).toBe(48_000);
  });

  it('waits at least as long as Retry-After, and no longer than the backoff when Retry-After is shorter', () => {
    expect(backoffMs(1, 90_000, high)).toBe(90_000);
    expect(backoffMs(4, 10, low)).toBe(3200);
    expect(decide(new DeliveryError('RETRYABLE', '429', { retryAfterMs: 45_000 }), 1, low)).toEqual({ status: 'RETRYING', delayMs: 45_000, lookupFirst: false });
  });

  it('ignores Retry-After on an ambiguous failure and looks up first', () => {
    expect(decide(new DeliveryError('AMBIGUOUS', 'cut off', { retryAfterMs: 45_000 }), 2, low)).toEqual({ status: 'RETRYING', delayMs: 800, lookupFirst: true });
  });

  it('is DEAD at once for PERMANENT and AUTH, after the last attempt for RETRYABLE and AMBIGUOUS, never for MISSING_DEPENDENCY', () => {
    expect(decide(new DeliveryError('PERMANENT', 'bad'), 1).status).toBe('DEAD');
    expect(decide(new DeliveryError('AUTH', 'no'), 1).status).toBe('DEAD');
    expect(decide(new DeliveryError('RETRYABLE', 'x'), MAX_RETRYABLE_ATTEMPTS - 1).status).toBe('RETRYING');
    expect(decide(new DeliveryError('RETRYABLE', 'x'), MAX_RETRYABLE_ATTEMPTS).status).toBe('DEAD');
    expect(decide(new DeliveryError('AMBIGUOUS', 'x'), MAX_RETRYABLE_ATTEMPTS).status).toBe('DEAD');
    expect(decide(new DeliveryError('MISSING_DEPENDENCY', 'x'), 1000)).toEqual({ status: 'RETRYING', delayMs: MISSING_DEPENDENCY_DELAY_MS, lookupFirst: false });
  });

  it('treats an untyped failure as RETRYABLE with its message, and keeps a typed one as it is', () => {
    const typed = new DeliveryError('PERMANENT', 'rejected');
    expect(asDeliveryError(typed)).toBe(typed);
    expect(asDeliveryError(new Error('socket hang up'))).toMatchObject({ kind: 'RETRYABLE', message: 'socket hang up' });
    expect(asDeliveryError('boom')).toMatchObject({ kind: 'RETRYABLE', message: 'boom' });
  });

  it('keeps a row that was to be looked up first so until it is delivered', () => {
    expect(afterFailure(new Error('503'), 1, true, low).next).toEqual({ status: 'RETRYING', delayMs: 400, lookupFirst: true });
    expect(afterFailure(new Error('503'), 1, false, low).next).toEqual({ status: 'RETRYING', delayMs: 400, lookupFirst: false });
    expect(afterFailure(new DeliveryError('PERMANENT', 'no'), 1, true).next).toEqual({ status: 'DEAD' });
  });
});
