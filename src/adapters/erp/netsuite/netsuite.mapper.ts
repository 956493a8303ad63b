/**
 * SalesOrderDocument → NetSuite record/v1 salesOrder JSON (field names and types per
 * ../shared/contracts/netsuite/record-field-lists/SalesOrder.fields.json; the item sublist per
 * NetSuite's documented salesOrder item line: item, quantity, rate, amount, description,
 * location, taxCode, custcol…). A pure function: no I/O, no clock.
 *
 * Money. NetSuite's REST API types amounts as JSON numbers. Every amount is computed in bigint
 * minor units, printed with formatDecimal, and sent as a number only when that number prints back
 * as the same decimal (JSON.stringify uses the shortest round-trip form, so the wire carries the
 * exact decimal literal, e.g. 164.81, never 164.80999…); otherwise the document is refused.
 *
 * Discounts. A line's discount covers all its units, so a reduced unit rate is usually not exact
 * (13.19 off 2 units is 6.595 a unit). Two exact forms:
 *  - default: rate = the unit price, amount = quantity × unit price − discount. The line keeps its
 *    list price and carries its exact net value; NetSuite takes amount as given.
 *  - with `discountItemId`: the line at gross (amount = quantity × unit price) followed by a line of
 *    that Discount item for −discount with the line's tax code; NetSuite applies a discount item to
 *    the line above it, and revenue and discount are reported apart.
 *
 * Currency. NetSuite references a currency record, not an ISO code: `currencyIds` maps the code to
 * the account's currency internal id; without a mapping the reference is by external id
 * ({ externalId: "USD" }), which works where the account's currency records carry their ISO code as
 * External ID, and is otherwise refused by NetSuite (a permanent error naming the field).
 *
 * Shipping. The header shippingCost (and shippingTaxCode when known); with `shippingItemId` an item
 * line of that Other Charge item instead, carrying the shipping tax code.
 *
 * Tax. Each line carries its tax code; NetSuite computes tax (REST supports SuiteTax only).
 */
import { currencyExponent, formatDecimal, multiply, MoneyError, parseDecimal, subtract, type Money } from '../../../canonical/money.js';
import { DeliveryError, type SalesOrderDocument, type SalesOrderLine } from '../erp-adapter.port.js';

/** A record reference as REST takes it. */
export type NsRef = { readonly id: string } | { readonly externalId: string };

export interface NsItemLine {
  readonly item?: NsRef;
  readonly quantity?: number;
  readonly rate: number;
  readonly amount: number;
  readonly description?: string;
  readonly location?: NsRef;
  readonly taxCode?: NsRef;
  /** Custom columns (custcol…). */
  readonly [customColumn: string]: unknown;
}

export interface NsSalesOrderBody {
  readonly externalId: string;
  readonly entity?: NsRef;
  readonly tranDate: string;
  readonly currency: NsRef;
  readonly subsidiary?: NsRef;
  readonly location?: NsRef;
  readonly otherRefNum: string;
  readonly memo?: string;
  readonly shippingCost?: number;
  readonly shippingTaxCode?: NsRef;
  readonly item: { readonly items: readonly NsItemLine[] };
}

export interface NetSuiteMappingOptions {
  /** ISO 4217 code → the account's currency internal id, e.g. { USD: "1", JPY: "4" }. */
  readonly currencyIds?: Readonly<Record<string, string>>;
  /** A Discount item: each line discount becomes a line of it right after the discounted line. */
  readonly discountItemId?: string;
  /** An Other Charge item: shipping becomes an item line of it instead of the header shippingCost. */
  readonly shippingItemId?: string;
  /** A custom transaction column (custcol…) that carries each line's lineRef. */
  readonly lineRefField?: string;
}

const CUSTOM_COLUMN = /^custcol[a-z0-9_]+$/;
const DATE_PART = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/;

function refuse(message: string, field: string, code = 'UNMAPPABLE_DOCUMENT'): never {
  throw new DeliveryError('PERMANENT', message, { code, field });
}

/** { id } for an internal id; undefined for none, so NetSuite names what is missing in its own words. */
function ref(id: string | null | undefined): NsRef | undefined {
  const value = id?.trim();
  return value ? { id: value } : undefined;
}

/**
 * Money as the JSON number NetSuite takes, exactly: the decimal from formatDecimal, as a number
 * only if that number prints back as the same amount (at most 15 significant digits always do).
 */
export function netSuiteAmount(value: Money, field = 'amount'): number {
  const decimal = formatDecimal(value);
  const number = Number(decimal);
  let back: bigint | undefined;
  try {
    back = parseDecimal(number, value.currency).amount;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
  }
  if (back !== value.amount) refuse(`${decimal} ${value.currency} cannot be sent as an exact JSON number`, field, 'AMOUNT_NOT_REPRESENTABLE');
  return number;
}

function currencyRef(code: string, options: NetSuiteMappingOptions): NsRef {
  try {
    currencyExponent(code);
  } catch {
    refuse(`${JSON.stringify(code)} is not an ISO 4217 currency code`, 'currency', 'INVALID_CURRENCY');
  }
  const id = options.currencyIds?.[code]?.trim();
  return id ? { id } : { externalId: code };
}

