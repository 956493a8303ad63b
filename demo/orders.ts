/**
 * Shopify order bodies for the demo, rendered from the templates in demo/fixtures/ in the
 * shape of an orders/create (or orders/updated, orders/paid) webhook: amounts as decimal
 * strings built from integer cents, ids as bare integers written as text.
 */
import { STORE } from './catalog.js';
import { decimal, FR_VAT, NY_TAXES, sumByTitle, taxLines, taxLinesJson, type TaxLine } from './money.js';
import type { PlannedOrder } from './plan.js';
import { readFixture, render } from './template.js';

const SHIPPING_CENTS = 995n;
const TIP_CENTS = 500n;
const FREE_SHIPPING_CODE = 'FREESHIP';

/** What changes between deliveries of one order. */
export interface OrderVersion {
  readonly createdAt: string;
  readonly updatedAt: string;
  /** False: an unpaid bank transfer (financial_status pending, nothing captured). */
  readonly paid: boolean;
  /** The fraud app's verdict the body carries (`risks`); null when it carries none. */
  readonly risk: 'investigate' | 'accept' | null;
}

const text = (value: string | null): string => JSON.stringify(value);

/** Shopify prints instants with an offset and no milliseconds. */
export function shopifyTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}+00:00`;
}

let templates: { order: string; line: string } | null = null;
function loadTemplates(): { order: string; line: string } {
  templates ??= { order: readFixture('shopify-order.json.tmpl'), line: readFixture('shopify-line-item.json.tmpl') };
  return templates;
}

function address(order: PlannedOrder): string {
  const p = order.person;
  const region = order.money === 'VAT_EUR'
    ? { province: null, country: 'France', country_code: 'FR', province_code: null }
    : { province: 'New York', country: 'United States', country_code: 'US', province_code: 'NY' };
  return JSON.stringify({
    first_name: p.first, address1: p.address1, phone: null, city: p.city, zip: p.zip, province: region.province, country: region.country,
    last_name: p.last, address2: null, company: null, latitude: null, longitude: null, name: `${p.first} ${p.last}`,
    country_code: region.country_code, province_code: region.province_code,
  });
}

/** A free-shipping code: the whole shipping price as its discount, in Shopify's three places for it. */
function freeShipping(currency: string, cents: bigint): { codes: string; applications: string; allocations: string } {
  const amount = decimal(cents);
  return {
    codes: `[{"code": "${FREE_SHIPPING_CODE}", "amount": "${amount}", "type": "free_shipping"}]`,
    applications: `[{"target_type": "shipping_line", "type": "discount_code", "value": "100.0", "value_type": "percentage", ` +
      `"allocation_method": "each", "target_selection": "all", "code": "${FREE_SHIPPING_CODE}"}]`,
    allocations: `[{"amount": "${amount}", "amount_set": {"shop_money": {"amount": "${amount}", "currency_code": "${currency}"}, ` +
      `"presentment_money": {"amount": "${amount}", "currency_code": "${currency}"}}, "discount_application_index": 0}]`,
  };
}

function risks(verdict: OrderVersion['risk']): string {
  if (verdict === null) return '[]';
  const message = verdict === 'investigate' ? 'Billing and shipping addresses are far apart' : 'Reviewed: the customer confirmed the order';
  return `[{"recommendation": "${verdict}", "source": "External", "message": ${text(message)}, "display": true, "cause_cancel": false}]`;
}

/** The body of one delivery of a planned order. */
export function orderBody(order: PlannedOrder, version: OrderVersion): string {
  const { order: orderTemplate, line: lineTemplate } = loadTemplates();
  const pickup = order.shape === 'PICKUP';
  const eu = order.money === 'VAT_EUR';
  const currency = eu ? 'EUR' : 'USD';
  const rates = eu ? FR_VAT : NY_TAXES;
  const allTaxes: TaxLine[] = [];
  let subtotal = 0n;
  const items = order.lines.map((line) => {
    const lineCents = line.product.cents * BigInt(line.quantity);
    subtotal += lineCents;
    const taxes = taxLines(lineCents, rates, eu);
    allTaxes.push(...taxes);
    const p = line.product;
    return render(lineTemplate, {
      lineId: line.lineId, quantity: String(line.quantity), grams: String(p.grams), name: text(p.variantTitle ? `${p.title} - ${p.variantTitle}` : p.title),
      price: decimal(p.cents), productId: p.productId, variantId: p.variantId, sku: text(p.sku), title: text(p.title), variantTitle: text(p.variantTitle),
      vendor: text(p.vendor), taxLines: taxLinesJson(taxes, currency), currency,
      // A pickup order names its store once, on the order; shipped lines each name their location.
      locationId: pickup ? 'null' : line.locationRef,
    });
  });
  const shipping = pickup ? 0n : SHIPPING_CENTS;
  const free = order.money === 'FREE_SHIPPING' && !pickup;
  // Shopify taxes what shipping costs after its discount: nothing, when it is free.
  const shippingTaxes = pickup || free ? [] : taxLines(shipping, rates, eu);
  allTaxes.push(...shippingTaxes);
  const tax = allTaxes.reduce((sum, t) => sum + t.cents, 0n);
  const discounts = free ? shipping : 0n;
  const tip = order.money === 'TIP' ? TIP_CENTS : 0n;
  // Tax-inclusive prices already hold their tax; a tip is paid on top of the order.
  const total = subtotal + shipping - discounts + (eu ? 0n : tax) + tip;
  const codes = free ? freeShipping(currency, shipping) : { codes: '[]', applications: '[]', allocations: '[]' };
  const p = order.person;
  return render(orderTemplate, {
    orderId: order.orderId, confirmationNumber: text(order.confirmation), email: text(`${p.first}.${p.last}@example.com`.toLowerCase()),
    createdAt: text(version.createdAt), updatedAt: text(version.updatedAt), subtotal: decimal(subtotal), total: decimal(total), tax: decimal(tax),
    shipping: decimal(shipping), outstanding: decimal(version.paid ? 0n : total),
    financialStatus: text(version.paid ? 'paid' : 'pending'), gateway: text(order.gate === 'UNPAID' ? 'Bank Deposit' : 'shopify_payments'),
    locationId: pickup ? STORE : 'null', name: text(order.name), number: String(order.orderNumber - 1000), orderNumber: String(order.orderNumber),
    tags: text(pickup ? 'demo, pickup' : 'demo'), taxLines: taxLinesJson(sumByTitle(allTaxes), currency),
    billingAddress: address(order), shippingAddress: pickup ? 'null' : address(order), customerId: order.customerId,
    firstName: text(p.first), lastName: text(p.last), lineItems: `[${items.join(', ')}]`, shippingLineId: order.shippingLineId,
    shippingCode: text(pickup ? 'Pickup' : 'STANDARD'), deliveryCategory: pickup ? '"pick_up"' : 'null',
    shippingTitle: text(pickup ? 'Pickup at Brooklyn store' : 'Standard Shipping'), shippingTaxLines: taxLinesJson(shippingTaxes, currency),
    risks: risks(version.risk), currency, taxesIncluded: String(eu), locale: text(eu ? 'fr-FR' : 'en-US'),
    discounts: decimal(discounts), tip: decimal(tip), discountCodes: codes.codes, discountApplications: codes.applications,
    shippingDiscounted: decimal(shipping - discounts), shippingDiscountAllocations: codes.allocations,
  });
}
