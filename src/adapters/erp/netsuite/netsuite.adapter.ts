/**
 * NetSuite through the SuiteTalk REST record API (record/v1), token-based authentication.
 *
 *   upsert: PUT  {base}/services/rest/record/v1/salesOrder/eid:{externalId}?replace=item[,taxDetails] → 204 + Location,
 *           then GET …/salesOrder/{id} for NetSuite's own total (and the tranId): the write returns no body;
 *           with batchedReadBack the total is read later instead, many orders in one SuiteQL query:
 *   totals: POST {base}/services/rest/query/v1/suiteql  SELECT id, tranid, foreigntotal FROM transaction WHERE id IN (…)
 *   find:   GET  {base}/services/rest/record/v1/salesOrder/eid:{externalId}             → 200 record | 404
 *   ship:   GET  …/salesOrder/{id}?expandSubResources=true (the lines), then
 *           POST …/salesOrder/{id}/!transform/itemFulfillment                       → 204 + Location
 *   find:   GET  …/itemFulfillment/eid:{externalId}                                  → 200 record | 404
 *   change: GET  …/salesOrder/{id}?expandSubResources=true, then PATCH …/salesOrder/{id} (item lines)
 *   credit: return authorization, item receipt and credit memo transformed from the order (netsuite-credit-memos.ts)
 *   journal: PUT …/journalEntry/eid:{externalId}, read back (netsuite-journals.ts)
 *   cash sale: PUT …/cashSale/eid:{externalId}, read back (netsuite-cash-sales.ts)
 *
 * PUT by external id is NetSuite's upsert: it creates the order or updates the one with that
 * external id, so sending a document again never makes a second one. `replace=item` replaces the
 * item sublist instead of merging into it (a merge would add the lines a second time).
 *
 * Fulfilments are exactly once through NetSuite itself: the itemFulfillment carries the hub's key as
 * externalId, which NetSuite keeps unique per record type. When the transform is refused, the adapter
 * looks the key up before giving up: a fulfilment sent a second time (after a lost answer, or by a
 * replay) is refused as a duplicate, or as more than the order has left once the first one took it,
 * and either way the answer is the record that already exists. Lines are matched as described in
 * netsuite-fulfillment.mapper.ts. Line changes are absolute (quantity and amount) and skip lines already as wanted.
 *
 * Requests are signed and sent by NetSuiteClient (netsuite-client.ts). One call is one attempt:
 * retries, backoff and the look-up after an ambiguous outcome belong to the posting pipeline.
 */
import { changeInBasis, documentInBasis } from '../shared/currency-basis.js';
import type { CreditMemoDocument } from '../credit-documents.js';
import { DeliveryError, type CashSaleDocument, type ErpAdapter, type ErpCallContext, type ErpConnection, type ErpDocumentRef, type FulfillmentDocument, type ReadTotal, type SalesOrderChangeDocument, type SalesOrderDocument, type TotalQuery } from '../erp-adapter.port.js';
import { NetSuiteClient, internalIdFromLocation, recordOf, type NetSuiteAnswer } from './netsuite-client.js';
import { NetSuiteCashSales } from './netsuite-cash-sales.js';
import { NetSuiteCreditMemos } from './netsuite-credit-memos.js';
import { NetSuiteJournals, type NetSuiteJournalOptions } from './netsuite-journals.js';
import type { JournalDocument } from '../journal-documents.js';
import { closeNetSuiteRemainder, readOrderLines, toNetSuiteItemFulfillment, toNetSuiteLineChanges } from './netsuite-fulfillment.mapper.js';
import { parseNetSuiteError } from './netsuite.errors.js';
import { erpTotalOf } from '../shared/erp-total.js';
import { checkedNetSuiteSalesOrder } from './netsuite-document-total.js';

export { internalIdFromLocation } from './netsuite-client.js';

