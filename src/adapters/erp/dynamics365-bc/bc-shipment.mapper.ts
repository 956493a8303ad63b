/**
 * Fulfilments and line changes in Business Central's terms. Pure: no I/O, no clock.
 *
 * Lines. BC keeps no field the hub could put lineRef in, so the order's lines are known by their
 * sequence (Line No.): the hub writes lines[n] as (n + 1) × 10000 (bc.mapper.ts), so lineIndex n
 * is that line even after other lines were deleted; without lineIndex a line is found by its item
 * when exactly one of the hub's lines carries it (../shared/line-match.ts). The shipping line
 * (shippingAccountNumber) and comment lines are never the hub's order lines.
 * A line an order edit adds comes after the shipping line, so a shipping line holds its slot:
 * a line's position is its slot (sequence / 10000 − 1) less the shipping slots before it, and an
 * added line goes in the first slot that maps back to its position (an order of two lines and
 * shipping at 30000 gets its third line at 40000).
 *
 * A shipment is staged on the lines and then posted, so every line gets an explicit quantity to
 * ship: the shipped quantity on the named lines and 0 on all other lines of items, since BC
 * defaults a line's quantity to ship to all that is outstanding and posting would ship it. The
 * shipping charge line keeps BC's default: it is posted (and invoiced) with the first shipment.
 *
 * Line changes set the ordered quantity. A line cut to 0 with nothing shipped is deleted rather
 * than set to 0: shipAndInvoice refuses an order with a numbered line of quantity 0. A line already
 * gone is a line already cancelled, so sending the change again does nothing. A line the order lacks
 * that the change carries whole (an edit added it) is added (POST …/salesOrderLines) in its slot.
 * The line's money goes with its quantity: BC reprices a line whose quantity changes (it may look
 * the unit price up again, and keeps or recomputes the line discount in its own way), so every
 * change also writes unitPrice and discountAmount = the discount the kept units keep. They come
 * after quantity in the API page's field order (the order BC validates a request's fields in), so
 * they are set after the repricing and stand. A line already at that quantity, price and discount
 * is left alone.
 */
import { formatDecimal, multiply } from '../../../canonical/money.js';
import { DeliveryError, type FulfillmentDocument, type SalesOrderChangeDocument, type SalesOrderChangeLine } from '../erp-adapter.port.js';
import { findLine, requireLine, wholeQuantity, type ErpOrderLine, type WantedLine } from '../shared/line-match.js';
import { BcDecimal, LINE_SEQUENCE_STEP, addedItemLine, sameDecimal, type BcMappingOptions } from './bc.mapper.js';

type Json = Record<string, unknown>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPTY_GUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** One salesOrderLine as read with $expand=salesOrderLines. */
export interface BcOrderLine extends ErpOrderLine {
  readonly id: string;
  readonly etag: string;
  readonly sequence: number;
  readonly lineType: string;
  readonly itemNumber: string | undefined;
  readonly itemGuid: string | undefined;
  readonly quantity: number;
  readonly shipped: number;
  readonly shipQuantity: number;
  readonly shipping: boolean;
  /** As BC answered them (JSON numbers), for sameDecimal. */
  readonly unitPrice: unknown;
  readonly discountAmount: unknown;
}

export type BcLineStep =
  | { readonly kind: 'ship'; readonly line: BcOrderLine; readonly shipQuantity: number }
  | { readonly kind: 'quantity'; readonly line: BcOrderLine; readonly quantity: number; readonly unitPrice: BcDecimal; readonly discountAmount: BcDecimal }
  | { readonly kind: 'delete'; readonly line: BcOrderLine }
  | { readonly kind: 'add'; readonly line: Pick<BcOrderLine, 'sequence'>; readonly body: Json };

function refuse(message: string, field: string, code: string): never {
  throw new DeliveryError('PERMANENT', message, { code, field });
}

