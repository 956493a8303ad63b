/**
 * A Shopify refunds/create body (the REST Refund) as a canonical REFUNDED return event.
 *
 * Money comes from Shopify's own per-line figures (subtotal_set, total_tax_set), never price ×
 * quantity, so a discount on a partly returned line stays exact. Shipping comes from
 * refund_shipping_lines; the `shipping_refund` order adjustment describes the same money again
 * (Shopify still sends both), so it is not counted. A `refund_discrepancy` adjustment is money
 * beyond the calculated refund: Shopify signs adjustments from the order's side (−5.00 is 5.00
 * back to the customer), so its component is the negation. Shop money throughout: the hub keeps
 * orders in shop currency.
 */
import { idToString } from '../../../canonical/references.js';
import { isObject, requiredId, text, type Json } from './shopify-fields.js';
import { parseDecimal, type Money } from '../../../canonical/money.js';
import type {
  CanonicalReturnEvent, RefundComponent, RefundTenderKind, RefundTransaction, RefundTransactionStatus,
} from '../../../canonical/return.js';
import { tenderKindForGateway } from './shopify-tenders.js';


export class ShopifyRefundError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
  }
}

const list = (v: unknown, field: string): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ShopifyRefundError(field, 'is not a list');
  return v;
};

const id = (value: unknown, field: string): string => requiredId(value, field, (f, reason) => new ShopifyRefundError(f, reason));

/** shop_money of a *_set, in the order's currency. */
function shopMoney(set: unknown, field: string, currency: string | null): Money {
  const shop = isObject(set) ? set.shop_money : undefined;
  if (!isObject(shop)) throw new ShopifyRefundError(field, 'shop_money is missing');
  const code = text(shop.currency_code);
  if (code === null) throw new ShopifyRefundError(`${field}.shop_money.currency_code`, 'is required');
  if (currency !== null && code !== currency) throw new ShopifyRefundError(`${field}.shop_money.currency_code`, `is ${code}, the refund is in ${currency}`);
  const amount = shop.amount;
  if (typeof amount !== 'string' && typeof amount !== 'number') throw new ShopifyRefundError(`${field}.shop_money.amount`, 'is required');
  try {
    return parseDecimal(amount, code);
  } catch (error) {
    throw new ShopifyRefundError(`${field}.shop_money.amount`, (error as Error).message);
  }
}

const negate = (m: Money): Money => ({ amount: -m.amount, currency: m.currency });

/** Shopify's transaction status; anything not final and not failed is waited on. */
export function refundTransactionStatus(status: unknown): RefundTransactionStatus {
  const value = typeof status === 'string' ? status.toLowerCase() : '';
  if (value === 'success') return 'SUCCESS';
  if (value === 'failure' || value === 'error') return 'FAILURE';
  return 'PENDING';
}

function tenderOf(gateway: string): RefundTenderKind {
  const kind = tenderKindForGateway(gateway);
  if (kind === 'GIFT_CARD') return 'GIFT_CARD';
  if (kind === 'STORE_CREDIT') return 'STORE_CREDIT';
  return 'ORIGINAL_PAYMENT';
}

/** The currency of the refund: the first shop_money currency it names. */
function refundCurrency(body: Json): string | null {
  for (const line of list(body.refund_line_items, 'refund_line_items')) {
    const code = isObject(line) && isObject(line.subtotal_set) && isObject(line.subtotal_set.shop_money) ? text(line.subtotal_set.shop_money.currency_code) : null;
    if (code) return code;
  }
  for (const tx of list(body.transactions, 'transactions')) if (isObject(tx) && text(tx.currency)) return text(tx.currency);
  for (const line of list(body.refund_shipping_lines, 'refund_shipping_lines')) {
    const set = isObject(line) && isObject(line.subtotal_amount_set) ? line.subtotal_amount_set : null;
    if (set && isObject(set.shop_money) && text(set.shop_money.currency_code)) return text(set.shop_money.currency_code);
  }
  return null;
}

function lineComponents(body: Json, currency: string): RefundComponent[] {
  const components: RefundComponent[] = [];
  list(body.refund_line_items, 'refund_line_items').forEach((raw, i) => {
    const at = `refund_line_items[${i}]`;
    if (!isObject(raw)) throw new ShopifyRefundError(at, 'is not an object');
    const lineRef = id(raw.line_item_id ?? (isObject(raw.line_item) ? raw.line_item.id : undefined), `${at}.line_item_id`);
    const quantity = raw.quantity;
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) throw new ShopifyRefundError(`${at}.quantity`, 'is not a whole number ≥ 0');
    const restockType = text(raw.restock_type);
    const locationRef = raw.location_id === null || raw.location_id === undefined ? null : id(raw.location_id, `${at}.location_id`);
    const common = { lineRef, quantity, restockType, locationRef };
    components.push({ kind: 'LINE_SUBTOTAL', amount: shopMoney(raw.subtotal_set, `${at}.subtotal_set`, currency), ...common });
    const tax = shopMoney(raw.total_tax_set, `${at}.total_tax_set`, currency);
    if (tax.amount !== 0n) components.push({ kind: 'LINE_TAX', amount: tax, ...common });
  });
  return components;
}

