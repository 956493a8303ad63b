/**
 * Business Central general journals (API v2.0), as much as a settlement journal needs:
 *   GET    …/journals[?$filter=code eq '…']            POST …/journals {code, displayName}  → 201
 *   GET    …/journals({id})/journalLines               POST …/journals({id})/journalLines   → 201
 *   DELETE …/journals({id})/journalLines({lineId})     → 204
 *   POST   …/journals({id})/Microsoft.NAV.post         → 204: the batch's lines become G/L entries, the batch is emptied
 *   GET    …/generalLedgerEntries[?$filter=documentNumber eq '…']
 * A line's amount is signed (positive debits its account). Posting refuses a document whose lines
 * do not add up to zero, as BC does ("Document No. … is out of balance by …"), and keeps nothing.
 * API v2.0 journal lines carry no currency: amounts are in the company's local currency.
 */
import { randomUUID } from 'node:crypto';
import type { Reply, SandboxRequest } from '../shared/http.js';
import { jsonObject } from '../shared/http.js';
import { decimalOf, minorToNumber, toMinor } from '../shared/decimal.js';
import { badRequest, dialog, entityNotFound, odataError, unknownProperty } from './errors.js';
import type { EntityUrls } from './odata.js';

type Json = Record<string, unknown>;

const JOURNAL_FIELDS = new Set(['code', 'displayName', 'balancingAccountId']);
const LINE_FIELDS = new Set([
  'lineNumber', 'accountType', 'accountId', 'accountNumber', 'postingDate', 'documentNumber', 'externalDocumentNumber', 'amount', 'description', 'comment',
]);
const EXPONENT = 2;
const FILTER = /^(\w+) eq '((?:[^']|'')*)'$/;

interface Journal {
  readonly id: string;
  readonly code: string;
  readonly displayName: string;
  lines: Json[];
  lastModifiedDateTime: string;
}

export class BcJournals {
  readonly journals = new Map<string, Journal>();
  readonly entries: Json[] = [];
  private nextEntry = 1;

  reset(): void {
    this.journals.clear();
    this.entries.length = 0;
    this.nextEntry = 1;
  }

  /** GET /_sandbox/journals: every batch with its lines, and the G/L entries posted. */
  list(): Json {
    return { journals: [...this.journals.values()], generalLedgerEntries: this.entries };
  }

