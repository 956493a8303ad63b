import { add, equals, formatDecimal, multiply, subtract, sum, type Money } from './money.js';
import type { CanonicalOrder, OrderTotals } from './order.js';

/**
 * The hub's own totals, from lines, shipping, discounts and taxes:
 * grandTotal = subtotal − discounts + shipping + tax (tax only when prices exclude it) + charges (tips, duties).
 */
export function recomputeTotals(order: CanonicalOrder): OrderTotals {
  const currency = order.currency;
  const subtotal = sum(order.lines.map((line) => multiply(line.unitPrice, line.quantity)), currency);
  const discounts = sum(
    [...order.lines.flatMap((line) => line.discounts), ...order.shippingLines.flatMap((s) => s.discounts)].map((d) => d.amount),
    currency,
  );
  const shipping = sum(order.shippingLines.map((s) => s.price), currency);
  const tax = sum(
    [...order.lines.flatMap((line) => line.taxes), ...order.shippingLines.flatMap((s) => s.taxes)].map((t) => t.amount),
    currency,
  );
  let grandTotal = add(subtract(subtotal, discounts), shipping);
  if (!order.taxesIncluded) grandTotal = add(grandTotal, tax);
  // Tips and duties are in the channel's grand total, beside the lines: without them such an order never adds up.
  grandTotal = add(grandTotal, sum((order.charges ?? []).map((c) => c.amount), currency));
  return { subtotal, discounts, tax, shipping, grandTotal };
}

export interface TotalsDifference {
  readonly component: keyof OrderTotals;
  readonly expected: Money;
  readonly reported: Money;
}

/**
 * Every component where the channel's totals and the hub's recomputation disagree. The grand total
 * must agree exactly; the others within the order's conversionTolerance (a converted order, whose
 * channel converted each field on its own), else exactly too.
 */
export function compareTotals(order: CanonicalOrder): TotalsDifference[] {
  const computed = recomputeTotals(order);
  const tolerance = BigInt(order.conversionTolerance ?? 0);
  const agrees = (component: keyof OrderTotals): boolean => {
    if (component === 'grandTotal' || tolerance === 0n) return equals(computed[component], order.sourceTotals[component]);
    const gap = subtract(computed[component], order.sourceTotals[component]).amount;
    return (gap < 0n ? -gap : gap) <= tolerance;
  };
  const components: (keyof OrderTotals)[] = ['subtotal', 'discounts', 'shipping', 'tax', 'grandTotal'];
  return components
    .filter((component) => !agrees(component))
    .map((component) => ({ component, expected: computed[component], reported: order.sourceTotals[component] }));
}

export function describeDifference(difference: TotalsDifference): string {
  return `${difference.component}: computed ${formatDecimal(difference.expected)} but channel reported ${formatDecimal(difference.reported)} ${difference.reported.currency}`;
}
