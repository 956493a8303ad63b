/** Reading a delivery's unsigned headers: shared by every channel adapter and the ingestion. */
import type { WebhookHeaders } from './channel-port.js';

export type { WebhookHeaders };

/** A header's first value (Node gives repeated headers as arrays). */
export function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The named headers worth keeping with a delivery; signatures and secrets are never among them. */
export function keptHeaders(headers: WebhookHeaders, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = header(headers, name);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

const EARLIEST_TRIGGER = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;

/**
 * An unsigned timestamp header, kept only when it is plausible: from 2000 to a day ahead of
 * our clock. Anything else (unparsable, or -271821-04-20 which PostgreSQL cannot store) is
 * dropped with a note, so a silly header never costs the delivery its row.
 */
export function plausibleTimestamp(value: string | undefined, now = Date.now()): { at: Date | null; note: string | null } {
  if (value === undefined || value === '') return { at: null, note: null };
  const at = Date.parse(value);
  if (Number.isNaN(at) || at < EARLIEST_TRIGGER || at > now + DAY_MS) return { at: null, note: 'ignored: not a timestamp between 2000 and now' };
  return { at: new Date(at), note: null };
}

/**
 * The account named by the webhook URL (POST /webhooks/{slug}/{account}), handed to the adapter
 * among the headers. No HTTP header can have this name (a colon cannot start a field name), so
 * a sender cannot set it any other way than by the URL.
 */
export const PATH_ACCOUNT = ':account';
