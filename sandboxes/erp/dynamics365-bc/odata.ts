/**
 * The slice of OData v4 the sandbox speaks: `$filter` with `eq` clauses joined by `and`
 * (enough for `externalDocumentNumber eq '...'`), weak etags derived from the stored version,
 * and entity bodies with @odata.context and @odata.etag.
 */
import type { StoredDocument } from '../shared/store.js';
import { SALES_ORDER, SALES_ORDER_LINE, withDefaults, type PropertyTable } from './fields.js';

type Json = Record<string, unknown>;

export interface BcSalesOrder {
  order: Json;
  lines: Json[];
  /** Set when posting shipped and invoiced everything: BC deletes the order, the API no longer shows it. */
  deletedAt?: string;
}

/** Each line's row version, kept beside the line (BC versions every row by itself). */
export const LINE_VERSION = '@sandbox.version';

export interface FilterClause {
  readonly property: string;
  readonly value: string | number | boolean;
}

const CLAUSE = /^([A-Za-z][A-Za-z0-9]*)\s+eq\s+('(?:[^']|'')*'|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|-?\d+(?:\.\d+)?|true|false)\s*/;

/** Undefined when the expression is outside what the sandbox (and the adapter) needs. */
export function parseFilter(text: string, table: PropertyTable = SALES_ORDER): FilterClause[] | undefined {
  const clauses: FilterClause[] = [];
  let rest = text.trim();
  for (;;) {
    const m = CLAUSE.exec(rest);
    if (!m || !(m[1] in table)) return undefined;
    const literal = m[2];
    const value = literal.startsWith("'") ? literal.slice(1, -1).replace(/''/g, "'")
      : literal === 'true' || literal === 'false' ? literal === 'true'
      : /^-?\d+(\.\d+)?$/.test(literal) ? Number(literal)
      : literal;
    clauses.push({ property: m[1], value });
    rest = rest.slice(m[0].length);
    if (rest === '') return clauses;
    const and = /^and\s+/i.exec(rest);
    if (!and) return undefined;
    rest = rest.slice(and[0].length);
  }
}

export function matches(entity: Json, clauses: readonly FilterClause[], table: PropertyTable = SALES_ORDER): boolean {
  return clauses.every(({ property, value }) => {
    const spec = table[property];
    const actual = entity[property] ?? withDefaults({ [property]: spec }, {})[property];
    // Code fields are stored upper case and GUIDs compare without case, as in BC.
    if (typeof value === 'string' && typeof actual === 'string' && (spec.code || spec.type === 'guid')) {
      return actual.toUpperCase() === value.toUpperCase();
    }
    return actual === value;
  });
}

export function etagOf(doc: StoredDocument<BcSalesOrder>): string {
  return `W/"${Buffer.from(`'${doc.version};${doc.id};'`).toString('base64')}"`;
}

export function lineEtag(line: Json): string {
  const version = typeof line[LINE_VERSION] === 'number' ? line[LINE_VERSION] : 1;
  return `W/"${Buffer.from(`'${version};${String(line.id)};'`).toString('base64')}"`;
}

/** The line after a write: its row version moves on, so earlier etags go stale. */
export function touched(line: Json): Json {
  const version = typeof line[LINE_VERSION] === 'number' ? line[LINE_VERSION] : 1;
  return { ...line, [LINE_VERSION]: version + 1 };
}

export interface EntityUrls {
  /** {origin}/{tenant}/{environment}/api/v2.0 */
  readonly api: string;
  readonly companyId: string;
}

export function presentLine(line: Json): Json {
  return { '@odata.etag': lineEtag(line), ...withDefaults(SALES_ORDER_LINE, line) };
}

export function presentOrder(doc: StoredDocument<BcSalesOrder>, urls: EntityUrls, expandLines: boolean, single: boolean): Json {
  const context = `${urls.api}/$metadata#companies(${urls.companyId})/salesOrders${single ? '/$entity' : ''}`;
  return {
    ...(single && { '@odata.context': context }),
    '@odata.etag': etagOf(doc),
    ...withDefaults(SALES_ORDER, doc.body.order),
    ...(expandLines && { salesOrderLines: doc.body.lines.map((l) => presentLine(l)) }),
  };
}