function sameCurrency(value: Money, currency: string, field: string): Money {
  if (value.currency !== currency) refuse(`${field} is in ${value.currency}, the order in ${currency}`, field, 'CURRENCY_MISMATCH');
  return value;
}

function lineRefColumn(options: NetSuiteMappingOptions, lineRef: string): Record<string, string> {
  const column = options.lineRefField;
  if (column === undefined) return {};
  if (!CUSTOM_COLUMN.test(column)) refuse(`lineRefField ${JSON.stringify(column)} is not a custom column id (custcol…)`, 'lineRefField', 'INVALID_OPTION');
  return { [column]: lineRef };
}

/** The item line (and its Discount item line) of one order line, as a new order or a line change adding it writes it. */
export function itemLines(line: SalesOrderLine, index: number, currency: string, options: NetSuiteMappingOptions): NsItemLine[] {
  const at = `lines[${index}]`;
  // 0: a line an order edit took off, kept closed in its place so the lines keep their positions.
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) {
    refuse(`line ${line.lineRef}: quantity ${line.quantity} is not a whole number of at least 0`, `${at}.quantity`, 'INVALID_QUANTITY');
  }
  const unitPrice = sameCurrency(line.unitPrice, currency, `${at}.unitPrice`);
  const discount = sameCurrency(line.discount, currency, `${at}.discount`);
  sameCurrency(line.tax, currency, `${at}.tax`);
  const gross = multiply(unitPrice, line.quantity);
  if (discount.amount < 0n || (gross.amount >= 0n && discount.amount > gross.amount)) {
    refuse(`line ${line.lineRef}: discount ${formatDecimal(discount)} is outside 0..${formatDecimal(gross)}`, `${at}.discount`, 'INVALID_DISCOUNT');
  }
  const taxCode = ref(line.taxCode);
  const custom = lineRefColumn(options, line.lineRef);
  const discountItem = ref(options.discountItemId);
  const separateDiscount = discountItem !== undefined && discount.amount !== 0n;
  const main: NsItemLine = {
    ...(ref(line.itemId) && { item: ref(line.itemId) }),
    quantity: line.quantity,
    rate: netSuiteAmount(unitPrice, `${at}.unitPrice`),
    amount: netSuiteAmount(separateDiscount ? gross : subtract(gross, discount), `${at}.amount`),
    ...(line.description && { description: line.description }),
    ...(ref(line.locationId) && { location: ref(line.locationId) }),
    ...(taxCode && { taxCode }),
    ...custom,
    ...(line.quantity === 0 && { isClosed: true }),
  };
  if (!separateDiscount) return [main];
  const off = netSuiteAmount({ amount: -discount.amount, currency }, `${at}.discount`);
  return [main, { item: discountItem, rate: off, amount: off, ...(taxCode && { taxCode }), ...custom }];
}

/** The salesOrder body for PUT …/salesOrder/eid:{externalId}?replace=item. Throws DeliveryError PERMANENT when the document cannot be expressed exactly. */
export function toNetSuiteSalesOrder(doc: SalesOrderDocument, options: NetSuiteMappingOptions = {}): NsSalesOrderBody {
  const currency = currencyRef(doc.currency, options);
  // The order's day in the shop's own time when the hub knows it; else the date part of placedAt.
  const date = DATE_PART.exec(doc.accountingDate ?? doc.placedAt)?.[1];
  if (date === undefined) refuse(`placedAt ${JSON.stringify(doc.placedAt)} has no date part`, 'placedAt', 'INVALID_DATE');
  const shipping = sameCurrency(doc.shipping, doc.currency, 'shipping');
  sameCurrency(doc.grandTotal, doc.currency, 'grandTotal');

  const items = doc.lines.flatMap((line, index) => itemLines(line, index, doc.currency, options));
  const shippingItem = ref(options.shippingItemId);
  const shippingTaxCode = ref(doc.shippingTaxCode);
  if (shippingItem && shipping.amount !== 0n) {
    const cost = netSuiteAmount(shipping, 'shipping');
    items.push({ item: shippingItem, quantity: 1, rate: cost, amount: cost, description: 'Shipping', ...(shippingTaxCode && { taxCode: shippingTaxCode }) });
  }

  return {
    externalId: doc.externalId,
    ...(ref(doc.customerId) && { entity: ref(doc.customerId) }),
    tranDate: date,
    currency,
    ...(ref(doc.subsidiaryId) && { subsidiary: ref(doc.subsidiaryId) }),
    ...(ref(doc.locationId) && { location: ref(doc.locationId) }),
    otherRefNum: doc.channelOrderNumber,
    ...(doc.memo !== null && { memo: doc.memo }),
    // Always sent in header mode, so an update that drops shipping sets it to zero.
    ...(!shippingItem && { shippingCost: netSuiteAmount(shipping, 'shipping') }),
    ...(!shippingItem && shippingTaxCode && { shippingTaxCode }),
    item: { items },
  };
}
