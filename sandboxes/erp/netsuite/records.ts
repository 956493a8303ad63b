/**
 * How the sandbox stores and shows a salesOrder: server-set fields (id, tranId, dates), item
 * lines numbered like NetSuite's `line`, and the record/v1 JSON shape with links.
 */
import { decimalOf, minorToNumber, productMinor } from '../shared/decimal.js';
import { currencyExponentOf } from './totals.js';

type Json = Record<string, unknown>;

export interface NsSalesOrder extends Json {
  id: string;
  tranId: string;
  createdDate: string;
  lastModifiedDate: string;
  item: { items: Json[] };
}

/** Exact decimals, not floats, for the amounts the sandbox derives (quantity × rate, rounded to the currency). */
function amountOf(line: Json, exponent: number): number | undefined {
  if (typeof line.amount === 'number') return line.amount;
  const quantity = decimalOf(line.quantity);
  const rate = decimalOf(line.rate);
  if (typeof line.quantity !== 'number' || typeof line.rate !== 'number' || !quantity || !rate) return undefined;
  return minorToNumber(productMinor(quantity, rate, exponent), exponent);
}

function numbered(lines: readonly Json[], start: number, exponent: number): Json[] {
  return lines.map((l, i) => {
    const line: Json = { line: start + i, ...l };
    const amount = amountOf(line, exponent);
    return amount === undefined ? line : { ...line, amount };
  });
}

/**
 * Lines of an update. NetSuite merges a sublist by default: a line naming an existing `line`
 * number changes that line, any other line is added. `?replace=item` replaces the sublist, which
 * is what an idempotent re-send of a whole order needs; without it a re-send duplicates lines,
 * as it would on a real account.
 */
function mergeLines(existing: readonly Json[], incoming: readonly Json[] | undefined, replace: boolean, exponent: number): Json[] {
  if (incoming === undefined) return [...existing];
  if (replace) return numbered(incoming, 1, exponent);
  const out = existing.map((l) => ({ ...l }));
  let next = out.reduce((max, l) => Math.max(max, Number(l.line) || 0), 0) + 1;
  for (const line of incoming) {
    const at = out.findIndex((l) => line.line !== undefined && l.line === line.line);
    if (at >= 0) {
      const merged: Json = { ...out[at], ...line };
      if (line.amount === undefined && (line.quantity !== undefined || line.rate !== undefined)) delete merged.amount;
      const amount = amountOf(merged, exponent);
      out[at] = amount === undefined ? merged : { ...merged, amount };
    } else {
      out.push(...numbered([line], next++, exponent));
    }
  }
  return out;
}

export function newRecord(id: string, input: Json): NsSalesOrder {
  const now = new Date().toISOString();
  const { item, ...header } = input;
  const lines = (item as { items?: Json[] } | undefined)?.items ?? [];
  return {
    tranDate: now.slice(0, 10),
    orderStatus: 'B',
    ...header,
    id,
    tranId: typeof input.tranId === 'string' ? input.tranId : `SO${id}`,
    createdDate: now,
    lastModifiedDate: now,
    item: { items: numbered(lines, 1, currencyExponentOf(input)) },
  };
}

export function updatedRecord(previous: NsSalesOrder, input: Json, replaceSublists: readonly string[]): NsSalesOrder {
  const { item, ...header } = input;
  const incoming = (item as { items?: Json[] } | undefined)?.items;
  return {
    ...previous,
    ...header,
    id: previous.id,
    tranId: typeof input.tranId === 'string' ? input.tranId : previous.tranId,
    createdDate: previous.createdDate,
    lastModifiedDate: new Date().toISOString(),
    item: { items: mergeLines(previous.item.items, incoming, replaceSublists.includes('item'), currencyExponentOf({ ...previous, ...header })) },
  };
}

/** A sales order line shows what has been fulfilled of it, 0 until something was. */
const withFulfilled = (l: Json): Json => (typeof l.quantity === 'number' ? { ...l, quantityFulfilled: l.quantityFulfilled ?? 0 } : l);

/** record/v1 JSON: links to self; sublists as links unless expandSubResources=true. */
export function presentRecord(record: NsSalesOrder, selfUrl: string, expand: boolean): Json {
  const itemUrl = `${selfUrl}/item`;
  const lines = record.item.items.map(withFulfilled);
  return {
    links: [{ rel: 'self', href: selfUrl }],
    ...record,
    item: expand
      ? {
          links: [{ rel: 'self', href: itemUrl }],
          items: lines.map((l) => ({ links: [{ rel: 'self', href: `${itemUrl}/${String(l.line)}` }], ...l })),
          count: lines.length, hasMore: false, offset: 0, totalResults: lines.length,
        }
      : { links: [{ rel: 'self', href: itemUrl }] },
  };
}
