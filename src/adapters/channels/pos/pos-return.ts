/**
 * A till's RETURN of a sale it names (docs/contracts/store-pos.md, "Returns"): the goods came back
 * over the counter and the money went back at the till, both at once. In the hub's terms that is
 * two return events of the original order's case, applied in order: the units dispositioned at the
 * store, then a refund whose transactions already succeeded. The original may be a POS sale of any
 * store or an order of another channel (buy online, return in store): the events name that order
 * under its own channel and account, so the case, the capture and the credit are that order's.
 * Pure: no I/O.
 */
import { add, type Money } from '../../../canonical/money.js';
import type {
  CanonicalReturnEvent, Disposition, RefundComponent, RefundTenderKind, RefundTransaction, ReturnCondition, ReturnIdentity, ReturnLineQuantity,
} from '../../../canonical/return.js';
import { CHANNEL_CODE_FORMAT } from '../channel-port.js';
import type { FieldError, FieldReader } from '../field-reader.js';

const CONDITIONS: readonly ReturnCondition[] = ['NEW', 'OPENED', 'DAMAGED', 'DEFECTIVE', 'UNKNOWN'];
const DISPOSITIONS: readonly Disposition[] = ['RESTOCK', 'SCRAP', 'VENDOR_RETURN', 'REFURBISH'];
const REFUND_TENDERS = ['CASH', 'CARD', 'GIFT_CARD', 'STORE_CREDIT'] as const;
const REFUND_TENDER_KIND: Readonly<Record<(typeof REFUND_TENDERS)[number], RefundTenderKind>> = {
  CASH: 'ORIGINAL_PAYMENT', CARD: 'ORIGINAL_PAYMENT', GIFT_CARD: 'GIFT_CARD', STORE_CREDIT: 'STORE_CREDIT',
};
/** Goods the till took back unfit to sell are scrapped unless the till says otherwise. */
const UNSELLABLE: ReadonlySet<ReturnCondition> = new Set(['DAMAGED', 'DEFECTIVE']);

/** The refund's id in its order's channel: the store and its transaction, so two stores' T-1 never meet. */
export const posRefundId = (storeId: string, transactionId: string): string => `${storeId}-${transactionId}`;

export interface PosReturnContext {
  readonly channel: string;
  readonly storeId: string;
  readonly transactionId: string;
  readonly currency: string;
}

/**
 * The RETURN transaction `t` (already known to name an `original`) as its two events, goods first,
 * or the field errors that keep it REJECTED.
 */
