/**
 * A store day's cash variance as journal lines: over (counted more than expected) debits the
 * store's cash account and credits cash over/short; short the other way round. The amount is the
 * change of the variance this journal books (the whole variance for the first one). Pure.
 */
import { checkedJournal, journalSides, type JournalDocument } from '../../../adapters/erp/journal-documents.js';
import { createHash } from 'node:crypto';
import { formatDecimal } from '../../../canonical/money.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';

/** FEE_TYPE source values naming the accounts (glAccount), scoped by the store's channel and account. */
export const CASH_ACCOUNT_SOURCE = 'store-day:CASH';
export const OVER_SHORT_ACCOUNT_SOURCE = 'store-day:CASH_OVER_SHORT';

export interface VarianceJournalInput {
  readonly externalId: string;
  readonly store: string;
  readonly businessDate: string;
  readonly currency: string;
  /** Signed minor units: positive over, negative short. */
  readonly amount: bigint;
  readonly seq: number;
}

export function varianceJournal(input: VarianceJournalInput, accounts: { cash: string | null; overShort: string | null }): JournalDocument {
  const missing = [accounts.cash ? null : CASH_ACCOUNT_SOURCE, accounts.overShort ? null : OVER_SHORT_ACCOUNT_SOURCE].filter((m): m is string => m !== null);
  if (missing.length > 0) {
    throw new DeliveryError('MISSING_DEPENDENCY', `store day ${input.store} ${input.businessDate}: no FEE_TYPE mapping (glAccount) for ${missing.map((m) => JSON.stringify(m)).join(', ')}`, { code: 'UNMAPPED', field: 'FEE_TYPE' });
  }
  const value = input.amount < 0n ? -input.amount : input.amount;
  const over = input.amount > 0n;
  const what = `${input.store} ${input.businessDate} cash ${over ? 'over' : 'short'} ${formatDecimal({ amount: value, currency: input.currency })} ${input.currency}${input.seq > 1 ? ` (restatement ${input.seq - 1})` : ''}`;
  const doc = checkedJournal({
    externalId: input.externalId, shortKey: `D${createHash('sha256').update(input.externalId).digest('hex').slice(0, 9).toUpperCase()}`,
    currency: input.currency, date: input.businessDate, memo: `Store day ${what}`.slice(0, 200),
    lines: [
      { kind: 'CASH', accountId: accounts.cash!, debit: over ? value : 0n, credit: over ? 0n : value, memo: `${what}: store cash`.slice(0, 200) },
      { kind: 'CASH_OVER_SHORT', accountId: accounts.overShort!, debit: over ? 0n : value, credit: over ? value : 0n, memo: `${what}: cash over/short`.slice(0, 200) },
    ],
    total: { amount: value, currency: input.currency },
  });
  // The journal is the variance to the minor unit: the cash side moves by exactly the amount.
  const cash = doc.lines.filter((l) => l.kind === 'CASH').reduce((n, l) => n + l.debit - l.credit, 0n);
  if (cash !== input.amount || journalSides(doc.lines).debit !== value) {
    throw new DeliveryError('PERMANENT', `journal ${input.externalId}: books ${cash} minor units to cash, the variance is ${input.amount}`, { code: 'DOCUMENT_TOTAL_MISMATCH', field: 'lines' });
  }
  return doc;
}
