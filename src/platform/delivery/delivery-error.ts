/**
 * Why a delivery (an ERP document, a channel or fulfilment-system call) failed, in terms every
 * delivery pipeline acts on:
 * - RETRYABLE: network, 429, 5xx, the receiver's concurrency error — back off (retryAfterMs when the receiver said) and send again;
 * - AMBIGUOUS: timed out or cut off after sending — the receiver may have committed: look up by natural key first;
 * - PERMANENT: the receiver rejected the document — DEAD with its message, until a person fixes and replays it;
 * - MISSING_DEPENDENCY: something the document refers to is not there yet (customer, item) — wait and re-drive, never DEAD for that alone;
 * - AUTH: credentials refused — retried after refreshing a token once, then treated as PERMANENT for the target.
 */
export type DeliveryErrorKind = 'RETRYABLE' | 'AMBIGUOUS' | 'PERMANENT' | 'MISSING_DEPENDENCY' | 'AUTH';

export class DeliveryError extends Error {
  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    readonly details: { readonly status?: number; readonly code?: string; readonly retryAfterMs?: number; readonly field?: string } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
