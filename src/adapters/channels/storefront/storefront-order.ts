import type { Money } from '../../../canonical/money.js';
import type {
  Address, CanonicalOrder, Customer, DiscountAllocation, FulfillmentMethod, OrderLine, PaymentStatus, RiskRecommendation,
  ShippingLine, TaxLine, TaxStatus, Tender, TenderKind,
} from '../../../canonical/order.js';
import { FieldReader, type FieldError } from '../field-reader.js';

/** The event types of the storefront contract (docs/contracts/custom-storefront.md). */
export const STOREFRONT_EVENT_TYPES = ['order.upserted', 'order.cancelled'] as const;
export type StorefrontEventType = (typeof STOREFRONT_EVENT_TYPES)[number];

export const STOREFRONT_SCHEMA_VERSION = 1;

const PAYMENT_STATUSES: readonly PaymentStatus[] = ['PENDING', 'AUTHORIZED', 'PARTIALLY_PAID', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED', 'UNKNOWN'];
const TAX_STATUSES: readonly TaxStatus[] = ['CALCULATED', 'EXEMPT', 'MISSING'];
const METHODS: readonly FulfillmentMethod[] = ['SHIP', 'PICKUP_IN_STORE', 'SHIP_FROM_STORE', 'DROP_SHIP', 'DIGITAL'];
const TENDER_KINDS: readonly TenderKind[] = ['CARD', 'WALLET', 'GIFT_CARD', 'STORE_CREDIT', 'CASH', 'MARKETPLACE', 'OTHER'];
const RISKS: readonly RiskRecommendation[] = ['ACCEPT', 'INVESTIGATE', 'CANCEL', 'NONE'];

export type StorefrontEvent =
  | { ok: true; type: StorefrontEventType; order: CanonicalOrder }
  | { ok: false; errors: FieldError[] };

/**
 * A storefront event body as the canonical order. The schema is the canonical model with
 * money as decimal strings in the order's currency, so mapping is mostly reading; every
 * error is collected with its field path.
 */
export function parseStorefrontEvent(body: unknown, account: string): StorefrontEvent {
  const errors: FieldError[] = [];
  const root = FieldReader.of(body, '', errors);
  if (!root) return { ok: false, errors };
  if ((body as { schemaVersion?: unknown }).schemaVersion !== STOREFRONT_SCHEMA_VERSION) root.fail('schemaVersion', `must be ${STOREFRONT_SCHEMA_VERSION}`);
  const type = root.oneOf('type', STOREFRONT_EVENT_TYPES);
  const o = root.object('order');
  if (!o) return { ok: false, errors };
  const currency = o.currency('currency');
  const cancelledAt = o.optionalInstant('cancelledAt');
  if (type === 'order.cancelled' && cancelledAt === null) o.fail('cancelledAt', 'must be set on order.cancelled');
  if (type === 'order.upserted' && cancelledAt !== null) o.fail('cancelledAt', 'must be null on order.upserted; send order.cancelled');
  const order: CanonicalOrder = {
    source: { system: 'STOREFRONT', account, externalId: o.text('id', 128) },
    orderNumber: o.text('number', 64),
    placedAt: o.instant('placedAt'),
    sourceUpdatedAt: o.instant('updatedAt'),
    cancelledAt,
    currency,
    customer: customer(o.optionalObject('customer')),
    billingAddress: address(o.optionalObject('billingAddress')),
    shippingAddress: address(o.optionalObject('shippingAddress')),
    lines: o.list('lines', 1).map((line) => orderLine(line, currency)),
    shippingLines: o.list('shipping', 0, 20).map((line) => shippingLine(line, currency)),
    tenders: o.list('tenders', 0, 20).map((t) => tender(t, currency)),
    paymentStatus: o.oneOf('paymentStatus', PAYMENT_STATUSES),
    risk: risk(o.optionalObject('risk')),
    taxesIncluded: o.bool('taxesIncluded', false),
    taxStatus: o.oneOf('taxStatus', TAX_STATUSES),
    sourceTotals: totals(o.object('totals'), currency),
    tags: o.strings('tags'),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, type, order };
}

function orderLine(r: FieldReader, currency: string): OrderLine {
  const fulfillment = r.optionalObject('fulfillment');
  return {
    externalId: r.text('id', 128),
    sku: r.optionalText('sku', 128),
    variantId: r.optionalText('variantId', 128),
    productId: r.optionalText('productId', 128),
    title: r.text('title'),
    quantity: r.quantity('quantity'),
    unitPrice: r.money('unitPrice', currency),
    discounts: r.list('discounts', 0, 50).map((d) => discount(d, currency)),
    taxes: r.list('taxes', 0, 20).map((t) => taxLine(t, currency)),
    fulfillmentMethod: fulfillment ? fulfillment.oneOf('method', METHODS) : 'SHIP',
    locationRef: fulfillment ? fulfillment.optionalText('locationRef', 128) : null,
    requiresShipping: r.bool('requiresShipping', true),
    giftCard: r.bool('giftCard', false),
  };
}

function shippingLine(r: FieldReader, currency: string): ShippingLine {
  return {
    externalId: r.optionalText('id', 128),
    title: r.text('title'),
    code: r.optionalText('code', 128),
    price: r.money('price', currency),
    discounts: r.list('discounts', 0, 50).map((d) => discount(d, currency)),
    taxes: r.list('taxes', 0, 20).map((t) => taxLine(t, currency)),
  };
}

function discount(r: FieldReader, currency: string): DiscountAllocation {
  return { amount: r.money('amount', currency), code: r.optionalText('code', 128), title: r.optionalText('title') };
}

function taxLine(r: FieldReader, currency: string): TaxLine {
  return {
    title: r.text('title'),
    rate: r.optionalText('rate', 32) ?? '0',
    amount: r.money('amount', currency),
    jurisdiction: r.optionalText('jurisdiction'),
    code: r.optionalText('code', 64),
  };
}

function tender(r: FieldReader, currency: string): Tender {
  return {
    kind: r.oneOf('kind', TENDER_KINDS),
    gateway: r.text('gateway', 128),
    authorized: r.money('authorized', currency),
    captured: r.money('captured', currency, '0'),
  };
}

function totals(r: FieldReader | null, currency: string): CanonicalOrder['sourceTotals'] {
  const zero: Money = { amount: 0n, currency };
  if (!r) return { subtotal: zero, discounts: zero, tax: zero, shipping: zero, grandTotal: zero };
  return {
    subtotal: r.money('subtotal', currency),
    discounts: r.money('discounts', currency, '0'),
    tax: r.money('tax', currency, '0'),
    shipping: r.money('shipping', currency, '0'),
    grandTotal: r.money('grandTotal', currency),
  };
}

function customer(r: FieldReader | null): Customer | null {
  if (!r) return null;
  return { externalId: r.optionalText('id', 128), email: r.optionalText('email'), firstName: r.optionalText('firstName'), lastName: r.optionalText('lastName') };
}

function address(r: FieldReader | null): Address | null {
  if (!r) return null;
  return {
    name: r.optionalText('name'), company: r.optionalText('company'), line1: r.optionalText('line1'), line2: r.optionalText('line2'),
    city: r.optionalText('city'), region: r.optionalText('region'), postalCode: r.optionalText('postalCode', 32),
    countryCode: r.optionalText('countryCode', 2), phone: r.optionalText('phone', 64),
  };
}

function risk(r: FieldReader | null): CanonicalOrder['risk'] {
  if (!r) return { recommendation: 'NONE', source: null };
  return { recommendation: r.oneOf('recommendation', RISKS), source: r.optionalText('source', 128) };
}
