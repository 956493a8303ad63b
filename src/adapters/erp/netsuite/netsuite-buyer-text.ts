/**
 * What the buyer wrote, on the NetSuite sales order. otherRefNum already carries the channel's order
 * number (the posting looks the order up by it), so the PO number and the note go to the memo, or
 * each to a custom body field (custbody…) the account names; line properties go to a custom column
 * (custcol…) when the account names one, and nowhere otherwise (the line description is the item's).
 */
import { DeliveryError, type SalesOrderDocument, type SalesOrderLine } from '../erp-adapter.port.js';

/** NetSuite keeps at most 999 characters in a transaction memo. */
export const MEMO_MAX = 999;
/** A free-form text custom field holds at most 4,000 characters (a long text area more; 4,000 fits both). */
const CUSTOM_TEXT_MAX = 4000;

export const CUSTOM_BODY = /^custbody[a-z0-9_]+$/;
export const CUSTOM_COLUMN = /^custcol[a-z0-9_]+$/;

export interface NetSuiteBuyerTextOptions {
  /** A custom body field (custbody…) for the buyer's PO number; absent: it goes to the memo. */
  readonly poNumberField?: string;
  /** A custom body field (custbody…) for the buyer's note; absent: it goes to the memo. */
  readonly noteField?: string;
  /** A custom column (custcol…) for each line's properties, as "name: value; …"; absent: not sent. */
  readonly linePropertiesField?: string;
}

function field(name: string | undefined, pattern: RegExp, option: string): string | undefined {
  if (name === undefined) return undefined;
  if (!pattern.test(name)) throw new DeliveryError('PERMANENT', `${option} ${JSON.stringify(name)} is not a custom field id`, { code: 'INVALID_OPTION', field: option });
  return name;
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The header's memo and custom fields for the buyer's text. */
export function headerText(doc: SalesOrderDocument, options: NetSuiteBuyerTextOptions): Record<string, string> {
  const poField = field(options.poNumberField, CUSTOM_BODY, 'poNumberField');
  const noteField = field(options.noteField, CUSTOM_BODY, 'noteField');
  const po = doc.poNumber ?? null;
  const note = doc.note ?? null;
  const memoParts = [doc.memo, po !== null && !poField ? `PO ${po}` : null, note !== null && !noteField ? note : null].filter((p): p is string => p !== null && p !== '');
  return {
    ...(memoParts.length > 0 && { memo: cut(memoParts.join(' · '), MEMO_MAX) }),
    ...(poField && po !== null && { [poField]: cut(po, CUSTOM_TEXT_MAX) }),
    ...(noteField && note !== null && { [noteField]: cut(note, CUSTOM_TEXT_MAX) }),
  };
}

/** The line's properties in the account's custom column, when it names one and the line has any. */
export function lineText(line: SalesOrderLine, options: NetSuiteBuyerTextOptions): Record<string, string> {
  const column = field(options.linePropertiesField, CUSTOM_COLUMN, 'linePropertiesField');
  const properties = line.properties ?? [];
  if (!column || properties.length === 0) return {};
  return { [column]: cut(properties.map((p) => `${p.name}: ${p.value}`).join('; '), CUSTOM_TEXT_MAX) };
}
