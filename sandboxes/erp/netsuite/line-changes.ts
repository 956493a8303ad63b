/**
 * Changes to a sales order's existing lines through PATCH (lines merged by `line` number): an
 * ordered quantity may not drop below what has been fulfilled, and every applied change of a
 * line's quantity or closed flag is recorded for GET /_sandbox/documents.
 */
import type { LineChange } from '../shared/context.js';
import type { Reply } from '../shared/http.js';
import { userError } from './errors.js';
import type { NsSalesOrder } from './records.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function incomingLines(body: Json): Json[] {
  return isObject(body.item) && Array.isArray(body.item.items) ? (body.item.items as Json[]).filter(isObject) : [];
}

/** NetSuite's refusal of a quantity below the fulfilled one; undefined when the change is allowed. */
export function checkLineChanges(order: NsSalesOrder, body: Json, replacing: boolean): Reply | undefined {
  if (replacing) return undefined;
  for (const [i, line] of incomingLines(body).entries()) {
    const existing = order.item.items.find((l) => line.line !== undefined && l.line === line.line);
    if (!existing || typeof line.quantity !== 'number') continue;
    const fulfilled = num(existing.quantityFulfilled);
    if (line.quantity < fulfilled) {
      return userError(
        `You cannot reduce the quantity of line ${String(existing.line)} to ${line.quantity}: ${fulfilled} have already been fulfilled.`,
        `item.items[${i}].quantity`,
      );
    }
  }
  return undefined;
}

/** The lines whose quantity or closed flag the update changed, or undefined when none did. */
export function lineChangeOf(id: string, key: string | undefined, before: NsSalesOrder, after: NsSalesOrder): LineChange | undefined {
  const lines: LineChange['lines'][number][] = [];
  for (const now of after.item.items) {
    const was = before.item.items.find((l) => l.line === now.line);
    if (!was || typeof now.line !== 'number') continue;
    const closed = now.isClosed === true;
    if (num(was.quantity) === num(now.quantity) && (was.isClosed === true) === closed) continue;
    lines.push({ line: now.line, quantityBefore: num(was.quantity), quantityAfter: num(now.quantity), closed });
  }
  return lines.length === 0 ? undefined : { at: new Date().toISOString(), salesOrderId: id, salesOrderKey: key ?? null, lines };
}
