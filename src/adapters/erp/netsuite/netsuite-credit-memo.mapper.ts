/**
 * CreditMemoDocument → NetSuite's chain of return records (record/v1; header fields per the
 * ReturnAuthorization and CreditMemo field lists in ../shared/contracts/netsuite). Pure: no I/O, no clock.
 *
 *  1. Return Authorization, transformed from the sales order (POST salesOrder/{id}/!transform/
 *     returnAuthorization?replace=item): one line per credit line, in the credit's order. Item
 *     lines name the sales order line they return (`orderLine`, matched as fulfilments match it:
 *     netsuite-fulfillment.mapper.ts); shipping, duties, fees and discrepancies are lines of their
 *     mapped Other Charge item (CreditAccountLine.accountId), so the credit memo can carry them.
 *  2. Item Receipt from the RA (…/returnAuthorization/{id}/!transform/itemReceipt), only when goods
 *     came back (a disposition and a location): the received RA lines with their units and
 *     location, every other RA line itemReceive false. NetSuite has no restock flag on a credit
 *     line: goods are restocked (or written off, by the account's return preferences and the
 *     location) by being received, so writeOffAccountId has no field here.
 *  3. Credit Memo from the RA (…/!transform/creditMemo?replace=item): each RA line with the
 *     refunded money as its amount (the net of the units; rate = the unit price it listed at for
 *     goods, the amount for charges). Tax as the sales order carries it (netsuite.mapper.ts):
 *     CHANNEL_AMOUNTS, a SuiteTax override with the channel's refunded tax per line; ERP_CALCULATES,
 *     the lines' tax codes and NetSuite computes it.
 *  4. Customer Refunds for the money paid back (toNetSuiteCustomerRefunds).
 * Each record carries a key of its own derived from the credit's (`-RA`, `-IR`, `-CM`, `-CR-…`): a transform
 * cannot be addressed by external id, so the adapter looks each key up before transforming again.
 * The credit memo must add up to the refund (Σ amounts + tax) or nothing is sent (DOCUMENT_TOTAL_MISMATCH).
 */
import { formatDecimal, parseDecimal, sum, type Money } from '../../../canonical/money.js';
import type { CreditItemLine, CreditLine, CreditMemoDocument } from '../credit-documents.js';
import { DeliveryError } from '../erp-adapter.port.js';
import { DEFAULT_TAX_MODE } from '../shared/document-money.js';
import { requireLine, wholeQuantity } from '../shared/line-match.js';
import type { NsOrderLine } from './netsuite-fulfillment.mapper.js';
import { netSuiteAmount, type NetSuiteMappingOptions, type NsRef, type NsTaxDetail } from './netsuite.mapper.js';

export const RETURN_KEYS = {
  returnAuthorization: (key: string): string => `${key}-RA`,
  itemReceipt: (key: string): string => `${key}-IR`,
  creditMemo: (key: string): string => `${key}-CM`,
  cashRefund: (key: string): string => `${key}-CRF`,
  /** External ids take letters, digits, _ and -: the gateway's other characters become _. */
  customerRefund: (key: string, gateway: string): string => `${key}-CR-${gateway.replace(/[^A-Za-z0-9_-]/g, '_')}`,
} as const;

export interface NsReturnLine {
  readonly orderLine?: number;
  readonly item: NsRef;
  readonly quantity: number;
  readonly rate: number;
  readonly amount: number;
  readonly description?: string;
  readonly location?: NsRef;
}

export interface NsReturnAuthorizationBody {
  readonly externalId: string;
  readonly tranDate: string;
  readonly orderStatus: { readonly id: 'B' };
  readonly memo?: string;
  readonly item: { readonly items: readonly NsReturnLine[] };
}

export interface NsReceiptLine {
  readonly orderLine: number;
  readonly itemReceive: boolean;
  readonly quantity?: number;
  readonly location?: NsRef;
}

export interface NsItemReceiptBody {
  readonly externalId: string;
  readonly tranDate: string;
  readonly memo?: string;
  readonly item: { readonly items: readonly NsReceiptLine[] };
}

export interface NsCreditLine {
  readonly orderLine: number;
  readonly item: NsRef;
  readonly quantity: number;
  readonly rate: number;
  readonly amount: number;
  readonly description?: string;
  readonly taxCode?: NsRef;
  readonly taxDetailsReference?: string;
}

export interface NsCreditMemoBody {
  readonly externalId: string;
  readonly tranDate: string;
  readonly memo?: string;
  readonly pricesIncludeTax: false;
  readonly taxDetailsOverride?: true;
  readonly taxDetails?: { readonly items: readonly NsTaxDetail[] };
  readonly item: { readonly items: readonly NsCreditLine[] };
}

