/**
 * Business Central's salesInvoices and customer payment journals (API v2.0), as much as a cash
 * sale needs:
 *   GET   …/salesInvoices[?$filter=externalDocumentNumber eq '…']
 *   POST  …/salesInvoices          deep insert with salesInvoiceLines → 201 (status Draft)
 *   GET   …/salesInvoices({id})
 *   POST  …/salesInvoices({id})/Microsoft.NAV.post                → 204 (status Open; remainingAmount = the total)
 *   GET   …/customerPaymentJournals[?$filter=code eq '…']   POST …/customerPaymentJournals {code, displayName, balancingAccountNumber}
 *   GET   …/customerPaymentJournals({id})/customerPayments   POST … {customerId|customerNumber, postingDate, documentNumber,
 *         externalDocumentNumber, amount, appliesToInvoiceId, description}
 * As in API v2.0, customer payment journals have no post action: payment lines wait in the journal
 * for a person to post them; the invoice stays Open. Amounts are BC's own (amounts.ts). BC's
 * rules kept here: the key is not unique; a customer, item or tax code the company lacks is
 * refused; an Item line needs a positive quantity and the invoice's location (the stock leaves it
 * when the invoice is posted); a posted invoice cannot be posted again; a payment is negative
 * (it credits the customer), of the invoice's customer, applied to a posted invoice, and the
 * payments applied to one invoice never exceed what it owes.
 */
import { randomUUID } from 'node:crypto';
import { decimalOf, exponentOf, toMinor } from '../shared/decimal.js';
import type { Reply, SandboxRequest } from '../shared/http.js';
import type { Knobs } from '../shared/knobs.js';
import { pricingOf, priceLine, totalOrder, unknownTaxCode } from './amounts.js';
import { badRequest, dialog, entityNotFound, odataError, recordNotFound } from './errors.js';
import { parseFilter, type EntityUrls } from './odata.js';
import type { PropertyTable } from './fields.js';

type Json = Record<string, unknown>;

const LINE_TYPES = new Set(['Item', 'Account', 'Resource', 'Charge', 'Fixed Asset']);
const HEADER_FIELDS = new Set([
  'externalDocumentNumber', 'customerId', 'customerNumber', 'invoiceDate', 'postingDate', 'currencyCode',
  'yourReference', 'billToName', 'billToAddressLine1', 'billToAddressLine2', 'billToCity', 'billToState', 'billToPostCode', 'billToCountry',
  'shipToName', 'shipToAddressLine1', 'shipToAddressLine2', 'shipToCity', 'shipToState', 'shipToPostCode', 'shipToCountry', 'salesInvoiceLines',
]);
const LINE_FIELDS = new Set(['sequence', 'lineType', 'itemId', 'accountId', 'lineObjectNumber', 'description', 'quantity', 'unitPrice', 'discountAmount', 'taxCode', 'locationId']);
const READ_ONLY = ['id', 'number', 'status', 'totalAmountExcludingTax', 'totalTaxAmount', 'totalAmountIncludingTax', 'remainingAmount'];
const PAYMENT_FIELDS = new Set(['customerId', 'customerNumber', 'postingDate', 'documentNumber', 'externalDocumentNumber', 'amount', 'appliesToInvoiceId', 'appliesToInvoiceNumber', 'description', 'comment']);
const JOURNAL_FILTER: PropertyTable = { code: { type: 'string', code: true } };
const INVOICE_FILTER: PropertyTable = { externalDocumentNumber: { type: 'string' } };

export interface SalesInvoice {
  readonly invoice: Json;
  readonly lines: Json[];
  posts: number;
}

interface PaymentJournal {
  readonly journal: Json;
  readonly payments: Json[];
}

export class BcSalesInvoices {
  readonly invoices = new Map<string, SalesInvoice>();
  readonly journals = new Map<string, PaymentJournal>();
  private nextNumber = 1001;

  constructor(private readonly knobs: () => Knobs, private readonly lcyCode: string) {}

  reset(): void {
    this.invoices.clear();
    this.journals.clear();
    this.nextNumber = 1001;
  }

  route(req: SandboxRequest, invoiceId: string | undefined, action: string | undefined, urls: EntityUrls): Reply {
    if (invoiceId === undefined) {
      if (req.method === 'GET') return this.list(req, urls);
      if (req.method === 'POST') return this.create(req, urls);
    } else if (action === '/Microsoft.NAV.post') {
      if (req.method === 'POST') return this.post(invoiceId);
    } else if (action === undefined && req.method === 'GET') {
      const found = this.invoices.get(invoiceId.toLowerCase());
      return found ? { status: 200, body: this.present(found, urls) } : entityNotFound('Sales Invoice', invoiceId);
    }
    return odataError(405, 'BadRequest_MethodNotAllowed', `'${req.method}' requests for 'salesInvoices' are not allowed within Microsoft Dynamics 365 Business Central OData web services.`);
  }