export interface NetSuiteAdapterOptions extends NetSuiteJournalOptions {
  /**
   * Read the document number (tranId) with a GET after each fulfilment. Off by default: the write
   * does not return it, and a second request per document halves what the account's concurrency
   * limit allows. A sales order is always read back (for NetSuite's total), so it has its tranId.
   */
  readonly fetchDocumentNumber?: boolean;
  /**
   * Do not read a sales order back after writing it: the hub reads the totals of the orders written
   * meanwhile with one SuiteQL query (readTotals). A GET per order inside the account's concurrency
   * limit halves how many orders it takes; the batch costs one request per hundreds of orders.
   */
  readonly batchedReadBack?: boolean;
}

/** SuiteQL pages hold up to 1,000 rows: a batch of ids never needs a second page. */
export const READ_TOTALS_BATCH = 1000;

type RecordType = 'salesOrder' | 'itemFulfillment';

const ok = (answer: NetSuiteAnswer): boolean => answer.status >= 200 && answer.status <= 299;
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export class NetSuiteAdapter implements ErpAdapter {
  readonly variant = 'netsuite' as const;
  private readonly client: NetSuiteClient;
  private readonly credits: NetSuiteCreditMemos;
  private readonly journals: NetSuiteJournals;
  private readonly cashSales: NetSuiteCashSales;

  constructor(
    connection: ErpConnection,
    private readonly options: NetSuiteAdapterOptions = {},
  ) {
    this.client = new NetSuiteClient(connection);
    this.credits = new NetSuiteCreditMemos(this.client, options);
    this.journals = new NetSuiteJournals(this.client, options);
    this.cashSales = new NetSuiteCashSales(this.client, options);
  }

  upsertCashSale(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return this.cashSales.upsert(doc, ctx);
  }

  findCashSale(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    return this.cashSales.find(doc, ctx);
  }

  postJournal(doc: JournalDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return this.journals.post(doc, ctx);
  }

  findJournal(doc: JournalDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    return this.journals.find(doc, ctx);
  }

  postCreditMemo(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return this.credits.post(doc, ctx);
  }

  findCreditMemo(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    return this.credits.find(doc, ctx);
  }

  async upsertSalesOrder(order: SalesOrderDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const doc = documentInBasis(order, this.options.currencyBasis);
    const body = checkedNetSuiteSalesOrder(doc, this.options);
    // The tax override's details are replaced with the lines: merged, an update would keep the old ones beside the new.
    const url = this.client.url('salesOrder', { externalId: doc.externalId }, '', { replace: body.taxDetails ? 'item,taxDetails' : 'item' });
    const answer = await this.client.send('PUT', url, body, ctx);
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const internalId = internalIdFromLocation(answer.headers.get('location'), 'salesOrder');
    const expectedTotal = doc.grandTotal;
    if (this.options.batchedReadBack && internalId !== undefined) return { internalId, documentNumber: null, expectedTotal, totalReadLater: true };
    // The write answers 204 without the record: one GET reads NetSuite's total (and the tranId).
    let record: Record<string, unknown> | undefined;
    try {
      record = await this.readRecord(internalId !== undefined ? { internalId } : { externalId: doc.externalId }, ctx);
    } catch (err) {
      if (internalId === undefined) {
        throw new DeliveryError('AMBIGUOUS', `NetSuite accepted the salesOrder but it could not be read back: ${err instanceof Error ? err.message : String(err)}`, { code: 'NO_LOCATION' });
      }
      // Written, and where is known: the posting stands without NetSuite's total rather than be sent again.
      this.client.logger.warn({ msg: 'NetSuite sales order written but its total could not be read back', externalId: doc.externalId, internalId, err: err instanceof Error ? err.message : String(err) });
      return { internalId, documentNumber: null, expectedTotal };
    }
    if (!record) {
      if (internalId !== undefined) return { internalId, documentNumber: null, expectedTotal };
      throw new DeliveryError('AMBIGUOUS', 'NetSuite accepted the salesOrder but did not find it by its external id afterwards', { code: 'NO_LOCATION' });
    }
    const ref = this.refOf(record, 'salesOrder');
    const erpTotal = erpTotalOf(record.total, doc.currency);
    return { internalId: internalId ?? ref.internalId, documentNumber: ref.documentNumber, expectedTotal, ...(erpTotal && { erpTotal }) };
  }

  async findSalesOrder(externalId: string, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const record = await this.readRecord({ externalId }, ctx);
    if (!record) return null;
    // The currency is a record reference; its ISO code is known only when referenced by external id.
    const currency = isRecord(record.currency) ? record.currency.externalId : undefined;
    const erpTotal = typeof currency === 'string' ? erpTotalOf(record.total, currency) : undefined;
    return { ...this.refOf(record, 'salesOrder'), ...(erpTotal && { erpTotal }) };
  }

  async readTotals(documents: readonly TotalQuery[], ctx: ErpCallContext): Promise<Map<string, ReadTotal>> {
    const found = new Map<string, ReadTotal>();
    if (documents.length === 0) return found;
    if (documents.length > READ_TOTALS_BATCH) throw new RangeError(`at most ${READ_TOTALS_BATCH} documents per read, got ${documents.length}`);
    // Internal ids are digits (from Location); anything else never reaches the query text.
    const ids = documents.map((d) => d.internalId).filter((id) => /^\d{1,18}$/.test(id));
    if (ids.length === 0) return found;
    const q = `SELECT id, tranid, foreigntotal FROM transaction WHERE id IN (${ids.join(', ')})`;
    const answer = await this.client.send('POST', this.client.suiteQlUrl(READ_TOTALS_BATCH), { q }, ctx, { query: true });
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const items = recordOf(answer)?.items;
    if (!Array.isArray(items)) throw new DeliveryError('RETRYABLE', 'NetSuite answered the SuiteQL query without items', { status: answer.status, code: 'UNREADABLE_RECORD' });
    const currencyOf = new Map(documents.map((d) => [d.internalId, d.currency]));
    for (const item of items) {
      if (!isRecord(item) || (typeof item.id !== 'string' && typeof item.id !== 'number')) continue;
      const id = String(item.id);
      const currency = currencyOf.get(id);
      if (currency === undefined) continue;
      const erpTotal = erpTotalOf(item.foreigntotal, currency);
      found.set(id, { documentNumber: typeof item.tranid === 'string' ? item.tranid : null, ...(erpTotal && { erpTotal }) });
    }
    return found;
  }

  /** The sales order record (header only), or undefined when NetSuite has none with that id. */
  private async readRecord(id: { readonly internalId: string } | { readonly externalId: string }, ctx: ErpCallContext): Promise<Record<string, unknown> | undefined> {
    const answer = await this.client.send('GET', this.client.url('salesOrder', id), undefined, ctx);
    if (answer.status === 404) return undefined;
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const record = recordOf(answer);
    if (!record) throw new DeliveryError('RETRYABLE', 'NetSuite answered the look-up without a record', { status: answer.status, code: 'UNREADABLE_RECORD' });
    return record;
  }

  async postFulfillment(doc: FulfillmentDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const order = await this.readOrder(doc.salesOrderInternalId, ctx);
    const body = toNetSuiteItemFulfillment(doc, readOrderLines(order, this.options));
    const url = this.client.url('salesOrder', { internalId: doc.salesOrderInternalId }, '/!transform/itemFulfillment');
    const answer = await this.client.send('POST', url, body, ctx);
    if (ok(answer)) return this.written('itemFulfillment', doc.externalId, answer, ctx);

    const refusal = parseNetSuiteError(answer.status, answer.text, answer.headers);
    if (refusal.kind !== 'PERMANENT') throw refusal;
    // Refused as a duplicate or as more than is left: if this key is already a fulfilment, that is ours.
    // A look-up that fails throws its own (retryable) error: better to ask again than to give up on a posted one.
    const existing = await this.findByExternalId('itemFulfillment', doc.externalId, ctx);
    if (existing) return existing;
    throw refusal;
  }

  async findFulfillment(doc: FulfillmentDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    return this.findByExternalId('itemFulfillment', doc.externalId, ctx);
  }

  async changeSalesOrderLines(change: SalesOrderChangeDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const doc = changeInBasis(change, this.options.currencyBasis);
    const order = await this.readOrder(doc.salesOrderInternalId, ctx);
    const ref = this.refOf(order, 'salesOrder');
    const lines = readOrderLines(order, this.options);
    const changes = toNetSuiteLineChanges(doc, lines, this.options);
    const changed = new Set(changes.flatMap((c) => ('line' in c && typeof c.line === 'number' ? [c.line] : [])));
    const shipping = doc.closeWholeOrder ? closeNetSuiteRemainder(order, lines, changed) : { lines: [], header: {} };
    const items = [...changes, ...shipping.lines];
    if (items.length === 0 && Object.keys(shipping.header).length === 0) return ref;
    // An emptied taxDetails sublist replaces the stored one; item lines are still changed line by line.
    const replace = shipping.header.taxDetails ? { replace: 'taxDetails' } : undefined;
    const url = this.client.url('salesOrder', { internalId: doc.salesOrderInternalId }, '', replace);
    const answer = await this.client.send('PATCH', url, { ...shipping.header, ...(items.length > 0 && { item: { items } }) }, ctx);
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    return ref;
  }

  /** The sales order with its item lines. */
  private async readOrder(internalId: string, ctx: ErpCallContext): Promise<Record<string, unknown>> {
    const url = this.client.url('salesOrder', { internalId }, '', { expandSubResources: 'true' });
    const answer = await this.client.send('GET', url, undefined, ctx);
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const record = recordOf(answer);
    if (!record) throw new DeliveryError('RETRYABLE', 'NetSuite answered the sales order with something that is not a record', { status: answer.status, code: 'UNREADABLE_RECORD' });
    return record;
  }

  /** The ref of a record just written: its id from Location, the document number when asked for. */
  private async written(type: RecordType, externalId: string, answer: NetSuiteAnswer, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const internalId = internalIdFromLocation(answer.headers.get('location'), type);
    if (internalId !== undefined && !this.options.fetchDocumentNumber) return { internalId, documentNumber: null };
    let found: ErpDocumentRef | null = null;
    try {
      found = await this.findByExternalId(type, externalId, ctx);
    } catch (err) {
      if (internalId !== undefined) return { internalId, documentNumber: null };
      // Stored, but where is unknown: the pipeline looks it up before sending again.
      throw new DeliveryError('AMBIGUOUS', `NetSuite accepted the ${type} but its id could not be read back: ${err instanceof Error ? err.message : String(err)}`, { code: 'NO_LOCATION' });
    }
    if (found) return internalId !== undefined ? { internalId, documentNumber: found.documentNumber } : found;
    if (internalId !== undefined) return { internalId, documentNumber: null };
    throw new DeliveryError('AMBIGUOUS', `NetSuite accepted the ${type} but did not find it by its external id afterwards`, { code: 'NO_LOCATION' });
  }

  private async findByExternalId(type: RecordType, externalId: string, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const answer = await this.client.send('GET', this.client.url(type, { externalId }), undefined, ctx);
    // Not found, whatever the code: a false "absent" is harmless, as NetSuite refuses a second record with the key.
    if (answer.status === 404) return null;
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const record = recordOf(answer);
    if (!record) throw new DeliveryError('RETRYABLE', 'NetSuite answered the look-up without a record', { status: answer.status, code: 'UNREADABLE_RECORD' });
    return this.refOf(record, type, answer.status);
  }

  private refOf(record: Record<string, unknown>, type: RecordType, status?: number): ErpDocumentRef {
    const id = record.id;
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new DeliveryError('RETRYABLE', `NetSuite answered the ${type} without a record id`, { ...(status !== undefined && { status }), code: 'UNREADABLE_RECORD' });
    }
    const tranId = record.tranId;
    return { internalId: String(id), documentNumber: typeof tranId === 'string' && tranId !== '' ? tranId : null };
  }
}
