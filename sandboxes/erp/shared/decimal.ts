/**
 * Exact decimals for the amounts the ERP sandboxes compute. Vendors take amounts as JSON
 * numbers; the sandbox reads each one back as the decimal it prints as (the shortest
 * round-trip form), works in bigint at a fixed scale and rounds half away from zero to the
 * currency's minor unit, as both ERPs round amounts. No float arithmetic touches an amount.
 */
import { currencyExponent, isCurrencyCode } from '../../../src/canonical/money.js';

/** A decimal as an integer and its number of decimals: 12.345 → { units: 12345n, scale: 3 }. */
export interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

const NUMBER_TEXT = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** The decimal a JSON number (or decimal text) stands for; undefined when it is not one. */
export function decimalOf(value: unknown): Scaled | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  const m = NUMBER_TEXT.exec(String(value).trim());
  if (!m) return undefined;
  const [, sign, whole, fraction = '', exp = '0'] = m;
  let digits = whole + fraction;
  let scale = fraction.length - Number(exp);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const units = BigInt(digits);
  return { units: sign ? -units : units, scale };
}

/** n / d rounded half away from zero (d > 0). */
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);

/** A decimal at `exponent` decimals (minor units), rounded half away from zero. */
export function toMinor(value: Scaled, exponent: number): bigint {
  return value.scale <= exponent ? value.units * pow10(exponent - value.scale) : divRound(value.units, pow10(value.scale - exponent));
}

/** The product of two decimals, rounded to minor units. */
export function productMinor(a: Scaled, b: Scaled, exponent: number): bigint {
  return toMinor({ units: a.units * b.units, scale: a.scale + b.scale }, exponent);
}

/** amount × percent / 100, rounded to the minor unit: tax at a rate. */
export function percentOf(amountMinor: bigint, percent: Scaled): bigint {
  return divRound(amountMinor * percent.units, 100n * pow10(percent.scale));
}

/** The net part of a tax-inclusive amount: amount / (1 + percent / 100), rounded. */
export function netOfInclusive(amountMinor: bigint, percent: Scaled): bigint {
  const hundred = 100n * pow10(percent.scale);
  return divRound(amountMinor * hundred, hundred + percent.units);
}

/** Minor units as the JSON number the vendor answers with (exact: short decimals round-trip). */
export function minorToNumber(minor: bigint, exponent: number): number {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const text = exponent === 0 ? digits : `${digits.slice(0, digits.length - exponent)}.${digits.slice(digits.length - exponent)}`;
  return Number(`${negative ? '-' : ''}${text}`);
}

/** Decimals of a currency code; two for anything that is not an ISO code the hub knows. */
export function exponentOf(code: unknown): number {
  return isCurrencyCode(code) ? currencyExponent(code) : 2;
}
