/**
 * The summary journal of one settlement or payout, already mapped to ERP accounts by the
 * settlements module's builder. Each variant writes it as its own record (NetSuite journalEntry,
 * Business Central general journal lines then posted). Amounts are bigint minor units; a line
 * is a debit or a credit, never both, never negative.
 */
import { DeliveryError } from '../../platform/delivery/delivery-error.js';
import type { Money } from '../../canonical/money.js';

/** What a line books: a settlement component, a fee's GL account, or the payout to the bank clearing account. */
export type JournalLineKind =
  | 'PRINCIPAL' | 'TAX' | 'SHIPPING' | 'DISCOUNT' | 'FEE' | 'REFUND' | 'GIFT_CARD' | 'RESERVE_HOLD' | 'RESERVE_RELEASE'
  | 'CHARGEBACK' | 'CHARGEBACK_FEE' | 'ADJUSTMENT' | 'UNKNOWN' | 'PAYOUT'
  /** A store day's cash variance: the store's cash account against the cash over/short account. */
  | 'CASH' | 'CASH_OVER_SHORT';

export interface JournalLine {
  readonly kind: JournalLineKind;
  /** The ERP account (NetSuite account internal id, Business Central G/L account No.). */
  readonly accountId: string;
  readonly debit: bigint;
  readonly credit: bigint;
  readonly memo: string;
}

export interface JournalDocument {
  /** The hub's key of this journal, one per settlement and never per amount (NetSuite externalId). */
  readonly externalId: string;
  /**
   * A short form of the key where the ERP keeps only a short document number (Business Central
   * Document No., 20 characters, and journal batch Code, 10): derived from externalId alone.
   */
  readonly shortKey: string;
  readonly currency: string;
  /** YYYY-MM-DD: the settlement's deposit day. */
  readonly date: string;
  readonly memo: string;
  readonly lines: readonly JournalLine[];
  /** Σ debits = Σ credits: what the journal moves. */
  readonly total: Money;
}

/** Σ debits and Σ credits of lines. */
export function journalSides(lines: readonly Pick<JournalLine, 'debit' | 'credit'>[]): { debit: bigint; credit: bigint } {
  return lines.reduce((acc, l) => ({ debit: acc.debit + l.debit, credit: acc.credit + l.credit }), { debit: 0n, credit: 0n });
}

function refuse(doc: JournalDocument, message: string, field: string): never {
  throw new DeliveryError('PERMANENT', `journal ${doc.externalId}: ${message}`, { code: 'DOCUMENT_TOTAL_MISMATCH', field });
}

/**
 * The fidelity invariant of a journal, checked before anything is sent: every line one-sided and
 * not negative, debits equal credits to the minor unit, and both equal the stated total.
 */
export function checkedJournal(doc: JournalDocument): JournalDocument {
  if (doc.lines.length < 2) refuse(doc, `a journal needs at least two lines, it has ${doc.lines.length}`, 'lines');
  doc.lines.forEach((line, i) => {
    if (line.debit < 0n || line.credit < 0n || (line.debit === 0n) === (line.credit === 0n)) {
      refuse(doc, `line ${i + 1} must be either a debit or a credit, above zero (debit ${line.debit}, credit ${line.credit})`, `lines[${i}]`);
    }
    if (!line.accountId.trim()) refuse(doc, `line ${i + 1} has no account`, `lines[${i}].accountId`);
  });
  const { debit, credit } = journalSides(doc.lines);
  if (debit !== credit) refuse(doc, `debits ${debit} and credits ${credit} minor units of ${doc.currency} differ by ${debit - credit}`, 'lines');
  if (doc.total.currency !== doc.currency || doc.total.amount !== debit) {
    refuse(doc, `its lines move ${debit} minor units of ${doc.currency}, its total says ${doc.total.amount} ${doc.total.currency}`, 'total');
  }
  return doc;
}
