import type { BankDateFormat } from '../../../adapters/payments/bank-statement-csv.js';
import { isCurrencyCode } from '../../../canonical/money.js';
import type { DecimalSeparator } from '../../../canonical/settlement.js';
import { ApiError } from '../../../platform/http/api-error.js';

/** Where an ERP's export keeps each field: NetSuite's saved-search headers unless the upload says otherwise. */
export interface ErpExtractColumns {
  readonly documentNumber: string;
  readonly type: string | null;
  readonly date: string;
  readonly amount: string;
  readonly currency: string | null;
  readonly accountCurrency: string | null;
  readonly dateFormat: BankDateFormat;
  readonly delimiter: ',' | ';' | '\t';
  readonly decimal: DecimalSeparator;
}

export interface ErpExtractQuery {
  readonly target?: string;
  readonly documentNumber?: string;
  readonly type?: string;
  readonly date?: string;
  readonly amount?: string;
  readonly currency?: string;
  readonly accountCurrency?: string;
  readonly dateFormat?: string;
  readonly delimiter?: string;
  readonly decimal?: string;
}

const TARGET = /^[A-Za-z0-9_-]{1,64}$/;
const COLUMN = /^[^\u0000-\u001f]{1,100}$/;
const DATE_FORMATS: readonly BankDateFormat[] = ['YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY'];
const DELIMITERS: Readonly<Record<string, ',' | ';' | '\t'>> = { ',': ',', ';': ';', tab: '\t', '\t': '\t' };

/** The upload's target and column map from its query parameters; each malformed field is a 400 naming it. */
export function erpExtractColumns(query: ErpExtractQuery): { target: string; columns: ErpExtractColumns } {
  const fail = (field: string, message: string): never => {
    throw new ApiError(400, 'VALIDATION_FAILED', message, field);
  };
  for (const [field, value] of Object.entries(query)) {
    if (value !== undefined && typeof value !== 'string') fail(field, `${field} must be given once`);
  }
  if (!query.target) fail('target', 'target is required: the ERP target the extract was exported from');
  if (!TARGET.test(query.target!)) fail('target', 'target must be 1 to 64 letters, digits, dashes or underscores');
  for (const field of ['documentNumber', 'type', 'date', 'amount', 'currency'] as const) {
    const value = query[field];
    if (value !== undefined && !COLUMN.test(value)) fail(field, `${field} must name a column (1 to 100 characters, no control characters)`);
  }
  if (query.accountCurrency !== undefined && !isCurrencyCode(query.accountCurrency)) fail('accountCurrency', 'accountCurrency must be an ISO 4217 code');
  const dateFormat = (query.dateFormat ?? 'MM/DD/YYYY') as BankDateFormat;
  if (!DATE_FORMATS.includes(dateFormat)) fail('dateFormat', `dateFormat must be one of ${DATE_FORMATS.join(', ')}`);
  const delimiter = DELIMITERS[query.delimiter ?? ','];
  if (!delimiter) fail('delimiter', 'delimiter must be ",", ";" or "tab"');
  const decimal = query.decimal ?? '.';
  if (decimal !== '.' && decimal !== ',') fail('decimal', 'decimal must be "." or ","');
  return {
    target: query.target!,
    columns: {
      documentNumber: query.documentNumber ?? 'Document Number', type: query.type ?? 'Type', date: query.date ?? 'Date', amount: query.amount ?? 'Amount',
      currency: query.accountCurrency ? null : query.currency ?? 'Currency', accountCurrency: query.accountCurrency ?? null, dateFormat, delimiter,
      decimal: decimal as DecimalSeparator,
    },
  };
}
