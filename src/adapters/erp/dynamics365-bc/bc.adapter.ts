/**
 * Microsoft Dynamics 365 Business Central through API v2.0, with an OAuth 2.0 client-credentials
 * bearer token.
 *
 *   journal: general journal batch, lines, Microsoft.NAV.post, G/L entries read back (bc-journals.ts)
 *   cash sale: a sales invoice posted, the payment applied in a customer payment journal (bc-cash-sales.ts)
 *   find:   GET   {base}/v2.0/{tenant}/{env}/api/v2.0/companies({company})/salesOrders
 *                 ?$filter=externalDocumentNumber eq '{key}'&$expand=salesOrderLines
 *   create: POST  …/salesOrders  {header…, salesOrderLines: [...]}   (one deep insert) → 201
 *   update: PATCH …/salesOrders({id})  If-Match: {@odata.etag}        (header fields only)
 *   delete: DELETE …/salesOrders({id}) If-Match: {@odata.etag}        (an unposted duplicate, for the duplicate scan)
 *
 * Every answer carries BC's own totals: the upsert returns totalAmountIncludingTax as erpTotal with
 * the document's grand total as expectedTotal, with no extra request.
 *
 * Connection credentials and the request mechanics (token, timeouts, one retry on 401): bc-client.ts.
 *
 * Upsert. BC does not keep externalDocumentNumber unique, so every upsert looks the key up first and
 * creates only when nothing carries it; a retry after any failure (even one classed RETRYABLE) is
 * therefore safe. When the order is there:
 *  - same customer, currency and lines: nothing is written, except a PATCH of the header fields that
 *    changed (orderDate) with the order's etag (a stale etag → 412 → RETRYABLE, read again);
 *  - different customer, currency or lines: PERMANENT (code LINES_CHANGED). The API cannot change
 *    lines through the order (PATCH does not take salesOrderLines) and changing customer or currency
 *    in BC re-creates the lines; a person decides (e.g. cancel and re-post) and replays.
 * The externalDocumentNumber scheme (≤ 35 characters, upper case, a hash for longer keys) is in
 * `bcExternalDocumentNumber`; find and create both use it.
 *
 * Fulfilments and line changes (stage the lines, post with shipAndInvoice, the key carried on the
 * posted shipment): bc-fulfillment.ts.
 *
 * One call is one attempt: retries, backoff and concurrency caps belong to the posting pipeline.
 */
import { changeInBasis, documentInBasis } from '../shared/currency-basis.js';
import { BcJournals } from './bc-journals.js';
import { BcCashSales } from './bc-cash-sales.js';
import type { JournalDocument } from '../journal-documents.js';
import type { Money } from '../../../canonical/money.js';
import { DeliveryError, type CashSaleDocument, type ErpAdapter, type ErpCallContext, type ErpConnection, type ErpDocumentCopy, type ErpDocumentRef, type FulfillmentDocument, type SalesOrderChangeDocument, type SalesOrderDocument } from '../erp-adapter.port.js';
import type { CreditMemoDocument } from '../credit-documents.js';
import { erpTotalOf } from '../shared/erp-total.js';
import { BcClient, isObject, parseJson, type BusinessCentralAdapterDeps, type Json } from './bc-client.js';
import { BcCreditMemos } from './bc-credit-memos.js';
import { BcFulfillments } from './bc-fulfillment.js';
import { parseBcError } from './bc.errors.js';
import { bcExternalDocumentNumber, compareWithExisting, externalDocumentNumberFilter, serializeBcJson } from './bc.mapper.js';
import { checkedBcSalesOrder } from './bc-document-total.js';

export type { BusinessCentralAdapterDeps } from './bc-client.js';

function refOf(order: Json): ErpDocumentRef {
  const id = order.id;
  if (typeof id !== 'string' || id === '') throw new DeliveryError('RETRYABLE', 'Business Central answered with a sales order without an id', { code: 'UNREADABLE_ORDER' });
  const number = order.number;
  return { internalId: id, documentNumber: typeof number === 'string' && number !== '' ? number : null };
}

