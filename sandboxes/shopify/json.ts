/**
 * Shopify writes ids as bare JSON integers, and many of them exceed 2^53. The sandbox keeps
 * every id as a decimal string and writes it back as a bare integer, so a client that parses
 * Shopify's answers with plain JSON.parse loses digits here exactly as it would in production.
 */

/** Ids are marked during serialisation; only a string that is exactly a NUL-prefixed mark could collide. */
const MARK = '\u0000id:';
const MARKED = /"\\u0000id:(\d+)"/g;

/** An id to be written as a bare integer. */
export function rawId(id: string): string;
export function rawId(id: string | null): string | null;
export function rawId(id: string | null): string | null {
  return id === null ? null : `${MARK}${id}`;
}

export function shopifyJson(value: unknown): string {
  return JSON.stringify(value).replace(MARKED, '$1');
}

/** A Shopify id as received: an integer (bare or quoted). Undefined when it is not one. */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  if (typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value.trim())) return value.trim();
  return undefined;
}

/** Ids of the sandbox's own records, above 2^53 on purpose. */
export class IdSequence {
  private current: bigint;

  constructor(private readonly start: bigint) {
    this.current = start;
  }

  next(): string {
    const id = this.current;
    this.current += 1n;
    return id.toString();
  }

  reset(): void {
    this.current = this.start;
  }
}
