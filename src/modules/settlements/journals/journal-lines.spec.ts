import { describe, expect, it } from '@jest/globals';
import { checkedJournal, journalSides } from '../../../adapters/erp/journal-documents.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { checkLinesEqualSettlement, journalLines, type ComponentGroup } from './journal-lines.js';

const group = (kind: ComponentGroup['kind'], amount: bigint, feeType: string | null = null): ComponentGroup => ({ kind, feeType, providerKey: null, amount, lines: 1 });
const accounts: Record<string, string> = {
  'settlement:PRINCIPAL': '4000', 'settlement:REFUND': '4500', 'settlement:PAYOUT': '1090', Commission: '6100', Refund: '6100', Storage: '6120',
};
const accountOf = (source: string) => accounts[source] ?? null;

function refusal(fn: () => unknown): DeliveryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('journalLines', () => {
  it('books a negative payout as a credit to clearing and sums fee types on one account', () => {
    const groups = [group('PRINCIPAL', 1000n), group('REFUND', -2500n), group('FEE', -30n, 'Commission'), group('FEE', 10n, 'Refund'), group('FEE', -5n, 'Storage'), group('PAYOUT', -1525n)];
    const lines = journalLines(groups, accountOf, 'T');
    expect(lines.map((l) => [l.kind, l.accountId, l.debit, l.credit])).toEqual([
      ['PRINCIPAL', '4000', 0n, 1000n], ['REFUND', '4500', 2500n, 0n], ['FEE', '6100', 20n, 0n], ['FEE', '6120', 5n, 0n], ['PAYOUT', '1090', 0n, 1525n],
    ]);
    expect(journalSides(lines)).toEqual({ debit: 2525n, credit: 2525n });
    expect(() => checkLinesEqualSettlement(lines, groups, 'T')).not.toThrow();
  });

  it('waits for every unmapped source at once, and never plugs', () => {
    const error = refusal(() => journalLines([group('PRINCIPAL', 100n), group('FEE', -1n, 'Mystery'), group('TAX', 5n), group('PAYOUT', 104n)], accountOf, 'T'));
    expect(error.kind).toBe('MISSING_DEPENDENCY');
    expect(error.details.code).toBe('UNMAPPED');
    expect(error.message).toContain('"Mystery", "settlement:TAX"');
  });

  it('refuses lines that are not the settlement, and a journal that does not balance', () => {
    const groups = [group('PRINCIPAL', 100n), group('PAYOUT', 99n)];
    const lines = journalLines(groups, accountOf, 'T');
    expect(refusal(() => checkLinesEqualSettlement(lines.slice(1), groups, 'T')).details.code).toBe('DOCUMENT_TOTAL_MISMATCH');
    const doc = { externalId: 'K', shortKey: 'S1', currency: 'EUR', date: '2026-03-17', memo: 'm', lines, total: { amount: 99n, currency: 'EUR' } };
    const unbalanced = refusal(() => checkedJournal(doc));
    expect([unbalanced.kind, unbalanced.details.code]).toEqual(['PERMANENT', 'DOCUMENT_TOTAL_MISMATCH']);
    expect(unbalanced.message).toContain('differ by -1');
  });
});
