/**
 * One cash sale for a store's day: the day's sales, each as its own cash sale would carry it,
 * put together — every line (named by its sale), the tenders summed per mapping, the total the
 * sum of the sales'. Pure. It adds up because each part does (every sale's cash sale is checked
 * against its sale), and the adapter checks the whole again before sending.
 */
import type { CashSaleDocument, CashSaleTender } from '../../../adapters/erp/erp-adapter.port.js';
import { sum } from '../../../canonical/money.js';

export interface SummaryFacts {
  readonly externalId: string;
  readonly store: string;
  readonly businessDate: string;
  readonly seq: number;
}

export function dailySummary(facts: SummaryFacts, sales: readonly CashSaleDocument[]): CashSaleDocument {
  if (sales.length === 0) throw new RangeError('a daily summary needs at least one sale');
  const base = sales[0].sale;
  const currency = base.currency;
  const other = sales.find((s) => s.sale.currency !== currency);
  if (other) throw new RangeError(`sale ${other.sale.channelOrderNumber} is in ${other.sale.currency}, the day's first in ${currency}`);
  const tenders = new Map<string, CashSaleTender>();
  for (const tender of sales.flatMap((s) => s.tenders)) {
    const key = `${tender.gateway}\u0000${tender.paymentMethodId}\u0000${tender.accountId}`;
    const seen = tenders.get(key);
    tenders.set(key, seen ? { ...seen, amount: { amount: seen.amount.amount + tender.amount.amount, currency } } : tender);
  }
  const money = (pick: (s: CashSaleDocument) => { amount: bigint; currency: string } | undefined) =>
    sum(sales.map((s) => pick(s) ?? { amount: 0n, currency }), currency);
  const label = `${facts.store} ${facts.businessDate}${facts.seq > 1 ? ` #${facts.seq}` : ''}`;
  return {
    sale: {
      ...base,
      externalId: facts.externalId,
      channelOrderNumber: label,
      placedAt: sales[sales.length - 1].sale.placedAt,
      accountingDate: facts.businessDate,
      lines: sales.flatMap((s) => s.sale.lines.map((l) => ({ ...l, lineRef: `${s.sale.channelOrderNumber}/${l.lineRef}` }))),
      shipping: money((s) => s.sale.shipping),
      shippingDiscount: money((s) => s.sale.shippingDiscount),
      shippingTaxes: sales.flatMap((s) => s.sale.shippingTaxes ?? []),
      charges: sales.flatMap((s) => s.sale.charges ?? []),
      grandTotal: money((s) => s.sale.grandTotal),
      billTo: null,
      shipTo: null,
      memo: `daily summary of ${sales.length} sale${sales.length === 1 ? '' : 's'}, ${label}`,
      note: null,
      poNumber: null,
    },
    tenders: [...tenders.values()],
  };
}