  route(req: SandboxRequest, journalId: string | undefined, sub: string | undefined, urls: EntityUrls): Reply {
    if (journalId === undefined) {
      if (req.method === 'GET') return this.listJournals(req, urls);
      if (req.method === 'POST') return this.createJournal(req, urls);
      return this.notAllowed(req, 'journals');
    }
    const journal = this.journals.get(journalId.toLowerCase());
    if (!journal) return entityNotFound('Gen. Journal Batch', journalId);
    if (sub === '/Microsoft.NAV.post') return req.method === 'POST' ? this.post(journal) : this.notAllowed(req, 'journals');
    if (sub?.startsWith('/journalLines')) {
      const lineId = /^\/journalLines\(([^)]+)\)$/.exec(sub)?.[1];
      if (lineId) return req.method === 'DELETE' ? this.deleteLine(journal, lineId) : this.notAllowed(req, 'journalLines');
      if (req.method === 'GET') return { status: 200, body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/journals(${journal.id})/journalLines`, value: journal.lines } };
      if (req.method === 'POST') return this.addLine(req, journal);
      return this.notAllowed(req, 'journalLines');
    }
    return req.method === 'GET' ? { status: 200, body: this.present(journal) } : this.notAllowed(req, 'journals');
  }

  ledgerEntries(req: SandboxRequest, urls: EntityUrls): Reply {
    if (req.method !== 'GET') return this.notAllowed(req, 'generalLedgerEntries');
    const filter = this.filter(req, ['documentNumber']);
    if (filter === undefined) return badRequest('The $filter is not supported by the sandbox.');
    const value = this.entries.filter((e) => !filter || e[filter.property] === filter.value);
    return { status: 200, body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/generalLedgerEntries`, value } };
  }

  private listJournals(req: SandboxRequest, urls: EntityUrls): Reply {
    const filter = this.filter(req, ['code']);
    if (filter === undefined) return badRequest('The $filter is not supported by the sandbox.');
    const value = [...this.journals.values()].filter((j) => !filter || j.code === filter.value.toUpperCase()).map((j) => this.present(j));
    return { status: 200, body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/journals`, value } };
  }

  private createJournal(req: SandboxRequest, urls: EntityUrls): Reply {
    const body = jsonObject(req.body);
    if (!body) return badRequest('The request body is not a JSON object.');
    const unknown = Object.keys(body).find((k) => !JOURNAL_FIELDS.has(k));
    if (unknown) return unknownProperty(unknown, 'Microsoft.NAV.journal');
    if (typeof body.code !== 'string' || body.code.trim() === '' || body.code.length > 10) {
      return dialog(`The length of the string is ${String(body.code ?? '').length}, but it must be less than or equal to 10 characters. Value: ${String(body.code ?? '')}`);
    }
    const code = body.code.toUpperCase();
    if ([...this.journals.values()].some((j) => j.code === code)) return dialog(`The Gen. Journal Batch already exists. Identification fields and values: Journal Template Name='GENERAL',Name='${code}'`);
    const journal: Journal = { id: randomUUID(), code, displayName: typeof body.displayName === 'string' ? body.displayName : code, lines: [], lastModifiedDateTime: new Date().toISOString() };
    this.journals.set(journal.id, journal);
    return { status: 201, body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/journals/$entity`, ...this.present(journal) } };
  }

  private addLine(req: SandboxRequest, journal: Journal): Reply {
    const body = jsonObject(req.body);
    if (!body) return badRequest('The request body is not a JSON object.');
    const unknown = Object.keys(body).find((k) => !LINE_FIELDS.has(k));
    if (unknown) return unknownProperty(unknown, 'Microsoft.NAV.journalLine');
    if (body.accountType !== undefined && body.accountType !== 'G/L Account') return dialog(`Account Type '${String(body.accountType)}' is not supported by the sandbox.`);
    if (typeof body.accountNumber !== 'string' || body.accountNumber.trim() === '' || body.accountNumber.length > 20) {
      return dialog('Account No. must have a value in Gen. Journal Line.');
    }
    const amount = decimalOf(body.amount);
    if (!amount || amount.scale > EXPONENT) return badRequest(`Cannot convert the literal '${String(body.amount)}' to the expected type 'Edm.Decimal'.`);
    const documentNumber = typeof body.documentNumber === 'string' ? body.documentNumber : '';
    if (documentNumber.length > 20) return dialog(`The length of the string is ${documentNumber.length}, but it must be less than or equal to 20 characters. Value: ${documentNumber}`);
    const lineNumber = typeof body.lineNumber === 'number' ? body.lineNumber : (journal.lines.length + 1) * 10000;
    const line: Json = {
      id: randomUUID(), journalId: journal.id, journalDisplayName: journal.code, lineNumber, accountType: 'G/L Account', accountId: randomUUIDFor(body.accountNumber),
      accountNumber: body.accountNumber, postingDate: typeof body.postingDate === 'string' ? body.postingDate : new Date().toISOString().slice(0, 10), documentNumber,
      externalDocumentNumber: typeof body.externalDocumentNumber === 'string' ? body.externalDocumentNumber : '', amount: minorToNumber(toMinor(amount, EXPONENT), EXPONENT),
      description: typeof body.description === 'string' ? body.description : '', comment: typeof body.comment === 'string' ? body.comment : '',
      lastModifiedDateTime: new Date().toISOString(),
    };
    journal.lines.push(line);
    journal.lastModifiedDateTime = String(line.lastModifiedDateTime);
    return { status: 201, body: line };
  }

  private deleteLine(journal: Journal, lineId: string): Reply {
    const before = journal.lines.length;
    journal.lines = journal.lines.filter((l) => String(l.id).toLowerCase() !== lineId.toLowerCase());
    return journal.lines.length < before ? { status: 204 } : entityNotFound('Gen. Journal Line', lineId);
  }

  /** Every document of the batch must balance; then all its lines become G/L entries at once. */
  private post(journal: Journal): Reply {
    if (journal.lines.length === 0) return dialog('There is nothing to post.');
    const byDocument = new Map<string, bigint>();
    for (const line of journal.lines) {
      const key = `${String(line.documentNumber)}|${String(line.postingDate)}`;
      byDocument.set(key, (byDocument.get(key) ?? 0n) + toMinor(decimalOf(line.amount)!, EXPONENT));
    }
    for (const [key, balance] of byDocument) {
      if (balance !== 0n) {
        return dialog(`Document No. ${key.split('|')[0]} is out of balance by ${minorToNumber(balance, EXPONENT)}. Please check that Posting Date, Document Type, Document No. and Amount are correct for each line.`);
      }
    }
    for (const line of journal.lines) {
      const minor = toMinor(decimalOf(line.amount)!, EXPONENT);
      this.entries.push({
        id: randomUUID(), entryNumber: this.nextEntry++, postingDate: line.postingDate, documentNumber: line.documentNumber, documentType: ' ',
        externalDocumentNumber: line.externalDocumentNumber, accountId: line.accountId, accountNumber: line.accountNumber, description: line.description,
        debitAmount: minorToNumber(minor > 0n ? minor : 0n, EXPONENT), creditAmount: minorToNumber(minor < 0n ? -minor : 0n, EXPONENT),
        journalCode: journal.code, lastModifiedDateTime: new Date().toISOString(),
      });
    }
    journal.lines = [];
    return { status: 204 };
  }

  private present(journal: Journal): Json {
    return {
      '@odata.etag': `W/"${Buffer.from(journal.lastModifiedDateTime).toString('base64')}"`, id: journal.id, code: journal.code, displayName: journal.displayName,
      templateDisplayName: 'GENERAL', lastModifiedDateTime: journal.lastModifiedDateTime, balancingAccountId: '00000000-0000-0000-0000-000000000000', balancingAccountNumber: '',
    };
  }

  /** null: no filter; undefined: one the sandbox does not take. */
  private filter(req: SandboxRequest, properties: readonly string[]): { property: string; value: string } | null | undefined {
    const text = req.url.searchParams.get('$filter');
    if (text === null) return null;
    const m = FILTER.exec(text.trim());
    if (!m || !properties.includes(m[1])) return undefined;
    return { property: m[1], value: m[2].replace(/''/g, "'") };
  }

  private notAllowed(req: SandboxRequest, entity: string): Reply {
    return odataError(405, 'BadRequest_MethodNotAllowed', `'${req.method}' requests for '${entity}' are not allowed within Microsoft Dynamics 365 Business Central OData web services.`);
  }
}

/** A stable id per G/L account No., as the chart of accounts would give it. */
function randomUUIDFor(accountNumber: string): string {
  const hex = Buffer.from(accountNumber.padEnd(16, '\u0000')).toString('hex').slice(0, 32).padEnd(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
