import type { DeliveryError, DeliveryErrorKind } from '../delivery/delivery-error.js';
import { withCorrelationId } from '../correlation/correlation.js';
import { countOutbox, type OutboxEngine } from './outbox-metrics.js';
import { afterFailure, type RetryDecision } from './retry-policy.js';

/** What every claimed outbox row carries, whatever its table. */
export interface OutboxClaim {
  readonly id: string;
  /** This attempt's number (attempts after the claim): outcomes are guarded on it where the owner keeps several attempts apart. */
  readonly attempts: number;
  /** The last outcome is unknown: look the document up at the receiver before sending it again. */
  readonly lookupFirst: boolean;
  readonly correlationId: string;
}

/** A failure as the outcome statements write it (last_error, last_error_kind, last_error_code). */
export interface FailureDetail {
  readonly message: string;
  readonly kind: DeliveryErrorKind;
  readonly code?: string;
}

/**
 * One owner's side of an attempt: its transport (send) and its outcome statements, each
 * guarded on the row still being IN_FLIGHT, so a worker that lost its row changes nothing.
 */
export interface OutboxTransport<C extends OutboxClaim, R> {
  readonly engine: OutboxEngine;
  /** One attempt at the receiver; throws what the retry policy understands (DeliveryError kinds). */
  send(claim: C): Promise<R>;
  /** Writes the delivered outcome (and whatever changes with it in the owner's tables). */
  delivered(claim: C, result: R): Promise<void>;
  /** Before the failure's outcome is written: the owner notes what it must (a key to watch). */
  failed?(claim: C, error: DeliveryError, next: RetryDecision): Promise<void>;
  /** RETRYING after delayMs; returns the delay that applies, when the owner may shorten it. */
  retry(claim: C, delayMs: number, lookupFirst: boolean, error: FailureDetail): Promise<number | void>;
  dead(claim: C, error: FailureDetail): Promise<void>;
}

export type AttemptOutcome<R> =
  | { readonly status: 'DELIVERED'; readonly result: R }
  | { readonly status: 'RETRYING'; readonly delayMs: number; readonly error: DeliveryError }
  | { readonly status: 'DEAD'; readonly error: DeliveryError };

/**
 * One attempt of one claimed row, under its correlation id: send, then write the outcome. A
 * failure of either goes through the retry policy (afterFailure) to RETRYING or DEAD. Every
 * outcome is counted on hub_outbox_transitions_total. The claim, and leases while the attempt
 * runs, are the caller's: the core runs the same attempt whatever claimed the row.
 */
export function attemptDelivery<C extends OutboxClaim, R>(transport: OutboxTransport<C, R>, claim: C): Promise<AttemptOutcome<R>> {
  return withCorrelationId(claim.correlationId, async (): Promise<AttemptOutcome<R>> => {
    try {
      const result = await transport.send(claim);
      await transport.delivered(claim, result);
      countOutbox(transport.engine, 'delivered');
      return { status: 'DELIVERED', result };
    } catch (failure) {
      const { error, next } = afterFailure(failure, claim.attempts, claim.lookupFirst);
      await transport.failed?.(claim, error, next);
      const detail: FailureDetail = { message: error.message, kind: error.kind, code: error.details.code };
      if (next.status === 'DEAD') {
        await transport.dead(claim, detail);
        countOutbox(transport.engine, 'dead');
        return { status: 'DEAD', error };
      }
      const applied = await transport.retry(claim, next.delayMs, next.lookupFirst, detail);
      countOutbox(transport.engine, 'retry');
      return { status: 'RETRYING', delayMs: applied ?? next.delayMs, error };
    }
  });
}
