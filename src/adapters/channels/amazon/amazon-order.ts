/**
 * An Amazon order version (the Orders API v0 Order with its OrderItems, as the poller stores it:
 * {"order": …, "items": […]}) in canonical terms. Amazon prices a line in total (ItemPrice is
 * price × quantity), so a unit price is the total divided up, and what does not divide evenly is
 * a discount of its own: the line still adds up to ItemPrice exactly. Pending orders carry no
 * amounts: they are kept at zero and held for payment until Amazon shows them Unshipped.
 * Names, streets and phones are restricted data: the poller reads them with a Restricted Data
 * Token only for merchant-fulfilled orders still to ship ({"address": …} beside the order).
 */
import { add, parseDecimal, subtract, sum, zero, type Money } from '../../../canonical/money.js';
import type { Address, CanonicalOrder, DiscountAllocation, OrderLine, ShippingLine, SourceFulfillment, TaxLine } from '../../../canonical/order.js';
import { marketplaceOf } from './amazon-marketplaces.js';

type Json = Record<string, unknown>;

export type AmazonOrderMeaning =
  | { ok: true; order: CanonicalOrder; cancelled: boolean }
  | { ok: false; reason: string };

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The location an Amazon-fulfilled (FBA) line ships from, per marketplace: a LOCATION mapping names its ERP location. */
export const fbaLocation = (marketplaceId: string): string => `FBA:${marketplaceId}`;

