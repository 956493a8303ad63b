/**
 * CreditMemoDocument → Business Central API v2.0 salesCreditMemo with its salesCreditMemoLines
 * (../shared/contracts/dynamics365-bc/salesCreditMemo.v2.0.resource.json), posted afterwards with
 * Microsoft.NAV.post. BC's return orders are read-only in API v2.0, so a credit memo is the one
 * document the API can write for a return. Pure: no I/O, no clock.
 *
 * Header: externalDocumentNumber (the posting key, as bcExternalDocumentNumber), the customer as on
 * the sales order, creditMemoDate, currencyCode ('' for LCY), invoiceId when the target posts invoices
 * and the hub knows it, customerReturnReasonId when the RETURN_REASON mapping gives BC's GUID.
 *
 * Lines (sequence 10000 × (position + 1)):
 *  - goods coming back into stock (RESTOCK, REFURBISH, VENDOR_RETURN with a mapped location): an
 *    'Item' line of the item, the units, at the location, priced so BC's line amount is the
 *    refunded net of those units (a unit price with up to three more decimals);
 *  - goods that do not come back (SCRAP, or a refund without a return): an 'Account' line on the
 *    disposition's write-off account, else the target's `refundAccountNumber`, quantity 1;
 *  - shipping, duties, fees, discrepancies: an 'Account' line each on its mapped account;
 *  - CHANNEL_AMOUNTS: the refunded tax as one 'Account' line on `taxAccountNumber`, every other line
 *    carrying `exemptTaxCode`; ERP_CALCULATES: lines carry their tax codes and BC computes the tax.
 * The lines' amounts (+ the channel's tax under ERP_CALCULATES) must equal the refund total, or the
 * document is refused (DOCUMENT_TOTAL_MISMATCH) before anything is sent.
 */
import { formatDecimal, sum, type Money } from '../../../canonical/money.js';
import type { CreditLine, CreditMemoDocument } from '../credit-documents.js';
import { DeliveryError } from '../erp-adapter.port.js';
import { DEFAULT_TAX_MODE } from '../shared/document-money.js';
import { BcDecimal } from './bc-json.js';
import { bcCurrencyCode, bcExternalDocumentNumber, description as cutDescription, unitPriceFor, type BcMappingOptions, type BcSalesOrderLineBody } from './bc.mapper.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Dispositions under which the goods come back into a location. */
const BACK_IN_STOCK = new Set(['RESTOCK', 'REFURBISH', 'VENDOR_RETURN']);

export interface BcCreditMemoOptions extends BcMappingOptions {
  /** The G/L account a refund of goods that do not come back is booked to, when no write-off account is mapped. */
  readonly refundAccountNumber?: string;
}

/** A credit memo line is a sales line that may also name the location returned goods go to. */
export interface BcCreditMemoLineBody extends BcSalesOrderLineBody {
  readonly locationId?: string;
}

export interface BcCreditMemoBody {
  readonly externalDocumentNumber: string;
  readonly customerId?: string;
  readonly customerNumber?: string;
  readonly creditMemoDate: string;
  readonly currencyCode: string;
  readonly invoiceId?: string;
  readonly customerReturnReasonId?: string;
  readonly salesCreditMemoLines: readonly BcCreditMemoLineBody[];
}

function refuse(message: string, field: string, code = 'UNMAPPABLE_DOCUMENT'): never {
  throw new DeliveryError('PERMANENT', message, { code, field });
}

const zero = (currency: string): BcDecimal => BcDecimal.of({ amount: 0n, currency });
const one = new BcDecimal('1');
const ref = (id: string): { itemId: string } | { lineObjectNumber: string } => (GUID.test(id) ? { itemId: id } : { lineObjectNumber: id });

