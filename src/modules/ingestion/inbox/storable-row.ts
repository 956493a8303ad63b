import type { NewInboxRow } from './inbox-status.js';

const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** PostgreSQL's timestamptz range (4713 BC to 294276 AD), in epoch milliseconds. */
const PG_EARLIEST = -210_866_803_200_000;
const PG_LATEST = 9_224_318_015_999_999;

/**
 * PostgreSQL refuses NUL in text and \u0000 or lone surrogates in jsonb, and any such value
 * fails the whole multi-row INSERT it rides in; they become U+FFFD here. raw_body is bytea
 * and kept byte for byte.
 */
export function storableText(value: string): string {
  return value.replace(NUL, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

export function storableTimestamp(value: Date | null): Date | null {
  const ms = value?.getTime();
  return ms === undefined || Number.isNaN(ms) || ms < PG_EARLIEST || ms > PG_LATEST ? null : value;
}

/** The row with every text and jsonb value in a form PostgreSQL accepts. */
export function storableRow(row: NewInboxRow): NewInboxRow {
  const text = (value: string | null) => (value === null ? null : storableText(value));
  return {
    ...row,
    source: storableText(row.source),
    account: text(row.account),
    topic: storableText(row.topic),
    dedupeKey: storableText(row.dedupeKey),
    eventId: text(row.eventId),
    redactedFields: row.redactedFields.map(storableText),
    headers: Object.fromEntries(Object.entries(row.headers).map(([name, value]) => [storableText(name), storableText(value)])),
    correlationId: storableText(row.correlationId),
    error: text(row.error),
    triggeredAt: storableTimestamp(row.triggeredAt),
  };
}
