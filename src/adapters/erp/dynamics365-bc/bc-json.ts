/**
 * Exact decimals in Business Central's JSON: amounts are kept as their decimal text from bigint
 * minor units and written into the body as number literals digit for digit, so no amount ever
 * passes through a binary float on the way out.
 */
import { formatDecimal, type Money } from '../../../canonical/money.js';

export const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** A decimal number as BC takes it (Edm.Decimal), kept as its exact text until it is written. */
export class BcDecimal {
  readonly text: string;

  constructor(text: string) {
    if (!DECIMAL.test(text)) throw new TypeError(`not a plain decimal: ${JSON.stringify(text)}`);
    this.text = text;
  }

  static of(value: Money): BcDecimal {
    return new BcDecimal(formatDecimal(value));
  }

  toString(): string {
    return this.text;
  }
}

/**
 * JSON text of a body built from strings, booleans, safe integers, BcDecimal (written as a number
 * literal, exactly as its text), arrays and plain objects; undefined properties are left out.
 */
export function serializeBcJson(value: unknown): string {
  if (value instanceof BcDecimal) return value.text;
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`refusing to write the float ${value}; use BcDecimal`);
    return String(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => serializeBcJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, v] of Object.entries(value)) {
      if (v !== undefined) parts.push(`${JSON.stringify(key)}:${serializeBcJson(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  throw new TypeError(`cannot write ${typeof value} as JSON`);
}

/** A scaled integer as decimal text: 12345 at scale 3 → "12.345". */
export function scaledText(value: bigint, scale: number): string {
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return value < 0n ? `-${body}` : body;
}

/** Half away from zero, as BC rounds amounts. */
export function roundScaled(value: bigint, drop: number): bigint {
  if (drop <= 0) return value * 10n ** BigInt(-drop);
  const unit = 10n ** BigInt(drop);
  const half = unit / 2n;
  return value < 0n ? -((-value + half) / unit) : (value + half) / unit;
}
