/**
 * Shopify REST order JSON (validated ShopifyOrderDto) → CanonicalOrder.
 *
 * All money is parsed from Shopify's decimal strings with parseDecimal. The order itself is in the
 * shop `currency`: its plain money fields (and a *_set's shop_money where there is no plain field).
 * When the buyer paid in another currency (presentment_currency) and every *_set carries it, the
 * order also keeps a presentment view: the same lines and totals in presentment_money, for an ERP
 * target whose currencyBasis is PRESENTMENT.
 */
import { mapCharges } from './shopify-charges.js';
import { allocateOrderLevelTax } from './shopify-order-tax.js';
import { MoneyError, parseDecimal, sum, type Money } from '../../../canonical/money.js';
import type {
  Address,
  CanonicalOrder,
  Customer,
  DiscountAllocation,
  LineProperty,
  OrderLine,
  OrderMoneyView,
  OrderTotals,
  PaymentStatus,
  RiskAssessment,
  RiskRecommendation,
  ShippingLine,
  TaxLine,
  TaxStatus,
} from '../../../canonical/order.js';
import { idToString } from '../../../canonical/references.js';
import type {
  ShopifyAddressDto,
  ShopifyDiscountAllocationDto,
  ShopifyDiscountApplicationDto,
  ShopifyLineItemDto,
  ShopifyMoneySetDto,
  ShopifyOrderDto,
  ShopifyShippingLineDto,
  ShopifyTaxLineDto,
} from './shopify-order.dto.js';
import { editedQuantity, fulfilledQuantity, fulfillmentsAtSource, shopifyOrderDates } from './shopify-line-state.js';
import { activeShippingLines, detectLocalPickup, lineFulfillmentMethod, type LocalPickup } from './shopify-pickup.js';
import { mapTenders } from './shopify-tenders.js';

export { detectLocalPickup, lineFulfillmentMethod, type LocalPickup } from './shopify-pickup.js';
export { mapTenders, tenderKindForGateway } from './shopify-tenders.js';

export interface ShopifyMapOptions {
  /** The shop's myshopify domain (X-Shopify-Shop-Domain), used as SourceRef.account. */
  readonly shopDomain: string;
  /**
   * Optional per-shop configuration of local pickup rates: shipping line code or title
   * (compared case-insensitively) → the Shopify location id customers pick up from
   * (null when unknown). Shopify's order JSON names a local-pickup rate after the location
   * and carries no machine-readable pickup flag, so this is the reliable way to tell.
   */
  readonly pickupLocations?: Readonly<Record<string, string | null>>;
}

export class ShopifyMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShopifyMappingError';
  }
}

export function mapShopifyOrder(dto: ShopifyOrderDto, options: ShopifyMapOptions): CanonicalOrder {
  const currency = dto.currency;
  const pickup = detectLocalPickup(dto, options);
  const shop = moneyView(dto, currency, shopMoney(currency), pickup);
  const grandTotal = shop.sourceTotals.grandTotal;
  const presentment = presentmentView(dto, pickup);

  return {
    source: { system: 'SHOPIFY', account: options.shopDomain, externalId: requiredId(dto.id, 'id') },
    orderNumber: dto.name || String(dto.order_number ?? ''),
    placedAt: toInstant(dto.created_at),
    sourceUpdatedAt: toInstant(dto.updated_at),
    cancelledAt: dto.cancelled_at ? toInstant(dto.cancelled_at) : null,
    currency,
    customer: mapCustomer(dto),
    billingAddress: mapAddress(dto.billing_address),
    shippingAddress: mapAddress(dto.shipping_address),
    lines: shop.lines,
    shippingLines: shop.shippingLines,
    tenders: mapTenders(dto, grandTotal),
    paymentStatus: mapPaymentStatus(dto.financial_status),
    risk: mapRisk(dto),
    taxesIncluded: dto.taxes_included,
    taxStatus: mapTaxStatus(dto),
    sourceTotals: shop.sourceTotals,
    tags: splitTags(dto.tags),
    ...orderState(dto),
    ...((shop.charges ?? []).length > 0 && { charges: shop.charges }),
    ...(dto.test === true && { test: true }),
    ...buyerText(dto),
    ...(dto.presentment_currency && dto.presentment_currency !== currency && { presentmentCurrency: dto.presentment_currency }),
    ...(presentment && { presentment }),
  };
}

