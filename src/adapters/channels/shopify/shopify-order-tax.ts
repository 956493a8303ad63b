/**
 * Orders whose tax Shopify reports only at the order level (tax_lines on the order, none on any
 * line or shipping line), as some apps and draft orders create them. Rather than holding such an
 * order (its lines would add up to no tax), each order-level tax line is split across the lines by
 * their net amounts, largest remainder first, so the lines carry it to the cent.
 */
import { allocate, subtract, sum, multiply, type Money } from '../../../canonical/money.js';
import type { OrderLine, ShippingLine, TaxLine } from '../../../canonical/order.js';

export function allocateOrderLevelTax(lines: OrderLine[], shippingLines: readonly ShippingLine[], orderTaxes: readonly TaxLine[], currency: string): OrderLine[] {
  const anyOwn = lines.some((l) => l.taxes.length > 0) || shippingLines.some((s) => s.taxes.length > 0);
  const taxable = lines.filter((l) => l.quantity > 0);
  if (anyOwn || orderTaxes.length === 0 || taxable.length === 0) return lines;
  const net = (l: OrderLine): Money => subtract(multiply(l.unitPrice, l.quantity), sum(l.discounts.map((d) => d.amount), currency));
  const weights = taxable.map((l) => {
    const value = net(l).amount;
    return value > 0n ? value : 0n;
  });
  // All lines free: split by units instead, so the tax still lands somewhere exact.
  const shares = weights.some((w) => w > 0n) ? weights : taxable.map((l) => BigInt(l.quantity));
  const split = orderTaxes.map((tax) => allocate(tax.amount, shares));
  return lines.map((line) => {
    const index = taxable.indexOf(line);
    if (index < 0) return line;
    return { ...line, taxes: orderTaxes.map((tax, t) => ({ ...tax, amount: split[t][index] })).filter((t) => t.amount.amount !== 0n) };
  });
}
