/**
 * A settlement's components → the lines of its summary journal, in bigint minor units. Each
 * component kind is one line on its account, fees one line per GL account (their fee types
 * summed), lines whose provider type the hub does not know one line per type; a positive sum is
 * a credit (money the channel owes the seller: sales, tax, shipping, a reserve released), a
 * negative one a debit (fees, refunds, a reserve held, chargebacks). The payout is the balancing
 * debit to the bank clearing account (a credit when negative). Pure: no I/O.
 */
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import type { JournalLine, JournalLineKind } from '../../../adapters/erp/journal-documents.js';

/** The components of a settlement summed per kind, fee type and (for unknown lines) provider key. */
export interface ComponentGroup {
  readonly kind: JournalLineKind | 'BANK_DEPOSIT';
  readonly feeType: string | null;
  readonly providerKey: string | null;
  readonly amount: bigint;
  readonly lines: number;
}

/** The FEE_TYPE mapping source value that names a group's account. */
export function accountSource(group: Pick<ComponentGroup, 'kind' | 'feeType' | 'providerKey'>): string {
  if (group.kind === 'FEE') return group.feeType ?? '';
  if (group.kind === 'UNKNOWN') return group.providerKey ?? '';
  return `settlement:${group.kind}`;
}

const LABEL: Readonly<Record<string, string>> = {
  PRINCIPAL: 'sales', TAX: 'tax', SHIPPING: 'shipping', DISCOUNT: 'discounts', REFUND: 'refunds', GIFT_CARD: 'gift cards', RESERVE_HOLD: 'reserve held',
  RESERVE_RELEASE: 'reserve released', CHARGEBACK: 'chargebacks', CHARGEBACK_FEE: 'chargeback fees', ADJUSTMENT: 'adjustments', PAYOUT: 'payout to the bank clearing account',
};

/** Resolves a source value to its account; null when unmapped. */
export type AccountOf = (source: string) => string | null;

/**
 * The journal's lines. Any group without an account stops it (MISSING_DEPENDENCY, every missing
 * source named): a journal never books a line to a plug account.
 */
export function journalLines(groups: readonly ComponentGroup[], accountOf: AccountOf, title: string): JournalLine[] {
  const live = groups.filter((g) => g.amount !== 0n);
  const bank = live.find((g) => g.kind === 'BANK_DEPOSIT');
  if (bank) throw new DeliveryError('PERMANENT', `${title} holds bank statement lines; a bank statement has no journal`, { code: 'NOT_A_SETTLEMENT' });
  const missing = [...new Set(live.map(accountSource).filter((source) => !accountOf(source)))];
  if (missing.length > 0) {
    throw new DeliveryError('MISSING_DEPENDENCY', `${title}: no FEE_TYPE mapping (glAccount) for ${missing.map((m) => JSON.stringify(m)).join(', ')}`, { code: 'UNMAPPED', field: 'FEE_TYPE' });
  }
  const merged = new Map<string, { kind: JournalLineKind; accountId: string; amount: bigint; names: string[] }>();
  for (const group of live) {
    const accountId = accountOf(accountSource(group))!;
    const key = group.kind === 'FEE' ? `FEE|${accountId}` : `${group.kind}|${accountSource(group)}`;
    const entry = merged.get(key) ?? { kind: group.kind as JournalLineKind, accountId, amount: 0n, names: [] };
    entry.amount += group.amount;
    if (group.kind === 'FEE' && group.feeType) entry.names.push(group.feeType);
    if (group.kind === 'UNKNOWN' && group.providerKey) entry.names.push(group.providerKey);
    merged.set(key, entry);
  }
  const lines: JournalLine[] = [];
  for (const entry of merged.values()) {
    if (entry.amount === 0n) continue;
    const label = entry.kind === 'FEE' ? `fees: ${entry.names.sort().join(', ')}` : entry.kind === 'UNKNOWN' ? `other: ${entry.names.join(', ')}` : LABEL[entry.kind];
    // The payout is the bank's side: a positive payout debits clearing; every other positive part is a credit.
    const debitWhenPositive = entry.kind === 'PAYOUT';
    const positive = entry.amount > 0n;
    const value = positive ? entry.amount : -entry.amount;
    const debit = positive === debitWhenPositive ? value : 0n;
    lines.push({ kind: entry.kind, accountId: entry.accountId, debit, credit: debit === 0n ? value : 0n, memo: `${title}: ${label}`.slice(0, 200) });
  }
  return lines;
}

/**
 * The journal is the settlement: per kind, what its lines book equals the components' sum to the
 * minor unit (the payout as a debit, every other kind as a credit). Refused before sending if not.
 */
export function checkLinesEqualSettlement(lines: readonly JournalLine[], groups: readonly ComponentGroup[], title: string): void {
  const expected = new Map<string, bigint>();
  for (const g of groups) expected.set(g.kind, (expected.get(g.kind) ?? 0n) + g.amount);
  const booked = new Map<string, bigint>();
  for (const l of lines) booked.set(l.kind, (booked.get(l.kind) ?? 0n) + (l.kind === 'PAYOUT' ? l.debit - l.credit : l.credit - l.debit));
  for (const kind of new Set([...expected.keys(), ...booked.keys()])) {
    const want = expected.get(kind) ?? 0n;
    const got = booked.get(kind) ?? 0n;
    if (want !== got) {
      throw new DeliveryError('PERMANENT', `${title}: its ${kind} lines book ${got} minor units, the settlement's components ${want}`, { code: 'DOCUMENT_TOTAL_MISMATCH', field: kind });
    }
  }
}
