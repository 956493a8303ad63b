import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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
  /** The components in report order, a batch at a time (a promise per component would cost more than the parsing). */
  components(input: Readable): AsyncGenerator<SettlementComponent[]>;
  summary(): ReportSummary;
}

export interface CsvRow {
  readonly fields: readonly string[];
  /** Column name → field index, from the header row. */
  readonly columns: ReadonlyMap<string, number>;
  /** The file line the row ends on, 1-based; the header is line 1. */
  readonly line: number;
}

/**
 * Rows by header name, so a column added or moved by the provider changes nothing; a batch of
 * rows at a time. Without quoting (`quote: false`) a row is a line, so the line numbers are
 * counted here and csv-parse is spared building a position record per row, most of its cost.
 */
export async function* csvRows(input: Readable, options: Options): AsyncGenerator<CsvRow[]> {
  const counted = options.quote === false;
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: !counted, info: !counted, ...options }));
  let columns: Map<string, number> | null = null;
  let line = 0;
  for await (const records of buffered<string[] | { record: string[]; info: { lines: number } }>(parser)) {
    const rows: CsvRow[] = [];
    for (const record of records) {
      const fields = counted ? record as string[] : (record as { record: string[] }).record;
      line = counted ? line + 1 : (record as { info: { lines: number } }).info.lines;
      if (counted && fields.length === 1 && fields[0] === '') continue;
      if (!columns) columns = new Map(fields.map((name, index) => [name.trim(), index]));
      else rows.push({ fields, columns, line });
    }
    if (rows.length) yield rows;
  }
}

/**
 * What an object stream has buffered, an array at a time: iterating it record by record
 * costs a promise and a turn of the event loop each, several times the parsing itself.
 */
export async function* buffered<T>(stream: Readable): AsyncGenerator<T[]> {
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const rouse = () => wake?.();
  stream.on('readable', rouse);
  stream.once('end', () => { ended = true; rouse(); });
  stream.once('error', (error) => { failure = error; rouse(); });
  try {
    for (;;) {
      const batch: T[] = [];
      for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) batch.push(item);
      if (failure) throw failure;
      if (batch.length) yield batch;
      else if (ended) return;
      else await new Promise<void>((resolve) => { wake = resolve; });
      wake = null;
    }
  } finally {
    stream.off('readable', rouse);
    if (!ended) stream.destroy();
  }
}

/**
 * A text stream's lines, an array at a time, each with its 1-based number; CRLF or LF.
 * (readline's async iterator hands them out one promise each.)
 */
export async function* textLines(input: Readable): AsyncGenerator<{ text: string; line: number }[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  const cut = (text: string, last: boolean) => {
    const parts = text.split('\n');
    rest = last ? '' : parts.pop() ?? '';
    return parts.map((part) => ({ text: part.endsWith('\r') ? part.slice(0, -1) : part, line: ++line }));
  };
  for await (const chunk of input) {
    const lines = cut(rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer)), false);
    if (lines.length) yield lines;
  }
  const tail = rest + decoder.end();
  if (tail) yield cut(tail, true);
}

function valueOf(row: CsvRow, column: string): string | undefined {
  const index = row.columns.get(column);
  return index === undefined ? undefined : row.fields[index]?.trim();
}

/** A field that must be present; the error names the row and the column. */
export function required(row: CsvRow, column: string, lineage: string): string {
  const value = valueOf(row, column);
  if (!value) throw new ReportFormatError(`${column} is empty or missing`, lineage, column);
  return value;
}

export function optional(row: CsvRow, column: string): string | null {
  const value = valueOf(row, column);
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