/** How one money field is read in a view: from its plain shop-currency value or its *_set. */
type MoneyOf = (plain: string | null | undefined, set: ShopifyMoneySetDto | null | undefined) => Money;

/** A field the buyer's currency does not have: the order then has no presentment view. */
class NoPresentmentMoney extends Error {}

/** Shop money: the plain fields (Shopify's shop currency), else the set's shop_money. */
function shopMoney(currency: string): MoneyOf {
  return (plain, set) => {
    const value = plain ?? set?.shop_money.amount;
    if (value === null || value === undefined) throw new ShopifyMappingError('a money field has neither a value nor shop_money');
    return parseDecimal(value, currency);
  };
}

/** The buyer's money: every *_set's presentment_money, in the order's presentment currency. */
function presentmentMoney(currency: string): MoneyOf {
  return (_plain, set) => {
    const value = set?.presentment_money;
    if (!value || value.currency_code !== currency) throw new NoPresentmentMoney();
    return parseDecimal(value.amount, currency);
  };
}

/**
 * The order in the buyer's currency when it is not the shop's and Shopify gives every amount in it;
 * otherwise none (a document in presentment money is then refused, not built from guesses).
 */
function presentmentView(dto: ShopifyOrderDto, pickup: LocalPickup): OrderMoneyView | null {
  const currency = dto.presentment_currency;
  if (!currency || currency === dto.currency) return null;
  try {
    return moneyView(dto, currency, presentmentMoney(currency), pickup);
  } catch (error) {
    if (error instanceof NoPresentmentMoney || error instanceof MoneyError) return null;
    throw error;
  }
}

type LineMoney = Pick<OrderLine, 'unitPrice' | 'discounts' | 'taxes'>;

/** Every amount of the order read one way (shop or presentment money), with the totals the channel printed in it. */
function moneyView(dto: ShopifyOrderDto, currency: string, money: MoneyOf, pickup: LocalPickup): OrderMoneyView & { lines: OrderLine[] } {
  const applications = dto.discount_applications ?? [];
  const shippingLines = activeShippingLines(dto).map((line) => mapShippingLine(line, applications, money));
  const lines = allocateOrderLevelTax(
    dto.line_items.map((line) => ({ ...lineFacts(line, dto, pickup), ...lineMoney(line, dto, applications, money) })), shippingLines,
    (dto.tax_lines ?? []).map((tax) => mapTaxLine(tax, money)), currency,
  );
  const sourceTotals: OrderTotals = {
    subtotal: money(dto.total_line_items_price, dto.total_line_items_price_set),
    discounts: money(dto.total_discounts, dto.total_discounts_set),
    tax: money(dto.total_tax, dto.total_tax_set),
    shipping: dto.total_shipping_price_set
      ? money(null, dto.total_shipping_price_set)
      : sum(shippingLines.map((line) => line.price), currency),
    grandTotal: money(dto.total_price, dto.total_price_set),
  };
  return { currency, lines, shippingLines, charges: mapCharges(dto, money), sourceTotals };
}

/** The buyer's note and PO number, trimmed; absent when empty. */
function buyerText(dto: ShopifyOrderDto): Pick<CanonicalOrder, 'note' | 'poNumber'> {
  const note = nonEmpty(dto.note);
  const poNumber = nonEmpty(dto.po_number);
  return { ...(note !== null && { note: note.slice(0, MAX_NOTE_CHARS) }), ...(poNumber !== null && { poNumber: poNumber.slice(0, MAX_PO_CHARS) }) };
}

const MAX_NOTE_CHARS = 5000;
const MAX_PO_CHARS = 255;

