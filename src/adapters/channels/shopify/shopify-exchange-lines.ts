/**
 * A Shopify return's exchange items (`exchange_line_items`, each with the order `line_item`
 * Shopify created for the new item) as canonical exchange lines: price, discounts and taxes in
 * shop money, from the line item's own figures. They are not in the refund's lines: Shopify's
 * refund of an exchange is already net of them.
 */
import { parseDecimal, sum, type Money } from '../../../canonical/money.js';
import type { ExchangeLine } from '../../../canonical/return.js';
import { isObject, requiredId, text, type Json } from './shopify-fields.js';

type Refuse = (field: string, reason: string) => Error;

function shopMoney(set: unknown, field: string, refuse: Refuse): Money {
  const shop = isObject(set) ? set.shop_money : undefined;
  if (!isObject(shop)) throw refuse(field, 'shop_money is missing');
  const code = text(shop.currency_code);
  const amount = shop.amount;
  if (code === null) throw refuse(`${field}.shop_money.currency_code`, 'is required');
  if (typeof amount !== 'string' && typeof amount !== 'number') throw refuse(`${field}.shop_money.amount`, 'is required');
  try {
    return parseDecimal(amount, code);
  } catch (error) {
    throw refuse(`${field}.shop_money.amount`, (error as Error).message);
  }
}

function list(value: unknown, field: string, refuse: Refuse): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw refuse(field, 'is not a list of objects');
  return value;
}

/**
 * The webhook's exchange items with their prices; none when the webhook is thin (an item without
 * its line item's price): then they are read with the return at returns/process.
 */
export function exchangeLines(body: Json, refuse: Refuse): ExchangeLine[] {
  const items = list(body.exchange_line_items, 'exchange_line_items', refuse);
  if (items.some((item) => !isObject(item.line_item) || item.line_item.price_set === undefined)) return [];
  return items.map((item, i) => {
    const at = `exchange_line_items[${i}]`;
    const lineItem = isObject(item.line_item) ? item.line_item : null;
    if (!lineItem) throw refuse(`${at}.line_item`, 'is required: the exchange item\'s price comes from it');
    const quantity = item.quantity ?? lineItem.quantity;
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity <= 0) throw refuse(`${at}.quantity`, 'is not a whole number above 0');
    const unitPrice = shopMoney(lineItem.price_set, `${at}.line_item.price_set`, refuse);
    const currency = unitPrice.currency;
    const discount = sum(list(lineItem.discount_allocations, `${at}.line_item.discount_allocations`, refuse)
      .map((d, j) => shopMoney(d.amount_set, `${at}.line_item.discount_allocations[${j}].amount_set`, refuse)), currency);
    const taxes = list(lineItem.tax_lines, `${at}.line_item.tax_lines`, refuse).map((t, j) => ({
      title: text(t.title) ?? 'Tax', rate: typeof t.rate === 'number' || typeof t.rate === 'string' ? String(t.rate) : '0',
      amount: shopMoney(t.price_set, `${at}.line_item.tax_lines[${j}].price_set`, refuse),
    }));
    const tax = sum(taxes.map((t) => t.amount), currency);
    return {
      externalId: requiredId(item.id, `${at}.id`, refuse),
      sku: text(lineItem.sku), variantId: lineItem.variant_id === null || lineItem.variant_id === undefined ? null : requiredId(lineItem.variant_id, `${at}.line_item.variant_id`, refuse),
      title: text(lineItem.title) ?? text(lineItem.name) ?? 'Exchange item',
      quantity, unitPrice, discount, taxes,
      total: { amount: unitPrice.amount * BigInt(quantity) - discount.amount + tax.amount, currency },
    };
  });
}