function refuse(message: string, field: string, code = 'UNMAPPABLE_DOCUMENT'): never {
  throw new DeliveryError('PERMANENT', message, { code, field });
}

const ref = (id: string | null | undefined): NsRef | undefined => (id?.trim() ? { id: id.trim() } : undefined);
const comesBack = (line: CreditLine): line is CreditItemLine & { locationId: string } => line.kind === 'ITEM' && line.disposition !== null && !!line.locationId?.trim();

function dateOf(doc: CreditMemoDocument): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(doc.creditDate) ? doc.creditDate : refuse(`creditDate ${doc.creditDate} is not a date`, 'creditDate', 'INVALID_DATE');
}

function sameCurrency(value: Money, doc: CreditMemoDocument, field: string): Money {
  if (value.currency !== doc.currency) refuse(`${field} is in ${value.currency}, the credit in ${doc.currency}`, field, 'CURRENCY_MISMATCH');
  return value;
}

/** Money and units of one credit line as every record of the chain carries them. */
function lineMoney(line: CreditLine, index: number, doc: CreditMemoDocument): { item: NsRef; quantity: number; rate: number; amount: number; description?: string } {
  const at = `lines[${index}]`;
  const amount = netSuiteAmount(sameCurrency(line.amount, doc, `${at}.amount`), `${at}.amount`);
  if (line.kind === 'ACCOUNT') {
    const item = ref(line.accountId) ?? refuse(`the ${line.component} line has no Other Charge item`, `${at}.accountId`, 'UNMAPPED');
    return { item, quantity: 1, rate: amount, amount, description: line.description };
  }
  const item = ref(line.itemId) ?? refuse(`line ${line.lineRef} has no item`, `${at}.itemId`, 'MISSING_ITEM');
  const quantity = wholeQuantity(line.quantity, 1, `${at}.quantity`, line.lineRef);
  const rate = netSuiteAmount(sameCurrency(line.unitPrice, doc, `${at}.unitPrice`), `${at}.unitPrice`);
  return { item, quantity, rate, amount, ...(line.description && { description: line.description }) };
}

/** The RA body: every credit line, item lines tied to the sales order line they return. */
export function toNetSuiteReturnAuthorization(doc: CreditMemoDocument, orderLines: readonly NsOrderLine[]): NsReturnAuthorizationBody {
  if (doc.lines.length === 0) refuse('the credit has no lines', 'lines', 'NO_LINES');
  const items = doc.lines.map((line, i): NsReturnLine => {
    const money = lineMoney(line, i, doc);
    if (line.kind === 'ACCOUNT') return money;
    const ordered = requireLine(orderLines, { lineRef: line.lineRef, itemId: line.itemId, lineIndex: line.lineIndex }, `lines[${i}]`, 'NetSuite');
    return { orderLine: ordered.line, ...money };
  });
  return {
    externalId: RETURN_KEYS.returnAuthorization(doc.externalId),
    tranDate: dateOf(doc),
    // Pending Receipt: approved by the hub, whose channel already agreed to the return.
    orderStatus: { id: 'B' },
    ...(doc.memo && { memo: doc.memo }),
    item: { items },
  };
}

/** The item receipt body, or null when nothing comes back (refund before or without the goods). `raLines`: the RA's line numbers, in the credit's line order. */
export function toNetSuiteItemReceipt(doc: CreditMemoDocument, raLines: readonly number[]): NsItemReceiptBody | null {
  if (!doc.lines.some(comesBack)) return null;
  const items = doc.lines.map((line, i): NsReceiptLine => {
    const orderLine = raLines[i] ?? refuse(`the return authorization has no line for lines[${i}]`, `lines[${i}]`, 'LINE_NOT_FOUND');
    return comesBack(line)
      ? { orderLine, itemReceive: true, quantity: line.quantity, location: { id: line.locationId.trim() } }
      : { orderLine, itemReceive: false };
  });
  return { externalId: RETURN_KEYS.itemReceipt(doc.externalId), tranDate: dateOf(doc), ...(doc.memo && { memo: doc.memo }), item: { items } };
}