export function posReturnEvents(t: FieldReader, original: FieldReader, ctx: PosReturnContext, errors: FieldError[]): CanonicalReturnEvent[] {
  const { storeId, transactionId: id, currency } = ctx;
  const identity = originalOrder(original, ctx);
  const at = t.instant('at');
  const taxesIncluded = t.bool('taxesIncluded', false);
  const lines = t.list('lines', 1, 500).map((line) => returnLine(line, ctx));
  const tenders = t.list('tenders', 1, 20).map((tender, i) => refundTender(tender, currency, `${id}#${i + 1}`));
  const total = t.money('total', currency);
  if (errors.length > 0) return [];

  const zero: Money = { amount: 0n, currency };
  const paid = tenders.reduce((n, x) => add(n, x.amount), zero);
  if (paid.amount !== total.amount) {
    errors.push({ field: 'transaction.tenders', reason: `tenders come to ${paid.amount} minor units, the total is ${total.amount}` });
  }
  const parts = lines.reduce((n, l) => n + l.subtotal.amount + (taxesIncluded ? 0n : l.tax.amount), 0n);
  if (parts !== total.amount) {
    errors.push({ field: 'transaction.lines', reason: `the lines come to ${parts} minor units (subtotal${taxesIncluded ? ', tax included' : ' + tax'}), the total is ${total.amount}` });
  }
  const seen = new Set<string>();
  for (const [i, l] of lines.entries()) {
    if (seen.has(l.line.lineRef)) errors.push({ field: `transaction.lines[${i}].originalLineId`, reason: `line ${l.line.lineRef} is returned twice in one transaction` });
    seen.add(l.line.lineRef);
  }
  if (errors.length > 0) return [];

  const source = (part: string) => ({ system: ctx.channel, account: storeId, eventKey: `${id}:${part}`, occurredAt: at });
  const components: RefundComponent[] = lines.flatMap(({ line, subtotal, tax }) => {
    const common = { lineRef: line.lineRef, quantity: line.quantity, restockType: 'return', locationRef: storeId };
    return [{ kind: 'LINE_SUBTOTAL' as const, amount: subtotal, ...common }, ...(tax.amount !== 0n ? [{ kind: 'LINE_TAX' as const, amount: tax, ...common }] : [])];
  });
  const receipt = t.optionalText('receipt', 64);
  return [
    {
      kind: 'DISPOSITIONED', source: source('goods'), identity, lines: lines.map((l) => l.line), refund: null, exchangeLines: [],
      description: `store return ${id} at ${storeId}: goods taken back at the till`,
    },
    {
      kind: 'REFUNDED', source: source('refund'), identity,
      lines: lines.map(({ line }) => ({ lineRef: line.lineRef, quantity: line.quantity, locationRef: storeId })),
      refund: { externalId: posRefundId(storeId, id), processedAt: at, note: `store return ${receipt ?? id} at ${storeId}`, components, transactions: tenders },
      exchangeLines: [],
      description: `store return ${id} at ${storeId}: refunded at the till`,
    },
  ];
}

/** The order the return takes back, under its own channel: a POS sale's account defaults to this store. */
function originalOrder(r: FieldReader, ctx: PosReturnContext): ReturnIdentity {
  const channel = r.text('channel', 32);
  if (channel !== '' && !CHANNEL_CODE_FORMAT.test(channel)) r.fail('channel', 'must be a channel code such as POS or SHOPIFY');
  const given = r.optionalText('account', 255);
  if (given === null && channel !== '' && channel !== ctx.channel) r.fail('account', `is required for an order of ${channel} (the shop or seller the hub keeps it under)`);
  return { channel, account: (given ?? ctx.storeId).trim(), orderExternalId: r.text('orderId', 128), returnRef: null, rmaRef: null };
}

interface ReturnedLine {
  readonly line: ReturnLineQuantity;
  readonly subtotal: Money;
  readonly tax: Money;
}

function returnLine(r: FieldReader, { channel, storeId, currency }: PosReturnContext): ReturnedLine {
  const condition = r.oneOf('condition', CONDITIONS, 'NEW');
  const disposition = r.oneOf('disposition', DISPOSITIONS, UNSELLABLE.has(condition) ? 'SCRAP' : 'RESTOCK');
  return {
    line: {
      lineRef: r.text('originalLineId', 64), quantity: r.quantity('quantity'), reason: r.optionalText('reason', 128), condition, disposition,
      // The goods are at the store: its LOCATION mapping places them (the POS channel account's own).
      locationRef: storeId, locationScope: { channel, account: storeId },
    },
    subtotal: r.money('subtotal', currency),
    tax: r.money('tax', currency, '0'),
  };
}

/** Money handed back at the till: it moved, so every transaction is a success. */
function refundTender(r: FieldReader, currency: string, externalId: string): RefundTransaction {
  const kind = r.oneOf('kind', REFUND_TENDERS);
  const gateway = kind === 'CARD' ? r.text('gateway', 64) : r.optionalText('gateway', 64) ?? kind;
  const amount = r.money('amount', currency);
  if (amount.amount <= 0n) r.fail('amount', 'must be more than zero');
  return { externalId, tender: REFUND_TENDER_KIND[kind], gateway: gateway.toLowerCase(), status: 'SUCCESS', amount };
}
