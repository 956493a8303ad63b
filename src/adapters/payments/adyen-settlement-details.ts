import type { Readable } from 'node:stream';
import { MoneyError } from '../../canonical/money.js';
import { parseLocaleAmount, type ComponentKind, type ReportSummary, type SettlementComponent } from '../../canonical/settlement.js';
import { csvRows, optional, ReportFormatError, required, type CsvRow, type ReportParser, type ReportSource } from './report-parser.js';

const FEE_COLUMNS = ['Commission (NC)', 'Markup (NC)', 'Scheme Fees (NC)', 'Interchange (NC)'] as const;
const MAIN: Readonly<Record<string, ComponentKind>> = {
  Settled: 'PRINCIPAL', Refunded: 'REFUND', RefundedReversed: 'REFUND', Chargeback: 'CHARGEBACK', SecondChargeback: 'CHARGEBACK',
  ChargebackReversed: 'CHARGEBACK', Balancetransfer: 'ADJUSTMENT', BankInstructionReturned: 'ADJUSTMENT', ManualCorrected: 'ADJUSTMENT',
  MatchedStatement: 'ADJUSTMENT', Fee: 'FEE', MiscCosts: 'FEE', PaymentCost: 'FEE', InvoiceDeduction: 'FEE', AuthorisationSchemeFee: 'FEE',
};
/** Offsets of the zone abbreviations Adyen prints beside Creation Date, in minutes. */
const ZONES: Readonly<Record<string, number>> = { UTC: 0, GMT: 0, WET: 0, BST: 60, CET: 60, CEST: 120, WEST: 60, EET: 120, EEST: 180 };

/**
 * Adyen's settlement details report, one batch per file (the batch is the payout). Read by
 * header name; amounts are unsigned Debit/Credit pairs. A row's net is split into its main
 * component (net plus the fees) and one FEE per fee column, so the parts add up to the net.
 * Control total: credits − debits of every row, Balancetransfer included, equal MerchantPayout.
 */
export class AdyenSettlementDetailsParser implements ReportParser {
  readonly format = 'ADYEN' as const;
  private result: ReportSummary | null = null;

  constructor(private readonly source: ReportSource) {}

  async *components(input: Readable): AsyncGenerator<SettlementComponent[]> {
    const { fileName, channel } = this.source;
    let batch: string | null = null;
    let currency: string | null = null;
    let paidOut = 0n;
    let sum = 0n;
    let count = 0;
    for await (const rows of csvRows(input, { delimiter: ',' })) {
      const out: SettlementComponent[] = [];
      for (const row of rows) {
        const lineage = `${fileName}:${row.line}`;
        const rowBatch = required(row, 'Batch Number', lineage);
        if (batch !== null && rowBatch !== batch) throw new ReportFormatError(`batch ${rowBatch} in a report of batch ${batch}: one batch per file`, lineage, 'Batch Number');
        batch = rowBatch;
        const rowCurrency = required(row, 'Net Currency', lineage);
        if (currency !== null && rowCurrency !== currency) throw new ReportFormatError(`net currency ${rowCurrency} differs from ${currency}`, lineage, 'Net Currency');
        currency = rowCurrency;
        const type = required(row, 'Type', lineage);
        const net = this.amount(row, 'Net Credit (NC)', currency, lineage) - this.amount(row, 'Net Debit (NC)', currency, lineage);
        const base = {
          side: 'REPORTED' as const, lineage, orderRef: optional(row, 'Merchant Reference'), transactionRef: optional(row, 'Modification Reference'),
          pspReference: optional(row, 'Psp Reference'), payoutRef: batch, currency, eventAt: adyenTime(optional(row, 'Creation Date'), optional(row, 'TimeZone')),
          postedAt: null, payoutStatus: null,
        };
        count += 1;
        if (type === 'MerchantPayout') {
          paidOut += -net;
          out.push({ ...base, component: 'PAYOUT', feeType: null, providerKey: type, amount: -net });
          continue;
        }
        sum += net;
        const fees = FEE_COLUMNS.map((column) => [column, this.amount(row, column, currency!, lineage)] as const).filter(([, fee]) => fee !== 0n);
        const main = net + fees.reduce((total, [, fee]) => total + fee, 0n);
        const component = MAIN[type] ?? (type === 'DepositCorrection' ? (main < 0n ? 'RESERVE_HOLD' : 'RESERVE_RELEASE') : 'UNKNOWN');
        out.push({ ...base, component, feeType: component === 'FEE' ? type : null, providerKey: type, amount: main });
        for (const [column, fee] of fees) {
          out.push({ ...base, component: 'FEE', feeType: column.replace(' (NC)', ''), providerKey: `${type}|${column}`, amount: -fee });
        }
      }
      if (out.length) yield out;
    }
    if (batch === null || currency === null) throw new ReportFormatError('the report has no rows', `${fileName}:2`, 'Batch Number');
    this.result = { format: this.format, reportId: batch, channel, currency, controlExpected: paidOut, controlActual: sum, lineCount: count };
  }

  summary(): ReportSummary {
    if (!this.result) throw new Error('summary() before the report was read to its end');
    return this.result;
  }

  private amount(row: CsvRow, column: string, currency: string, lineage: string): bigint {
    const text = optional(row, column);
    if (text === null) return 0n;
    try {
      const value = parseLocaleAmount(text, currency, this.source.decimal ?? '.');
      if (value < 0n) throw new MoneyError(`${column} is unsigned in this report, got ${text}`);
      return value;
    } catch (error) {
      if (error instanceof MoneyError) throw new ReportFormatError(error.message, lineage, column);
      throw error;
    }
  }
}

function adyenTime(text: string | null, zone: string | null): Date | null {
  const match = text ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text) : null;
  const offset = zone ? ZONES[zone.toUpperCase()] : 0;
  if (!match || offset === undefined) return null;
  return new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5] - offset, +match[6]));
}
