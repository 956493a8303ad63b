/**
 * Fulfilments and line changes in NetSuite's terms. Pure: no I/O, no clock.
 *
 * Reading the order. GET salesOrder/{id}?expandSubResources=true gives the item lines with their
 * `line` number, item, quantity, quantityFulfilled, isClosed and custom columns. The hub's own
 * lines are the item lines less the configured discount and shipping items, in line order: the
 * order was written with ?replace=item from SalesOrderDocument.lines, so the n-th of them is
 * lines[n] (lineIndex). With `lineRefField` set, the column carries lineRef and wins (see
 * ../shared/line-match.ts): it survives lines added or removed in NetSuite, which position does not.
 *
 * Item fulfilment (body of POST salesOrder/{id}/!transform/itemFulfillment; header fields per the
 * itemFulfillment field list in ../shared/contracts/netsuite). A transform starts from every open
 * line of the order, each marked to be fulfilled in full (unless the account defaults to zero),
 * and the body's lines are merged into that by `orderLine`. So the body names every open line:
 * the shipped ones with itemReceive true and the shipped quantity (and location), all others with
 * itemReceive false, which leaves them unshipped whatever the account's default.
 *  - externalId: the fulfilment's key (NetSuite keeps it unique per record type).
 *  - tranDate: the date part of shippedAt; shipStatus C (Shipped); memo.
 *  - package sublist: one package per tracking number, the carrier as its description (the
 *    carrier's name is free text; shipCarrier and shipMethod take account-specific values).
 *
 * Line changes (body of PATCH salesOrder/{id}): the item sublist without ?replace, so NetSuite
 * merges each line into the one with the same `line` number. The quantity is absolute; a line
 * whose new quantity is what has been fulfilled is closed (isClosed) so nothing more is expected
 * of it. Lines already at the wanted state are left out: sending the change again writes nothing.
 * Money: a line given a new quantity alone is repriced at quantity × rate, dropping its discount,
 * so the amount goes with it, written as netsuite.mapper.ts writes it for the kept units: net
 * (quantity × unit price − kept discount) by default; with `discountItemId`, gross, and the
 * Discount item line right after it set to −kept discount (rate and amount, as created). Should
 * that discount line be gone, the item line takes the net amount, so the order still sums right.
 * A line an order edit added (the change carries it whole) and the order lacks is appended, as
 * netsuite.mapper.ts writes a line, after the hub's lines: PATCH adds a line without a number.
 */
import { formatDecimal, multiply, subtract, type Money } from '../../../canonical/money.js';
import { DeliveryError, type FulfillmentDocument, type SalesOrderChangeDocument, type SalesOrderChangeLine } from '../erp-adapter.port.js';
import { findLine, requireLine, wholeQuantity, type ErpOrderLine } from '../shared/line-match.js';
import { addedItemLines, netSuiteAmount, type NetSuiteMappingOptions, type NsItemLine, type NsRef } from './netsuite.mapper.js';

type Json = Record<string, unknown>;

/** One item line of the order as NetSuite shows it. */
export interface NsOrderLine extends ErpOrderLine {
  readonly line: number;
  readonly quantity: number | undefined;
  /** Units fulfilled so far; undefined when the answer does not say. */
  readonly fulfilled: number | undefined;
  readonly closed: boolean;
  readonly rate: number | undefined;
  readonly amount: number | undefined;
}

export interface NsFulfillmentLine {
  readonly orderLine: number;
  readonly itemReceive: boolean;
  readonly quantity?: number;
  readonly location?: NsRef;
}

export interface NsPackage {
  readonly packageTrackingNumber: string;
  readonly packageDescr?: string;
}

export interface NsItemFulfillmentBody {
  readonly externalId: string;
  readonly tranDate: string;
  readonly shipStatus: { readonly id: 'C' };
  readonly memo?: string;
  readonly item: { readonly items: readonly NsFulfillmentLine[] };
  readonly package?: { readonly items: readonly NsPackage[] };
}

/** An item line's new quantity and amount, or a discount line's new rate and amount. */
export interface NsLineChange {
  readonly line: number;
  readonly quantity?: number;
  readonly rate?: number;
  readonly amount: number;
  readonly isClosed?: true;
}

const DATE_PART = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function refuse(message: string, field: string, code: string): never {
  throw new DeliveryError('PERMANENT', message, { code, field });
}

function refId(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.id === 'string' || typeof value.id === 'number') return String(value.id);
  return typeof value.externalId === 'string' ? value.externalId : undefined;
}

