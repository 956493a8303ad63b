import type { Readable } from 'node:stream';
import { isCurrencyCode } from '../../canonical/money.js';
import type { ComponentKind, ReportSummary, SettlementComponent } from '../../canonical/settlement.js';
import { ReportFormatError, textLines, type ReportParser, type ReportSource } from './report-parser.js';

interface StripeFeeDetail { amount: number; currency: string; type: string; description?: string | null }
interface StripeBalanceTransaction {
  id: string; object: string; amount: number; fee: number; net: number; currency: string; created: number; available_on?: number;
  reporting_category: string; type: string; fee_details?: StripeFeeDetail[]; source?: string | { id: string; metadata?: Record<string, string> } | null;
}

const BY_CATEGORY: Readonly<Record<string, ComponentKind>> = {
  charge: 'PRINCIPAL', partial_capture_reversal: 'PRINCIPAL', refund: 'REFUND', refund_failure: 'REFUND', dispute: 'CHARGEBACK',
  dispute_reversal: 'CHARGEBACK', fee: 'FEE', other_adjustment: 'ADJUSTMENT', payout: 'PAYOUT',
};

/**
 * Stripe balance transactions of one payout (GET /v1/balance_transactions?payout=po_…), as
 * JSON Lines: one API object per line, so a large payout streams. Amounts are integer minor
 * units already. The payout's own transaction names the payout; the control total is that the
 * other transactions' net adds up to what was paid out.
 */
export class StripeBalanceTransactionsParser implements ReportParser {
  readonly format = 'STRIPE' as const;
  private result: ReportSummary | null = null;

  constructor(private readonly source: ReportSource) {}

  async *components(input: Readable): AsyncGenerator<SettlementComponent[]> {
    const { fileName, channel } = this.source;
    let payout: { id: string; amount: bigint } | null = null;
    let currency: string | null = null;
    let sum = 0n;
    let count = 0;
    let last = 0;
    const pending: SettlementComponent[] = [];
    for await (const lines of textLines(input)) {
      const out: SettlementComponent[] = [];
      for (const { text, line } of lines) {
        last = line;
        if (!text.trim()) continue;
        const lineage = `${fileName}:${line}`;
        const bt = parseLine(text, lineage);
        if (currency !== null && bt.currency !== currency) throw new ReportFormatError(`currency ${bt.currency} in a ${currency} payout`, lineage, 'currency');
        currency = bt.currency;
        count += 1;
        const sourceId = typeof bt.source === 'string' ? bt.source : bt.source?.id ?? null;
        const base = {
          side: 'REPORTED' as const, lineage: `${lineage}:${bt.id}`, orderRef: typeof bt.source === 'object' ? bt.source?.metadata?.order_id ?? null : null,
          transactionRef: sourceId, pspReference: bt.id, currency: bt.currency.toUpperCase(), eventAt: new Date(bt.created * 1000),
          postedAt: bt.available_on ? new Date(bt.available_on * 1000) : null, payoutStatus: null,
        };
        if (bt.reporting_category === 'payout') {
          if (payout) throw new ReportFormatError(`a second payout ${sourceId} in the report of ${payout.id}`, lineage, 'reporting_category');
          payout = { id: sourceId ?? bt.id, amount: -BigInt(bt.amount) };
          out.push({ ...base, component: 'PAYOUT', feeType: null, providerKey: 'payout', payoutRef: payout.id, amount: payout.amount });
          continue;
        }
        sum += BigInt(bt.net);
        const kind = BY_CATEGORY[bt.reporting_category] ?? (/reserved_funds$/.test(bt.reporting_category) ? (bt.amount < 0 ? 'RESERVE_HOLD' : 'RESERVE_RELEASE') : 'UNKNOWN');
        const parts: SettlementComponent[] = [{
          ...base, component: kind, feeType: kind === 'FEE' ? bt.type : null, providerKey: `${bt.reporting_category}|${bt.type}`, payoutRef: null, amount: BigInt(bt.amount),
        }];
        for (const detail of bt.fee_details ?? []) {
          parts.push({
            ...base, component: bt.reporting_category === 'dispute' ? 'CHARGEBACK_FEE' : 'FEE', feeType: bt.reporting_category === 'dispute' ? null : detail.type,
            providerKey: `${bt.reporting_category}|fee_details|${detail.type}`, payoutRef: null, amount: -BigInt(detail.amount),
          });
        }
        // Stripe lists newest first, so the payout's own transaction normally leads; lines before it wait in memory.
        if (payout) out.push(...parts.map((part) => ({ ...part, payoutRef: payout!.id })));
        else pending.push(...parts);
      }
      if (out.length) yield out;
    }
    if (!payout || currency === null) throw new ReportFormatError('no payout balance transaction in the report', `${fileName}:${last}`, 'reporting_category');
    if (pending.length) yield pending.map((part) => ({ ...part, payoutRef: payout!.id }));
    this.result = {
      format: this.format, reportId: payout.id, channel, currency: currency.toUpperCase(), controlExpected: payout.amount, controlActual: sum, lineCount: count,
    };
  }

  summary(): ReportSummary {
    if (!this.result) throw new Error('summary() before the report was read to its end');
    return this.result;
  }
}

function parseLine(text: string, lineage: string): StripeBalanceTransaction {
  let bt: StripeBalanceTransaction;
  try {
    bt = JSON.parse(text) as StripeBalanceTransaction;
  } catch {
    throw new ReportFormatError('not a JSON object', lineage, 'line');
  }
  if (bt?.object !== 'balance_transaction' || typeof bt.id !== 'string') throw new ReportFormatError('not a balance_transaction', lineage, 'object');
  for (const field of ['amount', 'fee', 'net', 'created'] as const) {
    if (!Number.isSafeInteger(bt[field])) throw new ReportFormatError(`${field} must be an integer in minor units`, lineage, field);
  }
  if (!isCurrencyCode(String(bt.currency).toUpperCase())) throw new ReportFormatError(`not a currency: ${bt.currency}`, lineage, 'currency');
  if (typeof bt.reporting_category !== 'string') throw new ReportFormatError('reporting_category is missing', lineage, 'reporting_category');
  if (bt.net !== bt.amount - bt.fee) throw new ReportFormatError(`net ${bt.net} is not amount ${bt.amount} − fee ${bt.fee}`, lineage, 'net');
  const details = (bt.fee_details ?? []).reduce((total, detail) => total + detail.amount, 0);
  if (details !== bt.fee) throw new ReportFormatError(`fee_details add up to ${details}, fee is ${bt.fee}`, lineage, 'fee_details');
  return bt;
}
