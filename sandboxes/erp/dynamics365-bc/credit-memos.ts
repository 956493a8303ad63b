/**
 * Business Central's salesCreditMemos (API v2.0), as much as a return needs:
 *   GET   …/salesCreditMemos[?$filter=externalDocumentNumber eq '…']
 *   POST  …/salesCreditMemos             deep insert with salesCreditMemoLines → 201 (status Draft)
 *   GET   …/salesCreditMemos({id})
 *   POST  …/salesCreditMemos({id})/Microsoft.NAV.post                     → 204 (status Open)
 * Amounts are BC's own (amounts.ts): line amount, tax by the line's code, totals. Like the real API,
 * the key is not unique, an unknown customer, item or tax code is refused as BC refuses it, a
 * posted memo cannot be posted again, and an Item line needs a quantity (it moves stock back in).
 */
import { randomUUID } from 'node:crypto';
import type { Reply, SandboxRequest } from '../shared/http.js';
import type { Knobs } from '../shared/knobs.js';
import { pricingOf, priceLine, totalOrder, unknownTaxCode } from './amounts.js';
import { badRequest, dialog, entityNotFound, odataError, recordNotFound } from './errors.js';
import { parseFilter, type EntityUrls } from './odata.js';

type Json = Record<string, unknown>;

const LINE_TYPES = new Set(['Item', 'Account', 'Resource', 'Charge', 'Fixed Asset']);
const HEADER_FIELDS = new Set([
  'externalDocumentNumber', 'customerId', 'customerNumber', 'creditMemoDate', 'postingDate', 'currencyCode', 'invoiceId', 'invoiceNumber',
  'customerReturnReasonId', 'salesCreditMemoLines',
]);
const LINE_FIELDS = new Set(['sequence', 'lineType', 'itemId', 'accountId', 'lineObjectNumber', 'description', 'quantity', 'unitPrice', 'discountAmount', 'taxCode', 'locationId']);
const READ_ONLY = ['id', 'number', 'status', 'totalAmountExcludingTax', 'totalTaxAmount', 'totalAmountIncludingTax'];

export interface CreditMemo {
  readonly memo: Json;
  readonly lines: Json[];
  posts: number;
}

export class BcCreditMemos {
  readonly memos = new Map<string, CreditMemo>();
  private nextNumber = 1001;

  constructor(private readonly knobs: () => Knobs, private readonly lcyCode: string) {}

  reset(): void {
    this.memos.clear();
    this.nextNumber = 1001;
  }

  route(req: SandboxRequest, memoId: string | undefined, action: string | undefined, urls: EntityUrls): Reply {
    if (memoId === undefined) {
      if (req.method === 'GET') return this.list(req, urls);
      if (req.method === 'POST') return this.create(req, urls);
    } else if (action === '/Microsoft.NAV.post') {
      if (req.method === 'POST') return this.post(memoId);
    } else if (req.method === 'GET') {
      const found = this.memos.get(memoId.toLowerCase());
      return found ? { status: 200, body: this.present(found, urls) } : entityNotFound('Sales Credit Memo', memoId);
    }
    return odataError(405, 'BadRequest_MethodNotAllowed', `'${req.method}' requests for 'salesCreditMemos' are not allowed within Microsoft Dynamics 365 Business Central OData web services.`);
  }

  private list(req: SandboxRequest, urls: EntityUrls): Reply {
    const text = req.url.searchParams.get('$filter');
    const clauses = text === null ? [] : parseFilter(text);
    if (!clauses) return odataError(400, 'BadRequest_NotFound', 'Bad Request - Error in query syntax.');
    const wanted = clauses.find((c) => c.property === 'externalDocumentNumber');
    const all = [...this.memos.values()].filter((m) => !wanted || String(m.memo.externalDocumentNumber).toUpperCase() === String(wanted.value).toUpperCase());
    return { status: 200, body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesCreditMemos`, value: all.map((m) => this.present(m, urls)) } };
  }

  private create(req: SandboxRequest, urls: EntityUrls): Reply {
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      return badRequest('Invalid Request Body.');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return badRequest('Invalid Request Body.');
    const json = body as Json;
    for (const key of Object.keys(json)) {
      if (READ_ONLY.includes(key)) return badRequest(`The property '${key}' is read-only.`);
      if (!HEADER_FIELDS.has(key)) return badRequest(`The property '${key}' does not exist on type 'Microsoft.NAV.salesCreditMemo'.`);
    }
    const knobs = this.knobs();
    const customer = typeof json.customerNumber === 'string' ? json.customerNumber : typeof json.customerId === 'string' ? json.customerId : undefined;
    if (customer === undefined) return dialog('You must specify a customer (customerId or customerNumber).');
    if (knobs.unknownCustomers.some((c) => c.toUpperCase() === customer.toUpperCase())) return recordNotFound('Customer', 'No.', customer);
    const lines = Array.isArray(json.salesCreditMemoLines) ? (json.salesCreditMemoLines as Json[]) : [];
    for (const line of lines) {
      for (const key of Object.keys(line)) if (!LINE_FIELDS.has(key)) return badRequest(`The property '${key}' does not exist on type 'Microsoft.NAV.salesCreditMemoLine'.`);
      if (!LINE_TYPES.has(String(line.lineType ?? 'Item'))) return badRequest(`Invalid lineType '${String(line.lineType)}'.`);
      const number = String(line.lineObjectNumber ?? line.itemId ?? line.accountId ?? '');
      if (number === '') return dialog(`No. must have a value in Sales Line: Document Type=Credit Memo, Line No.=${String(line.sequence)}`);
      if ((line.lineType ?? 'Item') === 'Item' && knobs.unknownItems.some((n) => n.toUpperCase() === number.toUpperCase())) return recordNotFound('Item', 'No.', number);
      if (typeof line.quantity !== 'number' || line.quantity <= 0) return dialog(`Quantity must be positive in Sales Line: Line No.=${String(line.sequence)}`);
    }
    const unknownCode = unknownTaxCode(knobs.taxRates, lines);
    if (unknownCode !== undefined) return recordNotFound('Tax Group', 'Code', unknownCode);
    const id = randomUUID();
    const header: Json = { creditMemoDate: new Date().toISOString().slice(0, 10), currencyCode: '', ...json, id, number: `S-CR${this.nextNumber++}`, status: 'Draft' };
    delete header.salesCreditMemoLines;
    const pricing = pricingOf(header, knobs, this.lcyCode);
    const priced = lines.map((l, i) => priceLine(pricing, { lineType: 'Item', sequence: (i + 1) * 10000, ...l, id: randomUUID(), documentId: id }));
    const stored: CreditMemo = { memo: totalOrder(pricing, header, priced), lines: priced, posts: 0 };
    this.memos.set(id, stored);
    return { status: 201, body: this.present(stored, urls), committed: true, headers: { location: `${urls.api}/companies(${urls.companyId})/salesCreditMemos(${id})` } };
  }

  private post(memoId: string): Reply {
    const found = this.memos.get(memoId.toLowerCase());
    if (!found) return entityNotFound('Sales Credit Memo', memoId);
    if (found.memo.status !== 'Draft') return dialog(`The credit memo ${String(found.memo.number)} is already posted.`);
    if (found.lines.length === 0) return dialog('There is nothing to post.');
    found.memo.status = 'Open';
    found.memo.postingDate = new Date().toISOString().slice(0, 10);
    found.posts += 1;
    return { status: 204, committed: true };
  }

  present(m: CreditMemo, urls: EntityUrls): Json {
    return { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesCreditMemos/$entity`, ...m.memo, salesCreditMemoLines: m.lines };
  }
}
