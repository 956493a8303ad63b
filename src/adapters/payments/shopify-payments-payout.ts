import type { Readable } from 'node:stream';
import { MoneyError } from '../../canonical/money.js';
import { parseLocaleAmount, type ComponentKind, type ControlCheck, type ReportSummary, type SettlementComponent } from '../../canonical/settlement.js';
import { ReportFormatError, textLines, type ReportParser, type ReportSource } from './report-parser.js';

interface MoneyV2 { amount: string; currencyCode: string }
interface ShopifyPayout { id: string; legacyResourceId?: string; status: string; issuedAt?: string; net: MoneyV2; summary: Record<string, MoneyV2> }
interface ShopifyBalanceTransaction {
  id: string; type: string; sourceType?: string | null; sourceId?: string | number | null; sourceOrderTransactionId?: string | null; transactionDate?: string;
  associatedOrder?: { id: string; name?: string } | null; amount: MoneyV2; fee: MoneyV2; net: MoneyV2; adjustmentReason?: string | null;
}

const SUMMARY_PAIRS = [
  ['chargesGross', 'chargesFee'], ['refundsFeeGross', 'refundsFee'], ['adjustmentsGross', 'adjustmentsFee'], ['reservedFundsGross', 'reservedFundsFee'],
  ['retriedPayoutsGross', 'retriedPayoutsFee'], ['advanceGross', 'advanceFees'],
] as const;
const BY_TYPE: Readonly<Record<string, ComponentKind>> = {
  CHARGE: 'PRINCIPAL', REFUND: 'REFUND', REFUND_FAILURE: 'REFUND', DISPUTE: 'CHARGEBACK', CHARGEBACK_HOLD: 'CHARGEBACK',
  CHARGEBACK_HOLD_RELEASE: 'CHARGEBACK', DISPUTE_REVERSAL: 'CHARGEBACK', DISPUTE_WITHDRAWAL: 'CHARGEBACK', CHARGEBACK_FEE: 'CHARGEBACK_FEE',
  CHARGEBACK_FEE_REFUND: 'CHARGEBACK_FEE', ADJUSTMENT: 'ADJUSTMENT', RESERVED_FUNDS: 'RESERVE_HOLD', RESERVED_FUNDS_WITHDRAWAL: 'RESERVE_HOLD',
  RESERVED_FUNDS_REVERSAL: 'RESERVE_RELEASE',
  // A failed or cancelled payout's money back on the balance, to go out again in a later payout.
  TRANSFER_FAILURE: 'ADJUSTMENT', TRANSFER_CANCEL: 'ADJUSTMENT',
};
const ORDER_GID = /^gid:\/\/shopify\/Order\/(\d+)$/;

/**
 * A Shopify Payments payout in the Admin GraphQL shape, as JSON Lines: the first line is the
 * ShopifyPaymentsPayout (with its summary), every further line one ShopifyPaymentsBalanceTransaction.
 * Control totals: the balance transactions' net adds up to the payout's net; and, as checks of
 * their own, the summary identity (net = Σ gross − Σ fee) and each line's net = amount − fee.
 * A failing identity is reported with its figures, never refused and never corrected.
 */
export class ShopifyPaymentsPayoutParser implements ReportParser {
  readonly format = 'SHOPIFY_PAYMENTS' as const;
  private result: ReportSummary | null = null;

  constructor(private readonly source: ReportSource) {}

  async *components(input: Readable): AsyncGenerator<SettlementComponent[]> {
    const { fileName, channel } = this.source;
    let payout: { id: string; net: bigint; currency: string; status: string; issuedAt: Date | null } | null = null;
    const checks: ControlCheck[] = [];
    let sum = 0n;
    let count = 0;
    for await (const lines of textLines(input)) {
      const out: SettlementComponent[] = [];
      for (const { text, line } of lines) {
        if (!text.trim()) continue;
        const lineage = `${fileName}:${line}`;
        const object = parseJson(text, lineage);
        if (!payout) {
          const po = object as unknown as ShopifyPayout;
          if (typeof po.id !== 'string' || !po.net || !po.summary) throw new ReportFormatError('the first line must be the ShopifyPaymentsPayout with net and summary', lineage, 'id');
          const currency = po.net.currencyCode;
          const net = this.money(po.net, currency, lineage, 'net');
          const computed = SUMMARY_PAIRS.reduce((total, [gross, fee]) => total
            + this.money(po.summary[gross], currency, lineage, `summary.${gross}`, true) - this.money(po.summary[fee], currency, lineage, `summary.${fee}`, true), 0n);
          if (computed !== net) checks.push({ name: 'payout summary: net = Σ gross − Σ fee', lineage, expected: net, actual: computed });
          payout = { id: po.legacyResourceId ?? po.id, net, currency, status: po.status, issuedAt: po.issuedAt ? new Date(po.issuedAt) : null };
          out.push({
            side: 'REPORTED', component: 'PAYOUT', feeType: null, providerKey: `payout|${po.status}`, lineage, orderRef: null, transactionRef: po.id,
            pspReference: null, payoutRef: payout.id, amount: net, currency, eventAt: payout.issuedAt, postedAt: payout.issuedAt, payoutStatus: po.status,
          });
          continue;
        }
        const bt = object as unknown as ShopifyBalanceTransaction;
        const { net, check } = this.transaction(bt, lineage, payout, out);
        if (check) checks.push(check);
        sum += net;
        count += 1;
      }
      if (out.length) yield out;
    }
    if (!payout) throw new ReportFormatError('the export has no payout', `${fileName}:1`, 'id');
    this.result = {
      format: this.format, reportId: payout.id, channel, currency: payout.currency, controlExpected: payout.net, controlActual: sum, lineCount: count, checks,
    };
  }

