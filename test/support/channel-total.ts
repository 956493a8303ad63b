import type { SalesOrderDocument } from '../../src/adapters/erp/erp-adapter.port.js';

/**
 * The document with the grand total the channel would have charged for it: lines less their
 * discounts, shipping less its discounts, charges, and the tax unless prices include it. Adapters
 * refuse a document that does not add up to its grand total (DOCUMENT_TOTAL_MISMATCH), so test
 * documents built by hand must add up too.
 */
export function withChannelTotal(doc: SalesOrderDocument): SalesOrderDocument {
  const lineTax = (l: SalesOrderDocument['lines'][number]) => (l.taxes ? l.taxes.reduce((n, t) => n + t.amount.amount, 0n) : l.tax.amount);
  const tax = doc.lines.reduce((n, l) => n + lineTax(l), 0n) + (doc.shippingTaxes ?? []).reduce((n, t) => n + t.amount.amount, 0n);
  const goods = doc.lines.reduce((n, l) => n + l.unitPrice.amount * BigInt(l.quantity) - l.discount.amount, 0n);
  const charges = (doc.charges ?? []).reduce((n, c) => n + c.amount.amount, 0n);
  const shipping = doc.shipping.amount - (doc.shippingDiscount?.amount ?? 0n);
  return { ...doc, grandTotal: { amount: goods + shipping + charges + (doc.taxesIncluded ? 0n : tax), currency: doc.currency } };
}
