/**
 * The slice of OData v4 the sandbox speaks: `$filter` with `eq` clauses joined by `and`
 * (enough for `externalDocumentNumber eq '...'`), weak etags derived from the stored version,
 * and entity bodies with @odata.context and @odata.etag.
 */
import type { StoredDocument } from '../shared/store.js';
import { SALES_ORDER, SALES_ORDER_LINE, withDefaults } from './fields.js';

type Json = Record<string, unknown>;

export interface BcSalesOrder {
  order: Json;
  lines: Json[];
}

export interface FilterClause {
  readonly property: string;
  readonly value: string | number | boolean;
}

const CLAUSE = /^([A-Za-z][A-Za-z0-9]*)\s+eq\s+('(?:[^']|'')*'|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|-?\d+(?:\.\d+)?|true|false)\s*/;

/** Undefined when the expression is outside what the sandbox (and the adapter) needs. */
export function parseFilter(text: string): FilterClause[] | undefined {
  const clauses: FilterClause[] = [];
  let rest = text.trim();
  for (;;) {
    const m = CLAUSE.exec(rest);
    if (!m || !(m[1] in SALES_ORDER)) return undefined;
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

export function matches(order: Json, clauses: readonly FilterClause[]): boolean {
  return clauses.every(({ property, value }) => {
    const spec = SALES_ORDER[property];
    const actual = order[property] ?? withDefaults({ [property]: spec }, {})[property];
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

export function lineEtag(doc: StoredDocument<BcSalesOrder>, line: Json): string {
  return `W/"${Buffer.from(`'${doc.version};${String(line.id)};'`).toString('base64')}"`;
}

export interface EntityUrls {
  /** {origin}/{tenant}/{environment}/api/v2.0 */
  readonly api: string;
  readonly companyId: string;
}

export function presentLine(doc: StoredDocument<BcSalesOrder>, line: Json): Json {
  return { '@odata.etag': lineEtag(doc, line), ...withDefaults(SALES_ORDER_LINE, line) };
}

export function presentOrder(doc: StoredDocument<BcSalesOrder>, urls: EntityUrls, expandLines: boolean, single: boolean): Json {
  const context = `${urls.api}/$metadata#companies(${urls.companyId})/salesOrders${single ? '/$entity' : ''}`;
  return {
    ...(single && { '@odata.context': context }),
    '@odata.etag': etagOf(doc),
    ...withDefaults(SALES_ORDER, doc.body.order),
    ...(expandLines && { salesOrderLines: doc.body.lines.map((l) => presentLine(doc, l)) }),
  };
}
