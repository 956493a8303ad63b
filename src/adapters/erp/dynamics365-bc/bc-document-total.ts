/**
 * What a Business Central salesOrder body adds up to, read from the very lines about to be sent,
 * the way BC totals them: per line round(quantity × unitPrice) at the currency's precision (half
 * away from zero) − discountAmount, summed. Under CHANNEL_AMOUNTS the tax is among those lines
 * (G/L lines, line tax off); under ERP_CALCULATES BC computes it, so the channel's tax stands in
 * as the figure BC is expected to reach (the lines are always net: see bc.mapper.ts).
 */
import { currencyExponent, type Money } from '../../../canonical/money.js';
import type { SalesOrderDocument } from '../erp-adapter.port.js';
import { assertDocumentTotal, channelTax, DEFAULT_TAX_MODE, type TaxMode } from '../shared/document-money.js';
import { BcDecimal, roundScaled } from './bc-json.js';
import { toBcSalesOrder, type BcMappingOptions, type BcSalesOrderBody } from './bc.mapper.js';

const ONE = new BcDecimal('1');

/** A decimal text as an integer and its scale: "12.345" → 12345n, 3. */
function scaled(value: BcDecimal): { value: bigint; scale: number } {
  const [whole, fraction = ''] = value.text.replace('-', '').split('.');
  const digits = BigInt(whole + fraction);
  return { value: value.text.startsWith('-') ? -digits : digits, scale: fraction.length };
}

/** round(a × b) at `exponent` decimals. */
function product(a: BcDecimal, b: BcDecimal, exponent: number): bigint {
  const x = scaled(a);
  const y = scaled(b);
  return roundScaled(x.value * y.value, x.scale + y.scale - exponent);
}

export function bcDocumentTotal(body: BcSalesOrderBody, doc: SalesOrderDocument, mode: TaxMode): Money {
  const exponent = currencyExponent(doc.currency);
  let total = body.salesOrderLines.reduce((n, line) => n + product(line.quantity, line.unitPrice, exponent) - product(line.discountAmount, ONE, exponent), 0n);
  if (mode === 'ERP_CALCULATES') total += channelTax(doc).amount;
  return { amount: total, currency: doc.currency };
}

/** The body for the document, refused (DOCUMENT_TOTAL_MISMATCH) unless it adds up to the order's grand total. */
export function checkedBcSalesOrder(doc: SalesOrderDocument, options: BcMappingOptions): BcSalesOrderBody {
  const body = toBcSalesOrder(doc, options);
  assertDocumentTotal(bcDocumentTotal(body, doc, options.taxMode ?? DEFAULT_TAX_MODE), doc, 'Business Central sales order');
  return body;
}
