/** A Shopify order's charges beside its lines and shipping: tips and duties, both inside total_price. */
import type { Money } from '../../../canonical/money.js';
import type { ShopifyMoneySetDto } from './shopify-order.dto.js';
import type { OrderCharge } from '../../../canonical/order.js';
import type { ShopifyOrderDto } from './shopify-order.dto.js';

/**
 * Tips from total_tip_received; duties as they stand now (current_total_duties_set, which edits and
 * refunds move), else as charged (original_total_duties_set). A zero is no charge.
 */
export function mapCharges(dto: ShopifyOrderDto, money: (plain: string | null | undefined, set: ShopifyMoneySetDto | null | undefined) => Money): OrderCharge[] {
  const charges: OrderCharge[] = [];
  if (dto.total_tip_received) {
    // Shopify prints the tip in shop money only: a presentment view asks its set, which it has not, and goes without one.
    const tip = money(dto.total_tip_received, null);
    if (tip.amount !== 0n) charges.push({ kind: 'TIP', title: 'Tip', amount: tip });
  }
  const duties = dto.current_total_duties_set ?? dto.original_total_duties_set;
  if (duties) {
    const duty = money(null, duties);
    if (duty.amount !== 0n) charges.push({ kind: 'DUTY', title: 'Duties', amount: duty });
  }
  return charges;
}
