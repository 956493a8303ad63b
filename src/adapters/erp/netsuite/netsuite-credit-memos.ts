/**
 * A refund's credit in NetSuite: the chain of netsuite-credit-memo.mapper.ts, one record at a time.
 *
 *   RA:  GET returnAuthorization/eid:{key}-RA?expandSubResources=true | 404, else
 *        GET salesOrder/{id}?expandSubResources=true, POST salesOrder/{id}/!transform/returnAuthorization?replace=item
 *   IR:  GET itemReceipt/eid:{key}-IR | 404, else POST returnAuthorization/{id}/!transform/itemReceipt   (goods that came back)
 *   CM:  GET creditMemo/eid:{key}-CM | 404, else POST returnAuthorization/{id}/!transform/creditMemo?replace=item,
 *        then GET creditMemo/{id} for NetSuite's total and tranId
 *   CR:  GET customerRefund/eid:{key}-CR-{gateway} | 404, else PUT customerRefund/eid:… (upsert), applied to the credit memo
 *
 * An order the target holds as a cash sale (counterSales CASH_SALE) is returned from the cash sale
 * and paid back at once: RA from cashSale/{id}, the receipt as above, then
 *   CRF: GET cashRefund/eid:{key}-CRF | 404, else POST returnAuthorization/{id}/!transform/cashRefund?replace=item,
 *        out of the refund's one card or cash tender's clearing account; no credit memo, no customer refund.
 *
 * A transform cannot be addressed by external id, so each record is looked up by its key first and
 * again when NetSuite refuses the transform (a second record with the key is refused as a duplicate):
 * a retry after an ambiguous outcome finishes the chain where it stopped and never makes a second
 * record. The credit memo is checked against the refund before anything is sent. The credit is the
 * credit memo with its customer refunds: findCreditMemo answers null until all exist, and the next
 * attempt completes the chain.
 */
import type { CreditMemoDocument } from '../credit-documents.js';
import { DeliveryError, type ErpCallContext, type ErpDocumentRef } from '../erp-adapter.port.js';
import { erpTotalOf } from '../shared/erp-total.js';
import { internalIdFromLocation, recordOf, type NetSuiteAnswer, type NetSuiteClient } from './netsuite-client.js';
import {
  checkedNetSuiteCreditMemo, RETURN_KEYS, toNetSuiteCustomerRefunds, toNetSuiteItemReceipt, toNetSuiteReturnAuthorization,
} from './netsuite-credit-memo.mapper.js';
import { readOrderLines } from './netsuite-fulfillment.mapper.js';
import { parseNetSuiteError } from './netsuite.errors.js';
import type { NetSuiteMappingOptions } from './netsuite.mapper.js';

type Json = Record<string, unknown>;
type ReturnRecord = 'returnAuthorization' | 'itemReceipt' | 'creditMemo' | 'customerRefund' | 'cashRefund';

