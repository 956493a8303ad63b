import { MoneyError, type Money } from '../../canonical/money.js';

/**
 * How a line's discount splits when some of its units are cancelled before shipping.
 *
 * The ERP's sales order must keep the net value of what is still sold, to the cent, so that
 * finance's totals match the channel's. ERPs do not prorate for us: told only the new quantity,
 * NetSuite reprices the line at quantity × rate (the kept units lose their discount) and Business
 * Central may keep the whole discount on fewer units. So the hub decides:
 *
 *   kept      = discount × kept units ÷ ordered units, rounded half-up in minor units
 *   cancelled = discount − kept
 *
 * The cancelled units take the remainder, so the two always add up to the discount exactly
 * (1.00 over 3 units: 2 kept keep 0.67, the cancelled unit 0.33). Discounts are never negative
 * here; were one, it would round half away from zero, the mirror image.
 */
export function splitLineDiscount(discount: Money, kept: number, ordered: number): { readonly kept: Money; readonly cancelled: Money } {
  if (!Number.isSafeInteger(ordered) || ordered <= 0) throw new MoneyError(`ordered quantity ${ordered} is not a positive whole number`);
  if (!Number.isSafeInteger(kept) || kept < 0 || kept > ordered) throw new MoneyError(`kept quantity ${kept} is not a whole number within 0..${ordered}`);
  const n = BigInt(ordered);
  const negative = discount.amount < 0n;
  const magnitude = negative ? -discount.amount : discount.amount;
  // floor(x + ½) with x = magnitude × kept ÷ ordered, in integers: floor((2·magnitude·kept + ordered) ÷ 2·ordered).
  const share = (2n * magnitude * BigInt(kept) + n) / (2n * n);
  const keptAmount = negative ? -share : share;
  return {
    kept: { amount: keptAmount, currency: discount.currency },
    cancelled: { amount: discount.amount - keptAmount, currency: discount.currency },
  };
}
