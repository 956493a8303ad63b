/**
 * A settlement's summary journal in Business Central (API v2.0), one general journal batch per
 * settlement, its code and every line's Document No. the journal's short key:
 *   find:  GET  …/generalLedgerEntries?$filter=documentNumber eq '{shortKey}'   (posted: its G/L entries)
 *   batch: GET  …/journals?$filter=code eq '{shortKey}' | POST …/journals {code, displayName}
 *   lines: GET  …/journals({id})/journalLines; lines left by an earlier attempt that are not the
 *          journal's are deleted (DELETE …/journalLines({lineId})) and the missing ones added
 *          (POST …/journals({id})/journalLines {accountType, accountNumber, postingDate, documentNumber,
 *          externalDocumentNumber, amount (+ debit, − credit), description})
 *   post:  POST …/journals({id})/Microsoft.NAV.post → 204, then the G/L entries are read back.
 * BC keeps no key unique, so the posted entries are looked up first: a journal posted already is
 * the answer, never posted twice. API v2.0 journal lines carry no currency: a journal in another
 * currency than the company's is refused before anything is sent.
 */
import { formatDecimal } from '../../../canonical/money.js';
import { DeliveryError, type ErpCallContext, type ErpDocumentRef } from '../erp-adapter.port.js';
import { checkedJournal, type JournalDocument } from '../journal-documents.js';
import { erpTotalOf } from '../shared/erp-total.js';
import { isObject, parseJson, type BcClient, type Json } from './bc-client.js';
import { BcDecimal, serializeBcJson } from './bc-json.js';
import { parseBcError } from './bc.errors.js';
import { odataString } from './bc.mapper.js';

const DESCRIPTION_MAX = 100;

interface BcJournalLine {
  readonly accountType: 'G/L Account';
  readonly accountNumber: string;
  readonly postingDate: string;
  readonly documentNumber: string;
  readonly externalDocumentNumber: string;
  readonly amount: BcDecimal;
  readonly description: string;
}

/** The journal's lines as BC takes them: one signed amount each, positive for a debit. */
export function toBcJournalLines(doc: JournalDocument, localCurrency: string): BcJournalLine[] {
  checkedJournal(doc);
  if (localCurrency && doc.currency.toUpperCase() !== localCurrency.trim().toUpperCase()) {
    throw new DeliveryError('PERMANENT', `journal ${doc.externalId} is in ${doc.currency}; Business Central API journal lines post in the company's ${localCurrency} only`, { code: 'UNSUPPORTED_CURRENCY', field: 'currency' });
  }
  return doc.lines.map((l) => ({
    accountType: 'G/L Account', accountNumber: l.accountId, postingDate: doc.date, documentNumber: doc.shortKey,
    externalDocumentNumber: doc.externalId.slice(0, 35), amount: BcDecimal.of({ amount: l.debit > 0n ? l.debit : -l.credit, currency: doc.currency }),
    description: l.memo.slice(0, DESCRIPTION_MAX),
  }));
}

export class BcJournals {
  constructor(private readonly client: BcClient) {}

  private url(path: string): string {
    return `${this.client.config().companyUrl}/${path}`;
  }

  async post(doc: JournalDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const lines = toBcJournalLines(doc, this.client.config().mapping.localCurrency);
    const posted = await this.find(doc, ctx);
    if (posted) return posted;
    const journal = await this.batch(doc, ctx);
    await this.settleLines(String(journal.id), lines, ctx);
    const answer = await this.client.send('POST', this.url(`journals(${String(journal.id)})/Microsoft.NAV.post`), undefined, ctx);
    if (answer.status !== 204 && answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: true });
    const ref = await this.find(doc, ctx);
    if (!ref) throw new DeliveryError('AMBIGUOUS', `Business Central posted journal ${doc.shortKey} but shows no G/L entries for it`, { code: 'NO_LOCATION' });
    return ref;
  }

  /** The journal's posted G/L entries: its debits as BC's total when they equal its credits. */
  async find(doc: JournalDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const entries = await this.list(`generalLedgerEntries?$filter=${encodeURIComponent(`documentNumber eq ${odataString(doc.shortKey)}`)}`, ctx);
    if (entries.length === 0) return null;
    let debit = 0n;
    let credit = 0n;
    for (const entry of entries) {
      const d = erpTotalOf(entry.debitAmount, doc.currency);
      const c = erpTotalOf(entry.creditAmount, doc.currency);
      if (!d || !c) return { internalId: doc.shortKey, documentNumber: doc.shortKey, expectedTotal: doc.total };
      debit += d.amount;
      credit += c.amount;
    }
    if (debit !== credit) {
      this.client.logger.warn({ msg: 'Business Central journal read back unbalanced', key: doc.shortKey, debit: formatDecimal({ amount: debit, currency: doc.currency }), credit: formatDecimal({ amount: credit, currency: doc.currency }) });
      return { internalId: doc.shortKey, documentNumber: doc.shortKey, expectedTotal: doc.total };
    }
    return { internalId: doc.shortKey, documentNumber: doc.shortKey, expectedTotal: doc.total, erpTotal: { amount: debit, currency: doc.currency } };
  }

  private async batch(doc: JournalDocument, ctx: ErpCallContext): Promise<Json> {
    const [found] = await this.list(`journals?$filter=${encodeURIComponent(`code eq ${odataString(doc.shortKey)}`)}`, ctx);
    if (found) return found;
    const created = await this.client.send('POST', this.url('journals'), serializeBcJson({ code: doc.shortKey, displayName: doc.memo.slice(0, 100) }), ctx);
    if (created.status !== 201 && created.status !== 200) throw parseBcError(created.status, created.text, created.headers, { write: true });
    const journal = parseJson(created.text);
    if (!isObject(journal) || typeof journal.id !== 'string') throw new DeliveryError('AMBIGUOUS', 'Business Central created the journal without answering its id', { code: 'UNREADABLE_RECORD' });
    return journal;
  }

  /** The batch holds exactly the journal's lines: an earlier attempt's leftovers that differ go, missing ones are added. */
  private async settleLines(journalId: string, lines: readonly BcJournalLine[], ctx: ErpCallContext): Promise<void> {
    const existing = await this.list(`journals(${journalId})/journalLines`, ctx);
    const signature = (l: Json) => `${String(l.accountNumber)}|${String(l.documentNumber)}|${String(l.amount)}`;
    const wanted = lines.map((l) => signature({ accountNumber: l.accountNumber, documentNumber: l.documentNumber, amount: Number(l.amount.text) }));
    const same = existing.length === lines.length && existing.map(signature).sort().join('\n') === [...wanted].sort().join('\n');
    if (same) return;
    for (const line of existing) {
      const answer = await this.client.send('DELETE', this.url(`journals(${journalId})/journalLines(${String(line.id)})`), undefined, ctx);
      if (answer.status !== 204 && answer.status !== 404) throw parseBcError(answer.status, answer.text, answer.headers, { write: true });
    }
    for (const [i, line] of lines.entries()) {
      const answer = await this.client.send('POST', this.url(`journals(${journalId})/journalLines`), serializeBcJson({ lineNumber: (i + 1) * 10000, ...line }), ctx);
      if (answer.status !== 201 && answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: true });
    }
  }

  private async list(path: string, ctx: ErpCallContext): Promise<Json[]> {
    const answer = await this.client.send('GET', this.url(path), undefined, ctx);
    if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers);
    const body = parseJson(answer.text);
    return isObject(body) && Array.isArray(body.value) ? body.value.filter(isObject) : [];
  }
}
