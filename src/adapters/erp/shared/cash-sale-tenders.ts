/** What every ERP's cash sale checks about its payment before anything is sent. */
import { formatDecimal, sum } from '../../../canonical/money.js';
import { DeliveryError, type CashSaleDocument, type CashSaleTender } from '../erp-adapter.port.js';

/** The tenders must pay the sale to the minor unit: a cash sale is paid in full when it is made. */
export function checkedTenders(doc: CashSaleDocument): readonly CashSaleTender[] {
  const { sale } = doc;
  for (const [i, t] of doc.tenders.entries()) {
    if (t.amount.currency !== sale.currency) throw new DeliveryError('PERMANENT', `tenders[${i}] is in ${t.amount.currency}, the sale in ${sale.currency}`, { code: 'CURRENCY_MISMATCH', field: `tenders[${i}].amount` });
  }
  const paid = sum(doc.tenders.map((t) => t.amount), sale.currency);
  if (paid.amount !== sale.grandTotal.amount) {
    throw new DeliveryError('PERMANENT', `cash sale ${sale.externalId}: the tenders come to ${formatDecimal(paid)}, the sale to ${formatDecimal(sale.grandTotal)}`, {
      code: 'DOCUMENT_TOTAL_MISMATCH', field: 'tenders',
    });
  }
  return doc.tenders;
}

