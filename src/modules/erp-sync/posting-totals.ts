/**
 * The ERP's read-back total of a posted document against the total the hub's document adds up
 * to: variance = erpTotal − expected, in minor units. Kept on the posting (never absorbed), shown
 * in GraphQL and counted in the metrics below; reconciliation reads the same columns.
 */
import { Counter } from 'prom-client';
import type { Money } from '../../canonical/money.js';
import type { DeliveredRef } from '../../platform/delivery/document-builder.js';
import { metricsRegistry } from '../../platform/metrics/registry.js';
import type { PostedTotals } from './posting-store.js';

const varianceCount = new Counter({
  name: 'hub_erp_posting_variance_total',
  help: 'Postings whose ERP total differs from the total of the document the hub sent, by target',
  labelNames: ['target'] as const,
  registers: [metricsRegistry],
});

const varianceSum = new Counter({
  name: 'hub_erp_posting_variance_minor_units_total',
  help: 'Sum of |ERP total − document total| over postings, in minor units of the currency, by target and currency',
  labelNames: ['target', 'currency'] as const,
  registers: [metricsRegistry],
});

/** The totals to record for a landing: the ref's read-back, the expected total from the ref or the document. */
export function postedTotals(ref: DeliveredRef, documentTotal: Money | undefined): PostedTotals {
  const erp = ref.erpTotal;
  const expected = ref.expectedTotal ?? documentTotal;
  if (!erp) {
    const later = ref.totalReadLater === true && expected !== undefined;
    return { erpTotal: null, currency: null, expectedTotal: expected?.amount ?? null, variance: null, ...(later && { readBackCurrency: expected.currency }) };
  }
  const comparable = expected !== undefined && expected.currency === erp.currency;
  return {
    erpTotal: erp.amount,
    currency: erp.currency,
    expectedTotal: comparable ? expected.amount : null,
    variance: comparable ? erp.amount - expected.amount : null,
  };
}

/** Counts a landing with a non-zero variance (after it was written: a stale attempt counts nothing). */
export function countVariance(target: string, totals: PostedTotals): void {
  if (totals.variance === null || totals.variance === 0n || totals.currency === null) return;
  const size = totals.variance < 0n ? -totals.variance : totals.variance;
  varianceCount.inc({ target });
  varianceSum.inc({ target, currency: totals.currency }, Number(size));
}
