import type { Readable } from 'node:stream';
import { isCurrencyCode, MoneyError } from '../../canonical/money.js';
import { parseLocaleAmount, type DecimalSeparator, type ReportSummary, type SettlementComponent } from '../../canonical/settlement.js';
import { csvRows, optional, ReportFormatError, required, type ReportParser, type ReportSource } from './report-parser.js';

export type BankDateFormat = 'YYYY-MM-DD' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY';

/** How one bank account's CSV export names its columns: set per account, never guessed. */
export interface BankColumnMap {
  readonly date: string;
  /** One signed amount column, or separate unsigned credit and debit columns. */
  readonly amount?: string;
  readonly credit?: string;
  readonly debit?: string;
  /** A currency column, or the account's one currency. */
  readonly currency?: string;
  readonly accountCurrency?: string;
  readonly reference: string;
  readonly description?: string;
  readonly dateFormat: BankDateFormat;
  readonly delimiter?: ',' | ';' | '\t';
  readonly decimal: DecimalSeparator;
}

export function checkBankColumnMap(map: BankColumnMap): string[] {
  const problems: string[] = [];
  if (!map.amount === !(map.credit && map.debit)) problems.push('give either amount or both credit and debit');
  if (!map.currency && !isCurrencyCode(map.accountCurrency)) problems.push('give a currency column or the account currency');
  if (!map.date || !map.reference) problems.push('date and reference columns are required');
  return problems;
}

/**
 * A bank statement exported as CSV. Each line is a BANK_DEPOSIT (signed: money in is positive).
 * A statement states no total of its own here, so its control total is its own sum and the
 * report's identity is the file's hash.
 */
export class BankStatementCsvParser implements ReportParser {
  readonly format = 'BANK_CSV' as const;
  private result: ReportSummary | null = null;

  constructor(private readonly source: ReportSource, private readonly map: BankColumnMap) {
    const problems = checkBankColumnMap(map);
    if (problems.length) throw new ReportFormatError(problems.join('; '), source.fileName, 'columnMap');
  }

  async *components(input: Readable): AsyncGenerator<SettlementComponent[]> {
    const { fileName, channel } = this.source;
    const map = this.map;
    let currency: string | null = null;
    let sum = 0n;
    let count = 0;
    for await (const rows of csvRows(input, { delimiter: map.delimiter ?? ',' })) {
      const out: SettlementComponent[] = [];
      for (const row of rows) {
        const lineage = `${fileName}:${row.line}`;
        const rowCurrency = map.currency ? required(row, map.currency, lineage) : map.accountCurrency!;
        if (!isCurrencyCode(rowCurrency)) throw new ReportFormatError(`not a currency code: ${rowCurrency}`, lineage, map.currency ?? 'accountCurrency');
        if (currency !== null && rowCurrency !== currency) throw new ReportFormatError(`currency ${rowCurrency} in a ${currency} statement`, lineage, map.currency!);
        currency = rowCurrency;
        const amount = map.amount
          ? this.amount(required(row, map.amount, lineage), currency, lineage, map.amount)
          : this.amount(optional(row, map.credit!) ?? '0', currency, lineage, map.credit!) - this.amount(optional(row, map.debit!) ?? '0', currency, lineage, map.debit!);
        const date = bankDate(required(row, map.date, lineage), map.dateFormat);
        if (!date) throw new ReportFormatError(`not a ${map.dateFormat} date`, lineage, map.date);
        sum += amount;
        count += 1;
        const reference = optional(row, map.reference);
        const description = map.description ? optional(row, map.description) : null;
        out.push({
          side: 'REPORTED', component: 'BANK_DEPOSIT', feeType: null, providerKey: description ?? reference ?? 'bank line', lineage, orderRef: null,
          transactionRef: reference, pspReference: null, payoutRef: null, amount, currency, eventAt: date, postedAt: date, payoutStatus: null,
        });
      }
      if (out.length) yield out;
    }
    if (currency === null) throw new ReportFormatError('the statement has no lines', `${fileName}:2`, map.amount ?? map.credit!);
    // An upload's hash is known only once its last byte has been read, so it is asked for here.
    this.result = { format: this.format, reportId: this.source.fileHash, channel, currency, controlExpected: sum, controlActual: sum, lineCount: count };
  }

  summary(): ReportSummary {
    if (!this.result) throw new Error('summary() before the report was read to its end');
    return this.result;
  }

  private amount(text: string, currency: string, lineage: string, column: string): bigint {
    try {
      return parseLocaleAmount(text, currency, this.map.decimal);
    } catch (error) {
      if (error instanceof MoneyError) throw new ReportFormatError(error.message, lineage, column);
      throw error;
    }
  }
}

export function bankDate(text: string, format: BankDateFormat): Date | null {
  const parts = /^(\d{1,4})[-./](\d{1,2})[-./](\d{1,4})$/.exec(text.trim());
  if (!parts) return null;
  const [a, b, c] = [+parts[1], +parts[2], +parts[3]];
  const [year, month, day] = format === 'YYYY-MM-DD' ? [a, b, c] : format === 'MM/DD/YYYY' ? [c, a, b] : [c, b, a];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}