function accountLine(number: string, label: string, amount: Money, taxCode: string | undefined): Omit<BcCreditMemoLineBody, 'sequence'> {
  return {
    lineType: 'Account', lineObjectNumber: number, description: cutDescription(label) ?? label, quantity: one,
    unitPrice: BcDecimal.of(amount), discountAmount: zero(amount.currency), ...(taxCode && { taxCode }),
  };
}

function bodyLine(line: CreditLine, index: number, options: BcCreditMemoOptions, channelAmounts: boolean): Omit<BcCreditMemoLineBody, 'sequence'> {
  const at = `lines[${index}]`;
  const taxCode = channelAmounts ? options.exemptTaxCode : (line.taxCode ?? undefined);
  if (line.kind === 'ACCOUNT') return accountLine(line.accountId, line.description, line.amount, taxCode);
  if (line.disposition !== null && BACK_IN_STOCK.has(line.disposition) && line.locationId) {
    return {
      lineType: 'Item', ...ref(line.itemId), description: cutDescription(line.description) ?? line.description, quantity: new BcDecimal(String(line.quantity)),
      unitPrice: unitPriceFor(line.amount, line.quantity, at, line.lineRef), discountAmount: zero(line.amount.currency),
      locationId: line.locationId, ...(taxCode && { taxCode }),
    };
  }
  const account = line.writeOffAccountId ?? options.refundAccountNumber;
  if (!account) {
    refuse(`line ${line.lineRef}: goods that do not come back (${line.disposition ?? 'no return'}) need a write-off account on the DISPOSITION mapping or the target's refundAccountNumber`, `${at}.writeOffAccountId`, 'UNMAPPED');
  }
  return accountLine(account, `${line.description} (${line.disposition === null ? 'refund without return' : line.disposition.toLowerCase()})`, line.amount, taxCode);
}

/** The credit memo's body, refused when it would not add up to the refund. */
export function toBcCreditMemo(doc: CreditMemoDocument, options: BcCreditMemoOptions): BcCreditMemoBody {
  const channelAmounts = (options.taxMode ?? DEFAULT_TAX_MODE) === 'CHANNEL_AMOUNTS';
  const lines = doc.lines.map((line, i) => bodyLine(line, i, options, channelAmounts));
  const tax = sum(doc.lines.map((l) => l.tax), doc.currency);
  if (channelAmounts && tax.amount !== 0n) {
    if (!options.taxAccountNumber) refuse('the refund carries tax but the target has no taxAccountNumber (CHANNEL_AMOUNTS)', 'taxAccountNumber', 'UNMAPPED');
    lines.push(accountLine(options.taxAccountNumber, 'Tax refunded', tax, options.exemptTaxCode));
  }
  // Under ERP_CALCULATES BC computes the tax itself: the figure it is expected to reach is the channel's.
  const total = sum([...doc.lines.map((l) => l.amount), tax], doc.currency);
  if (total.amount !== doc.total.amount) {
    refuse(`the credit memo adds up to ${formatDecimal(total)} ${doc.currency} but the refund is ${formatDecimal(doc.total)}`, 'total', 'DOCUMENT_TOTAL_MISMATCH');
  }
  const customer = doc.customerId.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(doc.creditDate) ? doc.creditDate : refuse(`creditDate ${doc.creditDate} is not a date`, 'creditDate', 'INVALID_DATE');
  return {
    externalDocumentNumber: bcExternalDocumentNumber(doc.externalId),
    ...(GUID.test(customer) ? { customerId: customer } : { customerNumber: customer }),
    creditMemoDate: date,
    currencyCode: bcCurrencyCode(doc.currency, options.localCurrency),
    ...(doc.invoiceInternalId && GUID.test(doc.invoiceInternalId) && { invoiceId: doc.invoiceInternalId }),
    ...(doc.reasonCode && GUID.test(doc.reasonCode) && { customerReturnReasonId: doc.reasonCode }),
    salesCreditMemoLines: lines.map((l, i) => ({ sequence: (i + 1) * 10000, ...l })),
  };
}
