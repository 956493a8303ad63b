import type { DeliveryError } from '../../adapters/erp/erp-adapter.port.js';

/** After this many retryable failures a posting is DEAD and needs a person. */
export const MAX_RETRYABLE_ATTEMPTS = 12;
/** A missing dependency is re-driven at this pace, forever: it is never a reason to die. */
export const MISSING_DEPENDENCY_DELAY_MS = 30_000;

export type PostingDecision =
  | { readonly status: 'RETRYING'; readonly delayMs: number; readonly lookupFirst: boolean }
  | { readonly status: 'DEAD' };

/** Exponential backoff with ±20 % jitter, capped at a minute, and never sooner than the ERP asked. */
export function backoffMs(attempt: number, retryAfterMs?: number, random = Math.random): number {
  const base = Math.min(60_000, 500 * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** What to do with a posting after a typed ERP error on its `attempt`-th try. */
export function decide(error: DeliveryError, attempt: number, random = Math.random): PostingDecision {
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