  paymentRoute(req: SandboxRequest, journalId: string | undefined, payments: boolean, urls: EntityUrls): Reply {
    if (journalId === undefined) {
      if (req.method === 'GET') return this.listJournals(req);
      if (req.method === 'POST') return this.createJournal(req);
    } else if (payments) {
      const journal = this.journals.get(journalId.toLowerCase());
      if (!journal) return entityNotFound('Customer Payment Journal', journalId);
      if (req.method === 'GET') return { status: 200, body: { '@odata.context': `${urls.api}/$metadata#customerPayments`, value: journal.payments } };
      if (req.method === 'POST') return this.addPayment(req, journal);
    }
    return odataError(405, 'BadRequest_MethodNotAllowed', `'${req.method}' requests for 'customerPaymentJournals' are not allowed within Microsoft Dynamics 365 Business Central OData web services.`);
  }

  /** GET /_sandbox/sales-invoices: every invoice with its lines and the payments applied to it. */
  listAll(): Json {
    const all = [...this.invoices.values()].map((i) => ({
      ...i.invoice, posts: i.posts, salesInvoiceLines: i.lines,
      payments: [...this.journals.values()].flatMap((j) => j.payments.filter((p) => p.appliesToInvoiceId === i.invoice.id).map((p) => ({ ...p, journalCode: j.journal.code }))),
    }));
    return { count: all.length, salesInvoices: all };
  }

