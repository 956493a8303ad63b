/** Tenders of a Shopify order: one per payment gateway, with what was authorised and captured. */
import { parseDecimal, zero, type Money } from '../../../canonical/money.js';
import type { Tender, TenderKind } from '../../../canonical/order.js';
import type { ShopifyOrderDto } from './shopify-order.dto.js';

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
 * One tender per distinct gateway in payment_gateway_names (empty names dropped: Shopify
 * sends [""] for zero-total and manually created orders).
 *
 * The order webhook does not say how much each gateway took (that needs the transactions
 * API), so the whole amount goes on ONE tender: the first gateway that is not a gift card,
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
export function mapTenders(dto: ShopifyOrderDto, total: Money): Tender[] {
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