export function understandAmazonOrder(body: unknown, sellerId: string): AmazonOrderMeaning {
  if (!isObject(body) || !isObject(body.order) || !Array.isArray(body.items)) return { ok: false, reason: 'the body must be {"order": Order, "items": [OrderItem]}' };
  const o = body.order;
  const id = text(o.AmazonOrderId);
  const status = text(o.OrderStatus);
  const marketplaceId = text(o.MarketplaceId);
  const purchased = text(o.PurchaseDate);
  const updated = text(o.LastUpdateDate);
  if (!id || !status || !marketplaceId || !purchased || !updated) return { ok: false, reason: 'AmazonOrderId, OrderStatus, MarketplaceId, PurchaseDate and LastUpdateDate are required' };
  const total = isObject(o.OrderTotal) ? o.OrderTotal : null;
  const currency = text(total?.CurrencyCode) ?? marketplaceOf(marketplaceId)?.currency;
  if (!currency) return { ok: false, reason: `marketplace ${marketplaceId} is not known and the order carries no currency` };
  try {
    const facts = { id, status, marketplaceId, purchased, updated, currency, sellerId, total, address: isObject(body.address) ? body.address : null };
    return { ok: true, order: toCanonical(o, body.items.filter(isObject), facts), cancelled: status === 'Canceled' };
  } catch (error) {
    return { ok: false, reason: `order ${id}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

interface Facts {
  readonly id: string;
  readonly status: string;
  readonly marketplaceId: string;
  readonly purchased: string;
  readonly updated: string;
  readonly currency: string;
  readonly sellerId: string;
  readonly total: Json | null;
  /** The whole address read with a Restricted Data Token (merchant-fulfilled orders to ship); else the order's partial one. */
  readonly address: Json | null;
}

function toCanonical(o: Json, items: Json[], f: Facts): CanonicalOrder {
  const money = (value: unknown): Money => {
    if (!isObject(value) || value.Amount === undefined) return zero(f.currency);
    if (value.CurrencyCode !== f.currency) throw new RangeError(`an amount in ${String(value.CurrencyCode)} on an order in ${f.currency}`);
    return parseDecimal(String(value.Amount), f.currency);
  };
  const afn = o.FulfillmentChannel === 'AFN';
  const location = afn ? fbaLocation(f.marketplaceId) : null;
  const lines: OrderLine[] = [];
  const shippingPrices: Money[] = [];
  const shippingDiscounts: Money[] = [];
  const shippingTaxes: Money[] = [];
  for (const item of items) {
    const quantity = Number(item.QuantityOrdered ?? 0);
    if (!Number.isInteger(quantity) || quantity <= 0) continue;
    const itemId = text(item.OrderItemId);
    if (!itemId) throw new RangeError('an order item without OrderItemId');
    const gross = money(item.ItemPrice);
    // Rounded up so that the remainder is a discount, never a negative one.
    const unitPrice = { amount: (gross.amount + BigInt(quantity) - 1n) / BigInt(quantity), currency: f.currency };
    const remainder = unitPrice.amount * BigInt(quantity) - gross.amount;
    const discounts: DiscountAllocation[] = [];
    const promotion = money(item.PromotionDiscount);
    if (promotion.amount !== 0n) {
      const ids = Array.isArray(item.PromotionIds) ? item.PromotionIds.filter((p): p is string => typeof p === 'string') : [];
      discounts.push({ amount: promotion, code: ids[0] ?? null, title: 'Amazon promotion' });
    }
    if (remainder !== 0n) discounts.push({ amount: { amount: remainder, currency: f.currency }, code: null, title: 'ItemPrice not divisible by the quantity' });
    const tax = subtract(money(item.ItemTax), money(item.PromotionDiscountTax));
    const taxes: TaxLine[] = tax.amount === 0n ? [] : [amazonTax(tax, f.marketplaceId, item)];
    const shipped = Number(item.QuantityShipped ?? 0);
    lines.push({
      externalId: itemId, sku: text(item.SellerSKU), variantId: null, productId: text(item.ASIN), title: text(item.Title) ?? text(item.SellerSKU) ?? itemId,
      quantity, unitPrice, discounts, taxes, fulfillmentMethod: 'SHIP', locationRef: location, requiresShipping: true, giftCard: false,
      // A seller may map the catalogue item (ASIN) instead of each SKU.
      ...(text(item.ASIN) && { itemKeys: [`asin:${text(item.ASIN)}`] }),
      // Recorded once Amazon shows the whole order shipped: one shipment, whatever the partial steps before it.
      ...(afn && f.status === 'Shipped' && shipped > 0 && { fulfilledQuantity: Math.min(shipped, quantity) }),
    });
    shippingPrices.push(money(item.ShippingPrice));
    shippingDiscounts.push(money(item.ShippingDiscount));
    shippingTaxes.push(subtract(money(item.ShippingTax), money(item.ShippingDiscountTax)));
  }
  if (lines.length === 0) throw new RangeError('no order item with a quantity');
  const shippingPrice = sum(shippingPrices, f.currency);
  const shippingDiscount = sum(shippingDiscounts, f.currency);
  const shippingTax = sum(shippingTaxes, f.currency);
  const shippingLines: ShippingLine[] = shippingPrice.amount === 0n && shippingTax.amount === 0n ? [] : [{
    externalId: null, title: text(o.ShipServiceLevel) ?? 'Amazon shipping', code: text(o.ShipmentServiceLevelCategory), price: shippingPrice,
    discounts: shippingDiscount.amount === 0n ? [] : [{ amount: shippingDiscount, code: null, title: 'Amazon shipping discount' }],
    taxes: shippingTax.amount === 0n ? [] : [{ title: 'Amazon tax', rate: '0', amount: shippingTax, jurisdiction: f.marketplaceId, code: null }],
  }];
  const lineDiscounts = sum(lines.flatMap((l) => l.discounts.map((d) => d.amount)), f.currency);
  const tax = add(sum(lines.flatMap((l) => l.taxes.map((t) => t.amount)), f.currency), shippingTax);
  const subtotal = sum(lines.map((l) => ({ amount: l.unitPrice.amount * BigInt(l.quantity), currency: f.currency })), f.currency);
  const taxesIncluded = marketplaceOf(f.marketplaceId)?.taxesIncluded ?? false;
  const pending = f.status === 'Pending';
  const grandTotal = f.total ? money(f.total) : zero(f.currency);
  return {
    source: { system: 'AMAZON', account: f.sellerId, externalId: f.id },
    orderNumber: f.id,
    placedAt: f.purchased,
    sourceUpdatedAt: f.updated,
    cancelledAt: f.status === 'Canceled' ? f.updated : null,
    currency: f.currency,
    // Buyer details are restricted data (a Restricted Data Token): the seller's default customer takes the order.
    customer: null,
    billingAddress: null,
    shippingAddress: address(f.address ?? o.ShippingAddress),
    lines,
    shippingLines,
    tenders: pending ? [] : [{ kind: 'MARKETPLACE', gateway: 'amazon', authorized: grandTotal, captured: grandTotal }],
    paymentStatus: pending ? 'PENDING' : f.status === 'Canceled' ? 'VOIDED' : 'PAID',
    risk: { recommendation: 'NONE', source: null },
    taxesIncluded,
    taxStatus: 'CALCULATED',
    sourceTotals: { subtotal, discounts: add(lineDiscounts, shippingDiscount), tax, shipping: shippingPrice, grandTotal },
    tags: ['amazon', String(o.FulfillmentChannel ?? 'MFN'), f.marketplaceId],
    processedAt: f.purchased,
    ...(afn && { fulfilledAtSource: amazonShipped(f, lines, location!) }),
  };
}

/** Marketplace-facilitator tax (Amazon collects and remits it) is named as such, so a TAX_CODE mapping can treat it apart. */
function amazonTax(amount: Money, marketplaceId: string, item: Json): TaxLine {
  const model = isObject(item.TaxCollection) ? text(item.TaxCollection.Model) : null;
  return { title: model === 'MarketplaceFacilitator' ? 'Amazon marketplace facilitator tax' : 'Amazon tax', rate: '0', amount, jurisdiction: marketplaceId, code: model };
}

/** What Amazon shipped from its own warehouses (FBA), as one fulfilment done at the channel, keyed by the order. */
function amazonShipped(f: Facts, lines: readonly OrderLine[], location: string): SourceFulfillment[] {
  const shipped = lines.filter((l) => (l.fulfilledQuantity ?? 0) > 0).map((l) => ({ lineRef: l.externalId, quantity: l.fulfilledQuantity! }));
  return shipped.length === 0 ? [] : [{ externalId: `${f.id}:FBA`, fulfilledAt: f.updated, locationRef: location, lines: shipped }];
}

function address(value: unknown): Address | null {
  if (!isObject(value)) return null;
  return {
    name: text(value.Name), company: null, line1: text(value.AddressLine1), line2: text(value.AddressLine2), city: text(value.City),
    region: text(value.StateOrRegion), postalCode: text(value.PostalCode), countryCode: text(value.CountryCode), phone: text(value.Phone),
  };
}