  private list(req: SandboxRequest, urls: EntityUrls): Reply {
    const text = req.url.searchParams.get('$filter');
    const clauses = text === null ? [] : parseFilter(text, INVOICE_FILTER);
    if (!clauses) return odataError(400, 'BadRequest_NotFound', 'Bad Request - Error in query syntax.');
    const wanted = clauses.find((c) => c.property === 'externalDocumentNumber');
    const all = [...this.invoices.values()].filter((i) => !wanted || String(i.invoice.externalDocumentNumber).toUpperCase() === String(wanted.value).toUpperCase());
    return { status: 200, body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesInvoices`, value: all.map((i) => this.present(i, urls)) } };
  }

  private create(req: SandboxRequest, urls: EntityUrls): Reply {
    const json = bodyOf(req);
    if (!json) return badRequest('Invalid Request Body.');
    for (const key of Object.keys(json)) {
      if (READ_ONLY.includes(key)) return badRequest(`The property '${key}' is read-only.`);
      if (!HEADER_FIELDS.has(key)) return badRequest(`The property '${key}' does not exist on type 'Microsoft.NAV.salesInvoice'.`);
    }
    const knobs = this.knobs();
    const customer = typeof json.customerNumber === 'string' ? json.customerNumber : typeof json.customerId === 'string' ? json.customerId : undefined;
    if (customer === undefined) return dialog('You must specify a customer (customerId or customerNumber).');
    if (knobs.unknownCustomers.some((c) => c.toUpperCase() === customer.toUpperCase())) return recordNotFound('Customer', 'No.', customer);
    const lines = Array.isArray(json.salesInvoiceLines) ? (json.salesInvoiceLines as Json[]) : [];
    for (const line of lines) {
      for (const key of Object.keys(line)) if (!LINE_FIELDS.has(key)) return badRequest(`The property '${key}' does not exist on type 'Microsoft.NAV.salesInvoiceLine'.`);
      const type = String(line.lineType ?? 'Item');
      if (!LINE_TYPES.has(type)) return badRequest(`Invalid lineType '${String(line.lineType)}'.`);
      const number = String(line.lineObjectNumber ?? line.itemId ?? line.accountId ?? '');
      if (number === '') return dialog(`No. must have a value in Sales Line: Document Type=Invoice, Line No.=${String(line.sequence)}`);
      if (type === 'Item' && knobs.unknownItems.some((n) => n.toUpperCase() === number.toUpperCase())) return recordNotFound('Item', 'No.', number);
      if (type === 'Item' && (typeof line.quantity !== 'number' || line.quantity <= 0)) return dialog(`Quantity must be positive in Sales Line: Line No.=${String(line.sequence)}`);
      // Posting the invoice takes the units out of stock: from where must be known.
      if (type === 'Item' && (typeof line.locationId !== 'string' || line.locationId === '')) return dialog(`Location Code must have a value in Sales Line: Document Type=Invoice, Line No.=${String(line.sequence)}`);
    }
    const unknownCode = unknownTaxCode(knobs.taxRates, lines);
    if (unknownCode !== undefined) return recordNotFound('Tax Group', 'Code', unknownCode);
    const id = randomUUID();
    const header: Json = { invoiceDate: new Date().toISOString().slice(0, 10), currencyCode: '', ...json, id, number: `S-INV${this.nextNumber++}`, status: 'Draft' };
    delete header.salesInvoiceLines;
    const pricing = pricingOf(header, knobs, this.lcyCode);
    const priced = lines.map((l, i) => priceLine(pricing, { lineType: 'Item', sequence: (i + 1) * 10000, ...l, id: randomUUID(), documentId: id }));
    const invoice = totalOrder(pricing, header, priced);
    const stored: SalesInvoice = { invoice: { ...invoice, remainingAmount: invoice.totalAmountIncludingTax }, lines: priced, posts: 0 };
    this.invoices.set(id, stored);
    return { status: 201, body: this.present(stored, urls), committed: true, headers: { location: `${urls.api}/companies(${urls.companyId})/salesInvoices(${id})` } };
  }

  private post(invoiceId: string): Reply {
    const found = this.invoices.get(invoiceId.toLowerCase());
    if (!found) return entityNotFound('Sales Invoice', invoiceId);
    if (found.invoice.status !== 'Draft') return dialog(`The invoice ${String(found.invoice.number)} is already posted.`);
    if (found.lines.length === 0) return dialog('There is nothing to post.');
    found.invoice.status = 'Open';
    found.invoice.postingDate = found.invoice.invoiceDate;
    found.posts += 1;
    return { status: 204, committed: true };
  }

  private listJournals(req: SandboxRequest): Reply {
    const text = req.url.searchParams.get('$filter');
    const clauses = text === null ? [] : parseFilter(text, JOURNAL_FILTER);
    if (!clauses) return odataError(400, 'BadRequest_NotFound', 'Bad Request - Error in query syntax.');
    const code = clauses.find((c) => c.property === 'code')?.value;
    const all = [...this.journals.values()].filter((j) => code === undefined || j.journal.code === String(code).toUpperCase());
    return { status: 200, body: { value: all.map((j) => j.journal) } };
  }

  private createJournal(req: SandboxRequest): Reply {
    const json = bodyOf(req);
    if (!json) return badRequest('Invalid Request Body.');
    for (const key of Object.keys(json)) {
      if (!['code', 'displayName', 'balancingAccountId', 'balancingAccountNumber'].includes(key)) return badRequest(`The property '${key}' does not exist on type 'Microsoft.NAV.customerPaymentJournal'.`);
    }
    if (typeof json.code !== 'string' || json.code === '' || json.code.length > 10) return dialog('Name must have a value of at most 10 characters in Gen. Journal Batch.');
    const code = json.code.toUpperCase();
    if ([...this.journals.values()].some((j) => j.journal.code === code)) return dialog(`The record in table Gen. Journal Batch already exists. Identification fields and values: Name='${code}'`);
    const id = randomUUID();
    const journal: PaymentJournal = { journal: { id, code, displayName: json.displayName ?? code, balancingAccountNumber: json.balancingAccountNumber ?? '' }, payments: [] };
    this.journals.set(id, journal);
    return { status: 201, body: journal.journal, committed: true };
  }

  private addPayment(req: SandboxRequest, journal: PaymentJournal): Reply {
    const json = bodyOf(req);
    if (!json) return badRequest('Invalid Request Body.');
    for (const key of Object.keys(json)) if (!PAYMENT_FIELDS.has(key)) return badRequest(`The property '${key}' does not exist on type 'Microsoft.NAV.customerPayment'.`);
    const invoice = typeof json.appliesToInvoiceId === 'string' ? this.invoices.get(json.appliesToInvoiceId.toLowerCase()) : undefined;
    if (!invoice) return recordNotFound('Sales Invoice Header', 'Id', String(json.appliesToInvoiceId));
    if (invoice.invoice.status === 'Draft') return dialog(`Applies-to Doc. No. ${String(invoice.invoice.number)} is not a posted invoice.`);
    const customer = json.customerNumber ?? json.customerId;
    if (customer !== invoice.invoice.customerNumber && customer !== invoice.invoice.customerId) return dialog('The payment is not of the invoice\'s customer.');
    const e = exponentOf(String(invoice.invoice.currencyCode || this.lcyCode).toUpperCase());
    const amount = decimalOf(json.amount);
    if (typeof json.amount !== 'number' || !amount || toMinor(amount, e) >= 0n) return dialog('Amount must be negative in Gen. Journal Line: a payment credits the customer.');
    const owed = toMinor(decimalOf(invoice.invoice.totalAmountIncludingTax)!, e);
    const applied = [...this.journals.values()].flatMap((j) => j.payments).filter((p) => p.appliesToInvoiceId === invoice.invoice.id)
      .reduce((n, p) => n - toMinor(decimalOf(p.amount)!, e), 0n);
    if (applied - toMinor(amount, e) > owed) return dialog(`The payments applied to ${String(invoice.invoice.number)} exceed what it owes.`);
    const payment: Json = { id: randomUUID(), journalId: journal.journal.id, journalDisplayName: journal.journal.code, lineNumber: (journal.payments.length + 1) * 10000, ...json };
    journal.payments.push(payment);
    return { status: 201, body: payment, committed: true };
  }

  present(i: SalesInvoice, urls: EntityUrls): Json {
    return { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesInvoices/$entity`, ...i.invoice, salesInvoiceLines: i.lines };
  }
}

function bodyOf(req: SandboxRequest): Json | undefined {
  try {
    const body: unknown = JSON.parse(req.body.toString('utf8'));
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Json) : undefined;
  } catch {
    return undefined;
  }
}
