import { isCurrencyCode } from '../../../canonical/money.js';
import { checkParameters, csvReading, invalidParameter, type CsvReading } from '../csv-upload-options.js';

/** Where an ERP's export keeps each field: NetSuite's saved-search headers unless the upload says otherwise. */
export interface ErpExtractColumns extends CsvReading {
  readonly documentNumber: string;
  readonly type: string | null;
  readonly date: string;
  readonly amount: string;
  readonly currency: string | null;
  readonly accountCurrency: string | null;
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

/** The upload's target and column map from its query parameters; each malformed field is a 400 naming it. */
export function erpExtractColumns(query: ErpExtractQuery): { target: string; columns: ErpExtractColumns } {
  const fail = invalidParameter;
  checkParameters(query, ['documentNumber', 'type', 'date', 'amount', 'currency']);
  if (!query.target) fail('target', 'target is required: the ERP target the extract was exported from');
  if (!TARGET.test(query.target!)) fail('target', 'target must be 1 to 64 letters, digits, dashes or underscores');
  if (query.accountCurrency !== undefined && !isCurrencyCode(query.accountCurrency)) fail('accountCurrency', 'accountCurrency must be an ISO 4217 code');
  const reading = csvReading(query, 'MM/DD/YYYY');
  return {
    target: query.target!,
    columns: {
      documentNumber: query.documentNumber ?? 'Document Number', type: query.type ?? 'Type', date: query.date ?? 'Date', amount: query.amount ?? 'Amount',
      currency: query.accountCurrency ? null : query.currency ?? 'Currency', accountCurrency: query.accountCurrency ?? null, ...reading,
    },
  };
}