/** The order's item lines from an expanded salesOrder record. */
export function readOrderLines(record: Json, options: NetSuiteMappingOptions): NsOrderLine[] {
  const items = isObject(record.item) ? record.item.items : undefined;
  if (!Array.isArray(items)) {
    throw new DeliveryError('RETRYABLE', 'NetSuite answered the sales order without its item lines', { code: 'UNREADABLE_RECORD' });
  }
  const notOurs = new Set([options.discountItemId?.trim(), options.shippingItemId?.trim()].filter((v): v is string => !!v));
  const column = options.lineRefField;
  const lines = items
    .filter(isObject)
    .map((l) => ({ raw: l, line: num(l.line) }))
    .filter((l): l is { raw: Json; line: number } => l.line !== undefined)
    .sort((a, b) => a.line - b.line);
  let position = 0;
  return lines.map(({ raw, line }) => {
    const item = refId(raw.item);
    const own = item === undefined || !notOurs.has(item);
    const lineRef = column !== undefined && typeof raw[column] === 'string' ? (raw[column] as string) : undefined;
    return {
      key: String(line),
      line,
      item,
      ...(lineRef !== undefined && { lineRef }),
      ...(own && { position: position++ }),
      quantity: num(raw.quantity),
      fulfilled: num(raw.quantityFulfilled),
      closed: raw.isClosed === true,
      rate: num(raw.rate),
      amount: num(raw.amount),
    };
  });
}

const isOpen = (l: NsOrderLine): boolean =>
  l.quantity !== undefined && l.quantity > 0 && !l.closed && (l.fulfilled === undefined || l.fulfilled < l.quantity);

/** The itemFulfillment body. Throws PERMANENT when the shipment cannot be matched to the order. */
export function toNetSuiteItemFulfillment(doc: FulfillmentDocument, lines: readonly NsOrderLine[]): NsItemFulfillmentBody {
  if (doc.externalId.trim() === '') refuse('the fulfilment key (externalId) is empty', 'externalId', 'INVALID_KEY');
  const date = DATE_PART.exec(doc.accountingDate ?? doc.shippedAt)?.[1];
  if (date === undefined) refuse(`shippedAt ${JSON.stringify(doc.shippedAt)} has no date part`, 'shippedAt', 'INVALID_DATE');
  if (doc.lines.length === 0) refuse('the fulfilment has no lines', 'lines', 'NO_LINES');

  const shipped = new Map<number, NsFulfillmentLine>();
  doc.lines.forEach((wanted, i) => {
    const at = `lines[${i}]`;
    const quantity = wholeQuantity(wanted.quantity, 1, `${at}.quantity`, wanted.lineRef);
    const line = requireLine(lines, wanted, at, 'NetSuite');
    if (shipped.has(line.line)) refuse(`line ${wanted.lineRef} is named twice in the fulfilment`, at, 'DUPLICATE_LINE');
    const location = wanted.locationId?.trim();
    shipped.set(line.line, { orderLine: line.line, itemReceive: true, quantity, ...(location && { location: { id: location } }) });
  });
  // A line the order has no more to give is still sent when shipped: NetSuite's refusal names it.
  const items = lines
    .filter((l) => shipped.has(l.line) || isOpen(l))
    .map((l) => shipped.get(l.line) ?? { orderLine: l.line, itemReceive: false });

  const carrier = doc.carrier?.trim();
  const tracking = [...new Set(doc.trackingNumbers.map((t) => t.trim()).filter((t) => t !== ''))];
  return {
    externalId: doc.externalId,
    tranDate: date,
    shipStatus: { id: 'C' },
    ...(doc.memo !== null && doc.memo !== '' && { memo: doc.memo }),
    item: { items },
    ...(tracking.length > 0 && { package: { items: tracking.map((t) => ({ packageTrackingNumber: t, ...(carrier && { packageDescr: carrier }) })) } }),
  };
}

/** The kept units' gross and discount, checked as netsuite.mapper.ts checks a new line: one currency, 0 ≤ discount ≤ gross. */
function keptMoney(wanted: SalesOrderChangeLine, quantity: number, at: string): { gross: Money; discount: Money } {
  const { unitPrice, discount } = wanted;
  if (discount.currency !== unitPrice.currency) refuse(`line ${wanted.lineRef}: discount in ${discount.currency}, unit price in ${unitPrice.currency}`, `${at}.discount`, 'CURRENCY_MISMATCH');
  const gross = multiply(unitPrice, quantity);
  if (discount.amount < 0n || (gross.amount >= 0n && discount.amount > gross.amount)) {
    refuse(`line ${wanted.lineRef}: kept discount ${formatDecimal(discount)} is outside 0..${formatDecimal(gross)}`, `${at}.discount`, 'INVALID_DISCOUNT');
  }
  return { gross, discount };
}

