/**
 * Credit memos in Business Central:
 *   find:   GET  …/salesCreditMemos?$filter=externalDocumentNumber eq '{key}'
 *   create: POST …/salesCreditMemos {header…, salesCreditMemoLines: [...]}   (one deep insert) → 201
 *   post:   POST …/salesCreditMemos({id})/Microsoft.NAV.post               → 204
 * BC keeps no key unique, so the key is looked up first: a draft found is posted, a posted one is
 * the answer. The credit memo keeps its id once posted; its totalAmountIncludingTax is read back.
 */
import type { CreditMemoDocument } from '../credit-documents.js';
import { DeliveryError, type ErpCallContext, type ErpDocumentRef } from '../erp-adapter.port.js';
import { erpTotalOf } from '../shared/erp-total.js';
import { isObject, parseJson, type BcClient, type Json } from './bc-client.js';
import { toBcCreditMemo, type BcCreditMemoOptions } from './bc-credit-memo.mapper.js';
import { parseBcError } from './bc.errors.js';
import { externalDocumentNumberFilter, serializeBcJson } from './bc.mapper.js';

export class BcCreditMemos {
  constructor(private readonly client: BcClient) {}

  private url(): string {
    return `${this.client.config().companyUrl}/salesCreditMemos`;
  }

  private options(): BcCreditMemoOptions {
    const refundAccountNumber = this.client.connection.settings?.refundAccountNumber;
    return { ...this.client.config().mapping, ...(typeof refundAccountNumber === 'string' && refundAccountNumber !== '' && { refundAccountNumber }) };
  }

  async post(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const body = toBcCreditMemo(doc, this.options());
    let memo = await this.lookup(doc, ctx);
    if (!memo) {
      const created = await this.client.send('POST', this.url(), serializeBcJson(body), ctx);
      if (created.status !== 201 && created.status !== 200) throw parseBcError(created.status, created.text, created.headers, { write: true });
      memo = this.entity(created.text);
    }
    if (memo.status === 'Draft') {
      const posted = await this.client.send('POST', `${this.url()}(${String(memo.id)})/Microsoft.NAV.post`, undefined, ctx);
      if (posted.status !== 204 && posted.status !== 200) throw parseBcError(posted.status, posted.text, posted.headers, { write: true });
      const read = await this.client.send('GET', `${this.url()}(${String(memo.id)})`, undefined, ctx);
      if (read.status !== 200) throw parseBcError(read.status, read.text, read.headers);
      memo = this.entity(read.text);
    }
    return this.refOf(memo, doc);
  }

  async find(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const memo = await this.lookup(doc, ctx);
    // A draft is not a credit yet: the next attempt posts it.
    return memo && memo.status !== 'Draft' ? this.refOf(memo, doc) : null;
  }

  private async lookup(doc: CreditMemoDocument, ctx: ErpCallContext): Promise<Json | null> {
    const url = `${this.url()}?$filter=${encodeURIComponent(externalDocumentNumberFilter(doc.externalId))}`;
    const answer = await this.client.send('GET', url, undefined, ctx);
    if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers);
    const list = parseJson(answer.text);
    const found = isObject(list) && Array.isArray(list.value) ? list.value.filter(isObject) : [];
    // Two under one key is the duplicate scan's to judge; the posted one (or the first) is the credit.
    return found.find((m) => m.status !== 'Draft') ?? found[0] ?? null;
  }

  private entity(text: string): Json {
    const json = parseJson(text);
    if (!isObject(json) || typeof json.id !== 'string') throw new DeliveryError('RETRYABLE', 'Business Central answered with a credit memo without an id', { code: 'UNREADABLE_CREDIT_MEMO' });
    return json;
  }

  private refOf(memo: Json, doc: CreditMemoDocument): ErpDocumentRef {
    const local = this.client.config().mapping.localCurrency;
    const code = typeof memo.currencyCode === 'string' && memo.currencyCode.trim() !== '' ? memo.currencyCode.trim().toUpperCase() : local;
    const erpTotal = erpTotalOf(memo.totalAmountIncludingTax, code);
    return {
      internalId: String(memo.id), documentNumber: typeof memo.number === 'string' && memo.number !== '' ? memo.number : null,
      expectedTotal: doc.total, ...(erpTotal && { erpTotal }),
    };
  }
}
