/** Tenders of a Shopify order: one per payment gateway, with what was authorised and captured. */
import { parseDecimal, zero, type Money } from '../../../canonical/money.js';
import type { Tender, TenderKind } from '../../../canonical/order.js';
import type { ShopifyOrderDto, ShopifyTransactionDto } from './shopify-order.dto.js';

/**
 * Gateway names Shopify uses (payment_gateway_names) and what kind of tender they are.
 * Names are compared lower-case with spaces and dashes as "_".
 */
export function tenderKindForGateway(gateway: string): TenderKind {
  const name = gateway.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (name === 'gift_card' || name.includes('gift_card')) return 'GIFT_CARD';
  if (name.includes('store_credit') || name === 'shop_cash') return 'STORE_CREDIT';
  if (/paypal|apple_pay|google_pay|amazon_pay|shop_pay|venmo|wallet/.test(name)) return 'WALLET';
  if (/^cash|^cod$|^manual$/.test(name)) return 'CASH';
  if (/shopify_payments|stripe|braintree|authorize_net|adyen|checkout_com|worldpay|cybersource|square|bogus|credit_card|card/.test(name)) {
    return 'CARD';
  }
  return 'OTHER';
}

/**
 * The tenders of an order: from its payment transactions when the body carries them (each gateway
 * with what it really took, so a gift card gets its share), else guessed from the gateway names.
 */
export function mapTenders(dto: ShopifyOrderDto, total: Money): Tender[] {
  return tendersFromTransactions(dto, total.currency) ?? tendersFromGatewayNames(dto, total);
}

/**
 * One tender per gateway of the successful transactions, in the order they first appear:
 * authorization → authorized; sale → authorized and captured; capture → captured; void → the
 * authorization no longer stands. Refunds and changes are later documents, not what was taken.
 * None (the caller guesses) when the body has no transactions, or one in another currency than
 * the order's: its amounts would not be the order's money.
 */
export function tendersFromTransactions(dto: ShopifyOrderDto, currency: string): Tender[] | null {
  const transactions = (dto.transactions ?? []).filter((t) => t.status === 'success' && t.gateway.trim() !== '');
  if (transactions.length === 0) return null;
  if (transactions.some((t) => (t.currency ?? currency) !== currency)) return null;
  const byGateway = new Map<string, { authorized: bigint; captured: bigint }>();
  for (const transaction of transactions) {
    const gateway = transaction.gateway.trim();
    const entry = byGateway.get(gateway) ?? { authorized: 0n, captured: 0n };
    byGateway.set(gateway, entry);
    const amount = amountOf(transaction, currency);
    if (amount === null) return null;
    switch (transaction.kind) {
      case 'authorization':
        entry.authorized += amount;
        break;
      case 'sale':
        entry.authorized += amount;
        entry.captured += amount;
        break;
      case 'capture':
        entry.captured += amount;
        break;
      case 'void':
        entry.authorized = entry.authorized > amount ? entry.authorized - amount : 0n;
        break;
      default:
        break;
    }
  }
  return [...byGateway].map(([gateway, entry]) => ({
    kind: tenderKindForGateway(gateway),
    gateway,
    // A capture without its authorization in the body still secured what it took.
    authorized: { amount: entry.authorized > entry.captured ? entry.authorized : entry.captured, currency },
    captured: { amount: entry.captured, currency },
  }));
}

function amountOf(transaction: ShopifyTransactionDto, currency: string): bigint | null {
  try {
    const amount = parseDecimal(transaction.amount, currency).amount;
    return amount >= 0n ? amount : null;
  } catch {
    return null;
  }
}

/**
 * Without transactions: one tender per distinct gateway in payment_gateway_names (empty names dropped: Shopify
 * sends [""] for zero-total and manually created orders).
 *
 * Without transactions nothing says how much each gateway took, so the whole amount goes on ONE tender: the first gateway that is not a gift card,
 * or the first gateway when all are gift cards; the others are listed with zero amounts so
 * the ERP knows they were used. Tender amounts therefore always sum to the order amount.
 *
 * Amounts from financial_status:
 *   pending, voided, expired, unknown → authorized 0, captured 0
 *   authorized                       → authorized total, captured 0
 *   partially_paid                   → authorized total, captured total − total_outstanding
 *                                      (0 when total_outstanding is absent or out of range)
 *   paid, partially_refunded, refunded → authorized total, captured total (refunds are
 *                                      separate documents; the tender records what was taken)
 */
function tendersFromGatewayNames(dto: ShopifyOrderDto, total: Money): Tender[] {
  const gateways = [...new Set((dto.payment_gateway_names ?? []).map((name) => name.trim()).filter((name) => name.length > 0))];
  if (gateways.length === 0) return [];
  const { authorized, captured } = paymentAmounts(dto, total);
  const kinds = gateways.map(tenderKindForGateway);
  const firstNonGiftCard = kinds.findIndex((kind) => kind !== 'GIFT_CARD');
  const carrier = firstNonGiftCard >= 0 ? firstNonGiftCard : 0;
  const none = zero(total.currency);
  return gateways.map((gateway, index) => ({
    kind: kinds[index],
    gateway,
    authorized: index === carrier ? authorized : none,
    captured: index === carrier ? captured : none,
  }));
}

function paymentAmounts(dto: ShopifyOrderDto, total: Money): { authorized: Money; captured: Money } {
  const none = zero(total.currency);
  switch (dto.financial_status) {
    case 'authorized':
      return { authorized: total, captured: none };
    case 'partially_paid': {
      const outstanding = dto.total_outstanding ? parseDecimal(dto.total_outstanding, total.currency) : null;
      const captured =
        outstanding && outstanding.amount >= 0n && outstanding.amount <= total.amount
          ? { amount: total.amount - outstanding.amount, currency: total.currency }
          : none;
      return { authorized: total, captured };
    }
    case 'paid':
    case 'partially_refunded':
    case 'refunded':
      return { authorized: total, captured: total };
    default:
      return { authorized: none, captured: none };
  }
}
