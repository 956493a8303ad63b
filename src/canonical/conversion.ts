/**
 * Orders converted from the buyer's currency to the shop's. A channel such as Shopify converts each
 * amount on its own, so the converted lines, shipping and tax may not add up to the converted grand
 * total by a minor unit or two. Within a small bound that difference becomes an explicit ROUNDING
 * charge, which the documents carry and the totals count; above it the order is held as before.
 */
import { formatDecimal, subtract, type Money } from './money.js';
import type { CanonicalOrder, OrderCharge, OrderMoneyView } from './order.js';
import { recomputeTotals } from './totals.js';

/** Minor units allowed per line when the account says nothing; the bound is this × lines + 1. */
export const DEFAULT_CONVERSION_ROUNDING_PER_LINE = 1;

export const ROUNDING_TITLE = 'Currency conversion rounding';

/** The largest conversion difference taken as rounding: perLine for each line, plus one. */
export function conversionBound(view: Pick<OrderMoneyView, 'lines'>, perLine: number): number {
  return perLine * view.lines.length + 1;
}

/** The order with its money as in the view (the presentment one): what a document in that currency adds up. */
export function orderInView(order: CanonicalOrder, view: OrderMoneyView): CanonicalOrder {
  return {
    ...order, currency: view.currency, lines: view.lines, shippingLines: view.shippingLines, charges: view.charges ?? [],
    sourceTotals: view.sourceTotals, conversionTolerance: view.conversionTolerance,
  };
}

/** Whether the order's shop money is converted from what the buyer paid in. */
export function isConverted(order: CanonicalOrder): boolean {
  const buyer = order.presentment?.currency ?? order.presentmentCurrency;
  return buyer !== undefined && buyer !== order.currency;
}

/**
 * A converted order with its rounding made explicit, in the shop view and in the presentment view
 * (each adds up in its own currency). An order that is not converted, or whose difference is above
 * the bound, comes back as it was: the totals gate then decides.
 */
export function withConversionRounding(order: CanonicalOrder, perLine: number = DEFAULT_CONVERSION_ROUNDING_PER_LINE): CanonicalOrder {
  if (!isConverted(order)) return order;
  const shop = roundedView({ currency: order.currency, lines: order.lines, shippingLines: order.shippingLines, charges: order.charges ?? [], sourceTotals: order.sourceTotals }, order, perLine);
  return {
    ...order,
    charges: shop.charges,
    ...(shop.conversionTolerance !== undefined && { conversionTolerance: shop.conversionTolerance }),
    // Without a presentment view (the channel did not give every amount in it) the shop's money is still rounded.
    ...(order.presentment && { presentment: roundedView(order.presentment, order, perLine) }),
  };
}

function roundedView(view: OrderMoneyView, order: CanonicalOrder, perLine: number): OrderMoneyView {
  const charges = (view.charges ?? []).filter((c) => c.kind !== 'ROUNDING');
  let difference: Money;
  try {
    difference = subtract(view.sourceTotals.grandTotal, recomputeTotals(orderInView(order, { ...view, charges })).grandTotal);
  } catch {
    // Totals that cannot be recomputed are the totals gate's to report.
    return view;
  }
  const bound = BigInt(conversionBound(view, perLine));
  const size = difference.amount < 0n ? -difference.amount : difference.amount;
  if (size > bound) return view;
  const rounding: OrderCharge[] = difference.amount === 0n ? [] : [{ kind: 'ROUNDING', title: ROUNDING_TITLE, amount: difference }];
  return { ...view, charges: [...charges, ...rounding], conversionTolerance: Number(bound) };
}

/** The order's ROUNDING charge in the view's currency, if any: what history and documents name. */
export function roundingOf(charges: readonly OrderCharge[] | undefined): Money | null {
  return (charges ?? []).find((c) => c.kind === 'ROUNDING')?.amount ?? null;
}

/** What the order history says of a converted order's roundings; null when it has none. */
export function describeRounding(order: Pick<CanonicalOrder, 'charges'> & { readonly presentment?: Pick<OrderMoneyView, 'charges'> }): string | null {
  const parts = [roundingOf(order.charges), order.presentment ? roundingOf(order.presentment.charges) : null]
    .filter((m): m is Money => m !== null)
    .map((m) => `${formatDecimal(m)} ${m.currency}`);
  if (parts.length === 0) return null;
  return `currency conversion rounding of ${parts.join(' and ')} kept as a ROUNDING charge (the channel converted each amount on its own)`;
}
