/**
 * SalesOrderDocument → Business Central API v2.0 salesOrder with its salesOrderLines (field names
 * and types per ../shared/contracts/dynamics365-bc/salesOrder(Line).v2.0.resource.json). Pure: no
 * I/O, no clock.
 *
 * Header
 *  - externalDocumentNumber: the posting key through `bcExternalDocumentNumber` (below).
 *  - customerId when the hub's customer reference is a GUID (BC's customer id), otherwise
 *    customerNumber (the customer's No.). BC requires one of the two; sending both is not done.
 *  - orderDate: accountingDate (the order's day in the shop's own time), else the date part of placedAt.
 *  - currencyCode: '' for the company's local currency (BC has no Currency record for it and
 *    refuses its code), otherwise the ISO code.
 *  - Not sent: `number` (BC numbers orders from its No. Series and refuses a given one), the
 *    read-only totals, and what the v2.0 salesOrder has no field for: subsidiaryId (NetSuite
 *    only), the header locationId, memo and channelOrderNumber (externalDocumentNumber already
 *    carries the channel order).
 *
 * Lines (lineType 'Item')
 *  - sequence (BC's Line No.) = 10000 × (position + 1), BC's own spacing made explicit: BC has no
 *    field for the hub's lineRef, so fulfilments and line changes find lines[n] as sequence
 *    (n + 1) × 10000 (LINE_SEQUENCE_STEP), which stays true when other lines are deleted.
 *  - itemId when the hub's item reference is a GUID, otherwise lineObjectNumber (the item No.).
 *  - quantity; unitPrice before discounts; discountAmount = the line's discount over all units
 *    (BC's line discount amount), so BC's net line amount is quantity × unitPrice − discount.
 *  - taxCode when known; BC computes the tax amounts itself (they are read-only in the API).
 *  - description, cut to BC's 100 characters.
 *  - locationId is not sent: the v2.0 salesOrderLine has no location field.
 *  - Shipping, when not zero: one more line of `shippingLineType` (default 'Account', a G/L account,
 *    as BC's own Shopify connector books shipping charges) for `shippingAccountNumber`, quantity 1,
 *    with the shipping tax code. Shipping without a configured account is refused (PERMANENT):
 *    dropping it would post an order short of its total.
 *
 * Money: amounts are `BcDecimal` (bc-json.ts), exact decimal text written as JSON number literals.
 * Comparing with an order already in BC is bc-order-compare.ts.
 */
import { createHash } from 'node:crypto';
import { currencyExponent, formatDecimal, multiply, type Money } from '../../../canonical/money.js';
import { DeliveryError, type SalesOrderDocument, type SalesOrderLine } from '../erp-adapter.port.js';
import { BcDecimal, DECIMAL } from './bc-json.js';

export { BcDecimal, serializeBcJson } from './bc-json.js';
export { compareWithExisting, sameDecimal, type BcOrderComparison } from './bc-order-compare.js';

export type BcLineType = 'Item' | 'Account' | 'Resource' | 'Charge' | 'Fixed Asset';
export const BC_LINE_TYPES: readonly BcLineType[] = ['Item', 'Account', 'Resource', 'Charge', 'Fixed Asset'];

export interface BcSalesOrderLineBody {
  /** BC's Line No.: 10000 × (position + 1), so line n of the document is always sequence (n + 1) × 10000. */
  readonly sequence: number;
  readonly lineType: BcLineType;
  readonly itemId?: string;
  readonly lineObjectNumber?: string;
  readonly description?: string;
  readonly quantity: BcDecimal;
  readonly unitPrice: BcDecimal;
  readonly discountAmount: BcDecimal;
  readonly taxCode?: string;
}

export interface BcSalesOrderHeader {
  readonly externalDocumentNumber: string;
  readonly customerId?: string;
  readonly customerNumber?: string;
  readonly orderDate: string;
  readonly currencyCode: string;
}

/** The body of POST …/salesOrders: the header with its lines in one deep insert. */
export interface BcSalesOrderBody extends BcSalesOrderHeader {
  readonly salesOrderLines: readonly BcSalesOrderLineBody[];
}

export interface BcMappingOptions {
  /** The company's local currency (LCY), sent as currencyCode ''. */
  readonly localCurrency: string;
  /** The G/L account (or item / charge / resource, per shippingLineType) shipping is booked to. */
  readonly shippingAccountNumber?: string;
  readonly shippingLineType?: BcLineType;
}