/** The ref with BC's own total (totalAmountIncludingTax) in the order's currency ('' is the company's). */
function withTotal(order: Json, localCurrency: string, expectedTotal?: Money): ErpDocumentRef {
  const code = typeof order.currencyCode === 'string' && order.currencyCode.trim() !== '' ? order.currencyCode.trim().toUpperCase() : localCurrency;
  const erpTotal = erpTotalOf(order.totalAmountIncludingTax, code);
  return { ...refOf(order), ...(expectedTotal && { expectedTotal }), ...(erpTotal && { erpTotal }) };
}

/** Orders per page of the full duplicate scan. */
const SCAN_PAGE = 200;

/** Something was shipped or invoiced from the order: BC has posted documents from it. */
const postedFrom = (order: Json): boolean =>
  Array.isArray(order.salesOrderLines) && (order.salesOrderLines as unknown[]).some((l) => isObject(l) && (Number(l.shippedQuantity) > 0 || Number(l.invoicedQuantity) > 0));

export class BusinessCentralAdapter implements ErpAdapter {
  readonly variant = 'dynamics365-bc' as const;
  private readonly client: BcClient;
  private readonly fulfillments: BcFulfillments;
  private readonly creditMemos: BcCreditMemos;
  private readonly journals: BcJournals;
  private readonly cashSales: BcCashSales;

  constructor(connection: ErpConnection, deps: BusinessCentralAdapterDeps = {}) {
    this.client = new BcClient(connection, deps);
    this.fulfillments = new BcFulfillments(this.client);
    this.creditMemos = new BcCreditMemos(this.client);
    this.journals = new BcJournals(this.client);
    this.cashSales = new BcCashSales(this.client);
  }

  upsertCashSale(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return this.cashSales.post(doc, ctx);
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
    return this.creditMemos.post(doc, ctx);
  }

  findCreditMemo(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    return this.creditMemos.find(doc, ctx);
  }

  async upsertSalesOrder(document: SalesOrderDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const settings = this.client.config();
    const doc = documentInBasis(document, settings.mapping.currencyBasis);
    const body = checkedBcSalesOrder(doc, settings.mapping);
    const existing = await this.lookup(doc.externalId, ctx, true);
    if (existing === undefined) {
      const created = await this.client.send('POST', settings.ordersUrl, serializeBcJson(body), ctx);
      if (created.status !== 201 && created.status !== 200) throw parseBcError(created.status, created.text, created.headers, { write: true });
      const order = parseJson(created.text);
      if (!isObject(order) || typeof order.id !== 'string') {
        throw new DeliveryError('AMBIGUOUS', 'Business Central accepted the sales order but its answer could not be read', { status: created.status, code: 'UNREADABLE_ORDER' });
      }
      return withTotal(order, settings.mapping.localCurrency, doc.grandTotal);
    }

    const { patch, conflicts } = compareWithExisting(body, existing, settings.mapping);
    const ref = refOf(existing);
    if (conflicts.length > 0) {
      throw new DeliveryError(
        'PERMANENT',
        `sales order ${ref.documentNumber ?? ref.internalId} (externalDocumentNumber ${body.externalDocumentNumber}) is already in Business Central with different content, which the API cannot change on the order: ${conflicts.join('; ')}`,
        { code: 'LINES_CHANGED' },
      );
    }
    if (Object.keys(patch).length === 0) return withTotal(existing, settings.mapping.localCurrency, doc.grandTotal);
    const etag = existing['@odata.etag'];
    if (typeof etag !== 'string' || etag === '') throw new DeliveryError('RETRYABLE', 'Business Central answered the look-up without an @odata.etag', { code: 'NO_ETAG' });
    const url = `${settings.ordersUrl}(${encodeURIComponent(ref.internalId)})`;
    const patched = await this.client.send('PATCH', url, serializeBcJson(patch), ctx, { 'if-match': etag });
    if (patched.status !== 200 && patched.status !== 204) throw parseBcError(patched.status, patched.text, patched.headers, { write: true });
    const order = parseJson(patched.text);
    return withTotal(isObject(order) && typeof order.id === 'string' ? order : existing, settings.mapping.localCurrency, doc.grandTotal);
  }

  postFulfillment(doc: FulfillmentDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return this.fulfillments.post(doc, ctx);
  }

  findFulfillment(doc: FulfillmentDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    return this.fulfillments.find(doc, ctx);
  }

  changeSalesOrderLines(doc: SalesOrderChangeDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    return this.fulfillments.change(changeInBasis(doc, this.client.config().mapping.currencyBasis), ctx);
  }

