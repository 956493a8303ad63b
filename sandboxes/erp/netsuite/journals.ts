/**
 * Journal entries, as NetSuite's record/v1 journalEntry takes them:
 *
 *   PUT …/journalEntry/eid:{externalId}[?replace=line]  upsert → 204 + Location
 *   GET …/journalEntry/{id | eid:…}[?expandSubResources=true]
 *
 * The `line` sublist holds { account, debit | credit, memo }. NetSuite's rules, in its order: a
 * subsidiary and a currency on the header, at least two lines, each line an account and exactly
 * one of debit and credit, above zero, and the debits equal to the credits; otherwise a
 * USER_ERROR in its error shape and nothing is kept. An update with ?replace=line replaces the
 * lines; the entry keeps its id and tranId.
 */
import type { Reply, SandboxRequest } from '../shared/http.js';
import { decimalOf, exponentOf, minorToNumber, toMinor } from '../shared/decimal.js';
import { invalidFieldValue, missingValue, notFound, userError } from './errors.js';
import { refValue } from './validate.js';

type Json = Record<string, unknown>;
type Target = { kind: 'id'; id: string } | { kind: 'eid'; externalId: string };

const RECORD_BASE = '/services/rest/record/v1';
const SINGULAR_TYPE = 'application/vnd.oracle.resource+json; type=singular; charset=UTF-8';
export const JOURNAL_PATH = `${RECORD_BASE}/journalEntry`;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export class NetSuiteJournals {
  private readonly entries = new Map<string, Json & { id: string }>();

  constructor(private readonly nextId: () => string) {}

  reset(): void {
    this.entries.clear();
  }

  /** GET /_sandbox/journals: every journal entry kept, lines expanded. */
  list(): Json[] {
    return [...this.entries.values()];
  }

  find(target: Target): (Json & { id: string }) | undefined {
    return target.kind === 'id' ? this.entries.get(target.id) : [...this.entries.values()].find((e) => e.externalId === target.externalId);
  }

  read(req: SandboxRequest, target: Target): Reply {
    const entry = this.find(target);
    if (!entry) return notFound(req.url.pathname);
    const self = `${req.url.origin}${JOURNAL_PATH}/${entry.id}`;
    const items = (entry.line as { items: Json[] }).items;
    const line = req.url.searchParams.get('expandSubResources') === 'true'
      ? { links: [{ rel: 'self', href: `${self}/line` }], items, count: items.length, hasMore: false, offset: 0, totalResults: items.length }
      : { links: [{ rel: 'self', href: `${self}/line` }] };
    return { status: 200, headers: { 'content-type': SINGULAR_TYPE }, body: { links: [{ rel: 'self', href: self }], ...entry, line } };
  }

  upsert(req: SandboxRequest, externalId: string, body: Json): Reply {
    const existing = this.find({ kind: 'eid', externalId });
    const replace = (req.url.searchParams.get('replace') ?? '').split(',').map((s) => s.trim()).includes('line');
    const merged: Json = { ...(existing ?? {}), ...body, externalId };
    const given = isObject(body.line) && Array.isArray(body.line.items) ? body.line.items : undefined;
    const before = existing ? (existing.line as { items: Json[] }).items : [];
    const lines = given === undefined ? before : replace || !existing ? given : [...before, ...given];
    const checked = this.check(merged, lines);
    if (!checked.ok) return checked.reply;
    const id = existing?.id ?? this.nextId();
    const entry = {
      ...merged, id, tranId: existing?.tranId ?? `JE${id}`, line: { items: checked.lines }, total: checked.total,
      createdDate: existing?.createdDate ?? new Date().toISOString(), lastModifiedDate: new Date().toISOString(),
    };
    this.entries.set(id, entry);
    return { status: 204, headers: { location: `${req.url.origin}${JOURNAL_PATH}/${id}` }, committed: true };
  }

  private check(header: Json, lines: unknown[]): { ok: true; lines: Json[]; total: number } | { ok: false; reply: Reply } {
    const fail = (reply: Reply) => ({ ok: false as const, reply });
    if (!refValue(header.subsidiary)) return fail(missingValue('Subsidiary', 'subsidiary'));
    if (!refValue(header.currency)) return fail(missingValue('Currency', 'currency'));
    const exponent = exponentOf(isObject(header.currency) ? header.currency.externalId : undefined);
    if (lines.length < 2) return fail(userError('You must enter at least two line items for this transaction.', 'line'));
    let debits = 0n;
    let credits = 0n;
    const kept: Json[] = [];
    for (const [i, raw] of lines.entries()) {
      if (!isObject(raw)) return fail(invalidFieldValue('line', raw, `line.items[${i}]`));
      if (!refValue(raw.account)) return fail(missingValue('Account', `line.items[${i}].account`));
      const side = (field: 'debit' | 'credit'): bigint | null | undefined => {
        if (raw[field] === undefined || raw[field] === null) return null;
        const value = decimalOf(raw[field]);
        return value && value.units > 0n && value.scale <= exponent ? toMinor(value, exponent) : undefined;
      };
      const debit = side('debit');
      const credit = side('credit');
      if (debit === undefined) return fail(invalidFieldValue('debit', raw.debit, `line.items[${i}].debit`));
      if (credit === undefined) return fail(invalidFieldValue('credit', raw.credit, `line.items[${i}].credit`));
      if ((debit === null) === (credit === null)) return fail(userError('Each journal line must have either a debit or a credit amount.', `line.items[${i}]`));
      debits += debit ?? 0n;
      credits += credit ?? 0n;
      kept.push({ ...raw, line: i + 1 });
    }
    if (debits !== credits) {
      return fail(userError(`The transaction is out of balance: debits ${minorToNumber(debits, exponent)} do not equal credits ${minorToNumber(credits, exponent)}.`, 'line'));
    }
    return { ok: true, lines: kept, total: minorToNumber(debits, exponent) };
  }
}
