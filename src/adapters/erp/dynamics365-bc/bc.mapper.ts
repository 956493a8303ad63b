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
 *  - Addresses: billToName, billToAddressLine1/2, billToCity, billToState, billToPostCode,
 *    billToCountry and the same shipTo… fields, cut to BC's lengths, so BC's tax and documents use
 *    the order's own addresses rather than the customer card's.
 *
 * Lines, in this order (sequence 10000 × (position + 1)):
 *  1. Items (lineType 'Item'), one per order line: sequence (BC's Line No.) = 10000 × (position + 1),
 *     BC's own spacing made explicit: BC has no field for the hub's lineRef, so fulfilments and line
 *     changes find lines[n] as sequence (n + 1) × 10000 (LINE_SEQUENCE_STEP), which stays true when
 *     other lines are deleted. itemId when the item reference is a GUID, otherwise lineObjectNumber;
 *     quantity; unitPrice; discountAmount = the line's discount over all units (BC's line discount
 *     amount), so BC's net line amount is round(quantity × unitPrice) − discount. description, cut
 *     to 100 characters; no locationId (the v2.0 salesOrderLine has none).
 *  2. Shipping, when not zero: a line of `shippingLineType` (default 'Account', a G/L account, as
 *     BC's own Shopify connector books shipping charges) for `shippingAccountNumber`, quantity 1,
 *     unitPrice = the shipping price, discountAmount = the shipping discounts (a free-shipping code:
 *     the whole price). Shipping without a configured account is refused (PERMANENT).
 *  3. Charges (tips, duties, rounding), one line each of the mapped type (the ITEM mapping's
 *     lineType, default 'Item') for the mapped number, quantity 1, unitPrice = the charge (negative
 *     for a rounding adjustment down), with `exemptTaxCode`: the channel charged no tax on them.
 *  4. CHANNEL_AMOUNTS only: the channel's tax, one 'Account' line per jurisdiction (summed over
 *     lines and shipping) to its TAX_CODE mapping's taxAccount, else the target's
 *     `taxAccountNumber`, quantity 1, unitPrice = the tax. Lines 1–3 carry `exemptTaxCode` (when
 *     set) so that BC adds no tax of its own ("line tax off").
 *
 * Tax modes (document-money.ts). CHANNEL_AMOUNTS as above. ERP_CALCULATES: no tax lines; items and
 * shipping carry their mapped tax codes and BC computes the tax from them and the addresses.
 * Tax-inclusive orders: salesOrder.pricesIncludeTax is read-only in API v2.0 (it follows the
 * customer card), so the hub always sends net prices: an item's unitPrice is its net unit price,
 * (quantity × unit price − the line's tax) / quantity, with up to three more decimals than the
 * currency (BC's unit-amount precision is finer than its amount precision), chosen so that BC's
 * line amount round(quantity × unitPrice) is the net to the minor unit; shipping's unitPrice is
 * its price less its tax. The total (bc-document-total.ts) reads the lines back: Σ round(quantity
 * × unitPrice) − discountAmount, plus, under ERP_CALCULATES, the channel's tax as the figure BC is
 * expected to reach.
 *
 * Money: amounts are `BcDecimal` (bc-json.ts), exact decimal text written as JSON number literals.
 * Comparing with an order already in BC is bc-order-compare.ts.
 */
import type { CurrencyBasis } from '../shared/currency-basis.js';
import { createHash } from 'node:crypto';
import { currencyExponent, formatDecimal, multiply, subtract, type Money } from '../../../canonical/money.js';
import { DeliveryError, type SalesOrderDocument, type SalesOrderLine } from '../erp-adapter.port.js';
import { DEFAULT_TAX_MODE, includedTax, lineTaxes, shippingDiscountOf, shippingTaxesOf, taxByJurisdiction, type TaxMode } from '../shared/document-money.js';
import { addressFields } from './bc-address.js';
import { BcDecimal, DECIMAL, roundScaled, scaledText } from './bc-json.js';

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
  readonly yourReference?: string;
  readonly customerId?: string;
  readonly customerNumber?: string;
  readonly orderDate: string;
  readonly currencyCode: string;
  readonly billToName?: string;
  readonly billToAddressLine1?: string;
  readonly billToAddressLine2?: string;
  readonly billToCity?: string;
  readonly billToState?: string;
  readonly billToPostCode?: string;
  readonly billToCountry?: string;
  readonly shipToName?: string;
  readonly shipToAddressLine1?: string;
  readonly shipToAddressLine2?: string;
  readonly shipToCity?: string;
  readonly shipToState?: string;
  readonly shipToPostCode?: string;
  readonly shipToCountry?: string;
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
  /** CHANNEL_AMOUNTS (default) or ERP_CALCULATES: see the header. */
  readonly taxMode?: TaxMode;
  /** The G/L account the channel's tax is booked to when its jurisdiction's mapping names none. */
  readonly taxAccountNumber?: string;
  /** The tax code (tax group / VAT product posting group) on which BC computes no tax. */
  readonly exemptTaxCode?: string;
  /** SHOP (default) or PRESENTMENT: which of the order's money sets the document is in (shared/currency-basis.ts). */
  readonly currencyBasis?: CurrencyBasis;
  /** Send the buyer's PO number as yourReference (externalDocumentNumber is the posting key); off by default. */
  readonly poNumberAsYourReference?: boolean;
}

/** BC's Your Reference (Sales Header) holds 35 characters. */
const YOUR_REFERENCE_MAX = 35;

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

/** Text cut to BC's 100 characters (whole code points); undefined for none. */
export function description(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const chars = Array.from(text);
  return chars.length <= DESCRIPTION_MAX ? text : chars.slice(0, DESCRIPTION_MAX).join('');
}

const modeOf = (options: BcMappingOptions): TaxMode => options.taxMode ?? DEFAULT_TAX_MODE;

/** The tax code a line carries: the exempt code under CHANNEL_AMOUNTS (the tax comes as lines), else the mapped one. */
function lineTaxCode(mapped: string | null | undefined, options: BcMappingOptions): string | undefined {
  return modeOf(options) === 'CHANNEL_AMOUNTS' ? nonEmpty(options.exemptTaxCode) : nonEmpty(mapped);
}

/** BC's extra unit-price decimals over the currency's: its unit-amount precision is finer than its amount precision. */
const UNIT_EXTRA_DECIMALS = 3;

/**
 * The unit price whose BC line amount, round(quantity × unitPrice) at the currency's exponent, is
 * exactly `lineAmount`: the currency's precision when it divides evenly, else three more decimals.
 */
export function unitPriceFor(lineAmount: Money, quantity: number, at: string, lineRef: string): BcDecimal {
  const q = BigInt(quantity);
  if (lineAmount.amount % q === 0n) return BcDecimal.of({ amount: lineAmount.amount / q, currency: lineAmount.currency });
  const factor = 10n ** BigInt(UNIT_EXTRA_DECIMALS);
  const unit = roundScaled(lineAmount.amount * factor * 10n / q, 1);
  if (roundScaled(unit * q, UNIT_EXTRA_DECIMALS) !== lineAmount.amount) {
    refuse(`line ${lineRef}: no unit price gives the net ${formatDecimal(lineAmount)} over ${quantity} units`, `${at}.unitPrice`, 'AMOUNT_NOT_REPRESENTABLE');
  }
  return new BcDecimal(scaledText(unit, currencyExponent(lineAmount.currency) + UNIT_EXTRA_DECIMALS));
}

/**
 * One item line at sequence (slot + 1) × 10000, as a line change adding it to an order already in BC
 * writes it: at the line's own tax code (BC computes its tax), no tax included in its price.
 */
export function addedItemLine(line: SalesOrderLine, slot: number, currency: string): BcSalesOrderLineBody {
  return itemLine({ currency, taxesIncluded: false } as SalesOrderDocument, line, slot, { localCurrency: currency, taxMode: 'ERP_CALCULATES' });
}

function itemLine(doc: SalesOrderDocument, line: SalesOrderLine, index: number, options: BcMappingOptions): BcSalesOrderLineBody {
  const currency = doc.currency;
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
  const inside = includedTax(doc, lineTaxes(line));
  let price = BcDecimal.of(unitPrice);
  if (inside.amount !== 0n) {
    if (!Number.isSafeInteger(line.quantity)) refuse(`line ${line.lineRef}: a tax-inclusive line needs a whole quantity`, `${at}.quantity`, 'INVALID_QUANTITY');
    price = unitPriceFor(subtract(multiply(unitPrice, line.quantity), inside), line.quantity, at, line.lineRef);
  }
  const taxCode = lineTaxCode(line.taxCode, options);
  const text = description(line.description);
  return {
    sequence: (index + 1) * LINE_SEQUENCE_STEP,
    lineType: 'Item',
    ...(GUID.test(item) ? { itemId: item.toLowerCase() } : { lineObjectNumber: item }),
    ...(text !== undefined && { description: text }),
    quantity,
    unitPrice: price,
    discountAmount: BcDecimal.of(discount),
    ...(taxCode !== undefined && { taxCode }),
  };
}

function checkedLineType(value: string, field: string): BcLineType {
  if (!(BC_LINE_TYPES as readonly string[]).includes(value)) refuse(`${field} ${JSON.stringify(value)} is not a BC line type`, field, 'INVALID_OPTION');
  return value as BcLineType;
}

function shippingLine(doc: SalesOrderDocument, options: BcMappingOptions): Omit<BcSalesOrderLineBody, 'sequence'> | undefined {
  const shipping = sameCurrency(doc.shipping, doc.currency, 'shipping');
  const discount = sameCurrency(shippingDiscountOf(doc), doc.currency, 'shippingDiscount');
  if (shipping.amount === 0n && discount.amount === 0n) return undefined;
  if (shipping.amount < 0n) refuse(`shipping ${formatDecimal(shipping)} is negative`, 'shipping', 'INVALID_SHIPPING');
  if (discount.amount < 0n || discount.amount > shipping.amount) {
    refuse(`shipping discount ${formatDecimal(discount)} is outside 0..${formatDecimal(shipping)}`, 'shippingDiscount', 'INVALID_DISCOUNT');
  }
  const number = nonEmpty(options.shippingAccountNumber);
  if (number === undefined) {
    refuse(
      `shipping of ${formatDecimal(shipping)} ${shipping.currency} cannot be posted: the Business Central target has no shippingAccountNumber configured`,
      'shipping', 'SHIPPING_NOT_CONFIGURED',
    );
  }
  const lineType = checkedLineType(options.shippingLineType ?? 'Account', 'shippingLineType');
  const taxCode = lineTaxCode(doc.shippingTaxCode, options);
  return {
    lineType,
    lineObjectNumber: number,
    description: 'Shipping',
    quantity: new BcDecimal('1'),
    unitPrice: BcDecimal.of(subtract(shipping, includedTax(doc, shippingTaxesOf(doc)))),
    discountAmount: BcDecimal.of(discount),
    ...(taxCode !== undefined && { taxCode }),
  };
}

function chargeLines(doc: SalesOrderDocument, options: BcMappingOptions): Omit<BcSalesOrderLineBody, 'sequence'>[] {
  const exempt = nonEmpty(options.exemptTaxCode);
  return (doc.charges ?? []).map((charge, i) => {
    const at = `charges[${i}]`;
    const amount = sameCurrency(charge.amount, doc.currency, `${at}.amount`);
    const object = nonEmpty(charge.itemId);
    if (object === undefined) refuse(`the ${charge.kind} charge has no item`, `${at}.itemId`, 'MISSING_ITEM');
    const lineType = checkedLineType(charge.lineType ?? 'Item', `${at}.lineType`);
    const text = description(charge.title);
    return {
      lineType,
      ...(lineType === 'Item' && GUID.test(object) ? { itemId: object.toLowerCase() } : { lineObjectNumber: object }),
      ...(text !== undefined && { description: text }),
      quantity: new BcDecimal('1'),
      unitPrice: BcDecimal.of(amount),
      discountAmount: BcDecimal.of({ amount: 0n, currency: doc.currency }),
      ...(exempt !== undefined && { taxCode: exempt }),
    };
  });
}

/** CHANNEL_AMOUNTS: the channel's tax, one G/L line per jurisdiction. */
function taxLines(doc: SalesOrderDocument, options: BcMappingOptions): Omit<BcSalesOrderLineBody, 'sequence'>[] {
  if (modeOf(options) !== 'CHANNEL_AMOUNTS') return [];
  const exempt = nonEmpty(options.exemptTaxCode);
  return taxByJurisdiction(doc).filter((t) => t.amount.amount !== 0n).map((tax) => {
    const account = nonEmpty(tax.taxAccount) ?? nonEmpty(options.taxAccountNumber);
    if (account === undefined) {
      throw new DeliveryError(
        'MISSING_DEPENDENCY',
        `the channel's ${tax.title} of ${formatDecimal(tax.amount)} ${tax.amount.currency} has no tax account: map taxAccount on its TAX_CODE mapping or set the target's taxAccountNumber`,
        { code: 'UNMAPPED', field: 'TAX_CODE' },
      );
    }
    const text = description(tax.title);
    return {
      lineType: 'Account' as const,
      lineObjectNumber: account,
      ...(text !== undefined && { description: text }),
      quantity: new BcDecimal('1'),
      unitPrice: BcDecimal.of(tax.amount),
      discountAmount: BcDecimal.of({ amount: 0n, currency: doc.currency }),
      ...(exempt !== undefined && { taxCode: exempt }),
    };
  });
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

/** The buyer's PO number as Your Reference, where the target asks for it. */
function yourReference(doc: SalesOrderDocument, options: BcMappingOptions): { yourReference?: string } {
  const po = nonEmpty(doc.poNumber);
  return options.poNumberAsYourReference === true && po !== undefined ? { yourReference: po.slice(0, YOUR_REFERENCE_MAX) } : {};
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
    ...yourReference(doc, options),
    ...(GUID.test(customer) ? { customerId: customer.toLowerCase() } : { customerNumber: customer }),
    orderDate: date,
    currencyCode: bcCurrencyCode(doc.currency, options.localCurrency),
    ...addressFields('billTo', doc.billTo),
    ...addressFields('shipTo', doc.shipTo),
  };
}

/** The POST body. Throws DeliveryError PERMANENT when the document cannot be expressed exactly. */
export function toBcSalesOrder(doc: SalesOrderDocument, options: BcMappingOptions): BcSalesOrderBody {
  const header = toBcSalesOrderHeader(doc, options);
  sameCurrency(doc.grandTotal, doc.currency, 'grandTotal');
  if (doc.lines.length === 0) refuse('the order has no lines', 'lines', 'NO_LINES');
  // A line an order edit took off (quantity 0) is not written, but keeps its Line No. free: the others keep theirs.
  const items = doc.lines.flatMap((line, index) => (line.quantity === 0 ? [] : [itemLine(doc, line, index, options)]));
  const shipping = shippingLine(doc, options);
  const others = [...(shipping ? [shipping] : []), ...chargeLines(doc, options), ...taxLines(doc, options)];
  const more = others.map((line, i) => ({ sequence: (doc.lines.length + i + 1) * LINE_SEQUENCE_STEP, ...line }) as BcSalesOrderLineBody);
  return { ...header, salesOrderLines: [...items, ...more] };
}
