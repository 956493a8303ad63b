/** A Shopify order's charges beside its lines and shipping: tips and duties, both inside total_price. */
import type { Money } from '../../../canonical/money.js';
import type { OrderCharge } from '../../../canonical/order.js';
import type { ShopifyOrderDto } from './shopify-order.dto.js';

/**
 * Tips from total_tip_received; duties as they stand now (current_total_duties_set, which edits and
 * refunds move), else as charged (original_total_duties_set). A zero is no charge.
 */
export function mapCharges(dto: ShopifyOrderDto, amount: (value: string) => Money): OrderCharge[] {
  const charges: OrderCharge[] = [];
  if (dto.total_tip_received) {
    const tip = amount(dto.total_tip_received);
    if (tip.amount !== 0n) charges.push({ kind: 'TIP', title: 'Tip', amount: tip });
  }
  const duties = dto.current_total_duties_set ?? dto.original_total_duties_set;
  if (duties) {
    const duty = amount(duties.shop_money.amount);
    if (duty.amount !== 0n) charges.push({ kind: 'DUTY', title: 'Duties', amount: duty });
  }
  return charges;
}