/** The order's dates in the shop's time, and what was fulfilled at the till (shopify-line-state.ts). */
function orderState(dto: ShopifyOrderDto): Pick<CanonicalOrder, 'processedAt' | 'accountingDate' | 'timeZone' | 'fulfilledAtSource'> {
  const fulfilled = fulfillmentsAtSource(dto, requiredId(dto.id, 'id'));
  return { ...shopifyOrderDates(dto), ...(fulfilled.length > 0 && { fulfilledAtSource: fulfilled }) };
}

// ---------------------------------------------------------------------------------------------
// Lines

/** A line's facts other than money: the same in every currency view. */
function lineFacts(line: ShopifyLineItemDto, order: ShopifyOrderDto, pickup: LocalPickup): Omit<OrderLine, keyof LineMoney> {
  const method = lineFulfillmentMethod(line, pickup);
  const lineLocation = idToString(line.location_id) ?? idToString(line.origin_location?.id);
  const locationRef =
    lineLocation ?? (method === 'PICKUP_IN_STORE' ? pickup.locationRef : null) ?? idToString(order.location_id);
  const quantity = editedQuantity(line, order);
  const fulfilled = fulfilledQuantity(line, order);
  const properties = lineProperties(line);
  return {
    externalId: requiredId(line.id, 'line_items.id'),
    sku: nonEmpty(line.sku),
    variantId: idToString(line.variant_id),
    productId: idToString(line.product_id),
    title: line.title,
    quantity,
    fulfillmentMethod: method,
    locationRef,
    requiresShipping: line.requires_shipping,
    giftCard: line.gift_card === true,
    ...(fulfilled > 0 && { fulfilledQuantity: fulfilled }),
    ...(properties.length > 0 && { properties }),
  };
}

/** A line's money in one view; a line edited away carries none any more. */
function lineMoney(
  line: ShopifyLineItemDto,
  order: ShopifyOrderDto,
  applications: readonly ShopifyDiscountApplicationDto[],
  money: MoneyOf,
): LineMoney {
  const gone = editedQuantity(line, order) === 0;
  return {
    unitPrice: money(line.price, line.price_set),
    discounts: gone ? [] : (line.discount_allocations ?? []).map((allocation) => mapAllocation(allocation, applications, money)),
    taxes: gone ? [] : (line.tax_lines ?? []).map((tax) => mapTaxLine(tax, money)),
  };
}

/** Properties with a name and a value, as text; Shopify's private ones ("_name") are the app's, not the buyer's. */
function lineProperties(line: ShopifyLineItemDto): LineProperty[] {
  return (line.properties ?? [])
    .flatMap((p) => {
      const name = nonEmpty(p.name);
      const value = p.value === null || p.value === undefined ? null : nonEmpty(String(p.value));
      return name !== null && value !== null && !name.startsWith('_') ? [{ name, value }] : [];
    });
}

// ---------------------------------------------------------------------------------------------
// Shipping, discounts, taxes

function mapShippingLine(
  line: ShopifyShippingLineDto,
  applications: readonly ShopifyDiscountApplicationDto[],
  money: MoneyOf,
): ShippingLine {
  return {
    externalId: idToString(line.id),
    title: line.title,
    code: nonEmpty(line.code),
    price: money(line.price, line.price_set),
    discounts: (line.discount_allocations ?? []).map((allocation) => mapAllocation(allocation, applications, money)),
    taxes: (line.tax_lines ?? []).map((tax) => mapTaxLine(tax, money)),
  };
}

function mapAllocation(
  allocation: ShopifyDiscountAllocationDto,
  applications: readonly ShopifyDiscountApplicationDto[],
  money: MoneyOf,
): DiscountAllocation {
  const application = applications[allocation.discount_application_index];
  return {
    amount: money(allocation.amount, allocation.amount_set),
    code: nonEmpty(application?.code),
    title: nonEmpty(application?.title) ?? nonEmpty(application?.description),
  };
}