/** The credit memo body (unchecked); see checkedNetSuiteCreditMemo. */
export function toNetSuiteCreditMemo(doc: CreditMemoDocument, raLines: readonly number[], options: NetSuiteMappingOptions = {}): NsCreditMemoBody {
  const channelAmounts = (options.taxMode ?? DEFAULT_TAX_MODE) === 'CHANNEL_AMOUNTS';
  const details: NsTaxDetail[] = [];
  const items = doc.lines.map((line, i): NsCreditLine => {
    const at = `lines[${i}]`;
    const orderLine = raLines[i] ?? refuse(`the return authorization has no line for ${at}`, at, 'LINE_NOT_FOUND');
    const { item, quantity, rate, amount, description } = lineMoney(line, i, doc);
    const reference = `L${i + 1}`;
    const tax = sameCurrency(line.tax, doc, `${at}.tax`);
    const taxCode = ref(line.taxCode);
    if (channelAmounts && tax.amount !== 0n) {
      details.push({
        taxDetailsReference: reference, lineType: 'Item', lineName: `Tax refunded: ${line.description}`, ...(taxCode && { taxCode }),
        taxBasis: amount, taxAmount: netSuiteAmount(tax, `${at}.tax`),
      });
    }
    return {
      orderLine, item, quantity, rate, amount, ...(description && { description }),
      ...(!channelAmounts && taxCode && { taxCode }), ...(channelAmounts && { taxDetailsReference: reference }),
    };
  });
  return {
    externalId: RETURN_KEYS.creditMemo(doc.externalId),
    tranDate: dateOf(doc),
    ...(doc.memo && { memo: doc.memo }),
    pricesIncludeTax: false,
    ...(channelAmounts && { taxDetailsOverride: true as const, taxDetails: { items: details } }),
    item: { items },
  };
}

/** What the credit memo body adds up to as NetSuite totals it; the channel's tax stands in under ERP_CALCULATES. */
export function netSuiteCreditTotal(body: NsCreditMemoBody, doc: CreditMemoDocument): Money {
  const money = (value: number): Money => parseDecimal(value, doc.currency);
  const tax = body.taxDetails ? body.taxDetails.items.map((d) => money(d.taxAmount)) : doc.lines.map((l) => l.tax);
  return sum([...body.item.items.map((l) => money(l.amount)), ...tax], doc.currency);
}

/** The credit memo body, refused (DOCUMENT_TOTAL_MISMATCH) unless it adds up to the refund. */
export function checkedNetSuiteCreditMemo(doc: CreditMemoDocument, raLines: readonly number[], options: NetSuiteMappingOptions = {}): NsCreditMemoBody {
  const body = toNetSuiteCreditMemo(doc, raLines, options);
  const total = netSuiteCreditTotal(body, doc);
  if (total.currency !== doc.total.currency || total.amount !== doc.total.amount) {
    refuse(`the credit memo adds up to ${formatDecimal(total)} ${total.currency} but the refund is ${formatDecimal(doc.total)} ${doc.total.currency}; nothing was sent`, 'total', 'DOCUMENT_TOTAL_MISMATCH');
  }
  return body;
}

/** Whether any goods come back, i.e. the chain has an item receipt. */
export const receivesGoods = (doc: CreditMemoDocument): boolean => doc.lines.some(comesBack);

export interface NsCustomerRefundBody {
  readonly externalId: string;
  readonly customer: NsRef;
  readonly tranDate: string;
  readonly account: NsRef;
  readonly memo?: string;
  readonly apply: { readonly items: readonly { readonly doc: NsRef; readonly apply: true; readonly amount: number }[] };
}

/**
 * 4. Customer Refund (PUT customerRefund/eid:{key}-CR-{gateway}: an upsert, not a transform) for the
 * money that went back to the original payment, one per gateway, out of its TENDER clearing account
 * and applied to the credit memo. Gift cards and store credit leave the credit memo open as the
 * customer's credit. A cash tender without a clearing account waits for its mapping (MISSING_DEPENDENCY),
 * checked before anything is sent.
 */
export function toNetSuiteCustomerRefunds(doc: CreditMemoDocument, creditMemoId: string): NsCustomerRefundBody[] {
  const cash = doc.tenders.filter((t) => t.tender === 'ORIGINAL_PAYMENT' && t.amount.amount !== 0n);
  const total = sum(cash.map((t) => sameCurrency(t.amount, doc, 'tenders.amount')), doc.currency);
  if (total.amount > doc.total.amount) refuse(`the refund paid back ${formatDecimal(total)} but credits ${formatDecimal(doc.total)}`, 'tenders', 'DOCUMENT_TOTAL_MISMATCH');
  const customer = ref(doc.customerId) ?? refuse('the credit has no customer', 'customerId', 'MISSING_CUSTOMER');
  return cash.map((tender, i) => {
    const account = ref(tender.accountId);
    if (!account) throw new DeliveryError('MISSING_DEPENDENCY', `no TENDER clearing account for ${tender.gateway}`, { code: 'UNMAPPED', field: `tenders[${i}].accountId` });
    const amount = netSuiteAmount(tender.amount, `tenders[${i}].amount`);
    return {
      externalId: RETURN_KEYS.customerRefund(doc.externalId, tender.gateway), customer, tranDate: dateOf(doc), account,
      ...(doc.memo && { memo: doc.memo }), apply: { items: [{ doc: { id: creditMemoId }, apply: true as const, amount }] },
    };
  });
}
