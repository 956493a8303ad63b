/**
 * Identifiers. Channel ids are always strings: some channels' ids pass 2^53 and would be
 * silently rounded as JavaScript numbers.
 */

/** An upper-case channel code; the known ones are listed by src/adapters/channels/registry.ts. */
export type ChannelCode = string;

/** Where a record came from: the channel, the account within it (shop domain, seller id) and its id there. */
export interface SourceRef {
  readonly system: ChannelCode;
  readonly account: string;
  readonly externalId: string;
}

/** Where a record landed in an ERP. */
export interface ErpRef {
  readonly target: string;
  readonly documentType: string;
  readonly internalId: string;
  readonly documentNumber: string | null;
}

const DIGITS = /^\d+$/;

/**
 * Normalises an id that may arrive as a JSON number or string into a string.
 * A number beyond 2^53 has already lost digits, so it is refused rather than kept wrong.
 */
export function idToString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'number') throw new RangeError(`id ${value} is not a safe integer; it must be read as a string`);
  return null;
}

export function isNumericId(value: string): boolean {
  return DIGITS.test(value);
}