/** BC's lengths (Sales Header / Sales Line fields). */
export const EXTERNAL_DOCUMENT_NUMBER_MAX = 35;
const DESCRIPTION_MAX = 100;
const HASH_CHARS = 16;
/** BC numbers lines 10000, 20000, …; the hub writes the same numbers itself. */
export const LINE_SEQUENCE_STEP = 10000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_PART = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/;

function refuse(message: string, field: string, code = 'UNMAPPABLE_DOCUMENT'): never {
  throw new DeliveryError('PERMANENT', message, { code, field });
}

/**
 * The externalDocumentNumber that carries a posting key. BC keeps at most 35 characters, stores the
 * field upper-case and compares it without regard to case, so:
 *  - the key is upper-cased (what BC would store anyway; keys differing only in case are one order);
 *  - a key of up to 35 characters is kept whole;
 *  - a longer one becomes its first 18 characters, '~', and the first 16 hex digits (64 bits) of
 *    SHA-256 over the whole upper-cased key: 35 characters, deterministic, still readable by prefix.
 * Both the create and every look-up ($filter) go through this function, so they always agree.
 */
export function bcExternalDocumentNumber(externalId: string): string {
  const key = externalId.trim().toUpperCase();
  if (key === '') refuse('the posting key (externalId) is empty', 'externalId', 'INVALID_KEY');
  if (key.length <= EXTERNAL_DOCUMENT_NUMBER_MAX) return key;
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, HASH_CHARS).toUpperCase();
  let prefix = key.slice(0, EXTERNAL_DOCUMENT_NUMBER_MAX - HASH_CHARS - 1);
  if (/[\uD800-\uDBFF]$/.test(prefix)) prefix = prefix.slice(0, -1);
  return `${prefix}~${hash}`;
}

/** An OData string literal: quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The $filter that finds the order of a posting key. */
export function externalDocumentNumberFilter(externalId: string): string {
  return `externalDocumentNumber eq ${odataString(bcExternalDocumentNumber(externalId))}`;
}

function sameCurrency(value: Money, currency: string, field: string): Money {
  if (value.currency !== currency) refuse(`${field} is in ${value.currency}, the order in ${currency}`, field, 'CURRENCY_MISMATCH');
  return value;
}

/** A JS number as a decimal literal, refusing what is not a plain finite decimal. */
function plainNumber(value: number, field: string): BcDecimal {
  const text = Number.isFinite(value) ? String(value) : '';
  if (!DECIMAL.test(text)) refuse(`${field} ${String(value)} is not a plain decimal number`, field, 'INVALID_QUANTITY');
  return new BcDecimal(text);
}

const nonEmpty = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

function description(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const chars = Array.from(text);
  return chars.length <= DESCRIPTION_MAX ? text : chars.slice(0, DESCRIPTION_MAX).join('');
}

/** One item line at sequence (slot + 1) × 10000, as the order's deep insert or a line change adding it writes it. */
export function itemLine(line: SalesOrderLine, index: number, currency: string): BcSalesOrderLineBody {
  const at = `lines[${index}]`;
  if (!(line.quantity > 0)) refuse(`line ${line.lineRef}: quantity ${line.quantity} is not positive`, `${at}.quantity`, 'INVALID_QUANTITY');
  const quantity = plainNumber(line.quantity, `${at}.quantity`);
  const unitPrice = sameCurrency(line.unitPrice, currency, `${at}.unitPrice`);
  const discount = sameCurrency(line.discount, currency, `${at}.discount`);
  sameCurrency(line.tax, currency, `${at}.tax`);
  if (unitPrice.amount < 0n) refuse(`line ${line.lineRef}: unit price ${formatDecimal(unitPrice)} is negative`, `${at}.unitPrice`, 'INVALID_PRICE');
  if (discount.amount < 0n) refuse(`line ${line.lineRef}: discount ${formatDecimal(discount)} is negative`, `${at}.discount`, 'INVALID_DISCOUNT');
  if (Number.isInteger(line.quantity) && discount.amount > multiply(unitPrice, line.quantity).amount) {
    refuse(`line ${line.lineRef}: discount ${formatDecimal(discount)} exceeds the line's ${formatDecimal(multiply(unitPrice, line.quantity))}`, `${at}.discount`, 'INVALID_DISCOUNT');
  }
  const item = nonEmpty(line.itemId);
  if (item === undefined) refuse(`line ${line.lineRef} has no item`, `${at}.itemId`, 'MISSING_ITEM');
  const taxCode = nonEmpty(line.taxCode);
  const text = description(line.description);
  return {
    sequence: (index + 1) * LINE_SEQUENCE_STEP,
    lineType: 'Item',
    ...(GUID.test(item) ? { itemId: item.toLowerCase() } : { lineObjectNumber: item }),
    ...(text !== undefined && { description: text }),
    quantity,
    unitPrice: BcDecimal.of(unitPrice),
    discountAmount: BcDecimal.of(discount),
    ...(taxCode !== undefined && { taxCode }),
  };
}

