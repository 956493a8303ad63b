/**
 * A settlement's summary journal in NetSuite:
 *   post: PUT …/journalEntry/eid:{externalId}?replace=line  { subsidiary, currency, tranDate, memo, line: { items: [{ account, debit | credit, memo }] } }
 *         → 204 + Location, then GET …/journalEntry/{id}?expandSubResources=true: the lines as NetSuite keeps them
 *   find: GET …/journalEntry/eid:{externalId}?expandSubResources=true → 200 | 404
 * PUT by external id is NetSuite's upsert, so a second send replaces the lines of the one entry.
 * The journal is checked before sending (balanced, equal to its total) and read back after: the
 * debits and credits NetSuite holds must both equal what was sent, or the posting says so.
 */
import { formatDecimal, type Money } from '../../../canonical/money.js';
import { DeliveryError, type ErpCallContext, type ErpDocumentRef } from '../erp-adapter.port.js';
import { checkedJournal, type JournalDocument } from '../journal-documents.js';
import { erpTotalOf } from '../shared/erp-total.js';
import { internalIdFromLocation, recordOf, type NetSuiteClient } from './netsuite-client.js';
import { parseNetSuiteError } from './netsuite.errors.js';
import { netSuiteAmount, type NetSuiteMappingOptions } from './netsuite.mapper.js';

type Json = Record<string, unknown>;

export interface NetSuiteJournalOptions extends NetSuiteMappingOptions {
  /** The subsidiary journals are booked in (OneWorld accounts need one on every journal entry). */
  readonly journalSubsidiaryId?: string;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The record/v1 body of a journal entry. */
export function toNetSuiteJournal(doc: JournalDocument, options: NetSuiteJournalOptions): Json {
  checkedJournal(doc);
  if (!options.journalSubsidiaryId) {
    throw new DeliveryError('MISSING_DEPENDENCY', 'the NetSuite target has no journalSubsidiaryId setting: a journal entry needs its subsidiary', { code: 'UNMAPPED', field: 'journalSubsidiaryId' });
  }
  const currencyId = options.currencyIds?.[doc.currency];
  const amount = (minor: bigint): number => netSuiteAmount({ amount: minor, currency: doc.currency });
  return {
    externalId: doc.externalId,
    subsidiary: { id: options.journalSubsidiaryId },
    currency: currencyId ? { id: currencyId } : { externalId: doc.currency },
    tranDate: doc.date,
    memo: doc.memo,
    line: {
      items: doc.lines.map((l) => ({
        account: { id: l.accountId }, memo: l.memo, ...(l.debit > 0n ? { debit: amount(l.debit) } : { credit: amount(l.credit) }),
      })),
    },
  };
}

export class NetSuiteJournals {
  constructor(
    private readonly client: NetSuiteClient,
    private readonly options: NetSuiteJournalOptions,
  ) {}

  async post(doc: JournalDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const body = toNetSuiteJournal(doc, this.options);
    const answer = await this.client.send('PUT', this.client.url('journalEntry', { externalId: doc.externalId }, '', { replace: 'line' }), body, ctx);
    if (answer.status < 200 || answer.status > 299) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const internalId = internalIdFromLocation(answer.headers.get('location'), 'journalEntry');
    const record = await this.read(internalId !== undefined ? { internalId } : { externalId: doc.externalId }, ctx);
    if (!record) {
      if (internalId !== undefined) return { internalId, documentNumber: null, expectedTotal: doc.total };
      throw new DeliveryError('AMBIGUOUS', 'NetSuite accepted the journalEntry but did not find it by its external id afterwards', { code: 'NO_LOCATION' });
    }
    return this.refOf(record, doc);
  }

  async find(doc: JournalDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const record = await this.read({ externalId: doc.externalId }, ctx);
    return record ? this.refOf(record, doc) : null;
  }

  private async read(id: { internalId: string } | { externalId: string }, ctx: ErpCallContext): Promise<Json | undefined> {
    const answer = await this.client.send('GET', this.client.url('journalEntry', id, '', { expandSubResources: 'true' }), undefined, ctx);
    if (answer.status === 404) return undefined;
    if (answer.status < 200 || answer.status > 299) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const record = recordOf(answer);
    if (!record || (typeof record.id !== 'string' && typeof record.id !== 'number')) {
      throw new DeliveryError('RETRYABLE', 'NetSuite answered the journalEntry look-up without a record', { status: answer.status, code: 'UNREADABLE_RECORD' });
    }
    return record;
  }

  /**
   * The entry as NetSuite holds it: its total is its debits, reported only when they equal its
   * credits; a one-sided read-back leaves erpTotal out, so the posting shows it was not confirmed.
   */
  private refOf(record: Json, doc: JournalDocument): ErpDocumentRef {
    const items = isObject(record.line) && Array.isArray(record.line.items) ? record.line.items.filter(isObject) : [];
    const side = (field: 'debit' | 'credit'): Money | undefined => {
      let total = 0n;
      for (const item of items) {
        if (item[field] === undefined || item[field] === null) continue;
        const value = erpTotalOf(item[field], doc.currency);
        if (!value) return undefined;
        total += value.amount;
      }
      return { amount: total, currency: doc.currency };
    };
    const debit = side('debit');
    const credit = side('credit');
    const balanced = debit && credit && debit.amount === credit.amount;
    if (!balanced) {
      this.client.logger.warn({ msg: 'NetSuite journal read back unbalanced', externalId: doc.externalId, debit: debit && formatDecimal(debit), credit: credit && formatDecimal(credit) });
    }
    const tranId = record.tranId;
    return {
      internalId: String(record.id), documentNumber: typeof tranId === 'string' && tranId !== '' ? tranId : null,
      expectedTotal: doc.total, ...(balanced && { erpTotal: debit }),
    };
  }
}