const ok = (answer: NetSuiteAnswer): boolean => answer.status >= 200 && answer.status <= 299;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export class NetSuiteCreditMemos {
  constructor(
    private readonly client: NetSuiteClient,
    private readonly options: NetSuiteMappingOptions,
  ) {}

  async post(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    if (doc.against === 'CASH_SALE') return this.cashRefund(doc, ctx);
    // Refused before anything is sent when it would not add up or a tender has no account; the RA's own line numbers come later.
    checkedNetSuiteCreditMemo(doc, doc.lines.map((_, i) => i + 1), this.options);
    toNetSuiteCustomerRefunds(doc, '0');
    let memo = await this.read('creditMemo', { externalId: RETURN_KEYS.creditMemo(doc.externalId) }, ctx);
    if (!memo) {
      const ra = await this.returnAuthorization(doc, ctx);
      const raId = String(ra.id);
      const raLines = this.raLines(ra, doc);
      const receipt = toNetSuiteItemReceipt(doc, raLines);
      if (receipt) await this.transform('returnAuthorization', raId, 'itemReceipt', receipt, receipt.externalId, ctx);
      const body = checkedNetSuiteCreditMemo(doc, raLines, this.options);
      memo = await this.transform('returnAuthorization', raId, 'creditMemo', body, body.externalId, ctx, { replace: 'item' });
    }
    for (const refund of toNetSuiteCustomerRefunds(doc, String(memo.id))) {
      if (await this.read('customerRefund', { externalId: refund.externalId }, ctx)) continue;
      // A customer refund is a record of its own: PUT by external id is NetSuite's upsert, so it is never made twice.
      const answer = await this.client.send('PUT', this.client.url('customerRefund', { externalId: refund.externalId }), refund, ctx);
      if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    }
    return this.refOf(memo, doc);
  }

  /** A cash sale's return: the authorization from the cash sale, the receipt, and the cash refund paid out of the tender's account. */
  private async cashRefund(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const account = this.refundAccount(doc);
    checkedNetSuiteCreditMemo(doc, doc.lines.map((_, i) => i + 1), this.options);
    let refund = await this.read('cashRefund', { externalId: RETURN_KEYS.cashRefund(doc.externalId) }, ctx);
    if (!refund) {
      const ra = await this.returnAuthorization(doc, ctx);
      const raId = String(ra.id);
      const raLines = this.raLines(ra, doc);
      const receipt = toNetSuiteItemReceipt(doc, raLines);
      if (receipt) await this.transform('returnAuthorization', raId, 'itemReceipt', receipt, receipt.externalId, ctx);
      const memo = checkedNetSuiteCreditMemo(doc, raLines, this.options);
      const body = { ...memo, externalId: RETURN_KEYS.cashRefund(doc.externalId), account: { id: account } };
      refund = await this.transform('returnAuthorization', raId, 'cashRefund', body, body.externalId, ctx, { replace: 'item' });
    }
    return this.refOf(refund, doc);
  }

  /** A cash refund pays out of one account: the clearing account of the refund's one card or cash tender, all of it. */
  private refundAccount(doc: CreditMemoDocument): string {
    const paid = doc.tenders.filter((t) => t.amount.amount !== 0n);
    if (paid.length !== 1 || paid[0].tender !== 'ORIGINAL_PAYMENT' || paid[0].amount.amount !== doc.total.amount) {
      throw new DeliveryError('PERMANENT', `a cash refund pays the whole ${doc.total.amount} minor units out of one account; the refund went back as ${paid.map((t) => `${t.amount.amount} ${t.tender}`).join(', ') || 'nothing'}`, { code: 'CASH_REFUND_TENDERS', field: 'tenders' });
    }
    if (!paid[0].accountId) throw new DeliveryError('MISSING_DEPENDENCY', `no TENDER clearing account for ${paid[0].gateway}`, { code: 'UNMAPPED', field: 'tenders[0].accountId' });
    return paid[0].accountId;
  }

  /** The credit memo, once it and every customer refund of the credit exist; null before. */
  async find(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    if (doc.against === 'CASH_SALE') {
      const refund = await this.read('cashRefund', { externalId: RETURN_KEYS.cashRefund(doc.externalId) }, ctx);
      return refund ? this.refOf(refund, doc) : null;
    }
    const memo = await this.read('creditMemo', { externalId: RETURN_KEYS.creditMemo(doc.externalId) }, ctx);
    if (!memo) return null;
    for (const refund of toNetSuiteCustomerRefunds(doc, String(memo.id))) {
      if (!(await this.read('customerRefund', { externalId: refund.externalId }, ctx))) return null;
    }
    return this.refOf(memo, doc);
  }

  private async returnAuthorization(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<Json> {
    const key = RETURN_KEYS.returnAuthorization(doc.externalId);
    const found = await this.read('returnAuthorization', { externalId: key }, ctx, true);
    if (found) return found;
    const source = doc.against === 'CASH_SALE' ? 'cashSale' : 'salesOrder';
    const order = await this.read(source, { internalId: doc.salesOrderInternalId }, ctx, true);
    if (!order) throw new DeliveryError('MISSING_DEPENDENCY', `NetSuite has no ${source} ${doc.salesOrderInternalId} to return against`, { code: 'SALES_ORDER_MISSING', field: 'salesOrderInternalId' });
    const body = toNetSuiteReturnAuthorization(doc, readOrderLines(order, this.options));
    return this.transform(source, doc.salesOrderInternalId, 'returnAuthorization', body, key, ctx, { replace: 'item' }, true);
  }

  /** The RA's line numbers in the credit's line order: it was written with ?replace=item from those lines. */
  private raLines(ra: Json, doc: CreditMemoDocument): number[] {
    const items = isObject(ra.item) && Array.isArray(ra.item.items) ? ra.item.items.filter(isObject) : undefined;
    if (!items) throw new DeliveryError('RETRYABLE', 'NetSuite answered the return authorization without its item lines', { code: 'UNREADABLE_RECORD' });
    const lines = items.map((l) => l.line).filter((n): n is number => typeof n === 'number').sort((a, b) => a - b);
    if (lines.length !== doc.lines.length) {
      throw new DeliveryError('PERMANENT', `the return authorization ${RETURN_KEYS.returnAuthorization(doc.externalId)} has ${lines.length} lines, the credit ${doc.lines.length}`, { code: 'LINE_MISMATCH', field: 'lines' });
    }
    return lines;
  }

  /**
   * One transform, exactly once: a refusal is answered by the record already under the key, if
   * there is one. The written record is read back (NetSuite's answer is 204 without it).
   */
  private async transform(
    from: 'salesOrder' | 'cashSale' | 'returnAuthorization', fromId: string, to: ReturnRecord, body: unknown, key: string, ctx: ErpCallContext,
    query: Record<string, string> = {}, expand = false,
  ): Promise<Json> {
    const answer = await this.client.send('POST', this.client.url(from, { internalId: fromId }, `/!transform/${to}`, query), body, ctx);
    if (!ok(answer)) {
      const refusal = parseNetSuiteError(answer.status, answer.text, answer.headers);
      if (refusal.kind !== 'PERMANENT') throw refusal;
      const existing = await this.read(to, { externalId: key }, ctx, expand);
      if (existing) return existing;
      throw refusal;
    }
    const internalId = internalIdFromLocation(answer.headers.get('location'), to);
    const record = await this.read(to, internalId !== undefined ? { internalId } : { externalId: key }, ctx, expand);
    if (!record) throw new DeliveryError('AMBIGUOUS', `NetSuite accepted the ${to} but did not find it afterwards`, { code: 'NO_LOCATION' });
    return record;
  }

  private async read(type: ReturnRecord | 'salesOrder' | 'cashSale', id: { internalId: string } | { externalId: string }, ctx: ErpCallContext, expand = false): Promise<Json | undefined> {
    const answer = await this.client.send('GET', this.client.url(type, id, '', expand ? { expandSubResources: 'true' } : {}), undefined, ctx);
    if (answer.status === 404) return undefined;
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const record = recordOf(answer);
    if (!record || (typeof record.id !== 'string' && typeof record.id !== 'number')) {
      throw new DeliveryError('RETRYABLE', `NetSuite answered the ${type} look-up without a record`, { status: answer.status, code: 'UNREADABLE_RECORD' });
    }
    return record;
  }

  private refOf(memo: Json, doc: CreditMemoDocument): ErpDocumentRef {
    const erpTotal = erpTotalOf(memo.total, doc.currency);
    const tranId = memo.tranId;
    return {
      internalId: String(memo.id), documentNumber: typeof tranId === 'string' && tranId !== '' ? tranId : null,
      expectedTotal: doc.total, ...(erpTotal && { erpTotal }),
    };
  }
}
