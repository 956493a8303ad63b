/**
 * A case's exchange items as an order of their own, pure: the original order's channel, account,
 * customer and address, one line per exchange item at the channel's own price, discount and
 * taxes, paid by the exchange credit (the returned value kept for it). What the credit does not
 * cover the customer owes: the order is then PARTIALLY_PAID and its release gate holds it until
 * paid, as the channel holds an exchange with a balance owed. Nothing in it is negative.
 */
import type { Money } from '../../../canonical/money.js';
import type { Address, CanonicalOrder, Customer, OrderLine } from '../../../canonical/order.js';
import type { ExchangeLine } from '../../../canonical/return.js';
import type { OrderForDelivery } from '../../orders/order.service.js';

/** What an exchange item costs the customer: its price less discounts, plus its taxes unless the prices include them. */
export function exchangeLineTotal(line: ExchangeLine, taxesIncluded: boolean): bigint {
  const net = line.unitPrice.amount * BigInt(line.quantity) - line.discount.amount;
  return taxesIncluded ? net : net + line.taxes.reduce((n, t) => n + t.amount.amount, 0n);
}

/** The TENDER gateway the exchange credit is mapped by. */
export const EXCHANGE_GATEWAY = 'exchange';

/** The linked order's external id: the original's, marked with the case, one per case. */
export const exchangeOrderId = (originalExternalId: string, caseId: string): string => `${originalExternalId}-EX-${caseId.slice(0, 8)}`;

export interface ExchangeOrderInput {
  readonly original: OrderForDelivery;
  readonly caseId: string;
  readonly lines: readonly ExchangeLine[];
  /** The returned value kept for the exchange (minor units, ≥ 0). */
  readonly credit: bigint;
  readonly currency: string;
  readonly taxesIncluded: boolean;
  /** When the exchange was settled (the refund's processed_at). */
  readonly at: string;
}

export function exchangeOrder(input: ExchangeOrderInput): CanonicalOrder {
  const { original, currency } = input;
  const money = (amount: bigint): Money => ({ amount, currency });
  const lines: OrderLine[] = input.lines.map((l) => ({
    externalId: l.externalId, sku: l.sku, variantId: l.variantId, productId: null, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice,
    discounts: l.discount.amount === 0n ? [] : [{ amount: l.discount, code: null, title: 'exchange discount' }],
    taxes: l.taxes.map((t) => ({ title: t.title, rate: t.rate, amount: t.amount, jurisdiction: null, code: null })),
    fulfillmentMethod: 'SHIP', locationRef: null, requiresShipping: true, giftCard: false,
  }));
  const subtotal = lines.reduce((n, l) => n + l.unitPrice.amount * BigInt(l.quantity), 0n);
  const discounts = input.lines.reduce((n, l) => n + l.discount.amount, 0n);
  const tax = input.lines.reduce((n, l) => n + l.taxes.reduce((t, x) => t + x.amount.amount, 0n), 0n);
  const total = input.lines.reduce((n, l) => n + exchangeLineTotal(l, input.taxesIncluded), 0n);
  const paid = input.credit < total ? input.credit : total;
  return {
    source: { system: original.channel, account: original.account, externalId: exchangeOrderId(original.externalId, input.caseId) },
    orderNumber: `${original.orderNumber}-EX`,
    placedAt: input.at,
    sourceUpdatedAt: input.at,
    cancelledAt: null,
    currency,
    customer: (original.customer as Customer | null) ?? null,
    billingAddress: null,
    shippingAddress: (original.shippingAddress as Address | null) ?? null,
    lines,
    shippingLines: [],
    tenders: paid === 0n ? [] : [{ kind: 'STORE_CREDIT', gateway: EXCHANGE_GATEWAY, authorized: money(paid), captured: money(paid) }],
    paymentStatus: paid >= total ? 'PAID' : 'PARTIALLY_PAID',
    risk: { recommendation: 'NONE', source: null },
    taxesIncluded: input.taxesIncluded,
    taxStatus: 'CALCULATED',
    sourceTotals: { subtotal: money(subtotal), discounts: money(discounts), tax: money(tax), shipping: money(0n), grandTotal: money(total) },
    tags: ['exchange', `exchange-of:${original.externalId}`],
    processedAt: input.at,
    note: `exchange items of return case ${input.caseId} on order ${original.orderNumber}`,
  };
}
