/** The ERP postings use the outbox core's retry policy as it is; kept under this name for the postings' callers. */
export {
  backoffMs,
  decide,
  MAX_RETRYABLE_ATTEMPTS,
  MISSING_DEPENDENCY_DELAY_MS,
  type RetryDecision as PostingDecision,
} from '../../platform/outbox/retry-policy.js';
