import { OPTIONAL_TARGET_FIELDS, TARGET_FIELDS, type MappingKind, type MappingTarget } from './mapping-kinds.js';

/**
 * CSV for mapping import and export (RFC 4180, written here to add no dependency).
 *
 * Format: the header `kind,channel,account,erp_target,source_value,target,note`, then one
 * mapping per record. `target` is the kind's target as a JSON object, e.g.
 * `"{""itemId"":""ITEM-1""}"`: one column for every kind, so one file holds all kinds and
 * an export re-imports exactly. Empty `account` / `erp_target` mean every account / target.
 *
 * Reading accepts a UTF-8 BOM, CRLF, LF or CR line ends, quoted fields holding commas,
 * quotes ("" inside quotes) and line breaks, and skips blank lines. Writing quotes only
 * the fields that need it and ends records with CRLF.
 * @since 0.2.0
 */
export const CSV_COLUMNS = ['kind', 'channel', 'account', 'erp_target', 'source_value', 'target', 'note'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export interface CsvRecord {
  /** The physical line (1-based, header included) where the record starts. */
  readonly line: number;
  readonly fields: readonly string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

const BOM = '\uFEFF';

/** Splits CSV text into records; throws CsvSyntaxError naming the line of a malformed one. */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // Whether the current field / record had quotes: a quoted empty field still makes a record.
  let quotedField = false;
  let quotedRecord = false;

  const endField = () => {
    fields.push(field);
    field = '';
    quotedField = false;
  };
  const endRecord = () => {
    endField();
    const blank = fields.length === 1 && fields[0] === '' && !quotedRecord;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    quotedRecord = false;
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      if (field !== '' || quotedField) throw new CsvSyntaxError(line, 'a quote inside an unquoted field; quote the whole field and double inner quotes');
      quotedField = true;
      quotedRecord = true;
      const start = line;
      i += 1;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError(start, 'a quoted field is never closed');
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (q === '\r' || q === '\n') {
          // A line break inside quotes is data; CRLF stays CRLF, but still counts one line.
          if (q === '\r' && text[i + 1] === '\n') {
            field += '\r\n';
            i += 2;
          } else {
            field += q;
            i += 1;
          }
          line += 1;
          continue;
        }
        field += q;
        i += 1;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw new CsvSyntaxError(line, 'text after a closing quote; double a quote that belongs to the value');
      }
      continue;
    }
    if (c === ',') {
      endField();
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    if (quotedField) throw new CsvSyntaxError(line, 'text after a closing quote; double a quote that belongs to the value');
    field += c;
    i += 1;
  }
  // The last record, unless the text ended with a line break (or was empty).
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return records;
}

function quote(value: string): string {
  // Leading/trailing spaces are quoted too, so spreadsheet tools keep them.
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV text of the rows, each record ended with CRLF. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(quote).join(',')}\r\n`).join('');
}

/** A data row of a mapping CSV, by column name, with where it was in the file. */
export interface MappingCsvRow {
  /** 1-based among data rows; the header is not counted. */
  readonly row: number;
  readonly line: number;
  readonly values: Readonly<Record<CsvColumn, string>> | null;
  /** Set when the record has the wrong number of fields. */
  readonly error: string | null;
}

/** Why a header is unusable, or null. Columns may come in any order; each exactly once. */
export function checkHeader(header: readonly string[]): string | null {
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  const problems = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    unknown.length ? `unknown ${unknown.join(', ')}` : '',
    repeated.length ? `repeated ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  return problems.length ? `the header must be ${CSV_COLUMNS.join(',')}: ${problems.join('; ')}` : null;
}

/** The data rows of a mapping CSV keyed by column; the caller checks the header first. */
export function mappingRows(records: readonly CsvRecord[]): MappingCsvRow[] {
  const header = records[0].fields.map((h) => h.trim().toLowerCase() as CsvColumn);
  return records.slice(1).map((record, index) => {
    if (record.fields.length !== header.length) {
      return { row: index + 1, line: record.line, values: null, error: `has ${record.fields.length} fields; the header has ${header.length}` };
    }
    const values = Object.fromEntries(header.map((column, i) => [column, record.fields[i]])) as Record<CsvColumn, string>;
    return { row: index + 1, line: record.line, values, error: null };
  });
}

export interface ExportableMapping {
  readonly kind: MappingKind;
  readonly channel: string;
  readonly account: string | null;
  readonly erpTarget: string | null;
  readonly sourceValue: string;
  readonly target: MappingTarget;
  readonly note: string;
}

/** The target as JSON with its kind's fields in their documented order. */
export function targetJson(kind: MappingKind, target: MappingTarget): string {
  const optional = OPTIONAL_TARGET_FIELDS[kind].filter((f) => target[f] !== undefined);
  return JSON.stringify(Object.fromEntries([...TARGET_FIELDS[kind], ...optional].map((f) => [f, target[f]])));
}

export function mappingsToCsv(mappings: readonly ExportableMapping[]): string {
  return formatCsv([
    [...CSV_COLUMNS],
    ...mappings.map((m) => [m.kind, m.channel, m.account ?? '', m.erpTarget ?? '', m.sourceValue, targetJson(m.kind, m.target), m.note]),
  ]);
}
