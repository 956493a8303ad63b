/**
 * The amounts Business Central computes on a sales order (read-only in the API): line net
 * amount after discount, tax from the line's tax code, and the order totals. Rounded to cents
 * as BC rounds them; the wire format is JSON numbers either way.
 */
type Json = Record<string, unknown>;

const round2 = (n: number): number => Math.round(n * 100) / 100;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export function priceLine(taxRates: Readonly<Record<string, number>>, line: Json): Json {
  const quantity = num(line.quantity);
  const unitPrice = num(line.unitPrice);
  const gross = round2(quantity * unitPrice);
  const percent = num(line.discountPercent);
  const discount = typeof line.discountAmount === 'number' ? line.discountAmount : round2((gross * percent) / 100);
  const net = round2(gross - discount);
  const taxPercent = typeof line.taxCode === 'string' ? taxRates[line.taxCode] ?? 0 : 0;
  const tax = round2((net * taxPercent) / 100);
  return {
    ...line, quantity, unitPrice, discountAmount: discount, discountPercent: percent,
    amountExcludingTax: net, taxPercent, totalTaxAmount: tax, amountIncludingTax: round2(net + tax),
    netAmount: net, netTaxAmount: tax, netAmountIncludingTax: round2(net + tax),
  };
}

/** Order totals from its lines, less the order's invoice discount (discountAmount). */
export function totalOrder(order: Json, lines: readonly Json[]): Json {
  const sum = (k: string): number => round2(lines.reduce((n, l) => n + num(l[k]), 0));
  const excl = round2(sum('amountExcludingTax') - num(order.discountAmount));
  const tax = sum('totalTaxAmount');
  return { ...order, totalAmountExcludingTax: excl, totalTaxAmount: tax, totalAmountIncludingTax: round2(excl + tax) };
}
