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
 * Tax, per the target's `taxMode` (document-money.ts):
 *  - CHANNEL_AMOUNTS (default): the channel's tax as a SuiteTax tax override. The header carries
 *    `taxDetailsOverride: true` and `taxDetails.items`, one per jurisdiction of each line and of
 *    shipping: { taxDetailsReference, lineType 'Item' | 'Shipping', lineName (the channel's title),
 *    taxCode (mapped, when known), taxBasis (the net amount taxed), taxAmount }. Item lines carry
 *    `taxDetailsReference` 'L<n>' (n = position + 1), shipping 'SHIPPING'. Amounts are net of tax:
 *    on a tax-inclusive order each line's amount and shippingCost have the tax inside them taken
 *    off (rate stays the channel's unit price; NetSuite takes amount as given), and
 *    pricesIncludeTax is false. NetSuite's total = Σ item amounts + shippingCost + Σ taxAmount.
 *  - ERP_CALCULATES: lines and shipping carry their tax codes (a line's first mapped jurisdiction),
 *    no taxDetails; `pricesIncludeTax` says whether amounts include tax (the channel's
 *    taxes_included), shippingTaxCode the shipping's first mapped code, and NetSuite computes tax
 *    from the codes and the addresses. The hub's
 *    expected total = Σ item amounts + shippingCost + (pricesIncludeTax ? 0 : the channel's tax).
 *
 * Shipping discounts. shippingCost is what the customer paid for shipping: price − discounts
 * (a free-shipping code makes it 0). With shippingItemId and discountItemId, the shipping item
 * line is at its price and a discount item line for −discount follows it.
 *
 * Charges (tips, duties, rounding): an item line each of the charge's mapped item, quantity 1,
 * rate = amount = the charge (a negative rounding adjustment too).
 *
 * Addresses. `billingaddress` and `shippingAddress` subrecords (addressee, addr1, addr2, city,
 * state, zip, country, addrPhone), so NetSuite's tax engine and documents use the order's own.
 *
 * The invariant (netsuite-document-total.ts) reads the total back from this very body.
 */
import { headerText, lineText, type NetSuiteBuyerTextOptions } from './netsuite-buyer-text.js';
import type { CurrencyBasis } from '../shared/currency-basis.js';
import { currencyExponent, formatDecimal, multiply, MoneyError, parseDecimal, subtract, zero, type Money } from '../../../canonical/money.js';
import { DeliveryError, type SalesOrderAddress, type SalesOrderDocument, type SalesOrderLine, type SalesOrderTax } from '../erp-adapter.port.js';
import { DEFAULT_TAX_MODE, includedTax, lineTaxes, shippingDiscountOf, shippingTaxesOf, type TaxMode } from '../shared/document-money.js';

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
  readonly taxDetailsReference?: string;
  /** Custom columns (custcol…). */
  readonly [customColumn: string]: unknown;
}

/** One jurisdiction's tax on one line (or shipping) in a SuiteTax override. */
export interface NsTaxDetail {
  readonly taxDetailsReference: string;
  readonly lineType: 'Item' | 'Shipping';
  readonly lineName: string;
  readonly taxCode?: NsRef;
  readonly taxBasis: number;
  readonly taxAmount: number;
}

export interface NsAddress {
  readonly addressee?: string;
  readonly addr1?: string;
  readonly addr2?: string;
  readonly city?: string;
  readonly state?: string;
  readonly zip?: string;
  readonly country?: string;
  readonly addrPhone?: string;
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
  readonly pricesIncludeTax?: boolean;
  readonly taxDetailsOverride?: boolean;
  readonly taxDetails?: { readonly items: readonly NsTaxDetail[] };
  readonly billingaddress?: NsAddress;
  readonly shippingAddress?: NsAddress;
  readonly item: { readonly items: readonly NsItemLine[] };
}

export interface NetSuiteMappingOptions extends NetSuiteBuyerTextOptions {
  /** ISO 4217 code → the account's currency internal id, e.g. { USD: "1", JPY: "4" }. */
  readonly currencyIds?: Readonly<Record<string, string>>;
  /** A Discount item: each line discount becomes a line of it right after the discounted line. */
  readonly discountItemId?: string;
  /** An Other Charge item: shipping becomes an item line of it instead of the header shippingCost. */
  readonly shippingItemId?: string;
  /** A custom transaction column (custcol…) that carries each line's lineRef. */
  readonly lineRefField?: string;
  /** CHANNEL_AMOUNTS (default) or ERP_CALCULATES: see the header. */
  readonly taxMode?: TaxMode;
  /** SHOP (default) or PRESENTMENT: which of the order's money sets the document is in (shared/currency-basis.ts). */
  readonly currencyBasis?: CurrencyBasis;
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

/** Where the tax sits: CHANNEL_AMOUNTS takes the included tax off each amount (it goes as taxDetails). */
interface TaxPlan {
  readonly mode: TaxMode;
  readonly details: NsTaxDetail[];
}

const lineReference = (index: number): string => `L${index + 1}`;
const SHIPPING_REFERENCE = 'SHIPPING';

/** The taxDetails of one line or of shipping: one per jurisdiction. */
function taxDetails(taxes: readonly SalesOrderTax[], reference: string, lineType: NsTaxDetail['lineType'], basis: Money, at: string, currency: string): NsTaxDetail[] {
  return taxes.map((tax, i) => {
    const code = ref(tax.taxCode);
    return {
      taxDetailsReference: reference,
      lineType,
      lineName: tax.title,
      ...(code && { taxCode: code }),
      taxBasis: netSuiteAmount(basis, `${at}.taxBasis`),
      taxAmount: netSuiteAmount(sameCurrency(tax.amount, currency, `${at}.taxes[${i}]`), `${at}.taxes[${i}]`),
    };
  });
}

/**
 * The item line (and its Discount item line) of a line an order edit adds to a sales order already
 * in NetSuite: at the line's own rate and tax code (NetSuite computes its tax), no tax override.
 */
export function addedItemLines(line: SalesOrderLine, index: number, currency: string, options: NetSuiteMappingOptions): NsItemLine[] {
  return itemLines({ currency, taxesIncluded: false } as SalesOrderDocument, line, index, { mode: 'ERP_CALCULATES', details: [] }, options);
}

function itemLines(doc: SalesOrderDocument, line: SalesOrderLine, index: number, plan: TaxPlan, options: NetSuiteMappingOptions): NsItemLine[] {
  const currency = doc.currency;
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
  const taxes = lineTaxes(line);
  const channelAmounts = plan.mode === 'CHANNEL_AMOUNTS';
  // The tax inside a tax-inclusive price goes as taxDetails, so the line carries its net.
  const inside = channelAmounts ? includedTax(doc, taxes) : zero(currency);
  const taxCode = ref(line.taxCode);
  const custom = lineRefColumn(options, line.lineRef);
  const discountItem = ref(options.discountItemId);
  const separateDiscount = discountItem !== undefined && discount.amount !== 0n;
  const before = subtract(gross, inside);
  const net = subtract(before, discount);
  if (channelAmounts) plan.details.push(...taxDetails(taxes, lineReference(index), 'Item', net, at, currency));
  const main: NsItemLine = {
    ...(ref(line.itemId) && { item: ref(line.itemId) }),
    quantity: line.quantity,
    rate: netSuiteAmount(unitPrice, `${at}.unitPrice`),
    amount: netSuiteAmount(separateDiscount ? before : net, `${at}.amount`),
    ...(line.description && { description: line.description }),
    ...(ref(line.locationId) && { location: ref(line.locationId) }),
    ...(taxCode && { taxCode }),
    ...(channelAmounts && { taxDetailsReference: lineReference(index) }),
    ...custom,
    ...lineText(line, options),
    ...(line.quantity === 0 && { isClosed: true }),
  };
  if (!separateDiscount) return [main];
  const off = netSuiteAmount({ amount: -discount.amount, currency }, `${at}.discount`);
  return [main, { item: discountItem, rate: off, amount: off, ...(taxCode && { taxCode }), ...custom }];
}

function chargeLines(doc: SalesOrderDocument): NsItemLine[] {
  return (doc.charges ?? []).map((charge, i) => {
    const at = `charges[${i}]`;
    const item = ref(charge.itemId);
    if (!item) refuse(`the ${charge.kind} charge has no item`, `${at}.itemId`, 'MISSING_ITEM');
    const amount = netSuiteAmount(sameCurrency(charge.amount, doc.currency, `${at}.amount`), `${at}.amount`);
    return { item, quantity: 1, rate: amount, amount, description: charge.title };
  });
}

/** Shipping as the customer paid it: the header cost, or the shipping item line (with its discount line). */
function shippingParts(doc: SalesOrderDocument, plan: TaxPlan, options: NetSuiteMappingOptions): { cost?: number; lines: NsItemLine[] } {
  const currency = doc.currency;
  const shipping = sameCurrency(doc.shipping, currency, 'shipping');
  const discount = sameCurrency(shippingDiscountOf(doc), currency, 'shippingDiscount');
  if (discount.amount < 0n || discount.amount > shipping.amount) {
    refuse(`shipping discount ${formatDecimal(discount)} is outside 0..${formatDecimal(shipping)}`, 'shippingDiscount', 'INVALID_DISCOUNT');
  }
  const taxes = shippingTaxesOf(doc);
  const channelAmounts = plan.mode === 'CHANNEL_AMOUNTS';
  const before = subtract(shipping, channelAmounts ? includedTax(doc, taxes) : zero(currency));
  const net = subtract(before, discount);
  if (channelAmounts) plan.details.push(...taxDetails(taxes, SHIPPING_REFERENCE, 'Shipping', net, 'shipping', currency));
  const shippingItem = ref(options.shippingItemId);
  if (!shippingItem) return { cost: netSuiteAmount(net, 'shipping'), lines: [] };
  if (shipping.amount === 0n) return { lines: [] };
  const taxCode = ref(doc.shippingTaxCode);
  const discountItem = ref(options.discountItemId);
  const separate = discountItem !== undefined && discount.amount !== 0n;
  const cost = netSuiteAmount(separate ? before : net, 'shipping');
  const lines: NsItemLine[] = [{
    item: shippingItem, quantity: 1, rate: cost, amount: cost, description: 'Shipping',
    ...(taxCode && { taxCode }), ...(channelAmounts && { taxDetailsReference: SHIPPING_REFERENCE }),
  }];
  if (separate) {
    const off = netSuiteAmount({ amount: -discount.amount, currency }, 'shippingDiscount');
    lines.push({ item: discountItem, rate: off, amount: off, description: 'Shipping discount', ...(taxCode && { taxCode }) });
  }
  return { lines };
}

const text = (value: string | null | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/** An address subrecord; undefined when the order has none. */
export function netSuiteAddress(address: SalesOrderAddress | null | undefined): NsAddress | undefined {
  if (!address) return undefined;
  const country = text(address.countryCode)?.toUpperCase();
  const out: NsAddress = {
    ...(text(address.name ?? address.company) && { addressee: text(address.name ?? address.company) }),
    ...(text(address.line1) && { addr1: text(address.line1) }),
    ...(text(address.line2) && { addr2: text(address.line2) }),
    ...(text(address.city) && { city: text(address.city) }),
    ...(text(address.region) && { state: text(address.region) }),
    ...(text(address.postalCode) && { zip: text(address.postalCode) }),
    ...(country && /^[A-Z]{2}$/.test(country) && { country }),
    ...(text(address.phone) && { addrPhone: text(address.phone) }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The salesOrder body for PUT …/salesOrder/eid:{externalId}?replace=item. Throws DeliveryError PERMANENT when the document cannot be expressed exactly. */
export function toNetSuiteSalesOrder(doc: SalesOrderDocument, options: NetSuiteMappingOptions = {}): NsSalesOrderBody {
  const currency = currencyRef(doc.currency, options);
  // The order's day in the shop's own time when the hub knows it; else the date part of placedAt.
  const date = DATE_PART.exec(doc.accountingDate ?? doc.placedAt)?.[1];
  if (date === undefined) refuse(`placedAt ${JSON.stringify(doc.placedAt)} has no date part`, 'placedAt', 'INVALID_DATE');
  sameCurrency(doc.grandTotal, doc.currency, 'grandTotal');
  const plan: TaxPlan = { mode: options.taxMode ?? DEFAULT_TAX_MODE, details: [] };

  const items = doc.lines.flatMap((line, index) => itemLines(doc, line, index, plan, options));
  const shipping = shippingParts(doc, plan, options);
  items.push(...shipping.lines, ...chargeLines(doc));
  const shippingTaxCode = ref(doc.shippingTaxCode);
  const billTo = netSuiteAddress(doc.billTo);
  const shipTo = netSuiteAddress(doc.shipTo);
  const channelAmounts = plan.mode === 'CHANNEL_AMOUNTS';

  return {
    externalId: doc.externalId,
    ...(ref(doc.customerId) && { entity: ref(doc.customerId) }),
    tranDate: date,
    currency,
    ...(ref(doc.subsidiaryId) && { subsidiary: ref(doc.subsidiaryId) }),
    ...(ref(doc.locationId) && { location: ref(doc.locationId) }),
    otherRefNum: doc.channelOrderNumber,
    ...headerText(doc, options),
    // Always sent in header mode, so an update that drops shipping sets it to zero.
    ...(shipping.cost !== undefined && { shippingCost: shipping.cost }),
    // Under CHANNEL_AMOUNTS the shipping tax is among the taxDetails; a code would only invite NetSuite's own.
    ...(shipping.cost !== undefined && !channelAmounts && shippingTaxCode && { shippingTaxCode }),
    // Sent either way, so an update made in the other mode is undone.
    pricesIncludeTax: !channelAmounts && doc.taxesIncluded === true,
    ...(channelAmounts && { taxDetailsOverride: true, taxDetails: { items: plan.details } }),
    ...(billTo && { billingaddress: billTo }),
    ...(shipTo && { shippingAddress: shipTo }),
    item: { items },
  };
}
