import type { CanonicalOrder } from '../../../canonical/order.js';

/** What an edit can change about a line that an ERP document carries. */
export interface LineFacts {
  readonly lineRef: string;
  readonly quantity: number;
  readonly unitPrice: bigint;
  readonly discount: bigint;
}

/** The order's lines as LineFacts. */
export function lineFactsOf(order: CanonicalOrder): LineFacts[] {
  return order.lines.map((l) => ({
    lineRef: l.externalId,
    quantity: l.quantity,
    unitPrice: l.unitPrice.amount,
    discount: l.discounts.reduce((total, d) => total + d.amount.amount, 0n),
  }));
}

/**
 * How the lines changed from `before` to `after`, for the order's history and the event's reason
 * ("line 11 3 → 2; line 13 added (1); line 12 taken off"); null when nothing a document carries
 * changed.
 */
export function describeLineEdit(before: readonly LineFacts[], after: readonly LineFacts[]): string | null {
  const old = new Map(before.map((l) => [l.lineRef, l]));
  const seen = new Set<string>();
  const changes: string[] = [];
  for (const line of after) {
    seen.add(line.lineRef);
    const was = old.get(line.lineRef);
    if (!was || was.quantity === 0) {
      if (line.quantity > 0) changes.push(`line ${line.lineRef} added (${line.quantity})`);
    } else if (line.quantity === 0) {
      changes.push(`line ${line.lineRef} taken off`);
    } else if (was.quantity !== line.quantity) {
      changes.push(`line ${line.lineRef} ${was.quantity} → ${line.quantity}`);
    } else if (was.unitPrice !== line.unitPrice || was.discount !== line.discount) {
      changes.push(`line ${line.lineRef} repriced`);
    }
  }
  for (const line of before) if (!seen.has(line.lineRef) && line.quantity > 0) changes.push(`line ${line.lineRef} taken off`);
  return changes.length > 0 ? changes.join('; ') : null;
}
