/**
 * What became of an order's lines since checkout, as Shopify's order JSON tells it: edits, and
 * units handed over before the hub saw the order. Pure functions of the validated DTO.
 *
 * Edits. `quantity` stays what was first ordered; `current_quantity` is that less every unit
 * taken off since, by an order edit or by a refund. Refunded units are the returns' business (a
 * credit document later), so the order keeps them: the ordered quantity after edits is
 * current_quantity plus the line's refunded units. A line edited down to 0 stays on the order
 * with quantity 0, in its place, so the lines keep their positions (the ERPs find lines by them).
 * A line added by an edit is simply a new line item.
 *
 * Fulfilled at the channel. A POS sale is handed over at the till: its lines arrive fulfilled
 * (fulfillment_status "fulfilled", fulfillable_quantity 0) and must not be requested from a
 * warehouse. Units fulfilled = current_quantity − fulfillable_quantity; the order's `fulfillments`
 * say which fulfilment carried them (their ids are the shipments' ids, so Shopify's own later
 * announcement of one is a duplicate); units no listed fulfilment covers get one of their own.
 */
import { dateInOwnOffset, ownOffset } from '../../../canonical/accounting-date.js';
import type { SourceFulfillment } from '../../../canonical/order.js';
import { idToString } from '../../../canonical/references.js';
import type { ShopifyLineItemDto, ShopifyOrderDto } from './shopify-order.dto.js';

/** Units refunded per line item id. */
function refundedByLine(dto: ShopifyOrderDto): Map<string, number> {
  const refunded = new Map<string, number>();
  for (const refund of dto.refunds ?? []) {
    for (const item of refund.refund_line_items ?? []) {
      const id = idToString(item.line_item_id);
      if (id !== null) refunded.set(id, (refunded.get(id) ?? 0) + item.quantity);
    }
  }
  return refunded;
}

/** The line's ordered quantity after edits (refunds not deducted). */
export function editedQuantity(line: ShopifyLineItemDto, dto: ShopifyOrderDto): number {
  if (line.current_quantity === null || line.current_quantity === undefined) return line.quantity;
  const refunded = refundedByLine(dto).get(idToString(line.id) ?? '') ?? 0;
  return Math.min(line.quantity, line.current_quantity + refunded);
}

/** Units of the line fulfilled at the channel. */
export function fulfilledQuantity(line: ShopifyLineItemDto, dto: ShopifyOrderDto): number {
  const ordered = editedQuantity(line, dto);
  if (line.fulfillable_quantity === null || line.fulfillable_quantity === undefined) {
    return line.fulfillment_status === 'fulfilled' ? ordered : 0;
  }
  const current = line.current_quantity ?? ordered;
  return Math.max(0, Math.min(ordered, current - line.fulfillable_quantity));
}

/** The fulfilments that carried the lines' fulfilled units; empty when none was fulfilled. */
export function fulfillmentsAtSource(dto: ShopifyOrderDto, orderId: string): SourceFulfillment[] {
  const left = new Map<string, number>();
  for (const line of dto.line_items) {
    const units = fulfilledQuantity(line, dto);
    const id = idToString(line.id);
    if (units > 0 && id !== null) left.set(id, units);
  }
  if (left.size === 0) return [];
  const at = dto.processed_at ?? dto.created_at;
  const result: SourceFulfillment[] = [];
  for (const f of dto.fulfillments ?? []) {
    if (f.status !== 'success') continue;
    const lines = (f.line_items ?? []).flatMap((item) => {
      const lineRef = idToString(item.id) ?? '';
      const quantity = Math.min(item.quantity, left.get(lineRef) ?? 0);
      if (quantity <= 0) return [];
      left.set(lineRef, (left.get(lineRef) ?? 0) - quantity);
      return [{ lineRef, quantity }];
    });
    if (lines.length > 0) {
      result.push({ externalId: idToString(f.id)!, fulfilledAt: toInstant(f.created_at ?? at), locationRef: idToString(f.location_id) ?? idToString(dto.location_id), lines });
    }
  }
  const rest = [...left].filter(([, quantity]) => quantity > 0).map(([lineRef, quantity]) => ({ lineRef, quantity }));
  if (rest.length > 0) result.push({ externalId: `${orderId}-fulfilled-at-source`, fulfilledAt: toInstant(at), locationRef: idToString(dto.location_id), lines: rest });
  return result;
}

/** processed_at as printed (offset kept), and the order's date and zone when it carries an offset. */
export function shopifyOrderDates(dto: ShopifyOrderDto): { processedAt: string; accountingDate?: string; timeZone?: string } {
  const processedAt = dto.processed_at ?? dto.created_at;
  const date = dateInOwnOffset(processedAt);
  const offset = ownOffset(processedAt);
  return { processedAt, ...(date !== null && { accountingDate: date }), ...(offset !== null && { timeZone: offset }) };
}

function toInstant(value: string): string {
  return new Date(Date.parse(value)).toISOString();
}
