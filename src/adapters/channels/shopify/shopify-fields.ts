/** Field readers shared by the Shopify mappers that walk a parsed body by hand (refunds, returns). */
import { idToString } from '../../../canonical/references.js';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-blank string, else null. */
export const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** An id as text (exact past 2^53); a missing or unsafe one is `refuse(field, reason)`'s error. */
export function requiredId(value: unknown, field: string, refuse: (field: string, reason: string) => Error): string {
  let parsed: string | null;
  try {
    parsed = idToString(value);
  } catch (error) {
    throw refuse(field, (error as Error).message);
  }
  if (parsed === null) throw refuse(field, 'is required');
  return parsed;
}