  async findSalesOrder(externalId: string, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const order = await this.lookup(externalId, ctx, false);
    return order === undefined ? null : withTotal(order, this.client.config().mapping.localCurrency);
  }

  async listSalesOrders(externalId: string, ctx: ErpCallContext): Promise<ErpDocumentCopy[]> {
    const orders = await this.lookupAll(externalId, ctx, true);
    const lcy = this.client.config().mapping.localCurrency;
    return orders.map((o) => ({ ...withTotal(o, lcy), posted: postedFrom(o), etag: typeof o['@odata.etag'] === 'string' ? o['@odata.etag'] : null }));
  }

  /** Every order of the company, a page at a time, grouped by externalDocumentNumber; groups of two or more. */
  async findDuplicateSalesOrders(ctx: ErpCallContext): Promise<{ key: string; copies: ErpDocumentCopy[] }[]> {
    const settings = this.client.config();
    const byKey = new Map<string, Json[]>();
    for (let skip = 0; ; skip += SCAN_PAGE) {
      const answer = await this.client.send('GET', `${settings.ordersUrl}?$expand=salesOrderLines&$top=${SCAN_PAGE}&$skip=${skip}`, undefined, ctx);
      if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: false });
      const page = parseJson(answer.text);
      const value = isObject(page) && Array.isArray(page.value) ? page.value.filter(isObject) : undefined;
      if (!value) throw new DeliveryError('RETRYABLE', 'Business Central answered the order list without a value array', { status: answer.status, code: 'UNREADABLE_LIST' });
      for (const order of value) {
        const key = typeof order.externalDocumentNumber === 'string' ? order.externalDocumentNumber.trim().toUpperCase() : '';
        if (key !== '') byKey.set(key, [...(byKey.get(key) ?? []), order]);
      }
      if (value.length < SCAN_PAGE) break;
    }
    const lcy = settings.mapping.localCurrency;
    return [...byKey].filter(([, orders]) => orders.length > 1).map(([key, orders]) => ({
      key, copies: orders.map((o) => ({ ...withTotal(o, lcy), posted: postedFrom(o), etag: typeof o['@odata.etag'] === 'string' ? o['@odata.etag'] : null })),
    }));
  }

  /** DELETE …/salesOrders({id}) with the copy's etag; one already gone counts as deleted. */
  async deleteSalesOrder(copy: ErpDocumentCopy, ctx: ErpCallContext): Promise<void> {
    const url = `${this.client.config().ordersUrl}(${encodeURIComponent(copy.internalId)})`;
    const answer = await this.client.send('DELETE', url, undefined, ctx, { 'if-match': copy.etag ?? '*' });
    if (answer.status === 204 || answer.status === 200 || answer.status === 404) return;
    throw parseBcError(answer.status, answer.text, answer.headers, { write: true });
  }

  /** The order carrying the key (the first, should BC hold several), or undefined. */
  private async lookup(externalId: string, ctx: ErpCallContext, withLines: boolean): Promise<Json | undefined> {
    const matches = await this.lookupAll(externalId, ctx, withLines);
    if (matches.length > 1) {
      this.client.logger.warn({ msg: 'several Business Central sales orders carry one externalDocumentNumber; using the first', target: this.client.connection.targetId, externalDocumentNumber: bcExternalDocumentNumber(externalId), count: matches.length });
    }
    return matches[0];
  }

  /** Every order carrying the key, oldest first. */
  private async lookupAll(externalId: string, ctx: ErpCallContext, withLines: boolean): Promise<Json[]> {
    const settings = this.client.config();
    const key = bcExternalDocumentNumber(externalId);
    const query = `$filter=${encodeURIComponent(externalDocumentNumberFilter(externalId))}${withLines ? '&$expand=salesOrderLines' : ''}`;
    const answer = await this.client.send('GET', `${settings.ordersUrl}?${query}`, undefined, ctx);
    if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: false });
    const page = parseJson(answer.text);
    const value = isObject(page) ? page.value : undefined;
    if (!Array.isArray(value)) throw new DeliveryError('RETRYABLE', 'Business Central answered the look-up without a value array', { status: answer.status, code: 'UNREADABLE_LIST' });
    return value.filter((o): o is Json => isObject(o) && typeof o.externalDocumentNumber === 'string' && o.externalDocumentNumber.toUpperCase() === key);
  }
}
