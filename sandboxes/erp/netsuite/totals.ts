/**
 * The totals NetSuite computes on a salesOrder (read-only in a request), in bigint minor units
 * of the order's currency, rounded half away from zero per line:
 *  - subtotal: the item lines' amounts as given (quantity × rate when absent), discount item lines
 *    (negative) and other-charge lines included, tax-item lines excluded;
 *  - discountTotal: the header discount (discountItem with discountRate as an amount, negative);
 *  - taxTotal: a line with a tax code known to the account is taxed at its rate, rate × amount per
 *    line (with pricesIncludeTax the amount includes it: amount − amount / (1 + rate)); lines of an
 *    item the account knows as a tax item (knob taxItems) add their amount as it is; shippingCost
 *    is taxed at shippingTaxCode's rate; with taxDetailsOverride the taxDetails amounts are the tax;
 *  - total = subtotal + discountTotal + shippingCost + handlingCost + taxTotal.
 * Knob totalVarianceMinor adds to the tax: a deliberate difference for the hub to notice.
 */
import type { Knobs } from '../shared/knobs.js';
import { decimalOf, exponentOf, minorToNumber, netOfInclusive, percentOf, toMinor, type Scaled } from '../shared/decimal.js';
import type { NsSalesOrder } from './records.js';
import { refValue } from './validate.js';

type Json = Record<string, unknown>;

/** Tax codes every account has: -7 is NetSuite's "-Not Taxable-". */
export const BUILT_IN_TAX_CODES: Readonly<Record<string, string>> = { '-7': '0' };

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export function taxRateOf(knobs: Knobs, code: string): string | undefined {
  return knobs.taxRates[code] ?? BUILT_IN_TAX_CODES[code];
}

/** Decimals of the order's currency: its ISO code when the reference is by external id; else two. */
export function currencyExponentOf(record: Json): number {
  const currency = record.currency;
  return exponentOf(isObject(currency) ? currency.externalId ?? currency.refName : currency);
}

/** The record with subtotal, discountTotal, taxTotal and total as NetSuite computes them. */
export function withTotals(record: NsSalesOrder, knobs: Knobs): NsSalesOrder {
  const e = currencyExponentOf(record);
  const minor = (v: unknown): bigint => {
    const d = decimalOf(v);
    return d === undefined ? 0n : toMinor(d, e);
  };
  const inclusive = record.pricesIncludeTax === true;
  const override = record.taxDetailsOverride === true;
  const taxed = (amount: bigint, code: unknown): { net: bigint; tax: bigint } => {
    const id = refValue(code);
    const text = id === undefined ? undefined : taxRateOf(knobs, id);
    const rate: Scaled | undefined = text === undefined ? undefined : decimalOf(text);
    if (!rate || override) return { net: amount, tax: 0n };
    if (inclusive) {
      const net = netOfInclusive(amount, rate);
      return { net, tax: amount - net };
    }
    return { net: amount, tax: percentOf(amount, rate) };
  };

  let subtotal = 0n;
  let tax = 0n;
  for (const line of record.item.items) {
    const amount = minor(line.amount);
    const item = refValue(line.item);
    if (item !== undefined && knobs.taxItems.includes(item)) {
      tax += amount;
      continue;
    }
    const part = taxed(amount, line.taxCode);
    subtotal += part.net;
    tax += part.tax;
  }
  const shipping = taxed(minor(record.shippingCost), record.shippingTaxCode);
  tax += shipping.tax;
  if (override) {
    const details = isObject(record.taxDetails) && Array.isArray(record.taxDetails.items) ? (record.taxDetails.items as Json[]) : [];
    tax += details.reduce((n, d) => n + minor(d.taxAmount), 0n);
  }
  tax += BigInt(knobs.totalVarianceMinor);
  const discount = record.discountItem !== undefined ? minor(record.discountRate) : 0n;
  const total = subtotal + discount + shipping.net + minor(record.handlingCost) + tax;
  return {
    ...record,
    subtotal: minorToNumber(subtotal, e),
    discountTotal: minorToNumber(discount, e),
    taxTotal: minorToNumber(tax, e),
    total: minorToNumber(total, e),
  };
}

/** The first line tax code (or shippingTaxCode) the account does not have, with its path. */
export function unknownTaxCodeOf(body: Json, knobs: Knobs): { code: string; path: string } | undefined {
  const lines = isObject(body.item) && Array.isArray(body.item.items) ? (body.item.items as Json[]) : [];
  for (const [i, line] of lines.entries()) {
    const code = refValue(line.taxCode);
    if (code !== undefined && taxRateOf(knobs, code) === undefined) return { code, path: `item.items[${i}].taxCode` };
  }
  const shippingCode = refValue(body.shippingTaxCode);
  if (shippingCode !== undefined && taxRateOf(knobs, shippingCode) === undefined) return { code: shippingCode, path: 'shippingTaxCode' };
  return undefined;
}
