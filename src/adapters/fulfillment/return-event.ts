/**
 * Return events from a WMS or a store (docs/contracts/fulfillment-systems.md, "Returns"): goods
 * received back (`return.received`: units and where) and inspected (`return.inspected`: a grade
 * and a disposition per unit). Signed and delivered exactly like shipment confirmations. Pure.
 */
import type { CanonicalReturnEvent, Disposition, ReturnCondition, ReturnLineQuantity } from '../../canonical/return.js';
import { FULFILLMENT_EVENT_SOURCES, type FieldError, type FulfillmentEventSource } from './shipment-confirmation.js';

export const RETURN_EVENT_TYPES = ['return.received', 'return.inspected'] as const;
export type ReturnEventType = (typeof RETURN_EVENT_TYPES)[number];

const DISPOSITIONS: readonly Disposition[] = ['RESTOCK', 'SCRAP', 'VENDOR_RETURN', 'REFURBISH'];
const CONDITIONS: readonly ReturnCondition[] = ['NEW', 'OPENED', 'DAMAGED', 'DEFECTIVE', 'UNKNOWN'];
const MAX_ID = 200;
const MAX_LINES = 1000;

export interface ReturnEventLine {
  readonly lineRef: string;
  readonly sku: string;
  readonly quantity: number;
  readonly condition: ReturnCondition | null;
  readonly disposition: Disposition | null;
}

export interface ReturnEventBody {
  readonly eventId: string;
  readonly type: ReturnEventType;
  readonly source: FulfillmentEventSource;
  /** The hub's order id. */
  readonly orderRef: string;
  /** The RMA the parcel came with, when it had one (a blind receipt has none). */
  readonly rmaRef: string | null;
  /** The hub's request the goods went out under, when the system knows it. */
  readonly requestId?: string | null;
  readonly locationRef: string;
  readonly occurredAt: string;
  readonly lines: readonly ReturnEventLine[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export function isReturnEventBody(body: unknown): boolean {
  return isObject(body) && typeof body.type === 'string' && body.type.startsWith('return.');
}

/** Checks a parsed return event, listing every problem with its field path. */
export function parseReturnEvent(body: unknown): { ok: true; value: ReturnEventBody } | { ok: false; errors: FieldError[] } {
  if (!isObject(body)) return { ok: false, errors: [{ field: '', message: 'must be a JSON object' }] };
  const errors: FieldError[] = [];
  const fail = (field: string, message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };
  const id = (field: string, value: unknown = body[field]): string | undefined => {
    if (typeof value !== 'string') return fail(field, value === undefined || value === null ? 'is required' : 'must be a string');
    if (value.trim() === '') return fail(field, 'must not be empty');
    return value.length > MAX_ID ? fail(field, `must be at most ${MAX_ID} characters`) : value;
  };
  const oneOf = <T extends string>(field: string, value: unknown, allowed: readonly T[]): T | undefined =>
    (allowed as readonly unknown[]).includes(value) ? (value as T) : fail(field, `must be one of ${allowed.join(', ')}`);

  const eventId = id('eventId');
  const type = oneOf('type', body.type, RETURN_EVENT_TYPES);
  const source = oneOf('source', body.source, FULFILLMENT_EVENT_SOURCES);
  const orderRef = id('orderRef');
  const rmaRef = body.rmaRef === null || body.rmaRef === undefined ? null : id('rmaRef');
  const requestId = body.requestId === null || body.requestId === undefined ? null : id('requestId');
  const locationRef = id('locationRef');
  const occurredAt = typeof body.occurredAt === 'string' && !Number.isNaN(Date.parse(body.occurredAt)) && /T.*(Z|[+-]\d{2}:\d{2})$/.test(body.occurredAt)
    ? new Date(body.occurredAt).toISOString()
    : fail('occurredAt', 'must be an ISO-8601 instant with a zone');

  const lines: ReturnEventLine[] = [];
  if (!Array.isArray(body.lines) || body.lines.length === 0) fail('lines', 'must be a non-empty array');
  else if (body.lines.length > MAX_LINES) fail('lines', `must have at most ${MAX_LINES} entries`);
  else {
    body.lines.forEach((line: unknown, i) => {
      const at = `lines[${i}]`;
      if (!isObject(line)) return fail(at, 'must be an object');
      const lineRef = id(`${at}.lineRef`, line.lineRef);
      const sku = id(`${at}.sku`, line.sku);
      const q = line.quantity;
      const quantity = typeof q === 'number' && Number.isSafeInteger(q) && q > 0 ? q : fail(`${at}.quantity`, 'must be a positive whole number');
      const condition = line.condition === undefined || line.condition === null ? null : oneOf(`${at}.condition`, line.condition, CONDITIONS);
      // An inspection decides what happens to each unit; a receipt may not know yet.
      const disposition = line.disposition === undefined || line.disposition === null
        ? (type === 'return.inspected' ? fail(`${at}.disposition`, 'is required for return.inspected') : null)
        : oneOf(`${at}.disposition`, line.disposition, DISPOSITIONS);
      if (lineRef !== undefined && sku !== undefined && quantity !== undefined && condition !== undefined && disposition !== undefined) {
        lines.push({ lineRef, sku, quantity, condition, disposition });
      }
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { eventId: eventId!, type: type!, source: source!, orderRef: orderRef!, rmaRef: rmaRef ?? null, requestId: requestId ?? null, locationRef: locationRef!, occurredAt: occurredAt!, lines } };
}

/** The event in canonical terms: a receipt counts received units; an inspection disposes of them. */
export function returnEventOf(body: ReturnEventBody): CanonicalReturnEvent {
  const lines: ReturnLineQuantity[] = body.lines.map((l) => ({
    lineRef: l.lineRef, quantity: l.quantity, condition: l.condition, disposition: l.disposition, locationRef: body.locationRef,
  }));
  const system = body.source.toUpperCase();
  return {
    kind: body.type === 'return.received' ? 'RECEIVED' : 'DISPOSITIONED',
    source: { system, account: body.source, eventKey: body.eventId, occurredAt: body.occurredAt },
    identity: { hubOrderId: body.orderRef, returnRef: null, rmaRef: body.rmaRef },
    lines,
    refund: null,
    exchangeLines: [],
    description: `${body.type} at ${body.locationRef}`,
  };
}
