import { sum, type Money } from '../../../canonical/money.js';
import type { CanonicalOrder, OrderMoneyView, TaxLine } from '../../../canonical/order.js';

/**
 * The order's presentment view as orders.presentment keeps it (null when none): what a document in
 * the buyer's currency needs, lines and shipping lines by position, amounts as text minor units.
 */
export function storedPresentment(order: CanonicalOrder): string | null {
  const view = order.presentment;
  if (!view) return null;
  const text = (m: Money): string => m.amount.toString();
  const total = (values: readonly Money[]): string => text(sum(values, view.currency));
  const taxes = (list: readonly TaxLine[]) => list.map((t) => ({ title: t.title, jurisdiction: t.jurisdiction, rate: t.rate, amount: text(t.amount) }));
  return JSON.stringify({
    currency: view.currency,
    grandTotal: text(view.sourceTotals.grandTotal),
    shipping: text(view.sourceTotals.shipping),
    lines: view.lines.map((l) => ({
      unitPrice: text(l.unitPrice), discountTotal: total(l.discounts.map((d) => d.amount)), taxTotal: total(l.taxes.map((t) => t.amount)), taxes: taxes(l.taxes),
    })),
    shippingLines: view.shippingLines.map((s) => ({
      price: text(s.price), discountTotal: total(s.discounts.map((d) => d.amount)), taxTotal: total(s.taxes.map((t) => t.amount)), taxes: taxes(s.taxes),
    })),
    charges: (view.charges ?? []).map((c) => ({ kind: c.kind, title: c.title, amount: text(c.amount) })),
  } satisfies StoredMoneyView);
}

export interface StoredTax {
  readonly title: string;
  readonly jurisdiction: string | null;
  readonly rate: string | null;
  readonly amount: string;
}

/** orders.presentment, as storedPresentment writes it. */
export interface StoredMoneyView {
  readonly currency: string;
  readonly grandTotal: string;
  readonly shipping: string;
  readonly lines: readonly { unitPrice: string; discountTotal: string; taxTotal: string; taxes: readonly StoredTax[] }[];
  readonly shippingLines: readonly { price: string; discountTotal: string; taxTotal: string; taxes: readonly StoredTax[] }[];
  readonly charges: readonly { kind: string; title: string; amount: string }[];
}

/** The view's shape in the type system, so a change to one side is a compile error on the other. */
export type { OrderMoneyView };
