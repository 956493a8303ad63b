/**
 * What a WMS or store does with an accepted request: ships parcels, makes pickups ready and
 * hands them over, and confirms each step to the hub as one event.
 */
import type { ReturnEventBody, ReturnEventLine } from '../../src/adapters/fulfillment/return-event.js';
import { CallbackSender, type Delivery, type EventBody, type EventType, type SentEvent } from './callbacks.js';
import type { SystemKind } from './contract.js';
import { remaining, type Parcel, type StoredRequest } from './requests.js';

const pad = (n: number): string => String(n).padStart(6, '0');

/** Tracking numbers in each carrier's own format, so the hub's checks see realistic values. */
function trackingNumber(carrier: string, run: string, n: number): string {
  if (/^ups$/i.test(carrier)) return `1Z${run}03${String(n).padStart(8, '0')}`;
  if (/^usps$/i.test(carrier)) return `94001${String(parseInt(run, 16)).padStart(8, '0')}${String(n).padStart(9, '0')}`;
  return `${carrier.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 4)}${run}${String(n).padStart(8, '0')}`;
}

export const adminEvent = (e: SentEvent): Record<string, unknown> => ({ ...e.body, deliveries: e.deliveries });

export class Shipping {
  readonly events = new Map<string, SentEvent>();
  private seq = { shipment: 0, pickup: 0, event: 0 };

  /** run: this run's prefix of every id, so ids never repeat across resets (the hub dedupes on them). */
  constructor(private readonly kind: SystemKind, private readonly sender: CallbackSender, private readonly carrier: string, private readonly run: () => string) {}

  clear(): void {
    this.sender.stop();
    this.events.clear();
    this.seq = { shipment: 0, pickup: 0, event: 0 };
  }

  /** Books every parcel first (a concurrent call cannot ship the same units), then confirms them in order. */
  async ship(request: StoredRequest, parcels: readonly Parcel[]): Promise<SentEvent[]> {
    const events = parcels.map((parcel) => {
      for (const l of parcel.lines) request.done.set(l.lineRef, (request.done.get(l.lineRef) ?? 0) + l.quantity);
      const n = ++this.seq.shipment;
      const carrier = parcel.carrier ?? this.carrier;
      return this.record(request, 'SHIPPED', `SHP-${this.run()}-${pad(n)}`, carrier, [parcel.trackingNumber ?? trackingNumber(carrier, this.run(), n)], parcel.lines);
    });
    request.updatedAt = new Date().toISOString();
    for (const event of events) await this.sender.send(event);
    return events;
  }

  async ready(request: StoredRequest): Promise<SentEvent> {
    const waiting = remaining(request);
    request.pickup = { shipmentId: `PU-${this.run()}-${pad(++this.seq.pickup)}`, waiting };
    request.updatedAt = new Date().toISOString();
    const event = this.record(request, 'READY_FOR_PICKUP', request.pickup.shipmentId, null, [], [...waiting].map(([lineRef, quantity]) => ({ lineRef, quantity })));
    await this.sender.send(event);
    return event;
  }

  /** Each handover is its own shipment (PU-…-H1, -H2): a second partial pickup must not look like a repeat of the first. */
  async pickedUp(request: StoredRequest, lines?: Parcel['lines']): Promise<SentEvent> {
    const pickup = request.pickup;
    if (!pickup) throw new Error(`request ${request.body.requestId} is not ready for pickup`);
    const handed = lines ?? [...pickup.waiting].map(([lineRef, quantity]) => ({ lineRef, quantity }));
    for (const l of handed) {
      request.done.set(l.lineRef, (request.done.get(l.lineRef) ?? 0) + l.quantity);
      const left = (pickup.waiting.get(l.lineRef) ?? 0) - l.quantity;
      if (left > 0) pickup.waiting.set(l.lineRef, left);
      else pickup.waiting.delete(l.lineRef);
    }
    request.updatedAt = new Date().toISOString();
    const handovers = [...this.events.values()].filter((e) => e.body.type === 'PICKED_UP' && e.body.requestId === request.body.requestId).length;
    const event = this.record(request, 'PICKED_UP', `${pickup.shipmentId}-H${handovers + 1}`, null, [], handed);
    await this.sender.send(event);
    return event;
  }

  /**
   * Goods back at this site: `return.received` (what arrived) or `return.inspected` (a grade and
   * a disposition per unit), about the order of a request this system fulfilled.
   */
  async returned(request: StoredRequest, type: ReturnEventBody['type'], rmaRef: string | null, lines: readonly Omit<ReturnEventLine, 'sku'>[]): Promise<SentEvent> {
    const skus = new Map(request.body.lines.map((l) => [l.lineRef, l.sku]));
    const body: ReturnEventBody = {
      eventId: `EVT-${this.run()}-${pad(++this.seq.event)}`, type, source: this.kind, orderRef: request.body.orderRef, rmaRef,
      requestId: request.body.requestId, locationRef: request.body.locationRef, occurredAt: new Date().toISOString(),
      lines: lines.map((l) => ({ ...l, sku: skus.get(l.lineRef) ?? '' })),
    };
    const event: SentEvent = { body, raw: Buffer.from(JSON.stringify(body), 'utf8'), deliveries: [] };
    this.events.set(body.eventId, event);
    await this.sender.send(event);
    return event;
  }

  /** Sends a past event again, the same bytes; undefined when there is no such event. */
  async redeliver(eventId: string): Promise<{ event: SentEvent; delivery: Delivery } | undefined> {
    const event = this.events.get(eventId);
    return event && { event, delivery: await this.sender.send(event, true) };
  }

  private record(request: StoredRequest, type: EventType, shipmentId: string, carrier: string | null, trackingNumbers: string[], lines: Parcel['lines']): SentEvent {
    const skus = new Map(request.body.lines.map((l) => [l.lineRef, l.sku]));
    const { requestId, orderRef, orderNumber, locationRef } = request.body;
    const body: EventBody = {
      eventId: `EVT-${this.run()}-${pad(++this.seq.event)}`, type, source: this.kind, requestId, shipmentId,
      orderRef, orderNumber, locationRef, carrier, trackingNumbers, occurredAt: new Date().toISOString(),
      lines: lines.map((l) => ({ lineRef: l.lineRef, sku: skus.get(l.lineRef) ?? '', quantity: l.quantity })),
    };
    const event: SentEvent = { body, raw: Buffer.from(JSON.stringify(body), 'utf8'), deliveries: [] };
    this.events.set(body.eventId, event);
    return event;
  }
}