function mapTaxLine(tax: ShopifyTaxLineDto, money: MoneyOf): TaxLine {
  return {
    title: tax.title,
    // Shopify prints the rate as a JSON number (0.0725); String() gives back the shortest
    // text that parses to the same number, i.e. what Shopify printed.
    rate: typeof tax.rate === 'string' ? tax.rate : String(tax.rate),
    amount: money(tax.price, tax.price_set),
    jurisdiction: null,
    code: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Payment


export function mapPaymentStatus(status: string | null | undefined): PaymentStatus {
  switch (status) {
    case 'pending':
      return 'PENDING';
    case 'authorized':
      return 'AUTHORIZED';
    case 'partially_paid':
      return 'PARTIALLY_PAID';
    case 'paid':
      return 'PAID';
    case 'partially_refunded':
      return 'PARTIALLY_REFUNDED';
    case 'refunded':
      return 'REFUNDED';
    case 'voided':
      return 'VOIDED';
    default:
      // "expired" (authorization lapsed), null and anything new: let a human or a re-fetch decide.
      return 'UNKNOWN';
  }
}

// ---------------------------------------------------------------------------------------------
// Risk and tax

const RISK_SEVERITY: Readonly<Record<string, number>> = { accept: 1, investigate: 2, cancel: 3 };

/**
 * Shopify's order webhooks carry no risk assessment. When the ingestion layer has enriched the
 * body with `risks` (REST OrderRisk shape), the most severe recommendation wins; otherwise NONE
 * ("not assessed yet" — which a release gate must treat as "hold", never as "accept").
 */
export function mapRisk(dto: ShopifyOrderDto): RiskAssessment {
  const risks = dto.risks ?? [];
  if (risks.length === 0) return { recommendation: 'NONE', source: null };
  const worst = risks.reduce((a, b) => ((RISK_SEVERITY[b.recommendation] ?? 0) > (RISK_SEVERITY[a.recommendation] ?? 0) ? b : a));
  const recommendation = worst.recommendation.toUpperCase() as RiskRecommendation;
  return { recommendation, source: nonEmpty(worst.source) ?? 'shopify' };
}

/**
 * Shopify computes tax at checkout and the order carries its final answer: a taxable line with no
 * tax line and no tax is one the merchant collects no tax on there (no nexus, a zero-rated place),
 * not tax still to be worked out. So a Shopify order is EXEMPT when the channel says so and
 * CALCULATED otherwise; the TAX_MISSING gate stays for channels that compute tax later.
 */
export function mapTaxStatus(dto: ShopifyOrderDto): TaxStatus {
  return dto.tax_exempt === true ? 'EXEMPT' : 'CALCULATED';
}

// ---------------------------------------------------------------------------------------------
// Parties, dates, helpers

function mapCustomer(dto: ShopifyOrderDto): Customer | null {
  const email = nonEmpty(dto.customer?.email) ?? nonEmpty(dto.email) ?? nonEmpty(dto.contact_email);
  if (!dto.customer && !email) return null;
  return {
    externalId: idToString(dto.customer?.id),
    email,
    firstName: nonEmpty(dto.customer?.first_name),
    lastName: nonEmpty(dto.customer?.last_name),
  };
}

function mapAddress(address: ShopifyAddressDto | null | undefined): Address | null {
  if (!address) return null;
  const joinedName = [address.first_name, address.last_name].map(nonEmpty).filter((part) => part !== null).join(' ');
  return {
    name: nonEmpty(address.name) ?? nonEmpty(joinedName),
    company: nonEmpty(address.company),
    line1: nonEmpty(address.address1),
    line2: nonEmpty(address.address2),
    city: nonEmpty(address.city),
    region: nonEmpty(address.province_code) ?? nonEmpty(address.province),
    postalCode: nonEmpty(address.zip),
    countryCode: nonEmpty(address.country_code),
    phone: nonEmpty(address.phone),
  };
}

function splitTags(tags: string | null | undefined): string[] {
  return (tags ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/**
 * Shopify prints local-offset timestamps ("2026-03-14T10:15:00-04:00"). The canonical order
 * stores UTC instants so that string comparison (newest updated_at wins) is also time order.
 */
function toInstant(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new ShopifyMappingError(`not a timestamp: ${value}`);
  return new Date(time).toISOString();
}

function requiredId(value: unknown, field: string): string {
  const id = idToString(value);
  if (id === null) throw new ShopifyMappingError(`${field} is missing`);
  return id;
}

function nonEmpty(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : null;
}
