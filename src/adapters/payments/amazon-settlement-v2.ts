import type { Readable } from 'node:stream';
import { MoneyError } from '../../canonical/money.js';
import { parseLocaleAmount, type ComponentKind, type ReportSummary, type SettlementComponent } from '../../canonical/settlement.js';
import { csvRows, optional, ReportFormatError, reportTime, required, type CsvRow, type ReportParser, type ReportSource } from './report-parser.js';

const FEE_TRANSACTIONS = new Set([
  'servicefee', 'cost of advertising', 'inbound defect fee', 'couponredemptionfee', 'lightning deal fee', 'vine enrollment fee', 'fbafees',
  'fee adjustment', 'grade and resell fees',
]);
const OTHER_FEES = new Set(['storage fee', 'subscription fee', 'storagerenewalbilling', 'shipping label purchase', 'disposalcomplete']);

/**
 * What one (transaction-type, amount-type, amount-description) means. Amazon invents new
 * triples all the time: one not known here is UNKNOWN (a break later), never folded into a parent.
 */
export function amazonComponent(transactionType: string, amountType: string, description: string): { component: ComponentKind; feeType: string | null } {
  const tx = transactionType.toLowerCase();
  const type = amountType.toLowerCase();
  const desc = description.toLowerCase();
  const is = (component: ComponentKind) => ({ component, feeType: null });
  if (desc === 'current reserve amount') return is('RESERVE_HOLD');
  if (desc === 'previous reserve amount balance') return is('RESERVE_RELEASE');
  if (type === 'itemfees' || FEE_TRANSACTIONS.has(tx) || ((tx === 'other-transaction' || tx === 'other') && OTHER_FEES.has(desc))) {
    return { component: 'FEE', feeType: description };
  }
  if (type === 'itemprice') {
    if (tx === 'chargeback refund') return is('CHARGEBACK');
    if (tx.includes('refund')) return is('REFUND');
    if (tx !== 'order') return is('UNKNOWN');
    if (desc === 'principal') return is('PRINCIPAL');
    if (desc.endsWith('tax')) return is('TAX');
    if (desc === 'shipping') return is('SHIPPING');
    if (desc === 'giftwrap' || desc === 'goodwill' || desc === 'restockingfee') return is('ADJUSTMENT');
    return is('UNKNOWN');
  }
  if (type === 'itemwithheldtax') return is('TAX');
  if (type === 'promotion') return is(tx.includes('refund') ? 'REFUND' : 'DISCOUNT');
  if (tx === 'adjustment' || tx === 'fba inventory reimbursement' || desc === 'safe-t reimbursement') return is('ADJUSTMENT');
  return is('UNKNOWN');
}

/**
 * Amazon's settlement report V2 flat file: tab-separated, header row, then a summary row
 * (settlement id, dates, total-amount, currency, no transaction), then one row per component.
 * Control total: the component rows sum to total-amount. The summary row itself becomes the
 * settlement's PAYOUT component (total-amount, deposited on deposit-date).
 */
export class AmazonSettlementV2Parser implements ReportParser {
  readonly format = 'AMAZON_V2' as const;
  private result: ReportSummary | null = null;

  constructor(private readonly source: ReportSource) {}

  async *components(input: Readable): AsyncGenerator<SettlementComponent[]> {
    const { fileName, channel } = this.source;
    let head: { settlementId: string; currency: string; total: bigint; depositAt: Date | null } | null = null;
    let sum = 0n;
    let count = 0;
    for await (const rows of csvRows(input, { delimiter: '\t', quote: false })) {
      const out: SettlementComponent[] = [];
      for (const row of rows) {
        const lineage = `${fileName}:${row.line}`;
        if (!head) {
          if (optional(row, 'transaction-type')) throw new ReportFormatError('the first row must be the settlement summary', lineage, 'transaction-type');
          const currency = required(row, 'currency', lineage);
          head = {
            settlementId: required(row, 'settlement-id', lineage), currency,
            total: this.amount(row, 'total-amount', currency, lineage), depositAt: reportTime(optional(row, 'deposit-date')),
          };
          out.push(this.payout(head, lineage));
          continue;
        }
        const settlementId = required(row, 'settlement-id', lineage);
        if (settlementId !== head.settlementId) throw new ReportFormatError(`belongs to settlement ${settlementId}, not ${head.settlementId}`, lineage, 'settlement-id');
        const currency = optional(row, 'currency') ?? head.currency;
        if (currency !== head.currency) throw new ReportFormatError(`currency ${currency} differs from the settlement's ${head.currency}`, lineage, 'currency');
        const transactionType = required(row, 'transaction-type', lineage);
        const amountType = required(row, 'amount-type', lineage);
        const description = required(row, 'amount-description', lineage);
        const amount = this.amount(row, 'amount', currency, lineage);
        const { component, feeType } = amazonComponent(transactionType, amountType, description);
        sum += amount;
        count += 1;
        out.push({
          side: 'REPORTED', component, feeType, providerKey: `${transactionType}|${amountType}|${description}`, lineage,
          // order-id may hold an FBA shipment id on order-less rows; only Order/Refund rows name an order.
          orderRef: optional(row, 'order-id'), transactionRef: optional(row, 'adjustment-id') ?? optional(row, 'shipment-id'), pspReference: null,
          payoutRef: head.settlementId, amount, currency, eventAt: reportTime(optional(row, 'posted-date-time')), postedAt: head.depositAt, payoutStatus: null,
        });
      }
      if (out.length) yield out;
    }
    if (!head) throw new ReportFormatError('the report has no summary row', `${fileName}:2`, 'settlement-id');
    this.result = {
      format: this.format, reportId: head.settlementId, channel, currency: head.currency, controlExpected: head.total, controlActual: sum, lineCount: count,
    };
  }

  summary(): ReportSummary {
    if (!this.result) throw new Error('summary() before the report was read to its end');
    return this.result;
  }

  private payout(head: { settlementId: string; currency: string; total: bigint; depositAt: Date | null }, lineage: string): SettlementComponent {
    return {
      side: 'REPORTED', component: 'PAYOUT', feeType: null, providerKey: 'settlement|total-amount', lineage, orderRef: null, transactionRef: null,
      pspReference: null, payoutRef: head.settlementId, amount: head.total, currency: head.currency, eventAt: head.depositAt, postedAt: head.depositAt,
      payoutStatus: null,
    };
  }

  private amount(row: CsvRow, column: string, currency: string, lineage: string): bigint {
    const text = required(row, column, lineage);
    try {
      return parseLocaleAmount(text, currency, this.source.decimal);
    } catch (error) {
      if (error instanceof MoneyError) throw new ReportFormatError(error.message, lineage, column);
      throw error;
    }
  }
}
