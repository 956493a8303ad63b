import type { SalesOrderCharge, SalesOrderDocument, SalesOrderTax } from '../../../adapters/erp/erp-adapter.port.js';
import type { Money } from '../../../canonical/money.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import type { StoredMoneyView, StoredTax } from '../persistence/order-money-view.js';

type Charge = StoredMoneyView['charges'][number];

/**
 * The sales order in the buyer's currency: the shop document with every amount taken from the
 * order's presentment view (orders.presentment), lines and shipping lines by position and each tax
 * by its jurisdiction. Its charges are the view's own (its rounding may differ from the shop's).
 */
export function presentmentDocument(doc: SalesOrderDocument, view: StoredMoneyView, shippingLineCount: number, chargeOf: (charge: Charge, amount: Money) => SalesOrderCharge): SalesOrderDocument {
  const currency = view.currency;
  const m = (text: string): Money => ({ amount: BigInt(text), currency });
  if (view.lines.length !== doc.lines.length || view.shippingLines.length !== shippingLineCount) {
    throw new DeliveryError('PERMANENT', `the order's presentment money has ${view.lines.length} lines and ${view.shippingLines.length} shipping lines, the order ${doc.lines.length} and ${shippingLineCount}`, { code: 'PRESENTMENT_MISMATCH' });
  }
  return {
    ...doc,
    currency,
    lines: doc.lines.map((line, i) => {
      const v = view.lines[i];
      return { ...line, unitPrice: m(v.unitPrice), discount: m(v.discountTotal), tax: m(v.taxTotal), taxes: overlaid(line.taxes ?? [], v.taxes, currency) };
    }),
    shipping: m(view.shipping),
    shippingDiscount: { amount: view.shippingLines.reduce((n, s) => n + BigInt(s.discountTotal), 0n), currency },
    shippingTaxes: overlaid(doc.shippingTaxes ?? [], view.shippingLines.flatMap((s) => s.taxes), currency),
    charges: view.charges.filter((c) => BigInt(c.amount) !== 0n).map((c) => chargeOf(c, m(c.amount))),
    grandTotal: m(view.grandTotal),
    presentmentCurrency: currency,
    presentment: undefined,
  };
}

/** Each tax of the shop document with the amount of the same jurisdiction (title, jurisdiction, rate; in turn) in the view. */
function overlaid(taxes: readonly SalesOrderTax[], stored: readonly StoredTax[], currency: string): SalesOrderTax[] {
  const key = (t: { title: string; jurisdiction: string | null; rate: string | null }) => `${t.title}\u0000${t.jurisdiction ?? ''}\u0000${t.rate ?? ''}`;
  const left = [...stored];
  return taxes.map((tax) => {
    const at = left.findIndex((s) => key(s) === key(tax));
    if (at < 0) throw new DeliveryError('PERMANENT', `the order's presentment money has no ${tax.title} tax`, { code: 'PRESENTMENT_MISMATCH' });
    const [match] = left.splice(at, 1);
    return { ...tax, amount: { amount: BigInt(match.amount), currency } };
  });
}
