/**
 * Money as integer minor units with its ISO 4217 currency. No floats anywhere:
 * amounts are bigint, decimal strings are parsed and printed digit by digit.
 */
export type CurrencyCode = string;

export interface Money {
  readonly amount: bigint;
  readonly currency: CurrencyCode;
}

/** ISO 4217 minor-unit exponents that differ from the default of 2. */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

export function isCurrencyCode(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && CURRENCY_PATTERN.test(code);
}

export function currencyExponent(currency: CurrencyCode): number {
  if (!isCurrencyCode(currency)) throw new MoneyError(`invalid currency code: ${String(currency)}`);
  return EXPONENTS[currency] ?? 2;
}

export function money(amount: bigint, currency: CurrencyCode): Money {
  currencyExponent(currency);
  return { amount, currency };
}

export function zero(currency: CurrencyCode): Money {
  return money(0n, currency);
}

const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string ("199.00", "1990", "1.234") into minor units of the currency.
 * Digits beyond the currency's exponent are accepted only when they are zeros
 * (channels print JPY as "1990.00"); anything else would lose value and is refused.
 */
export function parseDecimal(value: string | number, currency: CurrencyCode): Money {
  const exponent = currencyExponent(currency);
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) throw new MoneyError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ''] = match;
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  const dropped = fraction.slice(exponent);
  if (/[^0]/.test(dropped)) {
    throw new MoneyError(`${text} has more precision than ${currency} allows (${exponent} decimals)`);
  }
  const minor = BigInt(whole + kept);
  return { amount: sign ? -minor : minor, currency };
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyError(`not a finite amount: ${value}`);
  // String(number) is exact for the short decimals channels send; exponent notation is refused.
  const text = String(value);
  if (/e/i.test(text)) throw new MoneyError(`amount out of range: ${text}`);
  return text;
}

/** Prints minor units as a decimal string with the currency's own number of decimals. */
export function formatDecimal(value: Money): string {
  const exponent = currencyExponent(value.currency);
  const negative = value.amount < 0n;
  const digits = (negative ? -value.amount : value.amount).toString();
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  const whole = padded.slice(0, padded.length - exponent);
  const fraction = padded.slice(padded.length - exponent);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError(`currency mismatch: ${a.currency} and ${b.currency}`);
  }
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

export function multiply(a: Money, quantity: number | bigint): Money {
  const factor = typeof quantity === 'bigint' ? quantity : BigInt(quantity);
  return { amount: a.amount * factor, currency: a.currency };
}

export function sum(values: readonly Money[], currency: CurrencyCode): Money {
  return values.reduce<Money>((total, value) => add(total, value), zero(currency));
}

export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.amount === b.amount;
}

/**
 * Splits an amount across weights with the largest-remainder method: every share is
 * floor(amount × weight ÷ total), and the units left over go to the largest remainders
 * (ties to the earlier share), so the shares always add up to the amount exactly.
 */
export function allocate(value: Money, weights: readonly (bigint | number)[]): Money[] {
  if (weights.length === 0) throw new MoneyError('allocate needs at least one weight');
  const ratios = weights.map((weight) => (typeof weight === 'bigint' ? weight : BigInt(weight)));
  if (ratios.some((ratio) => ratio < 0n)) throw new MoneyError('allocation weights must not be negative');
  const total = ratios.reduce((a, b) => a + b, 0n);
  if (total === 0n) throw new MoneyError('allocation weights must not all be zero');
  const negative = value.amount < 0n;
  const amount = negative ? -value.amount : value.amount;
  const shares = ratios.map((ratio) => (amount * ratio) / total);
  const remainders = ratios.map((ratio, index) => ({ index, remainder: (amount * ratio) % total }));
  let left = amount - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index] += 1n;
    left -= 1n;
  }
  return shares.map((share) => ({ amount: negative ? -share : share, currency: value.currency }));
}
