/**
 * The amounts Business Central computes on a sales order (read-only in the API), in bigint minor
 * units of the order's currency, rounded half away from zero as BC rounds amounts:
 *  - line amount = Round(quantity × unitPrice) − discountAmount (or Round(gross × discountPercent / 100));
 *  - tax from the line's taxCode rate; a line without a tax code is not taxed;
 *  - Prices Including VAT (pricesIncludeTax, from the customer): the line amount includes the tax,
 *    amountExcludingTax = Round(amount / (1 + rate / 100)) and the tax is the difference;
 *  - otherwise amountExcludingTax = the line amount and tax = Round(amount × rate / 100);
 *  - order totals are the sums of the lines, less the order's invoice discount (discountAmount).
 */
import { decimalOf, exponentOf, minorToNumber, netOfInclusive, percentOf, productMinor, toMinor, type Scaled } from '../shared/decimal.js';
import type { Knobs } from '../shared/knobs.js';

type Json = Record<string, unknown>;

export interface Pricing {
  /** Tax code → percent as decimal text. */
  readonly rates: Readonly<Record<string, string>>;
  /** Decimals of the order's currency. */
  readonly exponent: number;
  readonly pricesIncludeTax: boolean;
  /** Minor units added to the order's tax: the sandbox's deliberate variance. */
  readonly varianceMinor?: number;
}

/**
 * How an order's amounts are computed: its currency ('' is the company's), its customer's Prices
 * Including VAT (a read-only property in the API, from the customer card: knob pricesIncludeTaxCustomers,
 * fixed on the order when it is created), the tax codes and the deliberate variance.
 */
export function pricingOf(order: Json, knobs: Knobs, lcyCode: string): Pricing {
  const code = typeof order.currencyCode === 'string' && order.currencyCode !== '' ? order.currencyCode : lcyCode;
  const customers = [order.customerNumber, order.customerId].filter((c): c is string => typeof c === 'string').map((c) => c.toUpperCase());
  const pricesIncludeTax = typeof order.pricesIncludeTax === 'boolean'
    ? order.pricesIncludeTax
    : knobs.pricesIncludeTaxCustomers.some((c) => customers.includes(c.toUpperCase()));
  return { rates: knobs.taxRates, exponent: exponentOf(code.toUpperCase()), pricesIncludeTax, varianceMinor: knobs.totalVarianceMinor };
}

const ZERO: Scaled = { units: 0n, scale: 0 };
const dec = (v: unknown): Scaled => decimalOf(v) ?? ZERO;

/** The first tax code the company does not have, among the lines. */
export function unknownTaxCode(rates: Readonly<Record<string, string>>, lines: readonly Json[]): string | undefined {
  return lines.map((l) => l.taxCode).find((c): c is string => typeof c === 'string' && c !== '' && !(c in rates));
}

export function priceLine(pricing: Pricing, line: Json): Json {
  const e = pricing.exponent;
  const amount = (minor: bigint): number => minorToNumber(minor, e);
  const gross = productMinor(dec(line.quantity), dec(line.unitPrice), e);
  const percent = dec(line.discountPercent);
  const discount = typeof line.discountAmount === 'number' ? toMinor(dec(line.discountAmount), e) : percentOf(gross, percent);
  const lineAmount = gross - discount;
  const code = typeof line.taxCode === 'string' && line.taxCode !== '' ? line.taxCode : undefined;
  const rateText = code === undefined ? undefined : pricing.rates[code];
  const rate = rateText === undefined ? undefined : dec(rateText);
  let excl = lineAmount;
  let tax = 0n;
  if (rate && pricing.pricesIncludeTax) {
    excl = netOfInclusive(lineAmount, rate);
    tax = lineAmount - excl;
  } else if (rate) {
    tax = percentOf(lineAmount, rate);
  }
  return {
    ...line,
    quantity: typeof line.quantity === 'number' ? line.quantity : 0,
    unitPrice: typeof line.unitPrice === 'number' ? line.unitPrice : 0,
    discountAmount: amount(discount),
    discountPercent: typeof line.discountPercent === 'number' ? line.discountPercent : 0,
    amountExcludingTax: amount(excl), taxPercent: rateText === undefined ? 0 : Number(rateText), totalTaxAmount: amount(tax),
    amountIncludingTax: amount(excl + tax), netAmount: amount(excl), netTaxAmount: amount(tax), netAmountIncludingTax: amount(excl + tax),
  };
}

/** Order totals from its (priced) lines, less the order's invoice discount (discountAmount). */
export function totalOrder(pricing: Pricing, order: Json, lines: readonly Json[]): Json {
  const e = pricing.exponent;
  const sum = (k: string): bigint => lines.reduce((n, l) => n + toMinor(dec(l[k]), e), 0n);
  const excl = sum('amountExcludingTax') - toMinor(dec(order.discountAmount), e);
  const tax = sum('totalTaxAmount') + BigInt(pricing.varianceMinor ?? 0);
  return {
    ...order,
    pricesIncludeTax: pricing.pricesIncludeTax,
    totalAmountExcludingTax: minorToNumber(excl, e),
    totalTaxAmount: minorToNumber(tax, e),
    totalAmountIncludingTax: minorToNumber(excl + tax, e),
  };
}
