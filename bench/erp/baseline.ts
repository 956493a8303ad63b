/**
 * The baseline beside the hub: what a bare client gets from the same sandbox process, with
 * exactly `cap` sales-order upserts in flight and nothing else to do. It goes through the
 * hub's own NetSuite adapter (mapper, OAuth 1.0a signer, fetch), so the only difference from
 * the hub is the posting pipeline around the call (and the hub's batched total read-back).
 */
import { performance } from 'node:perf_hooks';
import type { SalesOrderDocument } from '../../src/adapters/erp/erp-adapter.port.js';
import { NetSuiteAdapter } from '../../src/adapters/erp/netsuite/index.js';
import type { TbaCredentials } from '../../src/adapters/erp/netsuite/tba-signer.js';

export interface BaselineResult {
  readonly seconds: number;
  readonly throughput: number;
  /** Per upsert as the client saw it, sorted. */
  readonly requestMs: readonly number[];
}

const usd = (cents: bigint): { amount: bigint; currency: string } => ({ amount: cents, currency: 'USD' });

/** The fixture order as the hub builds it with the bench's mappings; the key makes each a new document. */
function salesOrder(key: string, i: number): SalesOrderDocument {
  const line = (ref: string, itemId: string, description: string, quantity: number, unitCents: bigint, discountCents: bigint, taxCents: bigint) => ({
    lineRef: ref, itemId, description, quantity, unitPrice: usd(unitCents), discount: usd(discountCents), tax: usd(taxCents), taxCode: null, locationId: null,
  });
  return {
    externalId: `${key}-${i}`,
    channelOrderNumber: `#B${i}`,
    placedAt: '2026-03-14T14:15:42.000Z',
    currency: 'USD',
    customerId: '107',
    subsidiaryId: null,
    locationId: null,
    lines: [
      line('1612345678901234501', '501', 'Merino Crew Sweater', 2, 8900n, 1319n, 1462n),
      line('1612345678901234502', '502', 'Trail Socks 3-Pack', 1, 2450n, 181n, 202n),
    ],
    shipping: usd(995n),
    shippingTaxCode: null,
    // What those lines add up to (202.50 − 15.00 + 9.95 + 16.64): adapters refuse a document that does not.
    grandTotal: usd(21409n),
    memo: `${key} #B${i}`,
  };
}

export async function runBaseline(options: { url: string; credentials: TbaCredentials; orders: number; cap: number; key: string }): Promise<BaselineResult> {
  const adapter = new NetSuiteAdapter({
    targetId: 'baseline', variant: 'netsuite', baseUrl: options.url, credentials: { ...options.credentials }, timeoutMs: 10_000,
  }, { batchedReadBack: true }); // one PUT per order, as the hub sends it (its totals are read in batches)
  const documents = Array.from({ length: options.orders }, (_, i) => salesOrder(options.key, i));
  const requestMs: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < documents.length) {
      const doc = documents[next++];
      const t0 = performance.now();
      await adapter.upsertSalesOrder(doc, { idempotencyKey: doc.externalId });
      requestMs.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.cap, options.orders) }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, throughput: options.orders / seconds, requestMs: requestMs.sort((a, b) => a - b) };
}
