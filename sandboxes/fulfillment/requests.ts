/**
 * A received fulfilment request and what became of it: units shipped, made ready and picked
 * up per line, whether the hub cancelled it, and the parcels a shipment is cut into.
 */
import type { FieldError, FulfillmentRequestBody } from './contract.js';

export type RequestStatus = 'ACCEPTED' | 'PARTIALLY_SHIPPED' | 'SHIPPED' | 'READY_FOR_PICKUP' | 'PICKED_UP' | 'CANCELLED';

export interface StoredRequest {
  readonly id: string;
  readonly body: FulfillmentRequestBody;
  /** canonicalRequest(body): a repeat must match it. */
  readonly canonical: string;
  readonly createdAt: string;
  updatedAt: string;
  /** Units sent per lineRef (parcels shipped, or handed over at the counter). */
  readonly done: Map<string, number>;
  /** The pickup made ready: its id and the units waiting at the counter. */
  pickup: { readonly shipmentId: string; readonly waiting: Map<string, number> } | null;
  /** Times the request was posted: 1 + repeats. */
  posts: number;
  conflicts: number;
  /** When the hub cancelled it: nothing more ships. */
  cancelledAt: string | null;
  /** Cancel calls answered 200: 1 + repeats. */
  cancels: number;
}

export interface Parcel {
  readonly lines: readonly { readonly lineRef: string; readonly quantity: number }[];
  readonly carrier: string | null;
  readonly trackingNumber: string | null;
}

/** Units not yet shipped or handed over, per lineRef, in the request's line order. */
export function remaining(request: StoredRequest): Map<string, number> {
  return new Map(request.body.lines.map((l) => [l.lineRef, l.quantity - (request.done.get(l.lineRef) ?? 0)] as const).filter(([, n]) => n > 0));
}

export function statusOf(request: StoredRequest): RequestStatus {
  if (request.cancelledAt !== null) return 'CANCELLED';
  const left = remaining(request).size;
  if (request.body.method === 'PICKUP_IN_STORE') return left === 0 ? 'PICKED_UP' : request.pickup ? 'READY_FOR_PICKUP' : 'ACCEPTED';
  if (left === 0) return 'SHIPPED';
  return request.done.size > 0 ? 'PARTIALLY_SHIPPED' : 'ACCEPTED';
}

/** Everything left, in one parcel or two; with two, the first carries about half the units (more when odd). */
export function planParcels(left: ReadonlyMap<string, number>, parcels: 1 | 2): Parcel[] {
  const total = [...left.values()].reduce((a, b) => a + b, 0);
  const all = [...left].map(([lineRef, quantity]) => ({ lineRef, quantity }));
  if (parcels === 1 || total < 2) return [{ lines: all, carrier: null, trackingNumber: null }];
  let room = Math.ceil(total / 2);
  const first: { lineRef: string; quantity: number }[] = [];
  const second: { lineRef: string; quantity: number }[] = [];
  for (const { lineRef, quantity } of all) {
    const take = Math.min(room, quantity);
    room -= take;
    if (take > 0) first.push({ lineRef, quantity: take });
    if (quantity - take > 0) second.push({ lineRef, quantity: quantity - take });
  }
  return [first, second].map((lines) => ({ lines, carrier: null, trackingNumber: null }));
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const optionalText = (v: unknown): v is string | null | undefined => v === undefined || v === null || (typeof v === 'string' && v.trim() !== '');

/** The parcels an admin call names, checked against what is left to ship. */
export function readParcels(value: unknown, left: ReadonlyMap<string, number>): { ok: true; parcels: Parcel[] } | { ok: false; errors: FieldError[] } {
  if (!Array.isArray(value) || value.length === 0) return { ok: false, errors: [{ field: 'parcels', message: 'must be a non-empty array' }] };
  const errors: FieldError[] = [];
  const taken = new Map<string, number>();
  const parcels = value.map((p: unknown, i): Parcel => {
    const at = `parcels[${i}]`;
    if (!isObject(p) || !Array.isArray(p.lines) || p.lines.length === 0) {
      errors.push({ field: `${at}.lines`, message: 'must be a non-empty array' });
      return { lines: [], carrier: null, trackingNumber: null };
    }
    if (!optionalText(p.carrier)) errors.push({ field: `${at}.carrier`, message: 'must be a non-empty string' });
    if (!optionalText(p.trackingNumber)) errors.push({ field: `${at}.trackingNumber`, message: 'must be a non-empty string' });
    const lines = p.lines.map((l: unknown, j) => {
      const lineRef = isObject(l) && typeof l.lineRef === 'string' ? l.lineRef : '';
      const quantity = isObject(l) && typeof l.quantity === 'number' && Number.isSafeInteger(l.quantity) && l.quantity > 0 ? l.quantity : 0;
      if (!left.has(lineRef)) errors.push({ field: `${at}.lines[${j}].lineRef`, message: `${lineRef || '(none)'} has nothing left to ship` });
      if (quantity === 0) errors.push({ field: `${at}.lines[${j}].quantity`, message: 'must be a positive whole number' });
      taken.set(lineRef, (taken.get(lineRef) ?? 0) + quantity);
      return { lineRef, quantity };
    });
    return { lines, carrier: typeof p.carrier === 'string' ? p.carrier : null, trackingNumber: typeof p.trackingNumber === 'string' ? p.trackingNumber : null };
  });
  for (const [lineRef, n] of taken) {
    if (left.has(lineRef) && n > (left.get(lineRef) ?? 0)) errors.push({ field: 'parcels', message: `${n} units of ${lineRef} asked, ${left.get(lineRef)} left` });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, parcels };
}
