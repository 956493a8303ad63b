/**
 * Checks a salesOrder request body the way NetSuite answers it: the first problem found, as a
 * 400 in NetSuite's error format with o:errorPath pointing at the field.
 */
import type { Reply } from '../shared/http.js';
import type { Knobs } from '../shared/knobs.js';
import { invalidContent, invalidFieldValue, missingValue } from './errors.js';
import { unknownTaxCodeOf } from './totals.js';
import {
  ADDRESS_FIELDS, CUSTOM_BODY_FIELD, CUSTOM_LINE_FIELD, ITEM_FULFILLMENT_FIELDS, SALES_ORDER_FIELDS,
  type FieldSpec, type FieldTable, type NsType,
} from './fields.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const INTERNAL_ID = /^-?\d+$/;
const REF_KEYS = new Set(['id', 'externalId', 'refName', 'links', 'type']);

/** The id or external id a reference names (what NetSuite quotes back in its message). */
export function refValue(ref: unknown): string | undefined {
  if (!isObject(ref)) return undefined;
  if (ref.id !== undefined) return String(ref.id);
  return typeof ref.externalId === 'string' ? ref.externalId : undefined;
}

function isRef(v: unknown): boolean {
  if (!isObject(v) || !Object.keys(v).every((k) => REF_KEYS.has(k))) return false;
  const idOk = (typeof v.id === 'string' && INTERNAL_ID.test(v.id)) || (typeof v.id === 'number' && Number.isInteger(v.id));
  const extOk = typeof v.externalId === 'string' && v.externalId.length > 0;
  if (v.id !== undefined && !idOk) return false;
  return idOk || extOk;
}

function isDate(v: unknown): boolean {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
}

const isCountry = (v: unknown): boolean =>
  (typeof v === 'string' && /^[A-Z]{2}$/.test(v)) || (isObject(v) && typeof v.id === 'string' && /^[A-Z]{2}$/.test(v.id));

function checkType(type: NsType, value: unknown, name: string, path: string, record: string): Reply | undefined {
  const bad = (): Reply => invalidFieldValue(name, value, path);
  if (typeof type === 'object') {
    if ('enum' in type) {
      const v = isObject(value) ? value.id : value;
      return typeof v === 'string' && type.enum.includes(v) ? undefined : bad();
    }
    if (!isObject(value)) return bad();
    for (const key of Object.keys(value)) {
      if (key !== 'items' && key !== 'links') return invalidContent(`Error while accessing a resource. Invalid sublist member '${key}'; send the lines as ${name}.items.`, `${path}.${key}`);
    }
    if (value.items === undefined) return undefined;
    if (!Array.isArray(value.items)) return invalidContent(`Error while accessing a resource. ${name}.items must be an array.`, `${path}.items`);
    for (const [i, line] of value.items.entries()) {
      const problem = checkRecord(line, type.sublist, CUSTOM_LINE_FIELD, `${path}.items[${i}]`, record);
      if (problem) return problem;
    }
    return undefined;
  }
  switch (type) {
    case 'string': return typeof value === 'string' ? undefined : bad();
    case 'float': return typeof value === 'number' && Number.isFinite(value) ? undefined : bad();
    case 'int': return typeof value === 'number' && Number.isInteger(value) ? undefined : bad();
    case 'bool': return typeof value === 'boolean' ? undefined : bad();
    case 'date': return isDate(value) ? undefined : bad();
    case 'ref': return isRef(value) ? undefined : bad();
    case 'country': return isCountry(value) ? undefined : bad();
    case 'address': return checkRecord(value, ADDRESS_FIELDS, undefined, path, record);
  }
}

function checkRecord(value: unknown, table: FieldTable, custom: RegExp | undefined, path: string, record: string): Reply | undefined {
  if (!isObject(value)) return invalidContent('Error while accessing a resource. Expected a JSON object.', path);
  for (const [name, v] of Object.entries(value)) {
    const at = path ? `${path}.${name}` : name;
    const spec: FieldSpec | undefined = table[name];
    if (!spec) {
      if (custom?.test(name)) {
        const scalar = v === null || ['string', 'number', 'boolean'].includes(typeof v);
        if (scalar || isRef(v)) continue;
        return invalidFieldValue(name, v, at);
      }
      return invalidContent(`Error while accessing a resource. Field '${name}' for record '${record}' was not found.`, at);
    }
    if (spec.readOnly) return invalidContent(`Error while accessing a resource. Field '${name}' is read-only.`, at);
    const problem = checkType(spec.type, v, name, at, record);
    if (problem) return problem;
  }
  return undefined;
}

export function validateSalesOrder(body: Json, mode: 'create' | 'update', knobs: Knobs, table: FieldTable = SALES_ORDER_FIELDS, record = 'salesOrder'): Reply | undefined {
  const problem = checkRecord(body, table, CUSTOM_BODY_FIELD, '', record);
  if (problem) return problem;
  const lines = isObject(body.item) && Array.isArray(body.item.items) ? (body.item.items as Json[]) : undefined;
  if (mode === 'create') {
    if (body.entity === undefined) return missingValue(SALES_ORDER_FIELDS.entity.requiredLabel ?? 'entity', 'entity');
    if (!lines?.length) return missingValue(SALES_ORDER_FIELDS.item.requiredLabel ?? 'item', 'item.items');
  }
  for (const [i, line] of (lines ?? []).entries()) {
    if (line.item === undefined && line.line === undefined) return missingValue('Item', `item.items[${i}].item`);
  }
  // Master data the account does not have: NetSuite refuses the reference by value.
  const entity = refValue(body.entity);
  if (entity !== undefined && knobs.unknownCustomers.includes(entity)) return invalidFieldValue('entity', entity, 'entity');
  for (const [i, line] of (lines ?? []).entries()) {
    const item = refValue(line.item);
    if (item !== undefined && knobs.unknownItems.includes(item)) return invalidFieldValue('item', item, `item.items[${i}].item`);
  }
  const tax = unknownTaxCodeOf(body, knobs);
  if (tax) return invalidFieldValue(tax.path.endsWith('shippingTaxCode') ? 'shippingTaxCode' : 'taxCode', tax.code, tax.path);
  return undefined;
}

/** A return record's transform body (return authorization, item receipt, credit memo): fields and types only. */
export function validateTransformBody(body: Json, table: FieldTable, record: string): Reply | undefined {
  return checkRecord(body, table, CUSTOM_BODY_FIELD, '', record);
}

/** The itemFulfillment body of a transform: fields and types only; the lines are checked against the order. */
export function validateItemFulfillment(body: Json): Reply | undefined {
  return checkRecord(body, ITEM_FULFILLMENT_FIELDS, CUSTOM_BODY_FIELD, '', 'itemFulfillment');
}