function shippingComponents(body: Json, currency: string): RefundComponent[] {
  const components: RefundComponent[] = [];
  list(body.refund_shipping_lines, 'refund_shipping_lines').forEach((raw, i) => {
    const at = `refund_shipping_lines[${i}]`;
    if (!isObject(raw)) throw new ShopifyRefundError(at, 'is not an object');
    const none = { lineRef: null, quantity: 0, restockType: null, locationRef: null };
    components.push({ kind: 'SHIPPING', amount: shopMoney(raw.subtotal_amount_set, `${at}.subtotal_amount_set`, currency), ...none });
    if (raw.tax_amount_set !== undefined && raw.tax_amount_set !== null) {
      const tax = shopMoney(raw.tax_amount_set, `${at}.tax_amount_set`, currency);
      if (tax.amount !== 0n) components.push({ kind: 'SHIPPING_TAX', amount: tax, ...none });
    }
  });
  return components;
}

function otherComponents(body: Json, currency: string): RefundComponent[] {
  const none = { lineRef: null, quantity: 0, restockType: null, locationRef: null };
  const components: RefundComponent[] = [];
  list(body.order_adjustments, 'order_adjustments').forEach((raw, i) => {
    const at = `order_adjustments[${i}]`;
    if (!isObject(raw)) throw new ShopifyRefundError(at, 'is not an object');
    // The same money as refund_shipping_lines (Shopify sends both): counting it would refund shipping twice.
    if (raw.kind === 'shipping_refund') return;
    const amount = negate(shopMoney(raw.amount_set, `${at}.amount_set`, currency));
    if (amount.amount !== 0n) components.push({ kind: 'ADJUSTMENT', amount, ...none });
  });
  if (body.total_duties_set !== undefined && body.total_duties_set !== null) {
    const duties = shopMoney(body.total_duties_set, 'total_duties_set', currency);
    if (duties.amount !== 0n) components.push({ kind: 'DUTIES', amount: duties, ...none });
  }
  return components;
}

function transactions(body: Json, currency: string): RefundTransaction[] {
  return list(body.transactions, 'transactions').flatMap((raw, i) => {
    const at = `transactions[${i}]`;
    if (!isObject(raw)) throw new ShopifyRefundError(at, 'is not an object');
    if (raw.kind !== undefined && raw.kind !== 'refund') return [];
    const gateway = text(raw.gateway) ?? 'unknown';
    const code = text(raw.currency) ?? currency;
    if (code !== currency) throw new ShopifyRefundError(`${at}.currency`, `is ${code}, the refund is in ${currency}`);
    const amount = raw.amount;
    if (typeof amount !== 'string' && typeof amount !== 'number') throw new ShopifyRefundError(`${at}.amount`, 'is required');
    let value: Money;
    try {
      value = parseDecimal(amount, code);
    } catch (error) {
      throw new ShopifyRefundError(`${at}.amount`, (error as Error).message);
    }
    return [{ externalId: id(raw.id, `${at}.id`), tender: tenderOf(gateway), gateway, status: refundTransactionStatus(raw.status), amount: value }];
  });
}

export interface ShopifyRefundContext {
  readonly account: string;
  /** The delivery's dedupe identity (X-Shopify-Event-Id, else the webhook id). */
  readonly eventKey: string;
}

/** refunds/create → a REFUNDED event. Throws ShopifyRefundError naming the field it cannot use. */
export function mapShopifyRefund(body: unknown, context: ShopifyRefundContext): CanonicalReturnEvent {
  if (!isObject(body)) throw new ShopifyRefundError('body', 'is not an object');
  const refundId = id(body.id, 'id');
  const orderId = id(body.order_id, 'order_id');
  const currency = refundCurrency(body);
  if (currency === null) throw new ShopifyRefundError('refund', 'names no currency (no line, transaction or shipping amount)');
  const components = [...lineComponents(body, currency), ...shippingComponents(body, currency), ...otherComponents(body, currency)];
  const returnRef = isObject(body.return) ? idToString(body.return.id) : null;
  const processedAt = text(body.processed_at) ?? text(body.created_at);
  if (processedAt === null || Number.isNaN(Date.parse(processedAt))) throw new ShopifyRefundError('processed_at', 'is not a timestamp');
  const lines = components
    .filter((c) => c.kind === 'LINE_SUBTOTAL' && c.quantity > 0)
    .map((c) => ({ lineRef: c.lineRef as string, quantity: c.quantity, locationRef: c.locationRef }));
  return {
    kind: 'REFUNDED',
    source: { system: 'SHOPIFY', account: context.account, eventKey: context.eventKey, occurredAt: new Date(processedAt).toISOString() },
    identity: { channel: 'SHOPIFY', account: context.account, orderExternalId: orderId, returnRef, rmaRef: null },
    lines,
    refund: { externalId: refundId, processedAt: new Date(processedAt).toISOString(), note: text(body.note), components, transactions: transactions(body, currency) },
    exchangeLines: [],
    description: 'refunds/create',
  };
}
