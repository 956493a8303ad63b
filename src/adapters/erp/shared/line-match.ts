/**
 * Finding the ERP's line for one of the hub's order lines, for fulfilments and line changes.
 *
 * Lines are matched, in this order of trust:
 *  1. by lineRef, when the ERP line carries it (NetSuite with a lineRef custom column): survives
 *     any edit made in the ERP;
 *  2. by lineIndex, the line's position among the lines the hub wrote (NetSuite: the order's item
 *     lines less discount and shipping lines; Business Central: sequence / 10000 − 1);
 *  3. by item, when exactly one of the hub's lines carries it.
 * Whatever matched must carry the item the hub expects, and a line that two rules could both claim
 * is refused: guessing would ship or cancel the wrong goods, so a wrong or ambiguous match is
 * PERMANENT and names the line, for a person to look at.
 */
import { DeliveryError } from '../erp-adapter.port.js';

/** One line of the ERP's order, reduced to what matching needs. */
export interface ErpOrderLine {
  /** The ERP's handle of the line (NetSuite line number, Business Central line id). */
  readonly key: string;
  /** The item reference as the ERP shows it; compared without regard to case. */
  readonly item: string | undefined;
  /** lineRef read back from the ERP, when it keeps one. */
  readonly lineRef?: string;
  /** Position among the lines the hub wrote; undefined for the others (discount, shipping, comments). */
  readonly position?: number;
}

/** How the hub names the line it means. */
export interface WantedLine {
  readonly lineRef: string;
  readonly itemId?: string;
  readonly lineIndex?: number;
}

const same = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.trim().toUpperCase() === b.trim().toUpperCase();

function refuse(code: string, message: string, field: string): never {
  throw new DeliveryError('PERMANENT', message, { code, field });
}

/**
 * The ERP line the hub means, or undefined when no line answers to it (the caller decides whether
 * that is an error: a line cancelled to zero may have been deleted). Throws PERMANENT when the
 * match is ambiguous or lands on another item.
 */
export function findLine<T extends ErpOrderLine>(lines: readonly T[], wanted: WantedLine, field: string, erp: string): T | undefined {
  const own = lines.filter((l) => l.position !== undefined);
  const checked = (line: T | undefined, how: string): T | undefined => {
    if (line && wanted.itemId !== undefined && line.item !== undefined && !same(line.item, wanted.itemId)) {
      refuse('LINE_MISMATCH', `line ${wanted.lineRef}: the ${erp} line found by ${how} carries item ${line.item}, the hub expects ${wanted.itemId}`, field);
    }
    return line;
  };

  if (lines.some((l) => l.lineRef !== undefined && l.lineRef !== '')) {
    const byRef = own.filter((l) => l.lineRef === wanted.lineRef);
    if (byRef.length > 1) refuse('AMBIGUOUS_LINE', `line ${wanted.lineRef}: ${byRef.length} ${erp} lines carry this lineRef`, field);
    return checked(byRef[0], 'its lineRef');
  }
  if (wanted.lineIndex !== undefined) {
    return checked(own.find((l) => l.position === wanted.lineIndex), `its position ${wanted.lineIndex}`);
  }
  if (wanted.itemId === undefined) {
    refuse('UNMATCHABLE_LINE', `line ${wanted.lineRef}: neither its position nor its item is known, and the ${erp} lines carry no lineRef`, field);
  }
  const byItem = own.filter((l) => same(l.item, wanted.itemId));
  if (byItem.length > 1) {
    refuse(
      'AMBIGUOUS_LINE',
      `line ${wanted.lineRef}: item ${wanted.itemId} is on ${byItem.length} lines of the ${erp} order; send the line's position (lineIndex) or keep lineRef in the ERP`,
      field,
    );
  }
  return byItem[0];
}

/** findLine, with "no such line" as a PERMANENT error. */
export function requireLine<T extends ErpOrderLine>(lines: readonly T[], wanted: WantedLine, field: string, erp: string): T {
  const line = findLine(lines, wanted, field, erp);
  if (!line) {
    refuse('LINE_NOT_FOUND', `line ${wanted.lineRef}${wanted.itemId !== undefined ? ` (item ${wanted.itemId})` : ''} is not on the ${erp} sales order`, field);
  }
  return line;
}

/** A quantity the hub sends: a whole number of units, at least `min`. */
export function wholeQuantity(value: number, min: number, field: string, lineRef: string): number {
  if (!Number.isSafeInteger(value) || value < min) {
    refuse('INVALID_QUANTITY', `line ${lineRef}: quantity ${value} is not a whole number of at least ${min}`, field);
  }
  return value;
}
