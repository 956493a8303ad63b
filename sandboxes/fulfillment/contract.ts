/**
 * The WMS and store-system request contract (docs/contracts/fulfillment-systems.md): body
 * validation with field errors, and the error body both systems answer with,
 *   { "error": { "code": "...", "message": "...", "fields"?: [{ "field": "...", "message": "..." }] } }.
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../erp/shared/http.js';

export type SystemKind = 'wms' | 'store';
export type Method = 'SHIP' | 'SHIP_FROM_STORE' | 'DROP_SHIP' | 'PICKUP_IN_STORE';

/** A store ships too; only a store hands goods over the counter. */
export const METHODS: Record<SystemKind, readonly Method[]> = {
  wms: ['SHIP', 'SHIP_FROM_STORE', 'DROP_SHIP'],
  store: ['SHIP', 'SHIP_FROM_STORE', 'DROP_SHIP', 'PICKUP_IN_STORE'],
};

/** The hub's own address vocabulary (line1, region), so nothing is renamed on the way out. */
export interface ShipTo {
  readonly name: string;
  readonly company?: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly region?: string;
  readonly postalCode?: string;
  readonly countryCode: string;
  readonly phone?: string;
  readonly email?: string;
}

export interface RequestLine {
  readonly lineRef: string;
  readonly sku: string;
  readonly quantity: number;
}

export interface FulfillmentRequestBody {
  readonly requestId: string;
  readonly orderRef: string;
  readonly orderNumber: string;
  readonly locationRef: string;
  readonly method: Method;
  readonly shipTo: ShipTo | null;
  readonly lines: readonly RequestLine[];
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export function apiError(status: number, code: string, message: string, extra: { fields?: readonly FieldError[]; headers?: Record<string, string> } = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': randomUUID(), ...extra.headers },
    body: { error: { code, message, ...(extra.fields && { fields: extra.fields }) } },
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const COUNTRY = /^[A-Z]{2}$/;
const SHIP_TO_REQUIRED = ['name', 'line1', 'city', 'countryCode'] as const;
const SHIP_TO_OPTIONAL = ['company', 'line2', 'region', 'postalCode', 'phone', 'email'] as const;
const MAX_LINES = 500;

/** Checks a request body; every problem is listed with its field path. */
export function validateRequest(kind: SystemKind, body: unknown): { ok: true; value: FulfillmentRequestBody } | { ok: false; errors: FieldError[] } {
  if (!isObject(body)) return { ok: false, errors: [{ field: '', message: 'must be a JSON object' }] };
  const errors: FieldError[] = [];
  const text = (field: string, value: unknown, max = 200): string => {
    if (typeof value !== 'string' || value.trim() === '') errors.push({ field, message: value === undefined || value === null ? 'is required' : 'must be a non-empty string' });
    else if (value.length > max) errors.push({ field, message: `must be at most ${max} characters` });
    return typeof value === 'string' ? value : '';
  };

  const requestId = text('requestId', body.requestId, 100);
  if (requestId !== '' && !REQUEST_ID.test(requestId)) errors.push({ field: 'requestId', message: 'may hold only letters, digits and . _ : -' });
  const orderRef = text('orderRef', body.orderRef);
  const orderNumber = text('orderNumber', body.orderNumber);
  const locationRef = text('locationRef', body.locationRef);
  const allowed = METHODS[kind];
  const method = allowed.includes(body.method as Method) ? (body.method as Method) : undefined;
  if (!method) errors.push({ field: 'method', message: `must be one of ${allowed.join(', ')}` });

  let shipTo: ShipTo | null = null;
  if (body.shipTo === undefined || body.shipTo === null) {
    if (method !== undefined && method !== 'PICKUP_IN_STORE') errors.push({ field: 'shipTo', message: `is required for ${method}` });
  } else if (!isObject(body.shipTo)) {
    errors.push({ field: 'shipTo', message: 'must be an object' });
  } else {
    const given = body.shipTo;
    const address: Record<string, string> = {};
    for (const key of SHIP_TO_REQUIRED) address[key] = text(`shipTo.${key}`, given[key]);
    if (address.countryCode !== '' && !COUNTRY.test(address.countryCode)) errors.push({ field: 'shipTo.countryCode', message: 'must be an ISO 3166-1 alpha-2 code, e.g. US' });
    for (const key of SHIP_TO_OPTIONAL) {
      if (given[key] === undefined || given[key] === null) continue;
      if (typeof given[key] !== 'string') errors.push({ field: `shipTo.${key}`, message: 'must be a string' });
      else address[key] = given[key];
    }
    shipTo = address as unknown as ShipTo;
  }

  const lines: RequestLine[] = [];
  if (!Array.isArray(body.lines) || body.lines.length === 0) errors.push({ field: 'lines', message: 'must be a non-empty array' });
  else if (body.lines.length > MAX_LINES) errors.push({ field: 'lines', message: `must have at most ${MAX_LINES} entries` });
  else {
    const seen = new Set<string>();
    body.lines.forEach((line: unknown, i) => {
      if (!isObject(line)) return void errors.push({ field: `lines[${i}]`, message: 'must be an object' });
      const lineRef = text(`lines[${i}].lineRef`, line.lineRef);
      const sku = text(`lines[${i}].sku`, line.sku);
      const q = line.quantity;
      if (!(typeof q === 'number' && Number.isSafeInteger(q) && q > 0 && q <= 100_000)) errors.push({ field: `lines[${i}].quantity`, message: 'must be a whole number from 1 to 100000' });
      if (lineRef !== '' && seen.has(lineRef)) errors.push({ field: `lines[${i}].lineRef`, message: `${lineRef} appears more than once` });
      seen.add(lineRef);
      lines.push({ lineRef, sku, quantity: q as number });
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { requestId, orderRef, orderNumber, locationRef, method: method as Method, shipTo, lines } };
}

/** The body's meaning as one string, keys in a fixed order: what "the same body" compares. */
export function canonicalRequest(body: FulfillmentRequestBody): string {
  const shipTo = body.shipTo && Object.fromEntries(Object.entries(body.shipTo).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([body.requestId, body.orderRef, body.orderNumber, body.locationRef, body.method, shipTo, body.lines.map((l) => [l.lineRef, l.sku, l.quantity])]);
}
