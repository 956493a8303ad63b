import { randomUUID } from 'node:crypto';
import { sum } from '../../../canonical/money.js';
import type { CanonicalOrder, DiscountAllocation, TaxLine } from '../../../canonical/order.js';

/** The child rows of one order, flattened for multi-row inserts. */
export interface OrderChildRows {
  readonly lines: unknown[][];
  readonly shippingLines: unknown[][];
  readonly adjustments: unknown[][];
  readonly tenders: unknown[][];
}

export const LINE_COLUMNS = [
  'id', 'order_id', 'position', 'external_id', 'sku', 'variant_id', 'product_id', 'title', 'quantity', 'currency_code',
  'unit_price', 'discount_total', 'tax_total', 'fulfillment_method', 'location_ref', 'requires_shipping', 'gift_card', 'properties', 'item_keys',
] as const;
export const SHIPPING_COLUMNS = [
  'id', 'order_id', 'position', 'external_id', 'title', 'code', 'currency_code', 'price', 'discount_total', 'tax_total',
] as const;
export const ADJUSTMENT_COLUMNS = [
  'id', 'order_id', 'line_id', 'shipping_line_id', 'kind', 'title', 'code', 'rate', 'jurisdiction', 'currency_code', 'amount',
] as const;
export const TENDER_COLUMNS = ['id', 'order_id', 'position', 'kind', 'gateway', 'currency_code', 'authorized', 'captured'] as const;

/** PostgreSQL types of the columns above, in the same order, for unnest($n::type[]). */
export const LINE_TYPES = [
  'uuid', 'uuid', 'int', 'text', 'text', 'text', 'text', 'text', 'int', 'text', 'bigint', 'bigint', 'bigint', 'text', 'text', 'boolean', 'boolean', 'jsonb', 'jsonb',
] as const;
export const SHIPPING_TYPES = ['uuid', 'uuid', 'int', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'bigint'] as const;
export const ADJUSTMENT_TYPES = ['uuid', 'uuid', 'uuid', 'uuid', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint'] as const;
export const TENDER_TYPES = ['uuid', 'uuid', 'int', 'text', 'text', 'text', 'bigint', 'bigint'] as const;

function adjustmentRows(
  orderId: string,
  parent: { lineId: string | null; shippingLineId: string | null },
  currency: string,
  discounts: readonly DiscountAllocation[],
  taxes: readonly TaxLine[],
): unknown[][] {
  return [
    ...discounts.map((d) => [
      randomUUID(), orderId, parent.lineId, parent.shippingLineId, 'DISCOUNT', d.title, d.code, null, null, currency, d.amount.amount.toString(),
    ]),
    ...taxes.map((t) => [
      randomUUID(), orderId, parent.lineId, parent.shippingLineId, 'TAX', t.title, t.code, t.rate, t.jurisdiction, currency, t.amount.amount.toString(),
    ]),
  ];
}

export function orderChildRows(orderId: string, order: CanonicalOrder): OrderChildRows {
  const currency = order.currency;
  const adjustments: unknown[][] = [];
  const lines = order.lines.map((line, position) => {
    const id = randomUUID();
    adjustments.push(...adjustmentRows(orderId, { lineId: id, shippingLineId: null }, currency, line.discounts, line.taxes));
    return [
      id, orderId, position, line.externalId, line.sku, line.variantId, line.productId, line.title, line.quantity, currency,
      line.unitPrice.amount.toString(),
      sum(line.discounts.map((d) => d.amount), currency).amount.toString(),
      sum(line.taxes.map((t) => t.amount), currency).amount.toString(),
      line.fulfillmentMethod, line.locationRef, line.requiresShipping, line.giftCard, JSON.stringify(line.properties ?? []),
      JSON.stringify(line.itemKeys ?? []),
    ];
  });
  const shippingLines = order.shippingLines.map((shipping, position) => {
    const id = randomUUID();
    adjustments.push(...adjustmentRows(orderId, { lineId: null, shippingLineId: id }, currency, shipping.discounts, shipping.taxes));
    return [
      id, orderId, position, shipping.externalId, shipping.title, shipping.code, currency, shipping.price.amount.toString(),
      sum(shipping.discounts.map((d) => d.amount), currency).amount.toString(),
      sum(shipping.taxes.map((t) => t.amount), currency).amount.toString(),
    ];
  });
  const tenders = order.tenders.map((tender, position) => [
    randomUUID(), orderId, position, tender.kind, tender.gateway, currency, tender.authorized.amount.toString(), tender.captured.amount.toString(),
  ]);
  return { lines, shippingLines, adjustments, tenders };
}
