/**
 * Which fulfillment order lines a shipment's units come from. Shopify fulfils fulfillment
 * orders, not order lines: one line item may be spread over several fulfillment orders (a
 * split, a partial move), and one fulfillment may only take fulfillment orders at one location.
 * @since 0.5.0
 */

export interface FulfillmentOrderView {
  readonly id: string;
  readonly locationId: string;
  /** open, in_progress, closed, cancelled, incomplete, on_hold, scheduled. */
  readonly status: string;
  readonly lines: readonly { readonly id: string; readonly lineItemId: string; readonly fulfillableQuantity: number }[];
}

export interface RequestedUnits {
  readonly lineItemId: string;
  readonly quantity: number;
}

export interface FulfillmentOrderPick {
  readonly fulfillmentOrderId: string;
  readonly lines: readonly { readonly id: string; readonly quantity: number }[];
}

export type Allocation =
  | { readonly ok: true; readonly locationId: string; readonly byFulfillmentOrder: readonly FulfillmentOrderPick[] }
  | { readonly ok: false; readonly code: 'LINE_NOT_IN_FULFILLMENT_ORDERS' | 'MULTIPLE_LOCATIONS'; readonly message: string };

const FULFILLABLE = new Set(['open', 'in_progress']);

/**
 * Picks one location that can take every requested unit (the preferred one first) and draws
 * the units from its open fulfillment orders in Shopify's order. When no location can, the
 * units short are still asked of the location that holds every line: Shopify is the authority
 * on what is fulfillable (the list read a moment ago may be stale), and its refusal names the
 * reason (quantity too high, fulfillment order closed) better than a guess here would.
 */
export function allocateFulfillment(fos: readonly FulfillmentOrderView[], requested: readonly RequestedUnits[], preferredLocationId?: string | null): Allocation {
  const want = new Map<string, number>();
  for (const r of requested) want.set(r.lineItemId, (want.get(r.lineItemId) ?? 0) + r.quantity);

  const locations = [...new Set(fos.map((fo) => fo.locationId))];
  if (preferredLocationId && locations.includes(preferredLocationId)) locations.sort((a, b) => Number(b === preferredLocationId) - Number(a === preferredLocationId));
  const at = (location: string, onlyOpen: boolean) => fos.filter((fo) => fo.locationId === location && (!onlyOpen || FULFILLABLE.has(fo.status)));
  const available = (location: string, lineItemId: string): number =>
    at(location, true).flatMap((fo) => fo.lines).filter((l) => l.lineItemId === lineItemId).reduce((n, l) => n + l.fulfillableQuantity, 0);

  const covering = locations.find((loc) => [...want].every(([item, qty]) => available(loc, item) >= qty));
  if (covering !== undefined) return { ok: true, locationId: covering, byFulfillmentOrder: draw(at(covering, true), want, new Map()) };

  const holds = (loc: string, item: string): boolean => at(loc, false).some((fo) => fo.lines.some((l) => l.lineItemId === item));
  const holders = locations.filter((loc) => [...want.keys()].every((item) => holds(loc, item)));
  if (holders.length === 0) {
    const nowhere = [...want.keys()].filter((item) => !locations.some((loc) => holds(loc, item)));
    if (nowhere.length > 0) {
      return { ok: false, code: 'LINE_NOT_IN_FULFILLMENT_ORDERS', message: `line items ${nowhere.join(', ')} are in none of the order's fulfillment orders` };
    }
    const where = [...want.keys()].map((item) => `${item} at ${locations.filter((loc) => holds(loc, item)).join('/')}`);
    return { ok: false, code: 'MULTIPLE_LOCATIONS', message: `the lines are at different locations (${where.join(', ')}); Shopify fulfils one location at a time` };
  }
  const covered = (loc: string): number => [...want].reduce((n, [item, qty]) => n + Math.min(qty, available(loc, item)), 0);
  const best = holders.reduce((a, b) => (covered(b) > covered(a) ? b : a));
  return { ok: true, locationId: best, byFulfillmentOrder: draw(at(best, true), want, shortfallTargets(at(best, false), want, (item) => available(best, item))) };
}

/** Where each short item's missing units are asked: its last open line at the location, else its last line there. */
function shortfallTargets(fos: readonly FulfillmentOrderView[], want: ReadonlyMap<string, number>, available: (item: string) => number): Map<string, { fo: FulfillmentOrderView; lineId: string; units: number }> {
  const targets = new Map<string, { fo: FulfillmentOrderView; lineId: string; units: number }>();
  for (const [item, qty] of want) {
    const short = qty - available(item);
    if (short <= 0) continue;
    const holding = fos.filter((fo) => fo.lines.some((l) => l.lineItemId === item));
    const fo = [...holding].reverse().find((f) => FULFILLABLE.has(f.status)) ?? holding[holding.length - 1];
    const line = [...fo.lines].reverse().find((l) => l.lineItemId === item);
    if (line) targets.set(item, { fo, lineId: line.id, units: short });
  }
  return targets;
}

function draw(open: readonly FulfillmentOrderView[], want: ReadonlyMap<string, number>, shortfall: ReadonlyMap<string, { fo: FulfillmentOrderView; lineId: string; units: number }>): FulfillmentOrderPick[] {
  const picks = new Map<string, Map<string, number>>();
  const add = (foId: string, lineId: string, units: number): void => {
    const lines = picks.get(foId) ?? new Map<string, number>();
    lines.set(lineId, (lines.get(lineId) ?? 0) + units);
    picks.set(foId, lines);
  };
  const left = new Map(want);
  for (const fo of open) {
    for (const line of fo.lines) {
      const need = left.get(line.lineItemId) ?? 0;
      const take = Math.min(need, line.fulfillableQuantity);
      if (take <= 0) continue;
      add(fo.id, line.id, take);
      left.set(line.lineItemId, need - take);
    }
  }
  for (const { fo, lineId, units } of shortfall.values()) add(fo.id, lineId, units);
  return [...picks].map(([fulfillmentOrderId, lines]) => ({ fulfillmentOrderId, lines: [...lines].map(([id, quantity]) => ({ id, quantity })) }));
}
