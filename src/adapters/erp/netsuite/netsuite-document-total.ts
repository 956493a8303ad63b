/**
 * What a NetSuite salesOrder body adds up to, read from the very body about to be sent, the way
 * NetSuite totals it: Σ item line amounts + shippingCost + tax. Tax is the body's taxDetails under
 * CHANNEL_AMOUNTS (taxDetailsOverride); under ERP_CALCULATES NetSuite computes it, so the channel's
 * tax stands in as the expected figure, and nothing is added when prices include tax.
 */
import { parseDecimal, type Money } from '../../../canonical/money.js';
import type { SalesOrderDocument } from '../erp-adapter.port.js';
import { assertDocumentTotal, channelTax, DEFAULT_TAX_MODE, type TaxMode } from '../shared/document-money.js';
import { toNetSuiteSalesOrder, type NetSuiteMappingOptions, type NsSalesOrderBody } from './netsuite.mapper.js';

export function netSuiteDocumentTotal(body: NsSalesOrderBody, doc: SalesOrderDocument, mode: TaxMode): Money {
  const minor = (value: number | undefined): bigint => (value === undefined ? 0n : parseDecimal(value, doc.currency).amount);
  let total = body.item.items.reduce((n, line) => n + minor(line.amount), 0n) + minor(body.shippingCost);
  if (mode === 'CHANNEL_AMOUNTS') total += (body.taxDetails?.items ?? []).reduce((n, detail) => n + minor(detail.taxAmount), 0n);
  else if (!body.pricesIncludeTax) total += channelTax(doc).amount;
  return { amount: total, currency: doc.currency };
}

/** The body for the document, refused (DOCUMENT_TOTAL_MISMATCH) unless it adds up to the order's grand total. */
export function checkedNetSuiteSalesOrder(doc: SalesOrderDocument, options: NetSuiteMappingOptions = {}): NsSalesOrderBody {
  const body = toNetSuiteSalesOrder(doc, options);
  assertDocumentTotal(netSuiteDocumentTotal(body, doc, options.taxMode ?? DEFAULT_TAX_MODE), doc, 'NetSuite sales order');
  return body;
}
