import { dateInZone } from '../../../canonical/accounting-date.js';
import type { CanonicalOrder } from '../../../canonical/order.js';

/**
 * The order's accounting date and document zone as stored: what the channel (or the account's
 * zone) said, else the date of when it was processed in UTC, as before zones were known.
 */
export function storedOrderDates(order: CanonicalOrder): { accountingDate: string; timeZone: string | null } {
  const timeZone = order.timeZone ?? null;
  return { accountingDate: order.accountingDate ?? dateInZone(order.processedAt ?? order.placedAt, timeZone), timeZone };
}