  /**
   * One balance transaction's components (its amount, and its fee when it has one) onto `out`;
   * its net for the control total, and the failing check when its net is not amount − fee.
   * A plain method rather than inline in the generator: V8 optimises it as a whole.
   */
  private transaction(bt: ShopifyBalanceTransaction, lineage: string, payout: { id: string; currency: string; issuedAt: Date | null }, out: SettlementComponent[]): { net: bigint; check: ControlCheck | null } {
    if (typeof bt.id !== 'string' || typeof bt.type !== 'string') throw new ReportFormatError('not a ShopifyPaymentsBalanceTransaction', lineage, 'type');
    const currency = payout.currency;
    if (bt.amount?.currencyCode !== currency) throw new ReportFormatError(`currency ${bt.amount?.currencyCode} in a ${currency} payout`, lineage, 'amount.currencyCode');
    const amount = this.money(bt.amount, currency, lineage, 'amount');
    const fee = this.money(bt.fee, currency, lineage, 'fee');
    const net = this.money(bt.net, currency, lineage, 'net');
    const check = net !== amount - fee ? { name: `balance transaction ${bt.id}: net = amount − fee`, lineage, expected: net, actual: amount - fee } : null;
    const type = bt.type.toUpperCase();
    const eventAt = bt.transactionDate ? this.date(bt.transactionDate) : null;
    // The hub keys Shopify orders by their numeric id; a transfer's source is the payout it retries.
    const orderRef = orderId(bt.associatedOrder?.id);
    const transactionRef = bt.sourceType?.toUpperCase() === 'TRANSFER' && bt.sourceId != null ? String(bt.sourceId) : bt.sourceOrderTransactionId ?? null;
    const line = `${lineage}:${bt.id}`;
    const kind = BY_TYPE[type] ?? 'UNKNOWN';
    const key = `${type}|${bt.sourceType ?? ''}|${bt.adjustmentReason ?? ''}`;
    out.push({
      side: 'REPORTED', component: kind, feeType: null, providerKey: key, lineage: line, orderRef, transactionRef, pspReference: bt.id,
      payoutRef: payout.id, amount, currency, eventAt, postedAt: payout.issuedAt, payoutStatus: null,
    });
    if (fee !== 0n) {
      const chargeback = kind === 'CHARGEBACK' || kind === 'CHARGEBACK_FEE';
      out.push({
        side: 'REPORTED', component: chargeback ? 'CHARGEBACK_FEE' : 'FEE', feeType: chargeback ? null : `SHOPIFY_PAYMENTS_${type}_FEE`, providerKey: `${key}|fee`,
        lineage: line, orderRef, transactionRef, pspReference: bt.id, payoutRef: payout.id, amount: -fee, currency, eventAt, postedAt: payout.issuedAt, payoutStatus: null,
      });
    }
    return { net: amount - fee, check };
  }

  summary(): ReportSummary {
    if (!this.result) throw new Error('summary() before the report was read to its end');
    return this.result;
  }

  // A payout's transactions share few timestamps; parsing each once keeps the hot loop cheap.
  private readonly dates = new Map<string, Date>();
  private date(text: string): Date {
    let date = this.dates.get(text);
    if (!date) {
      if (this.dates.size >= 4096) this.dates.clear();
      date = new Date(text);
      this.dates.set(text, date);
    }
    return date;
  }

  private money(value: MoneyV2 | undefined, currency: string, lineage: string, field: string, absentIsZero = false): bigint {
    if (!value) {
      if (absentIsZero) return 0n;
      throw new ReportFormatError('is missing', lineage, field);
    }
    if (value.currencyCode !== currency) throw new ReportFormatError(`currency ${value.currencyCode}, the payout is in ${currency}`, lineage, field);
    try {
      return parseLocaleAmount(String(value.amount), currency, '.');
    } catch (error) {
      if (error instanceof MoneyError) throw new ReportFormatError(error.message, lineage, field);
      throw error;
    }
  }
}

function orderId(gid: string | undefined): string | null {
  if (!gid) return null;
  return ORDER_GID.exec(gid)?.[1] ?? gid;
}

function parseJson(text: string, lineage: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below with the line
  }
  throw new ReportFormatError('not a JSON object', lineage, 'line');
}
