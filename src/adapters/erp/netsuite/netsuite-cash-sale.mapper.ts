/**
 * A counter sale as NetSuite's cashSale: the sales order's body (lines, tax as the sales order
 * takes it, the store's location, the key as externalId) with the payment. A cash sale takes one
 * payment: a sale paid by one tender mapping books its paymentMethod and deposits to its account
 * (undepFunds false); a sale split across tender mappings (cash and card) goes to Undeposited
 * Funds without a method, its tenders in the memo, for the deposit to split. The body must add
 * up to the sale's grand total, and so must the tenders, or nothing is sent (DOCUMENT_TOTAL_MISMATCH).
 */
import { formatDecimal } from '../../../canonical/money.js';
import { DeliveryError, type CashSaleDocument } from '../erp-adapter.port.js';
import { checkedTenders } from '../shared/cash-sale-tenders.js';
import { checkedNetSuiteSalesOrder } from './netsuite-document-total.js';
import type { NetSuiteMappingOptions, NsRef, NsSalesOrderBody } from './netsuite.mapper.js';

export interface NsCashSaleBody extends NsSalesOrderBody {
  readonly undepFunds: boolean;
  readonly paymentMethod?: NsRef;
  readonly account?: NsRef;
}

const MEMO_MAX = 999;

export function toNetSuiteCashSale(doc: CashSaleDocument, options: NetSuiteMappingOptions = {}): NsCashSaleBody {
  if (!doc.sale.locationId || doc.sale.lines.some((l) => !l.locationId)) {
    // The cash sale relieves the store's stock: without its location NetSuite would take it from nowhere.
    throw new DeliveryError('MISSING_DEPENDENCY', `cash sale ${doc.sale.externalId} has a line without an ERP location (LOCATION mapping of the store)`, { code: 'UNMAPPED', field: 'LOCATION' });
  }
  const tenders = checkedTenders(doc);
  const body = checkedNetSuiteSalesOrder(doc.sale, options);
  const payments = new Map(tenders.map((t) => [`${t.paymentMethodId}\u0000${t.accountId}`, t]));
  if (payments.size === 0) return { ...body, undepFunds: true };
  if (payments.size === 1) {
    const [t] = payments.values();
    return { ...body, undepFunds: false, paymentMethod: { id: t.paymentMethodId }, account: { id: t.accountId } };
  }
  const split = tenders.map((t) => `${t.kind.toLowerCase()} ${formatDecimal(t.amount)}`).join(' + ');
  const memo = [body.memo, `paid ${split}`].filter(Boolean).join('; ').slice(0, MEMO_MAX);
  return { ...body, memo, undepFunds: true };
}