function shippingLine(doc: SalesOrderDocument, options: BcMappingOptions, sequence: number): BcSalesOrderLineBody | undefined {
  const shipping = sameCurrency(doc.shipping, doc.currency, 'shipping');
  if (shipping.amount === 0n) return undefined;
  if (shipping.amount < 0n) refuse(`shipping ${formatDecimal(shipping)} is negative`, 'shipping', 'INVALID_SHIPPING');
  const number = nonEmpty(options.shippingAccountNumber);
  if (number === undefined) {
    refuse(
      `shipping of ${formatDecimal(shipping)} ${shipping.currency} cannot be posted: the Business Central target has no shippingAccountNumber configured`,
      'shipping', 'SHIPPING_NOT_CONFIGURED',
    );
  }
  const lineType = options.shippingLineType ?? 'Account';
  if (!BC_LINE_TYPES.includes(lineType)) refuse(`shippingLineType ${JSON.stringify(lineType)} is not a BC line type`, 'shippingLineType', 'INVALID_OPTION');
  const taxCode = nonEmpty(doc.shippingTaxCode);
  return {
    sequence,
    lineType,
    lineObjectNumber: number,
    description: 'Shipping',
    quantity: new BcDecimal('1'),
    unitPrice: BcDecimal.of(shipping),
    discountAmount: BcDecimal.of({ amount: 0n, currency: doc.currency }),
    ...(taxCode !== undefined && { taxCode }),
  };
}

/** The currencyCode BC takes for a currency: '' for the local one. */
export function bcCurrencyCode(currency: string, localCurrency: string): string {
  try {
    currencyExponent(currency);
  } catch {
    refuse(`${JSON.stringify(currency)} is not an ISO 4217 currency code`, 'currency', 'INVALID_CURRENCY');
  }
  return currency.toUpperCase() === localCurrency.trim().toUpperCase() ? '' : currency;
}

/** The header fields of the order (what a PATCH may carry; lines aside). */
export function toBcSalesOrderHeader(doc: SalesOrderDocument, options: BcMappingOptions): BcSalesOrderHeader {
  // The order's day in the shop's own time when the hub knows it; else the date part of placedAt.
  const date = DATE_PART.exec(doc.accountingDate ?? doc.placedAt)?.[1];
  if (date === undefined) refuse(`placedAt ${JSON.stringify(doc.placedAt)} has no date part`, 'placedAt', 'INVALID_DATE');
  const customer = nonEmpty(doc.customerId);
  if (customer === undefined) refuse('the order has no customer', 'customerId', 'MISSING_CUSTOMER');
  return {
    externalDocumentNumber: bcExternalDocumentNumber(doc.externalId),
    ...(GUID.test(customer) ? { customerId: customer.toLowerCase() } : { customerNumber: customer }),
    orderDate: date,
    currencyCode: bcCurrencyCode(doc.currency, options.localCurrency),
  };
}

/** The POST body. Throws DeliveryError PERMANENT when the document cannot be expressed exactly. */
export function toBcSalesOrder(doc: SalesOrderDocument, options: BcMappingOptions): BcSalesOrderBody {
  const header = toBcSalesOrderHeader(doc, options);
  sameCurrency(doc.grandTotal, doc.currency, 'grandTotal');
  if (doc.lines.length === 0) refuse('the order has no lines', 'lines', 'NO_LINES');
  // A line an order edit took off (quantity 0) is not written, but keeps its Line No. free: the others keep theirs.
  const lines = doc.lines.flatMap((line, index) => (line.quantity === 0 ? [] : [itemLine(line, index, doc.currency)]));
  const shipping = shippingLine(doc, options, (doc.lines.length + 1) * LINE_SEQUENCE_STEP);
  return { ...header, salesOrderLines: shipping ? [...lines, shipping] : lines };
}
