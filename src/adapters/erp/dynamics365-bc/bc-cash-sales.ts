/**
 * A counter sale in Business Central (API v2.0): a sales invoice, posted, with the till's payment
 * applied to it.
 *   find:    GET  …/salesInvoices?$filter=externalDocumentNumber eq '{key}'
 *   create:  POST …/salesInvoices {header…, salesInvoiceLines: [...]}  (one deep insert; Item lines at the store's locationId) → 201
 *   post:    POST …/salesInvoices({id})/Microsoft.NAV.post → 204, then GET …/salesInvoices({id}) (number, totalAmountIncludingTax)
 *   journal: GET  …/customerPaymentJournals?$filter=code eq 'CS{account}' | POST …/customerPaymentJournals
 *            {code, displayName, balancingAccountNumber}: one journal per deposit account (TENDER mapping clearingAccount)
 *   pay:     GET/POST …/customerPaymentJournals({id})/customerPayments {customer, postingDate, documentNumber (the posted
 *            invoice's No.), externalDocumentNumber, amount (negative), appliesToInvoiceId, description}: one line per tender
 * Posting the invoice relieves the store location's stock and books the sale and its tax. What the
 * API does NOT post: API v2.0 has no post action on customer payment journals, so the payment
 * lines wait, applied to the invoice, in journal CS{account} until a person (or a job queue) posts
 * that batch; until then the invoice stays Open with its amount owing. BC keeps no key unique, so
 * the invoice is looked up by its key first and each tender's line by invoice, description and
 * amount: a retry finishes what is missing and never writes anything twice. The invoice is checked
 * against the sale's total and its tenders before anything is sent; its total is read back.
 */
import { formatDecimal, type Money } from '../../../canonical/money.js';
import { DeliveryError, type CashSaleDocument, type CashSaleTender, type ErpCallContext, type ErpDocumentRef } from '../erp-adapter.port.js';
import { checkedTenders } from '../shared/cash-sale-tenders.js';
import { erpTotalOf } from '../shared/erp-total.js';
import { isObject, parseJson, type BcClient, type Json } from './bc-client.js';
import { checkedBcSalesOrder } from './bc-document-total.js';
import { BcDecimal, serializeBcJson } from './bc-json.js';
import { parseBcError } from './bc.errors.js';
import { externalDocumentNumberFilter, LINE_SEQUENCE_STEP, odataString, type BcSalesOrderLineBody, type BcMappingOptions } from './bc.mapper.js';

/** BC's journal batch names hold 10 characters. */
const JOURNAL_CODE_MAX = 10;
const DESCRIPTION_MAX = 100;

/** The customer payment journal the money of one deposit account is entered in. */
export const cashSaleJournalCode = (accountId: string): string => `CS${accountId}`.toUpperCase();

/** The sale as BC's salesInvoices body: the sales order's header and lines, Item lines at their location. */
export function toBcCashSaleInvoice(doc: CashSaleDocument, options: BcMappingOptions): Json {
  checkedTenders(doc);
  const { orderDate, salesOrderLines, ...header } = checkedBcSalesOrder(doc.sale, options);
  const lines = salesOrderLines.map((line: BcSalesOrderLineBody) => {
    if (line.lineType !== 'Item') return line;
    const source = doc.sale.lines[line.sequence / LINE_SEQUENCE_STEP - 1];
    if (!source?.locationId) {
      // Posting the invoice takes the units out of stock: from the store's location, which must be mapped.
      throw new DeliveryError('MISSING_DEPENDENCY', `cash sale ${doc.sale.externalId} has a line without an ERP location (LOCATION mapping of the store)`, { code: 'UNMAPPED', field: 'LOCATION' });
    }
    return { ...line, locationId: source.locationId };
  });
  return { ...header, invoiceDate: orderDate, salesInvoiceLines: lines };
}

export class BcCashSales {
  constructor(private readonly client: BcClient) {}

  async post(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const body = toBcCashSaleInvoice(doc, this.client.config().mapping);
    for (const t of doc.tenders) journalCodeOf(t);
    let invoice = await this.lookup(doc, ctx);
    if (!invoice) {
      const created = await this.client.send('POST', this.url('salesInvoices'), serializeBcJson(body), ctx);
      if (created.status !== 201 && created.status !== 200) throw parseBcError(created.status, created.text, created.headers, { write: true });
      invoice = entity(created.text, 'sales invoice');
    }
    if (invoice.status === 'Draft') {
      const posted = await this.client.send('POST', `${this.url('salesInvoices')}(${String(invoice.id)})/Microsoft.NAV.post`, undefined, ctx);
      if (posted.status !== 204 && posted.status !== 200) throw parseBcError(posted.status, posted.text, posted.headers, { write: true });
      const read = await this.client.send('GET', `${this.url('salesInvoices')}(${String(invoice.id)})`, undefined, ctx);
      if (read.status !== 200) throw parseBcError(read.status, read.text, read.headers);
      invoice = entity(read.text, 'sales invoice');
    }
    for (const { tender, journal } of await this.missingPayments(doc, invoice, ctx, true)) {
      const payment = {
        ...(typeof invoice.customerId === 'string' && invoice.customerId !== '' ? { customerId: invoice.customerId } : { customerNumber: invoice.customerNumber }),
        postingDate: invoice.postingDate ?? invoice.invoiceDate,
        documentNumber: invoice.number,
        externalDocumentNumber: invoice.externalDocumentNumber,
        amount: BcDecimal.of({ amount: -tender.amount.amount, currency: tender.amount.currency }),
        appliesToInvoiceId: invoice.id,
        description: paymentDescription(tender),
      };
      const added = await this.client.send('POST', `${this.url('customerPaymentJournals')}(${String(journal.id)})/customerPayments`, serializeBcJson(payment), ctx);
      if (added.status !== 201 && added.status !== 200) throw parseBcError(added.status, added.text, added.headers, { write: true });
    }
    return this.refOf(invoice, doc);
  }

