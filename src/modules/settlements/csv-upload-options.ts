import type { BankDateFormat } from '../../adapters/payments/bank-statement-csv.js';
import type { DecimalSeparator } from '../../canonical/settlement.js';
import { ApiError } from '../../platform/http/api-error.js';

/** How an uploaded CSV is read, as its query parameters say: the parts a bank statement and an ERP extract share. */
export interface CsvReading {
  readonly dateFormat: BankDateFormat;
  readonly delimiter: ',' | ';' | '\t';
  readonly decimal: DecimalSeparator;
}

const COLUMN = /^[^\u0000-\u001f]{1,100}$/;
const DATE_FORMATS: readonly BankDateFormat[] = ['YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY'];
const DELIMITERS: Readonly<Record<string, ',' | ';' | '\t'>> = { ',': ',', ';': ';', tab: '\t', '\t': '\t' };

/** A 400 naming the query parameter at fault. */
export function invalidParameter(field: string, message: string): never {
  throw new ApiError(400, 'VALIDATION_FAILED', message, field);
}

/** Every parameter given once, and each that names a column a plausible column name. */
export function checkParameters(query: object, columnFields: readonly string[]): void {
  for (const [field, value] of Object.entries(query)) {
    if (value !== undefined && typeof value !== 'string') invalidParameter(field, `${field} must be given once`);
  }
  for (const field of columnFields) {
    const value = (query as Record<string, string | undefined>)[field];
    if (value !== undefined && !COLUMN.test(value)) invalidParameter(field, `${field} must name a column (1 to 100 characters, no control characters)`);
  }
}

export function csvReading(query: { dateFormat?: string; delimiter?: string; decimal?: string }, defaultDateFormat: BankDateFormat): CsvReading {
  const dateFormat = (query.dateFormat ?? defaultDateFormat) as BankDateFormat;
  if (!DATE_FORMATS.includes(dateFormat)) invalidParameter('dateFormat', `dateFormat must be one of ${DATE_FORMATS.join(', ')}`);
  const delimiter = DELIMITERS[query.delimiter ?? ','];
  if (!delimiter) invalidParameter('delimiter', 'delimiter must be ",", ";" or "tab"');
  const decimal = query.decimal ?? '.';
  if (decimal !== '.' && decimal !== ',') invalidParameter('decimal', 'decimal must be "." or ","');
  return { dateFormat, delimiter, decimal: decimal as DecimalSeparator };
}
