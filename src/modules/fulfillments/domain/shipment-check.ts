import type { ShipmentLine } from '../../../canonical/fulfillment.js';

export interface OrderedLine {
  readonly lineRef: string;
  readonly quantity: number;
}

export type ShipmentVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'UNKNOWN_LINE' | 'OVER_SHIPMENT'; readonly detail: string };

/** Units already shipped per order line, from confirmed shipments. */
export function shippedByLine(shipments: readonly { readonly lines: readonly ShipmentLine[] }[]): Map<string, number> {
  const shipped = new Map<string, number>();
  for (const shipment of shipments) for (const line of shipment.lines) shipped.set(line.lineRef, (shipped.get(line.lineRef) ?? 0) + line.quantity);
  return shipped;
}

/**
 * Whether a confirmation fits the order: every line it names is on the order, and no line
 * ends up shipped beyond what was ordered. A confirmation that does not fit is held, not
 * posted: shipping more than was sold is a warehouse error or a lost order update, and a
 * person decides which.
 */
export function checkShipment(ordered: readonly OrderedLine[], shipped: ReadonlyMap<string, number>, lines: readonly ShipmentLine[]): ShipmentVerdict {
  const orderedBy = new Map(ordered.map((l) => [l.lineRef, l.quantity]));
  const adding = new Map<string, number>();
  for (const line of lines) adding.set(line.lineRef, (adding.get(line.lineRef) ?? 0) + line.quantity);
  const over: string[] = [];
  for (const [lineRef, quantity] of adding) {
    const limit = orderedBy.get(lineRef);
    if (limit === undefined) return { ok: false, reason: 'UNKNOWN_LINE', detail: `line ${lineRef} is not on the order` };
    const before = shipped.get(lineRef) ?? 0;
    if (before + quantity > limit) over.push(`line ${lineRef}: ordered ${limit}, shipped ${before} before, this confirms ${quantity}`);
  }
  return over.length > 0 ? { ok: false, reason: 'OVER_SHIPMENT', detail: over.join('; ') } : { ok: true };
}

/** NONE, PARTIAL or FULL: how much of the order has shipped. */
export function fulfilmentProgress(ordered: readonly OrderedLine[], shipped: ReadonlyMap<string, number>): 'NONE' | 'PARTIAL' | 'FULL' {
  let any = false;
  let all = true;
  for (const line of ordered) {
    const done = shipped.get(line.lineRef) ?? 0;
    if (done > 0) any = true;
    if (done < line.quantity) all = false;
  }
  return all && ordered.length > 0 ? 'FULL' : any ? 'PARTIAL' : 'NONE';
}