  /** The posted invoice, once every tender's payment line is in its journal; null before (the next attempt completes it). */
  async find(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const invoice = await this.lookup(doc, ctx);
    if (!invoice || invoice.status === 'Draft') return null;
    return (await this.missingPayments(doc, invoice, ctx, false)).length === 0 ? this.refOf(invoice, doc) : null;
  }

  private url(entitySet: string): string {
    return `${this.client.config().companyUrl}/${entitySet}`;
  }

  private async lookup(doc: CashSaleDocument, ctx: ErpCallContext): Promise<Json | null> {
    const found = await this.list(`${this.url('salesInvoices')}?$filter=${encodeURIComponent(externalDocumentNumberFilter(doc.sale.externalId))}`, ctx);
    // Two under one key is the duplicate scan's to judge; the posted one (or the first) is the sale.
    return found.find((i) => i.status !== 'Draft') ?? found[0] ?? null;
  }

  /** The tenders whose payment line is not in their journal yet, with that journal (created when asked to). */
  private async missingPayments(doc: CashSaleDocument, invoice: Json, ctx: ErpCallContext, create: boolean): Promise<{ tender: CashSaleTender; journal: Json }[]> {
    const missing: { tender: CashSaleTender; journal: Json }[] = [];
    const byCode = new Map<string, { journal: Json | null; lines: Json[] }>();
    for (const tender of doc.tenders) {
      const code = journalCodeOf(tender);
      let entry = byCode.get(code);
      if (!entry) {
        const journal = await this.journal(code, tender.accountId, ctx, create);
        const lines = journal ? (await this.list(`${this.url('customerPaymentJournals')}(${String(journal.id)})/customerPayments`, ctx)).filter((p) => p.appliesToInvoiceId === invoice.id) : [];
        entry = { journal, lines };
        byCode.set(code, entry);
      }
      const at = entry.lines.findIndex((p) => p.description === paymentDescription(tender) && erpTotalOf(p.amount, tender.amount.currency)?.amount === -tender.amount.amount);
      if (at >= 0) entry.lines.splice(at, 1);
      else missing.push({ tender, journal: entry.journal ?? {} });
    }
    return missing;
  }

  private async journal(code: string, accountId: string, ctx: ErpCallContext, create: boolean): Promise<Json | null> {
    const [found] = await this.list(`${this.url('customerPaymentJournals')}?$filter=${encodeURIComponent(`code eq ${odataString(code)}`)}`, ctx);
    if (found) {
      const balancing = typeof found.balancingAccountNumber === 'string' ? found.balancingAccountNumber.trim() : '';
      if (balancing !== '' && balancing.toUpperCase() !== accountId.toUpperCase()) {
        throw new DeliveryError('PERMANENT', `customer payment journal ${code} balances to account ${balancing}, not ${accountId}`, { code: 'JOURNAL_ACCOUNT_MISMATCH', field: 'clearingAccount' });
      }
      return found;
    }
    if (!create) return null;
    const body = { code, displayName: `Cash sales to ${accountId}`, balancingAccountNumber: accountId };
    const created = await this.client.send('POST', this.url('customerPaymentJournals'), serializeBcJson(body), ctx);
    if (created.status !== 201 && created.status !== 200) throw parseBcError(created.status, created.text, created.headers, { write: true });
    return entity(created.text, 'customer payment journal');
  }

  private async list(url: string, ctx: ErpCallContext): Promise<Json[]> {
    const answer = await this.client.send('GET', url, undefined, ctx);
    if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers);
    const page = parseJson(answer.text);
    if (!isObject(page) || !Array.isArray(page.value)) throw new DeliveryError('RETRYABLE', 'Business Central answered a list without a value array', { status: answer.status, code: 'UNREADABLE_LIST' });
    return page.value.filter(isObject);
  }

  private refOf(invoice: Json, doc: CashSaleDocument): ErpDocumentRef {
    const local = this.client.config().mapping.localCurrency;
    const code = typeof invoice.currencyCode === 'string' && invoice.currencyCode.trim() !== '' ? invoice.currencyCode.trim().toUpperCase() : local;
    const erpTotal: Money | undefined = erpTotalOf(invoice.totalAmountIncludingTax, code);
    return {
      internalId: String(invoice.id), documentNumber: typeof invoice.number === 'string' && invoice.number !== '' ? invoice.number : null,
      expectedTotal: doc.sale.grandTotal, ...(erpTotal && { erpTotal }),
    };
  }
}

function journalCodeOf(tender: CashSaleTender): string {
  const code = cashSaleJournalCode(tender.accountId);
  if (code.length > JOURNAL_CODE_MAX) {
    throw new DeliveryError('PERMANENT', `the journal for account ${tender.accountId} would be named ${code}, longer than BC's ${JOURNAL_CODE_MAX} characters`, { code: 'JOURNAL_CODE_TOO_LONG', field: 'clearingAccount' });
  }
  return code;
}

const paymentDescription = (tender: CashSaleTender): string => `${tender.kind} ${tender.gateway} ${formatDecimal(tender.amount)}`.slice(0, DESCRIPTION_MAX);

function entity(text: string, what: string): Json {
  const json = parseJson(text);
  if (!isObject(json) || typeof json.id !== 'string') throw new DeliveryError('RETRYABLE', `Business Central answered with a ${what} without an id`, { code: 'UNREADABLE_ENTITY' });
  return json;
}
