import type { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import type { DecimalSeparator, ReportSummary, SettlementComponent, SettlementFormat } from '../../canonical/settlement.js';

/** How the caller names the report: lineage is `fileName:row`, the channel labels every row. */
export interface ReportSource {
  readonly fileName: string;
  readonly channel: string;
  /** The file's SHA-256, the report's identity when its format carries none. */
  readonly fileHash: string;
  readonly decimal?: DecimalSeparator;
}

/**
 * Reads one report, streaming: components come out as the rows are read, and the summary
 * (identity, control totals) is known once the stream has ended.
 */
export interface ReportParser {
  readonly format: SettlementFormat;
  components(input: Readable): AsyncGenerator<SettlementComponent>;
  summary(): ReportSummary;
}

export interface CsvRow {
  readonly values: Readonly<Record<string, string>>;
  /** The file line the row ends on, 1-based; the header is line 1. */
  readonly line: number;
}

/** Rows by header name, so a column added or moved by the provider changes nothing. */
export async function* csvRows(input: Readable, options: Options): AsyncGenerator<CsvRow> {
  const parser = input.pipe(parse({
    bom: true, columns: (header: string[]) => header.map((name) => name.trim()), relax_column_count: true, skip_empty_lines: true, info: true, ...options,
  }));
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { values: record, line: info.lines };
  }
}

/** A field that must be present; the error names the row and the column. */
export function required(row: CsvRow, column: string, lineage: string): string {
  const value = row.values[column]?.trim();
  if (!value) throw new ReportFormatError(`${column} is empty or missing`, lineage, column);
  return value;
}

export function optional(row: CsvRow, column: string): string | null {
  const value = row.values[column]?.trim();
  return value ? value : null;
}

export class ReportFormatError extends Error {
  constructor(message: string, readonly lineage: string, readonly field: string) {
    super(`${lineage}: ${field}: ${message}`);
    this.name = 'ReportFormatError';
  }
}

const SPACED_UTC = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(UTC|GMT|Z)?$/i;
const DOTTED = /^(\d{2})\.(\d{2})\.(\d{4})[ T](\d{2}):(\d{2}):(\d{2})\s*(UTC|GMT)?$/i;

/**
 * Report timestamps: ISO 8601 with an offset, "2025-06-09 05:23:19 UTC", or the EU rendering
 * "09.06.2025 05:23:19 UTC". A time without a zone is read as UTC. Anything else is null,
 * never a guess between day-first and month-first.
 */
export function reportTime(text: string | null): Date | null {
  if (!text) return null;
  const value = text.trim();
  let match = SPACED_UTC.exec(value);
  if (match) return new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6]));
  match = DOTTED.exec(value);
  if (match) return new Date(Date.UTC(+match[3], +match[2] - 1, +match[1], +match[4], +match[5], +match[6]));
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z))?$/.test(value)) {
    const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}
