import { DeliveryError } from '../delivery/delivery-error.js';

/** After this many retryable failures an outbox row is DEAD and needs a person. */
export const MAX_RETRYABLE_ATTEMPTS = 12;
/** A missing dependency is re-driven at this pace, forever: it is never a reason to die. */
export const MISSING_DEPENDENCY_DELAY_MS = 30_000;

export type RetryDecision =
  | { readonly status: 'RETRYING'; readonly delayMs: number; readonly lookupFirst: boolean }
  | { readonly status: 'DEAD' };

/** Exponential backoff with ±20 % jitter, capped at a minute, and never sooner than the receiver asked (Retry-After). */
export function backoffMs(attempt: number, retryAfterMs?: number, random = Math.random): number {
  const base = Math.min(60_000, 500 * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** What to do with an outbox row after a typed delivery error on its `attempt`-th try. */
export function decide(error: DeliveryError, attempt: number, random = Math.random): RetryDecision {
  switch (error.kind) {
    case 'PERMANENT':
    case 'AUTH':
      return { status: 'DEAD' };
    case 'MISSING_DEPENDENCY':
      return { status: 'RETRYING', delayMs: error.details.retryAfterMs ?? MISSING_DEPENDENCY_DELAY_MS, lookupFirst: false };
    case 'AMBIGUOUS':
      return attempt >= MAX_RETRYABLE_ATTEMPTS ? { status: 'DEAD' } : { status: 'RETRYING', delayMs: backoffMs(attempt, undefined, random), lookupFirst: true };
    case 'RETRYABLE':
      return attempt >= MAX_RETRYABLE_ATTEMPTS
        ? { status: 'DEAD' }
        : { status: 'RETRYING', delayMs: backoffMs(attempt, error.details.retryAfterMs, random), lookupFirst: false };
  }
}

/** Anything a transport threw, as a DeliveryError: an untyped failure is RETRYABLE. */
export function asDeliveryError(failure: unknown): DeliveryError {
  if (failure instanceof DeliveryError) return failure;
  return new DeliveryError('RETRYABLE', failure instanceof Error ? failure.message : String(failure));
}

/**
 * The next step for a claimed row whose send failed: DEAD, or RETRYING after a delay; a row that
 * was already to be looked up first stays so (its earlier outcome is still unknown).
 */
export function afterFailure(failure: unknown, attempt: number, lookupFirst: boolean, random = Math.random): { error: DeliveryError; next: RetryDecision } {
  const error = asDeliveryError(failure);
  const next = decide(error, attempt, random);
  return { error, next: next.status === 'RETRYING' ? { ...next, lookupFirst: next.lookupFirst || lookupFirst } : next };
}
