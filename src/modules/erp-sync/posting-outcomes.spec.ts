import { DeliveryError } from '../../adapters/erp/erp-adapter.port.js';
import { backoffMs, decide, MAX_RETRYABLE_ATTEMPTS, MISSING_DEPENDENCY_DELAY_MS } from './posting-outcomes.js';

describe('posting outcomes', () => {
  const mid = () => 0.5;

  it('backs off exponentially with a cap, and never sooner than Retry-After', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, undefined, mid))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(30, undefined, mid)).toBe(60_000);
    expect(backoffMs(1, 7000, mid)).toBe(7000);
    expect(backoffMs(1, undefined, () => 0)).toBe(400);
    expect(backoffMs(1, undefined, () => 1)).toBe(600);
  });

  it('kills only what a retry cannot fix', () => {
    expect(decide(new DeliveryError('PERMANENT', 'bad field'), 1)).toEqual({ status: 'DEAD' });
    expect(decide(new DeliveryError('AUTH', 'login'), 1)).toEqual({ status: 'DEAD' });
    expect(decide(new DeliveryError('RETRYABLE', '503'), 2, mid)).toEqual({ status: 'RETRYING', delayMs: 1000, lookupFirst: false });
    expect(decide(new DeliveryError('RETRYABLE', '503'), MAX_RETRYABLE_ATTEMPTS)).toEqual({ status: 'DEAD' });
    expect(decide(new DeliveryError('AMBIGUOUS', 'timeout'), 1, mid)).toEqual({ status: 'RETRYING', delayMs: 500, lookupFirst: true });
  });

  it('waits for a missing dependency however often it fails', () => {
    expect(decide(new DeliveryError('MISSING_DEPENDENCY', 'no customer'), 500)).toEqual({
      status: 'RETRYING', delayMs: MISSING_DEPENDENCY_DELAY_MS, lookupFirst: false,
    });
  });
});
