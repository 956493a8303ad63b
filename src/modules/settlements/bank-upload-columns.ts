import type { BankColumnMap } from '../../adapters/payments/bank-statement-csv.js';
import { checkBankColumnMap } from '../../adapters/payments/bank-statement-csv.js';
import { isCurrencyCode } from '../../canonical/money.js';
import { checkParameters, csvReading, invalidParameter } from './csv-upload-options.js';

/** The query parameters a bank statement upload takes, beside `format=BANK_CSV`. */
export interface BankUploadQuery {
  readonly bankAccount?: string;
  readonly date?: string;
  readonly amount?: string;
  readonly credit?: string;
  readonly debit?: string;
  readonly currency?: string;
  readonly accountCurrency?: string;
  readonly reference?: string;
  readonly description?: string;
  readonly dateFormat?: string;
  readonly delimiter?: string;
  readonly decimal?: string;
}

const ACCOUNT = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * The column map of an uploaded statement, from the upload's query parameters: the same fields
 * as an IMPORT_DIR account's columns.json, so an operator can try a bank's export by hand before
 * dropping it in the folder. Each missing or malformed field is a 400 naming it.
 */
export function bankUploadColumns(query: BankUploadQuery): { account: string; map: BankColumnMap } {
  const fail = invalidParameter;
  checkParameters(query, ['date', 'amount', 'credit', 'debit', 'currency', 'reference', 'description']);
  if (!query.bankAccount) fail('bankAccount', 'bankAccount is required for BANK_CSV: the account the statement is of');
  if (!ACCOUNT.test(query.bankAccount!)) fail('bankAccount', 'bankAccount must be 1 to 40 letters, digits, dashes or underscores');
  if (!query.date) fail('date', 'date is required: the column holding the booking date');
  if (!query.reference) fail('reference', 'reference is required: the column holding the bank reference');
  if (!query.amount && !(query.credit && query.debit)) fail(query.credit || query.debit ? (query.credit ? 'debit' : 'credit') : 'amount', 'give amount (one signed column) or both credit and debit');
  if (query.amount && (query.credit || query.debit)) fail('amount', 'give amount or credit and debit, not both');
  if (!query.currency && !query.accountCurrency) fail('currency', 'give currency (a column) or accountCurrency (the account\'s one currency)');
  if (query.accountCurrency !== undefined && !isCurrencyCode(query.accountCurrency)) fail('accountCurrency', 'accountCurrency must be an ISO 4217 code');
  const { dateFormat, delimiter, decimal } = csvReading(query, 'YYYY-MM-DD');
  const map: BankColumnMap = {
    date: query.date!, amount: query.amount, credit: query.credit, debit: query.debit, currency: query.currency, accountCurrency: query.accountCurrency,
    reference: query.reference!, description: query.description, dateFormat, delimiter, decimal,
  };
  const problems = checkBankColumnMap(map);
  if (problems.length) fail('columnMap', problems.join('; '));
  return { account: query.bankAccount!, map };
}