/** The order's lines; comment lines left out. */
export function readBcLines(order: Json, mapping: BcMappingOptions): BcOrderLine[] {
  const raw = order.salesOrderLines;
  if (!Array.isArray(raw)) throw new DeliveryError('RETRYABLE', 'Business Central answered the sales order without its lines', { code: 'UNREADABLE_ORDER' });
  const shippingNumber = mapping.shippingAccountNumber?.trim().toUpperCase();
  const shippingType = mapping.shippingLineType ?? 'Account';
  const isShipping = (l: Json): boolean => shippingNumber !== undefined && (text(l.lineType) ?? 'Item') === shippingType && text(l.lineObjectNumber)?.toUpperCase() === shippingNumber;
  // A shipping line holds a slot of the sequence: lines added after it (order edits) go past it.
  const shippingSlots = shippingSlotsOf(raw.filter(isObject).filter(isShipping).map((l) => num(l.sequence)));
  return raw.filter(isObject).filter((l) => l.lineType !== 'Comment').map((l) => {
    const lineType = text(l.lineType) ?? 'Item';
    const itemNumber = text(l.lineObjectNumber);
    const itemGuid = typeof l.itemId === 'string' && GUID.test(l.itemId) && !EMPTY_GUID.test(l.itemId) ? l.itemId : undefined;
    const sequence = num(l.sequence);
    const shipping = shippingNumber !== undefined && lineType === shippingType && itemNumber?.toUpperCase() === shippingNumber;
    const own = !shipping && sequence > 0 && sequence % LINE_SEQUENCE_STEP === 0;
    if (typeof l.id !== 'string' || typeof l['@odata.etag'] !== 'string') {
      throw new DeliveryError('RETRYABLE', 'Business Central answered a sales order line without its id or @odata.etag', { code: 'UNREADABLE_ORDER' });
    }
    return {
      key: l.id, id: l.id, etag: l['@odata.etag'], sequence, lineType, itemNumber, itemGuid, item: itemNumber,
      ...(own && { position: positionOfSlot(sequence / LINE_SEQUENCE_STEP - 1, shippingSlots) }),
      quantity: num(l.quantity), shipped: num(l.shippedQuantity), shipQuantity: num(l.shipQuantity), shipping,
      unitPrice: l.unitPrice, discountAmount: l.discountAmount,
    };
  });
}

/** The slots (sequence / 10000 − 1) shipping lines hold. */
function shippingSlotsOf(sequences: readonly number[]): number[] {
  return sequences.filter((q) => q > 0 && q % LINE_SEQUENCE_STEP === 0).map((q) => q / LINE_SEQUENCE_STEP - 1);
}

/** The hub's position of the line in a slot: its slot less the shipping lines' slots before it. */
function positionOfSlot(slot: number, shippingSlots: readonly number[]): number {
  return slot - shippingSlots.filter((k) => k < slot).length;
}

/** The slot a line the hub knows at `position` goes in: the first that is no shipping line's and maps back to it. */
export function slotOfPosition(position: number, shippingSlots: readonly number[]): number {
  let slot = position;
  while (shippingSlots.includes(slot) || positionOfSlot(slot, shippingSlots) < position) slot++;
  return slot;
}

/** The lines as the hub's item reference sees them: by GUID (BC's item id) or by item number. */
function byItemOf(lines: readonly BcOrderLine[], wanted: WantedLine): BcOrderLine[] {
  const guid = wanted.itemId !== undefined && GUID.test(wanted.itemId);
  return lines.map((l) => ({ ...l, item: guid ? l.itemGuid : l.itemNumber }));
}

/** The line writes that stage exactly this shipment; lines already as wanted are left alone. */
export function planShipment(doc: FulfillmentDocument, lines: readonly BcOrderLine[]): BcLineStep[] {
  if (doc.lines.length === 0) refuse('the fulfilment has no lines', 'lines', 'NO_LINES');
  const wanted = new Map<string, number>();
  doc.lines.forEach((w, i) => {
    const at = `lines[${i}]`;
    const quantity = wholeQuantity(w.quantity, 1, `${at}.quantity`, w.lineRef);
    const line = requireLine(byItemOf(lines, w), w, at, 'Business Central');
    if (wanted.has(line.id)) refuse(`line ${w.lineRef} is named twice in the fulfilment`, at, 'DUPLICATE_LINE');
    wanted.set(line.id, quantity);
  });
  const steps: BcLineStep[] = [];
  for (const line of lines) {
    if (line.shipping && !wanted.has(line.id)) continue;
    const target = wanted.get(line.id) ?? 0;
    if (line.shipQuantity !== target) steps.push({ kind: 'ship', line, shipQuantity: target });
  }
  return steps;
}

