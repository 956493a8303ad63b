/**
 * The channel's money on a sales order as every ERP mapper reads it: net amounts, tax per
 * jurisdiction, and the one check that a vendor body adds up to what the customer paid.
 * Pure bigint arithmetic in minor units.
 */
import { formatDecimal, multiply, subtract, sum, zero, type Money } from '../../../canonical/money.js';
import { DeliveryError, type SalesOrderDocument, type SalesOrderLine, type SalesOrderTax } from '../erp-adapter.port.js';

/**
 * How a target takes tax. CHANNEL_AMOUNTS: the customer paid what the channel charged, so the
 * channel's tax goes as explicit amounts and the ERP computes none. ERP_CALCULATES: tax codes
 * and addresses go, the ERP computes, and its total is compared afterwards.
 */
export const TAX_MODES = ['CHANNEL_AMOUNTS', 'ERP_CALCULATES'] as const;
export type TaxMode = (typeof TAX_MODES)[number];
export const DEFAULT_TAX_MODE: TaxMode = 'CHANNEL_AMOUNTS';

/** The line's tax per jurisdiction; a document without them has its `tax` as one. */
export function lineTaxes(line: SalesOrderLine): readonly SalesOrderTax[] {
  if (line.taxes) return line.taxes;
  return line.tax.amount === 0n ? [] : [{ title: 'Tax', jurisdiction: null, rate: null, amount: line.tax, taxCode: line.taxCode, taxAccount: null }];
}

export const taxSum = (taxes: readonly SalesOrderTax[], currency: string): Money => sum(taxes.map((t) => t.amount), currency);

/** Tax inside the line's price (tax-inclusive order), else zero: what comes off to reach the net. */
export function includedTax(doc: SalesOrderDocument, taxes: readonly SalesOrderTax[]): Money {
  return doc.taxesIncluded ? taxSum(taxes, doc.currency) : zero(doc.currency);
}

/** quantity × unit price − discount − the tax inside it: what the line earns, tax apart. */
export function netLineAmount(doc: SalesOrderDocument, line: SalesOrderLine): Money {
  return subtract(subtract(multiply(line.unitPrice, line.quantity), line.discount), includedTax(doc, lineTaxes(line)));
}

export const shippingDiscountOf = (doc: SalesOrderDocument): Money => doc.shippingDiscount ?? zero(doc.currency);
export const shippingTaxesOf = (doc: SalesOrderDocument): readonly SalesOrderTax[] => doc.shippingTaxes ?? [];

/** Shipping − its discounts − the tax inside it. */
export function netShipping(doc: SalesOrderDocument): Money {
  return subtract(subtract(doc.shipping, shippingDiscountOf(doc)), includedTax(doc, shippingTaxesOf(doc)));
}

/** Every tax the channel charged on the order: what an ERP that computes tax is expected to reach. */
export function channelTax(doc: SalesOrderDocument): Money {
  return sum([...doc.lines.flatMap((l) => lineTaxes(l)), ...shippingTaxesOf(doc)].map((t) => t.amount), doc.currency);
}

export interface JurisdictionTotal {
  readonly title: string;
  readonly taxCode: string | null;
  readonly taxAccount: string | null;
  readonly amount: Money;
}

/** The order's tax summed per jurisdiction (title and account), in the order each first appears: lines, then shipping. */
export function taxByJurisdiction(doc: SalesOrderDocument): JurisdictionTotal[] {
  const totals = new Map<string, { title: string; taxCode: string | null; taxAccount: string | null; amount: bigint }>();
  for (const tax of [...doc.lines.flatMap((l) => lineTaxes(l)), ...shippingTaxesOf(doc)]) {
    const key = `${tax.title}\u0000${tax.taxAccount ?? ''}`;
    const seen = totals.get(key);
    if (seen) seen.amount += tax.amount.amount;
    else totals.set(key, { title: tax.title, taxCode: tax.taxCode, taxAccount: tax.taxAccount, amount: tax.amount.amount });
  }
  return [...totals.values()].map((t) => ({ ...t, amount: { amount: t.amount, currency: doc.currency } }));
}

/**
 * The invariant before sending: the body about to go adds up to the order's grand total, or
 * nothing is sent (PERMANENT, DOCUMENT_TOTAL_MISMATCH, both figures named; the order is held).
 */
export function assertDocumentTotal(documentTotal: Money, doc: SalesOrderDocument, what: string): void {
  if (documentTotal.currency === doc.grandTotal.currency && documentTotal.amount === doc.grandTotal.amount) return;
  throw new DeliveryError(
    'PERMANENT',
    `the ${what} adds up to ${formatDecimal(documentTotal)} ${documentTotal.currency}, the order's grand total is ${formatDecimal(doc.grandTotal)} ${doc.grandTotal.currency}; nothing was sent`,
    { code: 'DOCUMENT_TOTAL_MISMATCH', field: 'grandTotal' },
  );
}