/** The Discount item line written right after `line`, if there is one. */
function discountLineAfter(lines: readonly NsOrderLine[], line: NsOrderLine, options: NetSuiteMappingOptions): NsOrderLine | undefined {
  const discountItem = options.discountItemId?.trim();
  const next = lines[lines.indexOf(line) + 1];
  return discountItem && next?.position === undefined && next?.item === discountItem ? next : undefined;
}

/**
 * What closes the rest of a cancelled order once its own lines are changed (`changed`: their line
 * numbers): the header shippingCost to 0, and every other line nothing was shipped from (the
 * shipping item, charges such as a tip or duties, lines added in NetSuite) at 0 and closed; the
 * channel's tax override emptied. Nothing for what already is so.
 */
export function closeNetSuiteRemainder(
  record: Json, lines: readonly NsOrderLine[], changed: ReadonlySet<number>,
): { lines: NsLineChange[]; header: { shippingCost?: 0; taxDetails?: { items: [] } } } {
  const open = lines.filter((l) => !changed.has(l.line) && (l.fulfilled ?? 0) === 0 && (l.amount !== 0 || !l.closed));
  const cost = num(record.shippingCost);
  // The channel's tax sent as an override stays on a closed order unless its sublist is emptied too.
  const taxDetails = isObject(record.taxDetails) && Array.isArray(record.taxDetails.items) ? record.taxDetails.items : [];
  return {
    lines: open.map((l) => ({ line: l.line, quantity: l.quantity ?? 1, amount: 0, isClosed: true as const })),
    header: {
      ...(cost !== undefined && cost !== 0 && { shippingCost: 0 as const }),
      ...(record.taxDetailsOverride === true && taxDetails.length > 0 && { taxDetails: { items: [] as [] } }),
    },
  };
}

/**
 * The item (and discount) lines to PATCH; empty when the order already is as wanted. A wanted line
 * the order lacks that carries its whole content (an edit added it) is added: PATCH appends lines
 * without a line number, so it must be the next of the hub's lines (its lineIndex the count of
 * them so far), else the positions would no longer say which line is which.
 */
export function toNetSuiteLineChanges(doc: SalesOrderChangeDocument, lines: readonly NsOrderLine[], options: NetSuiteMappingOptions = {}): (NsLineChange | NsItemLine)[] {
  const changes: (NsLineChange | NsItemLine)[] = [];
  const added: NsItemLine[] = [];
  let next = lines.filter((l) => l.position !== undefined).length;
  const seen = new Set<number>();
  doc.lines.forEach((wanted, i) => {
    const at = `lines[${i}]`;
    const quantity = wholeQuantity(wanted.quantity, 0, `${at}.quantity`, wanted.lineRef);
    const found = wanted.line ? findLine(lines, wanted, at, 'NetSuite') : requireLine(lines, wanted, at, 'NetSuite');
    if (!found) {
      if (quantity === 0) return;
      if (wanted.lineIndex !== undefined && wanted.lineIndex !== next) {
        refuse(`line ${wanted.lineRef} is to be added at position ${wanted.lineIndex}, but the NetSuite order's next line is position ${next}`, at, 'LINE_POSITION');
      }
      added.push(...addedItemLines({ ...wanted.line!, quantity }, next++, wanted.line!.unitPrice.currency, options));
      return;
    }
    const line = found;
    if (seen.has(line.line)) refuse(`line ${wanted.lineRef} is named twice in the change`, at, 'DUPLICATE_LINE');
    seen.add(line.line);
    const { gross, discount } = keptMoney(wanted, quantity, at);
    const discountLine = discountLineAfter(lines, line, options);
    const amount = netSuiteAmount(discountLine ? gross : subtract(gross, discount), `${at}.amount`);
    const close = quantity === (line.fulfilled ?? 0);
    if (line.quantity !== quantity || line.amount !== amount || (close && !line.closed)) {
      changes.push({ line: line.line, quantity, amount, ...(close && { isClosed: true as const }) });
    }
    if (!discountLine) return;
    const off = netSuiteAmount({ amount: -discount.amount, currency: discount.currency }, `${at}.discount`);
    if (discountLine.rate !== off || discountLine.amount !== off) changes.push({ line: discountLine.line, rate: off, amount: off });
  });
  return [...changes, ...added];
}
