import { isCurrencyCode, MoneyError, parseDecimal, type Money } from '../../canonical/money.js';

/** A field path and what is wrong with it, as the delivery's rejection reason lists them. */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

type Json = Record<string, unknown>;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;

/**
 * Reads one object of a channel's JSON body (storefront orders, POS transactions), collecting every error with its path rather than
 * stopping at the first, so a rejected delivery says all that is wrong with it.
 */
export class FieldReader {
  constructor(
    private readonly value: Json,
    private readonly path: string,
    private readonly errors: FieldError[],
  ) {}

  static of(value: unknown, path: string, errors: FieldError[]): FieldReader | null {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return new FieldReader(value as Json, path, errors);
    errors.push({ field: path || '(body)', reason: 'must be an object' });
    return null;
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, reason: string): void {
    this.errors.push({ field: this.at(key), reason });
  }

  text(key: string, max = 255): string {
    const v = this.value[key];
    if (typeof v === 'string' && v.trim() !== '' && v.length <= max) return v;
    this.fail(key, `must be a non-empty string of at most ${max} characters`);
    return '';
  }

  optionalText(key: string, max = 255): string | null {
    const v = this.value[key];
    if (v === undefined || v === null) return null;
    return this.text(key, max);
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.value[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.fail(key, `must be one of ${allowed.join(', ')}`);
    return allowed[0];
  }

  instant(key: string): string {
    const v = this.value[key];
    if (typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
    this.fail(key, 'must be an ISO-8601 instant with its offset (2026-05-01T10:00:00Z)');
    return new Date(0).toISOString();
  }

  optionalInstant(key: string): string | null {
    const v = this.value[key];
    return v === undefined || v === null ? null : this.instant(key);
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.value[key];
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    this.fail(key, 'must be true or false');
    return fallback;
  }

  quantity(key: string): number {
    const v = this.value[key];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= 1_000_000) return v;
    this.fail(key, 'must be a whole number from 1 to 1000000');
    return 1;
  }

  currency(key: string): string {
    const v = this.value[key];
    if (isCurrencyCode(v)) return v;
    this.fail(key, 'must be an ISO 4217 currency code the hub knows');
    return 'XXX';
  }

  /** A decimal string in the order's currency; never a JSON number, which could already be rounded. */
  money(key: string, currency: string, fallback?: string): Money {
    const v = this.value[key] ?? fallback;
    if (typeof v !== 'string' || !DECIMAL.test(v)) {
      this.fail(key, 'must be a decimal string such as "19.90"');
      return { amount: 0n, currency };
    }
    try {
      return parseDecimal(v, currency);
    } catch (error) {
      this.fail(key, error instanceof MoneyError ? error.message : 'is not an amount');
      return { amount: 0n, currency };
    }
  }

  object(key: string): FieldReader | null {
    return FieldReader.of(this.value[key], this.at(key), this.errors);
  }

  optionalObject(key: string): FieldReader | null {
    const v = this.value[key];
    return v === undefined || v === null ? null : this.object(key);
  }

  /** Each element of a list as a reader; `min` elements at least, at most `max`. */
  list(key: string, min: number, max = 500): FieldReader[] {
    const v = this.value[key] ?? (min === 0 ? [] : undefined);
    if (!Array.isArray(v) || v.length < min || v.length > max) {
      this.fail(key, `must be a list of ${min} to ${max} objects`);
      return [];
    }
    return v.flatMap((item, index) => FieldReader.of(item, `${this.at(key)}[${index}]`, this.errors) ?? []);
  }

  strings(key: string, max = 100): string[] {
    const v = this.value[key] ?? [];
    if (Array.isArray(v) && v.length <= max && v.every((s) => typeof s === 'string' && s.length <= 255)) return v as string[];
    this.fail(key, `must be a list of at most ${max} strings`);
    return [];
  }
}
