import type { Readable } from 'node:stream';
import { bankDate } from '../../../adapters/payments/bank-statement-csv.js';
import { csvRows, optional, ReportFormatError, required } from '../../../adapters/payments/report-parser.js';
import { isCurrencyCode, MoneyError } from '../../../canonical/money.js';
import { parseLocaleAmount } from '../../../canonical/settlement.js';
import type { ErpExtractColumns } from './erp-extract-columns.js';

/** One document as the ERP lists it. */
export interface ErpExtractLine {
  readonly lineage: string;
  readonly documentNumber: string;
  readonly documentType: string | null;
  /** YYYY-MM-DD */
  readonly bookedOn: string;
  readonly amount: bigint;
  readonly currency: string;
}

/** Reads an ERP export with a maintained CSV parser; a line it cannot read fails the upload naming the line and column. */
export async function readErpExtract(input: Readable, fileName: string, columns: ErpExtractColumns): Promise<ErpExtractLine[]> {
  const lines: ErpExtractLine[] = [];
  for await (const rows of csvRows(input, { delimiter: columns.delimiter })) {
    for (const row of rows) {
      const lineage = `${fileName}:${row.line}`;
      const currency = columns.accountCurrency ?? required(row, columns.currency!, lineage);
      if (!isCurrencyCode(currency)) throw new ReportFormatError(`not a currency code: ${currency}`, lineage, columns.currency ?? 'accountCurrency');
      const dateText = required(row, columns.date, lineage);
      const date = bankDate(dateText, columns.dateFormat);
      if (!date) throw new ReportFormatError(`not a ${columns.dateFormat} date: ${dateText}`, lineage, columns.date);
      let amount: bigint;
      try {
        amount = parseLocaleAmount(required(row, columns.amount, lineage), currency, columns.decimal);
      } catch (error) {
        if (error instanceof MoneyError) throw new ReportFormatError(error.message, lineage, columns.amount);
        throw error;
      }
      lines.push({
        lineage, documentNumber: required(row, columns.documentNumber, lineage), documentType: columns.type ? optional(row, columns.type) : null,
        bookedOn: date.toISOString().slice(0, 10), amount, currency,
      });
    }
  }
  return lines;
}
