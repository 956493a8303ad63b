/**
 * Shipment confirmations from a WMS or a store system (docs/contracts/fulfillment-systems.md):
 * the signature over the raw bytes, then the body checked field by field. Pure functions, so
 * the controller, the worker and tests share them.
 * @since 0.5.0
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const FULFILLMENT_EVENT_HEADERS = {
  signature: 'x-fulfillment-hmac-sha256',
  eventId: 'x-fulfillment-event-id',
  source: 'x-fulfillment-source',
} as const;

export const FULFILLMENT_EVENT_TYPES = ['SHIPPED', 'READY_FOR_PICKUP', 'PICKED_UP'] as const;
export type FulfillmentEventType = (typeof FULFILLMENT_EVENT_TYPES)[number];
export const FULFILLMENT_EVENT_SOURCES = ['wms', 'store'] as const;
export type FulfillmentEventSource = (typeof FULFILLMENT_EVENT_SOURCES)[number];

export interface ShipmentConfirmationLine {
  readonly lineRef: string;
  readonly sku: string;
  /** Units in this event, never cumulative. */
  readonly quantity: number;
}

/** A confirmation body as the sender wrote it, checked. */
export interface ShipmentConfirmationBody {
  /** The sender's id of this event: a redelivery carries the same one. */
  readonly eventId: string;
  readonly type: FulfillmentEventType;
  readonly source: FulfillmentEventSource;
  /** The hub's request id the event answers. */
  readonly requestId: string;
  /**
   * The units this event moved: one parcel (SHIPPED) or one handover at the counter (PICKED_UP),
   * unique per shipment, the same on a redelivery. READY_FOR_PICKUP carries the pickup's id.
   */
  readonly shipmentId: string;
  readonly orderRef: string;
  readonly orderNumber: string;
  readonly locationRef: string;
  readonly carrier: string | null;
  readonly trackingNumbers: readonly string[];
  /** ISO-8601 instant, normalised to UTC (toISOString). */
  readonly occurredAt: string;
  readonly lines: readonly ShipmentConfirmationLine[];
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export type ParsedConfirmation = { ok: true; value: ShipmentConfirmationBody } | { ok: false; errors: FieldError[] };

const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/** base64(HMAC-SHA256(secret, raw body)): the X-Fulfillment-Hmac-Sha256 value. */
export function signFulfillmentEvent(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Checks X-Fulfillment-Hmac-Sha256 over the bytes as received, before any parsing, comparing
 * the decoded digests in constant time. False, never a throw, for anything amiss.
 */
export function verifyFulfillmentSignature(rawBody: Buffer, headerValue: string | undefined, secret: string): boolean {
  try {
    if (!Buffer.isBuffer(rawBody) || rawBody.length === 0 || typeof secret !== 'string' || secret === '') return false;
    if (typeof headerValue !== 'string' || !SHA256_BASE64.test(headerValue.trim())) return false;
    const received = Buffer.from(headerValue.trim(), 'base64');
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    return received.length === expected.length && timingSafeEqual(received, expected);
  } catch {
    return false;
  }
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** An instant with a zone, on a real calendar day; Date.parse alone rolls 2026-02-30 over to March. */
function isoInstant(text: string): string | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const MAX_ID = 200;
const MAX_LINES = 1000;

/**
 * Checks a parsed confirmation body. Ids must be JSON strings (a number would already have
 * lost digits if it were big); quantities positive whole numbers; SHIPPED and PICKED_UP name
 * at least one line. Every problem is listed, each with its field path.
 */
export function parseShipmentConfirmation(body: unknown): ParsedConfirmation {
  const errors: FieldError[] = [];
  if (!isObject(body)) return { ok: false, errors: [{ field: '', message: 'must be a JSON object' }] };
  const fail = (field: string, message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };
  const id = (field: string, value: unknown = body[field]): string | undefined => {
    if (typeof value !== 'string') return fail(field, value === undefined || value === null ? 'is required' : 'must be a string');
    if (value.trim() === '') return fail(field, 'must not be empty');
    return value.length > MAX_ID ? fail(field, `must be at most ${MAX_ID} characters`) : value;
  };
  const oneOf = <T extends string>(field: string, allowed: readonly T[]): T | undefined =>
    (allowed as readonly unknown[]).includes(body[field]) ? (body[field] as T) : fail(field, `must be one of ${allowed.join(', ')}`);

  const eventId = id('eventId');
  const type = oneOf('type', FULFILLMENT_EVENT_TYPES);
  const source = oneOf('source', FULFILLMENT_EVENT_SOURCES);
  const requestId = id('requestId');
  const shipmentId = id('shipmentId');
  const orderRef = id('orderRef');
  const orderNumber = id('orderNumber');
  const locationRef = id('locationRef');
  const carrier = body.carrier === null || body.carrier === undefined ? null : id('carrier');

  let trackingNumbers: string[] | undefined = [];
  if (body.trackingNumbers !== undefined && body.trackingNumbers !== null) {
    if (!Array.isArray(body.trackingNumbers)) trackingNumbers = fail('trackingNumbers', 'must be an array of strings');
    else {
      trackingNumbers = body.trackingNumbers.map((n, i) => id(`trackingNumbers[${i}]`, n)).filter((n): n is string => n !== undefined);
      if (trackingNumbers.length !== body.trackingNumbers.length) trackingNumbers = undefined;
    }
  }

  const occurredAt = typeof body.occurredAt === 'string'
    ? (isoInstant(body.occurredAt) ?? fail('occurredAt', 'must be an ISO-8601 instant with a zone, e.g. 2026-04-02T10:15:00Z'))
    : fail('occurredAt', 'is required');

  const lines: ShipmentConfirmationLine[] = [];
  if (!Array.isArray(body.lines)) fail('lines', 'must be an array');
  else if (body.lines.length > MAX_LINES) fail('lines', `must have at most ${MAX_LINES} entries`);
  else {
    if (body.lines.length === 0 && (type === 'SHIPPED' || type === 'PICKED_UP')) fail('lines', `must not be empty for ${type}`);
    const seen = new Set<string>();
    body.lines.forEach((line: unknown, i) => {
      const at = `lines[${i}]`;
      if (!isObject(line)) return fail(at, 'must be an object');
      const lineRef = id(`${at}.lineRef`, line.lineRef);
      const sku = id(`${at}.sku`, line.sku);
      const q = line.quantity;
      const quantity = typeof q === 'number' && Number.isSafeInteger(q) && q > 0 ? q : fail(`${at}.quantity`, 'must be a positive whole number');
      if (lineRef !== undefined && seen.has(lineRef)) fail(`${at}.lineRef`, `${lineRef} appears more than once`);
      if (lineRef !== undefined) seen.add(lineRef);
      if (lineRef !== undefined && sku !== undefined && quantity !== undefined) lines.push({ lineRef, sku, quantity });
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      eventId: eventId!, type: type!, source: source!, requestId: requestId!, shipmentId: shipmentId!, orderRef: orderRef!,
      orderNumber: orderNumber!, locationRef: locationRef!, carrier: carrier ?? null, trackingNumbers: trackingNumbers!,
      occurredAt: occurredAt!, lines,
    },
  };
}

/**
 * The raw delivery checked end to end: signature, JSON, body, and the headers agreeing with
 * the body (a proxy that rewrote one but not the other is caught here).
 */
export function readShipmentConfirmation(
  rawBody: Buffer,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  secret: string,
): { ok: true; value: ShipmentConfirmationBody } | { ok: false; reason: 'SIGNATURE_INVALID' | 'NOT_JSON' | 'INVALID'; errors: FieldError[] } {
  const get = (name: string): string | undefined => {
    const v = headers[name] ?? headers[Object.keys(headers).find((k) => k.toLowerCase() === name) ?? ''];
    return Array.isArray(v) ? v[0] : v;
  };
  if (!verifyFulfillmentSignature(rawBody, get(FULFILLMENT_EVENT_HEADERS.signature), secret)) {
    return { ok: false, reason: 'SIGNATURE_INVALID', errors: [{ field: 'X-Fulfillment-Hmac-Sha256', message: 'signature missing or wrong' }] };
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'NOT_JSON', errors: [{ field: '', message: 'body is not JSON' }] };
  }
  const parsed = parseShipmentConfirmation(body);
  if (!parsed.ok) return { ok: false, reason: 'INVALID', errors: parsed.errors };
  const errors: FieldError[] = [];
  const eventId = get(FULFILLMENT_EVENT_HEADERS.eventId);
  if (eventId !== undefined && eventId !== parsed.value.eventId) errors.push({ field: 'X-Fulfillment-Event-Id', message: 'differs from the body eventId' });
  const source = get(FULFILLMENT_EVENT_HEADERS.source);
  if (source !== undefined && source !== parsed.value.source) errors.push({ field: 'X-Fulfillment-Source', message: 'differs from the body source' });
  return errors.length > 0 ? { ok: false, reason: 'INVALID', errors } : parsed;
}
