/**
 * An ERP's own total as money: the JSON number it answered with, read as the decimal it prints as
 * (the shortest round-trip form, exact for amounts of up to 15 significant digits). Undefined when
 * the value is missing or is not an amount of the currency (more decimals than it has): a total
 * that cannot be read is left unknown, never rounded into agreement.
 */
import { MoneyError, parseDecimal, type Money } from '../../../canonical/money.js';

export function erpTotalOf(value: unknown, currency: string): Money | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  try {
    return parseDecimal(value, currency);
  } catch (err) {
    if (err instanceof MoneyError) return undefined;
    throw err;
  }
}
