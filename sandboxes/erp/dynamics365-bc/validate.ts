/**
 * Checks a salesOrder (with its salesOrderLines) request body as Business Central answers it:
 * OData type errors, read-only controls, BC's own rules (customer required, no manual numbers,
 * string lengths, '' for the local currency) and master data the company does not have.
 */
import type { Reply } from '../shared/http.js';
import type { Knobs } from '../shared/knobs.js';
import { badRequest, dialog, odataError, readOnlyProperty, recordNotFound, unknownProperty } from './errors.js';
import { SALES_ORDER, SALES_ORDER_LINE, SALES_ORDER_LINE_TYPE, SALES_ORDER_TYPE, type BcType, type PropertyTable } from './fields.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export interface BcRules {
  /** The company's local currency code: BC has no Currency record for it, so it must be sent as ''. */
  readonly lcyCode: string;
}

function edm(type: BcType): string {
  if (typeof type === 'object') return type.edm;
  return { guid: 'Edm.Guid', string: 'Edm.String', date: 'Edm.Date', datetime: 'Edm.DateTimeOffset', decimal: 'Edm.Decimal', integer: 'Edm.Int32', boolean: 'Edm.Boolean' }[type];
}

function fits(type: BcType, v: unknown): boolean {
  if (typeof type === 'object') return typeof v === 'string' && type.enum.includes(v);
  switch (type) {
    case 'guid': case 'string': case 'date': case 'datetime':
      return typeof v === 'string' && (type === 'string' || (type === 'guid' ? GUID : type === 'date' ? DATE : DATETIME).test(v));
    case 'decimal': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2 ** 31;
    case 'boolean': return typeof v === 'boolean';
  }
}

type Checked<T> = { ok: true; value: T } | { ok: false; reply: Reply };
const refuse = (reply: Reply): { ok: false; reply: Reply } => ({ ok: false, reply });

/** Checks and normalises one entity (Code fields upper-cased). */
function checkEntity(value: unknown, table: PropertyTable, typeName: string, where: string): Checked<Json> {
  const problem = entityProblem(value, table, typeName, where);
  if (problem) return refuse(problem);
  const out: Json = {};
  for (const [name, v] of Object.entries(value as Json)) {
    if (name.startsWith('@odata.')) continue;
    out[name] = table[name].code && typeof v === 'string' ? v.toUpperCase() : v;
  }
  return { ok: true, value: out };
}

function entityProblem(value: unknown, table: PropertyTable, typeName: string, where: string): Reply | undefined {
  if (!isObject(value)) return badRequest(`Invalid Request Body${where}.`);
  for (const [name, v] of Object.entries(value)) {
    if (name.startsWith('@odata.')) continue;
    const spec = table[name];
    if (!spec) return unknownProperty(name, typeName);
    if (spec.readOnly) return readOnlyProperty(name);
    if (v === null) {
      const t = `${edm(spec.type)}[Nullable=False]`;
      return badRequest(`A null value was found for the property named '${name}', which has the expected type '${t}'. The expected type '${t}' does not allow null values.`);
    }
    if (!fits(spec.type, v)) {
      if (spec.type === 'guid' && typeof v === 'string') {
        return odataError(400, 'Application_InvalidGUID', `Invalid format of GUID string in '${name}'. The correct format of the GUID string is: CDEF7890-ABCD-0123-1234-567890ABCDEF where 0-9, A-F symbolizes hexadecimal digits.`);
      }
      return badRequest(`Cannot convert the literal '${typeof v === 'string' ? v : JSON.stringify(v)}' to the expected type '${edm(spec.type)}' of property '${name}'${where}.`);
    }
    if (typeof v === 'string' && spec.maxLength !== undefined && v.length > spec.maxLength) {
      return odataError(400, 'Application_StringExceededLength', `The length of the string is ${v.length}, but it must be less than or equal to ${spec.maxLength} characters. Value: ${v}`);
    }
  }
  return undefined;
}

export interface CheckedOrder {
  readonly order: Json;
  readonly lines: Json[] | undefined;
}

export function checkSalesOrder(body: Json, mode: 'create' | 'update', knobs: Knobs, rules: BcRules): Checked<CheckedOrder> {
  const { salesOrderLines, ...header } = body;
  const checked = checkEntity(header, SALES_ORDER, SALES_ORDER_TYPE, '');
  if (!checked.ok) return checked;
  const order = checked.value;
  const problem = headerRuleProblem(order, mode, knobs, rules);
  if (problem) return refuse(problem);

  if (salesOrderLines === undefined) return { ok: true, value: { order, lines: undefined } };
  if (mode === 'update') return refuse(badRequest("Deep update is not supported: change lines through the 'salesOrderLines' entity set."));
  if (!Array.isArray(salesOrderLines)) return refuse(badRequest("Invalid Request Body: 'salesOrderLines' must be an array."));
  const lines: Json[] = [];
  for (const [i, raw] of salesOrderLines.entries()) {
    const line = checkEntity(raw, SALES_ORDER_LINE, SALES_ORDER_LINE_TYPE, ` in salesOrderLines[${i}]`);
    if (!line.ok) return line;
    const type = line.value.lineType ?? 'Item';
    const number = line.value.lineObjectNumber;
    if (type === 'Item' && number === undefined && line.value.itemId === undefined) {
      return refuse(dialog(`The lineObjectNumber or itemId must be provided for a line of type Item (salesOrderLines[${i}]).`));
    }
    if (type === 'Item' && typeof number === 'string' && knobs.unknownItems.some((n) => n.toUpperCase() === number)) {
      return refuse(recordNotFound('Item', 'No.', number));
    }
    lines.push(line.value);
  }
  return { ok: true, value: { order, lines } };
}

/** BC's own rules on the header, after the types are right. */
function headerRuleProblem(order: Json, mode: 'create' | 'update', knobs: Knobs, rules: BcRules): Reply | undefined {
  if (order.number !== undefined) {
    return dialog('You may not enter numbers manually. If you want to enter numbers manually, please activate Manual Nos. in No. Series S-ORD.');
  }
  if (mode === 'create' && order.customerNumber === undefined && order.customerId === undefined) {
    return dialog('A customerNumber or a customerID must be provided.');
  }
  const { customerNumber, customerId, currencyCode } = order;
  if (typeof customerNumber === 'string' && knobs.unknownCustomers.some((c) => c.toUpperCase() === customerNumber)) {
    return recordNotFound('Customer', 'No.', customerNumber);
  }
  if (typeof customerId === 'string' && knobs.unknownCustomers.some((c) => c.toLowerCase() === customerId.toLowerCase())) {
    return recordNotFound('Customer', 'Id', customerId);
  }
  if (typeof currencyCode === 'string' && currencyCode !== '' && currencyCode === rules.lcyCode.toUpperCase()) {
    return recordNotFound('Currency', 'Code', currencyCode);
  }
  return undefined;
}

/** A PATCH of one salesOrderLine: types, read-only controls and lengths (its rules are the caller's). */
export function checkSalesOrderLinePatch(body: Json): Checked<Json> {
  return checkEntity(body, SALES_ORDER_LINE, SALES_ORDER_LINE_TYPE, '');
}