/** The kept line's unit price and discount as BC takes them: one currency, 0 ≤ discount ≤ quantity × unit price. */
function keptMoney(w: SalesOrderChangeLine, quantity: number, at: string): { unitPrice: BcDecimal; discountAmount: BcDecimal } {
  if (w.discount.currency !== w.unitPrice.currency) refuse(`line ${w.lineRef}: discount in ${w.discount.currency}, unit price in ${w.unitPrice.currency}`, `${at}.discount`, 'CURRENCY_MISMATCH');
  const gross = multiply(w.unitPrice, quantity);
  if (w.unitPrice.amount < 0n || w.discount.amount < 0n || w.discount.amount > gross.amount) {
    refuse(`line ${w.lineRef}: kept discount ${formatDecimal(w.discount)} is outside 0..${formatDecimal(gross)}`, `${at}.discount`, 'INVALID_DISCOUNT');
  }
  return { unitPrice: BcDecimal.of(w.unitPrice), discountAmount: BcDecimal.of(w.discount) };
}

/** The line writes that give the named lines their new quantity and money; empty when the order already is so. */
export function planLineChanges(doc: SalesOrderChangeDocument, lines: readonly BcOrderLine[]): BcLineStep[] {
  const steps: BcLineStep[] = [];
  const seen = new Set<string>();
  doc.lines.forEach((w, i) => {
    const at = `lines[${i}]`;
    const quantity = wholeQuantity(w.quantity, 0, `${at}.quantity`, w.lineRef);
    const line = findLine(byItemOf(lines, w), w, at, 'Business Central');
    if (!line) {
      // Deleted by an earlier run of this change (or never there, which leaves nothing to cancel either).
      if (quantity === 0) return;
      if (!w.line) refuse(`line ${w.lineRef} is not on the Business Central sales order`, at, 'LINE_NOT_FOUND');
      // Added by an order edit: it goes in the slot of its position, past any shipping line.
      const position = w.lineIndex ?? lines.filter((l) => l.position !== undefined).length;
      const slot = slotOfPosition(position, shippingSlotsOf(lines.filter((l) => l.shipping).map((l) => l.sequence)));
      if (lines.some((l) => l.sequence === (slot + 1) * LINE_SEQUENCE_STEP)) {
        refuse(`line ${w.lineRef} would be added as Line No. ${(slot + 1) * LINE_SEQUENCE_STEP}, which another line holds`, at, 'LINE_POSITION');
      }
      steps.push({ kind: 'add', line: { sequence: (slot + 1) * LINE_SEQUENCE_STEP }, body: addedItemLine({ ...w.line, quantity }, slot, w.line.unitPrice.currency) as unknown as Json });
      return;
    }
    if (seen.has(line.id)) refuse(`line ${w.lineRef} is named twice in the change`, at, 'DUPLICATE_LINE');
    seen.add(line.id);
    if (quantity === 0 && line.shipped === 0) {
      steps.push({ kind: 'delete', line });
      return;
    }
    const money = keptMoney(w, quantity, at);
    if (line.quantity !== quantity || !sameDecimal(money.unitPrice, line.unitPrice) || !sameDecimal(money.discountAmount, line.discountAmount)) {
      steps.push({ kind: 'quantity', line, quantity, ...money });
    }
  });
  // A whole cancel with nothing shipped: every other line (shipping, charges, the channel's tax on
  // G/L accounts, which share the item lines' sequence steps) goes too, so the ERP order owes nothing.
  if (doc.closeWholeOrder) for (const line of lines) if (line.shipped === 0 && !seen.has(line.id)) steps.push({ kind: 'delete', line });
  return steps;
}
