/**
 * A store day's cash, per currency: expected = opening float + what each counted transaction did
 * to the drawer (sales' cash kept after change, less cash refunds, paid in less paid out), leaving
 * out every transaction a void of the day names; variance = counted − expected (positive: over,
 * negative: short). Pure: bigint minor units, no I/O.
 */
import type { TillCount } from '../../canonical/store-day.js';

export interface CountedTransaction {
  readonly transactionId: string;
  readonly kind: string;
  readonly currency: string;
  readonly cash: bigint;
  readonly voids: string | null;
}

export interface CashLine {
  readonly currency: string;
  readonly openingFloat: bigint;
  readonly counted: bigint;
  readonly expected: bigint;
  readonly variance: bigint;
}

/** One line per currency that was counted or moved cash; a currency moved but not counted counts as zero. */
export function cashLines(transactions: readonly CountedTransaction[], counts: readonly TillCount[]): CashLine[] {
  const voided = new Set(transactions.flatMap((t) => (t.kind === 'VOID' && t.voids ? [t.voids] : [])));
  const moved = new Map<string, bigint>();
  for (const t of transactions) {
    if (voided.has(t.transactionId) || t.cash === 0n) continue;
    moved.set(t.currency, (moved.get(t.currency) ?? 0n) + t.cash);
  }
  const currencies = [...new Set([...counts.map((c) => c.currency), ...moved.keys()])].sort();
  return currencies.map((currency) => {
    const count = counts.find((c) => c.currency === currency);
    const openingFloat = count?.openingFloat ?? 0n;
    const counted = count?.counted ?? 0n;
    const expected = openingFloat + (moved.get(currency) ?? 0n);
    return { currency, openingFloat, counted, expected, variance: counted - expected };
  });
}

/** The journals still to post per currency: the variance less what earlier journals of the day already booked. */
export function journalDeltas(lines: readonly CashLine[], booked: ReadonlyMap<string, bigint>): { currency: string; amount: bigint }[] {
  const currencies = [...new Set([...lines.map((l) => l.currency), ...booked.keys()])].sort();
  return currencies
    .map((currency) => ({ currency, amount: (lines.find((l) => l.currency === currency)?.variance ?? 0n) - (booked.get(currency) ?? 0n) }))
    .filter((d) => d.amount !== 0n);
}
