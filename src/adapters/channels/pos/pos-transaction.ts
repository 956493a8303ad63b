/**
 * One store-system transaction (docs/contracts/store-pos.md) in canonical terms. A sale is an
 * order paid and handed over at the till: its lines are fulfilled at the store when it is made,
 * so no warehouse is asked for them and the ERP gets its item fulfilment from the store's
 * location. A return that names its original sale is that order's return (pos-return.ts); returns
 * without one, voids, no-sales and paid-in/out are kept for the store day.
 */
import { add, sum, type Money } from '../../../canonical/money.js';
import type { CanonicalOrder, DiscountAllocation, OrderLine, TaxLine, Tender, TenderKind } from '../../../canonical/order.js';
import type { CanonicalReturnEvent } from '../../../canonical/return.js';
import { FieldReader, type FieldError } from '../field-reader.js';
import { posReturnEvents } from './pos-return.js';

export const POS_TRANSACTION_TYPES = ['SALE', 'RETURN', 'VOID', 'NO_SALE', 'PAID_IN', 'PAID_OUT'] as const;
export type PosTransactionType = (typeof POS_TRANSACTION_TYPES)[number];
const TENDERS: readonly TenderKind[] = ['CASH', 'CARD', 'GIFT_CARD', 'STORE_CREDIT'];

/** What the hub keeps per transaction: the transaction and the batch it came in. */
export interface PosEnvelope {
  readonly batchId: string;
  readonly storeId: string;
  readonly register: string | null;
  readonly currency: string;
  readonly transaction: Record<string, unknown>;
}

export type PosMeaning =
  | { ok: true; type: 'sale'; order: CanonicalOrder }
  | { ok: true; type: 'kept'; note: string }
  /** A RETURN that names its original order: the goods back at the store, then the refund at the till (pos-return.ts). */
  | { ok: true; type: 'return'; events: CanonicalReturnEvent[] }
  | { ok: false; errors: FieldError[] };

export function understandPosTransaction(envelope: unknown): PosMeaning {
  const errors: FieldError[] = [];
  const root = FieldReader.of(envelope, '', errors);
  if (!root) return { ok: false, errors };
  const currency = root.currency('currency');
  const storeId = root.text('storeId', 64);
  const t = root.object('transaction');
  if (!t) return { ok: false, errors };
  const id = t.text('id', 128);
  const type = t.oneOf('type', POS_TRANSACTION_TYPES);
  if (errors.length > 0) return { ok: false, errors };
  const original = type === 'RETURN' ? t.optionalObject('original') : null;
  if (errors.length > 0) return { ok: false, errors };
  if (original) {
    const events = posReturnEvents(t, original, { channel: 'POS', storeId, transactionId: id, currency }, errors);
    return errors.length > 0 ? { ok: false, errors } : { ok: true, type: 'return', events };
  }
  if (type !== 'SALE') return { ok: true, type: 'kept', note: keptNote(type, t) };

  const at = t.instant('at');
  const lines = t.list('lines', 1, 500).map((line) => saleLine(line, currency, storeId));
  const tenders = t.list('tenders', 1, 20).map((tender) => saleTender(tender, currency));
  const total = t.money('total', currency);
  if (errors.length > 0) return { ok: false, errors };

  const zero: Money = { amount: 0n, currency };
  const subtotal = sum(lines.map((l) => ({ amount: l.unitPrice.amount * BigInt(l.quantity), currency })), currency);
  const discounts = sum(lines.flatMap((l) => l.discounts.map((d) => d.amount)), currency);
  const tax = sum(lines.flatMap((l) => l.taxes.map((x) => x.amount)), currency);
  const paid = tenders.reduce((n, x) => add(n, x.captured), zero);
  if (paid.amount !== total.amount) {
    return { ok: false, errors: [{ field: 'transaction.tenders', reason: `tenders come to ${paid.amount} minor units, the total is ${total.amount} (cash less its change)` }] };
  }
  const order: CanonicalOrder = {
    source: { system: 'POS', account: storeId, externalId: id },
    orderNumber: t.optionalText('receipt', 64) ?? id,
    placedAt: at,
    sourceUpdatedAt: at,
    cancelledAt: null,
    currency,
    customer: null,
    billingAddress: null,
    shippingAddress: null,
    lines,
    shippingLines: [],
    tenders,
    paymentStatus: 'PAID',
    risk: { recommendation: 'NONE', source: null },
    taxesIncluded: t.bool('taxesIncluded', false),
    taxStatus: 'CALCULATED',
    sourceTotals: { subtotal, discounts, tax, shipping: zero, grandTotal: total },
    tags: ['pos', ...(root.optionalText('register', 64) ? [`register:${root.optionalText('register', 64)}`] : [])],
    processedAt: at,
    counterSale: true,
    fulfilledAtSource: [{ externalId: `${id}:till`, fulfilledAt: at, locationRef: storeId, lines: lines.map((l) => ({ lineRef: l.externalId, quantity: l.quantity })) }],
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, type: 'sale', order };
}

function saleLine(r: FieldReader, currency: string, storeId: string): OrderLine {
  const quantity = r.quantity('quantity');
  return {
    externalId: r.text('id', 64),
    sku: r.optionalText('sku', 128),
    variantId: null,
    productId: null,
    title: r.text('title'),
    quantity,
    unitPrice: r.money('unitPrice', currency),
    discounts: r.list('discounts', 0, 20).map((d): DiscountAllocation => ({ amount: d.money('amount', currency), code: d.optionalText('code', 128), title: d.optionalText('title') })),
    taxes: r.list('taxes', 0, 20).map((x): TaxLine => ({ title: x.text('title'), rate: x.optionalText('rate', 32) ?? '0', amount: x.money('amount', currency), jurisdiction: null, code: null })),
    fulfillmentMethod: 'PICKUP_IN_STORE',
    locationRef: storeId,
    requiresShipping: false,
    giftCard: false,
    // Handed over at the till.
    fulfilledQuantity: quantity,
  };
}

/** Cash is what stays in the drawer: tendered less the change given. */
function saleTender(r: FieldReader, currency: string): Tender {
  const kind = r.oneOf('kind', TENDERS);
  const amount = r.money('amount', currency);
  const change = r.money('change', currency, '0');
  const kept = { amount: amount.amount - change.amount, currency };
  return { kind, gateway: (r.optionalText('gateway', 64) ?? kind).toLowerCase(), authorized: kept, captured: kept };
}

function keptNote(type: PosTransactionType, t: FieldReader): string {
  switch (type) {
    case 'VOID': return `void of ${t.optionalText('voids', 128) ?? 'an unnamed transaction'} kept for the store day; a completed sale is taken back by a return`;
    case 'RETURN': return 'return kept for the store day; it names no original sale, so nothing is credited';
    default: return `${type.toLowerCase().replace('_', '-')} kept for the store day's cash count`;
  }
}
