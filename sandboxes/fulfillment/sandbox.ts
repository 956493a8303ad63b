/**
 * WMS and store-fulfilment sandboxes: the REST contract in docs/contracts/fulfillment-systems.md.
 *
 *   WMS    POST /api/v1/fulfillment-requests     GET /api/v1/fulfillment-requests/{requestId}   POST …/{requestId}/cancel
 *   store  POST /api/v1/store-orders             GET /api/v1/store-orders/{requestId}           POST …/{requestId}/cancel
 *
 * Bearer API key; idempotent on requestId (201 new, 200 the same body again, 409 another body).
 * A cancelled request ships nothing more, by autoShip or by the admin calls.
 * Shipments are driven from /_sandbox (or by the autoShip knob) and confirmed to the hub's
 * callback as signed POSTs; every attempt and the hub's answer are recorded.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ReturnEventLine } from '../../src/adapters/fulfillment/return-event.js';
import { SandboxContext } from '../erp/shared/context.js';
import { header, jsonObject, type Reply, type SandboxRequest } from '../erp/shared/http.js';
import type { Knobs } from '../erp/shared/knobs.js';
import { startSandboxServer, type FaultReplyKind, type RunningSandbox, type SandboxVariant } from '../erp/shared/server.js';
import { CallbackSender, type CallbackSettings } from './callbacks.js';
import { apiError, canonicalRequest, validateRequest, type SystemKind } from './contract.js';
import { autoShipKnobs, type AutoShip, type Settings } from './knobs.js';
import { planParcels, readParcels, remaining, statusOf, type StoredRequest } from './requests.js';
import { adminEvent, Shipping } from './shipping.js';

export type { AutoShip } from './knobs.js';

export const DEFAULT_WMS_API_KEY = 'wms-sandbox-key-0001';
export const DEFAULT_STORE_API_KEY = 'store-sandbox-key-0001';
const PATHS: Record<SystemKind, string> = { wms: '/api/v1/fulfillment-requests', store: '/api/v1/store-orders' };

export interface FulfillmentSandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly apiKey?: string;
  /** The hub's confirmation endpoint and the shared HMAC secret; also settable as knobs. */
  readonly callbackUrl?: string | null;
  readonly callbackSecret?: string | null;
  readonly autoShip?: AutoShip | null;
  /** Background retries of a failed callback (default 2), starting at callbackRetryDelayMs (500), doubling. */
  readonly callbackRetries?: number;
  readonly callbackRetryDelayMs?: number;
  readonly callbackTimeoutMs?: number;
  /** Carrier of parcels that name none (default UPS for the WMS, USPS for a store). */
  readonly defaultCarrier?: string;
  readonly knobs?: Partial<Knobs>;
}

export interface FulfillmentSandbox extends RunningSandbox<unknown> {
  readonly kind: SystemKind;
  readonly apiKey: string;
  /** The requests endpoint: {url}/api/v1/fulfillment-requests or {url}/api/v1/store-orders. */
  readonly requestsUrl: string;
}

type Json = Record<string, unknown>;
const ADMIN_REQUEST = /^\/_sandbox\/requests\/([^/]+)(?:\/(ship|ready-for-pickup|picked-up|return))?$/;
const ADMIN_REDELIVER = /^\/_sandbox\/events\/([^/]+)\/redeliver$/;
const adminError = (status: number, error: string, fields?: unknown): Reply => ({ status, body: { error, ...(fields !== undefined && { fields }) } });
const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

class FulfillmentVariant implements SandboxVariant<unknown> {
  readonly name: SystemKind;
  private readonly requests = new Map<string, StoredRequest>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly shipping: Shipping;
  private run = randomBytes(3).toString('hex').toUpperCase();
  private requestSeq = 0;
  private counts = { created: 0, repeats: 0, conflicts: 0, invalid: 0, cancelled: 0 };

  constructor(readonly kind: SystemKind, private readonly context: SandboxContext<unknown>, private readonly apiKey: Buffer, readonly settings: Settings, carrier: string) {
    this.name = kind;
    const sender = new CallbackSender(kind, (): CallbackSettings => settings.callback);
    this.shipping = new Shipping(kind, sender, carrier, () => this.run);
    context.onReset(() => this.clear());
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.shipping.clear();
    this.requests.clear();
    this.run = randomBytes(3).toString('hex').toUpperCase();
    this.requestSeq = 0;
    this.counts = { created: 0, repeats: 0, conflicts: 0, invalid: 0, cancelled: 0 };
  }

  classify(): 'api' {
    return 'api';
  }

  authenticate(req: SandboxRequest): Reply | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    const given = Buffer.from(m?.[1] ?? '', 'utf8');
    if (given.length === this.apiKey.length && timingSafeEqual(given, this.apiKey)) return undefined;
    return apiError(401, 'UNAUTHENTICATED', 'missing or unknown API key', { headers: { 'www-authenticate': 'Bearer realm="fulfillment"' } });
  }

  handle(req: SandboxRequest): Reply {
    const base = PATHS[this.kind];
    const path = req.url.pathname.replace(/\/+$/, '');
    if (path === base) return req.method === 'POST' ? this.receive(req) : apiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`, { headers: { allow: 'POST' } });
    if (path.startsWith(`${base}/`) && req.method === 'GET') {
      const found = this.requests.get(decode(path.slice(base.length + 1)));
      return found ? { status: 200, body: this.resource(found) } : apiError(404, 'NOT_FOUND', 'no such request');
    }
    if (path.startsWith(`${base}/`) && path.endsWith('/cancel') && req.method === 'POST') {
      return this.cancel(decode(path.slice(base.length + 1, -'/cancel'.length)));
    }
    return apiError(404, 'NOT_FOUND', `no endpoint ${req.method} ${path}`);
  }

  /** A request over the cap gets the same 429 as an injected one: the contract has no other. */
  fault(kind: FaultReplyKind): Reply {
    return kind === 'server-error'
      ? apiError(500, 'INTERNAL', 'internal error')
      : apiError(429, 'RATE_LIMITED', 'too many requests', { headers: { 'retry-after': String(this.context.knobs.retryAfterSeconds) } });
  }

  error(status: number, message: string): Reply {
    return apiError(status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL', message);
  }

  stats(): Record<string, unknown> {
    const deliveries = [...this.shipping.events.values()].flatMap((e) => e.deliveries);
    const delivered = deliveries.filter((d) => d.status !== null && d.status >= 200 && d.status < 300).length;
    return {
      fulfillmentRequests: this.requests.size, ...this.counts, events: this.shipping.events.size,
      deliveries: { attempts: deliveries.length, delivered, failed: deliveries.length - delivered },
    };
  }

  admin(req: SandboxRequest): Reply | Promise<Reply> | undefined {
    const path = req.url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/_sandbox/requests') {
      return { status: 200, body: { count: this.requests.size, requests: [...this.requests.values()].map((r) => this.adminRequest(r)) } };
    }
    if (req.method === 'GET' && path === '/_sandbox/events') {
      const requestId = req.url.searchParams.get('requestId');
      const events = [...this.shipping.events.values()].filter((e) => requestId === null || e.body.requestId === requestId);
      return { status: 200, body: { count: events.length, events: events.map(adminEvent) } };
    }
    const redeliver = ADMIN_REDELIVER.exec(path);
    if (redeliver && req.method === 'POST') return this.redeliver(decode(redeliver[1]));
    const m = ADMIN_REQUEST.exec(path);
    if (!m) return undefined;
    const request = this.requests.get(decode(m[1]));
    if (!request) return adminError(404, `no request ${decode(m[1])}`);
    if (m[2] === undefined) return req.method === 'GET' ? { status: 200, body: this.adminRequest(request) } : undefined;
    if (req.method !== 'POST') return undefined;
    const body = jsonObject(req.body) ?? {};
    if (m[2] === 'return') return this.returnAction(request, body);
    if (request.cancelledAt !== null) return adminError(409, `request ${request.body.requestId} was cancelled at ${request.cancelledAt}`);
    if (m[2] === 'ship') return this.shipAction(request, body);
    if (m[2] === 'ready-for-pickup') return this.readyAction(request);
    return this.pickedUpAction(request, body);
  }

  private receive(req: SandboxRequest): Reply {
    if (!(header(req, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return apiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    }
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      this.counts.invalid += 1;
      return apiError(400, 'INVALID_JSON', 'the body is not JSON');
    }
    const checked = validateRequest(this.kind, body);
    if (!checked.ok) {
      this.counts.invalid += 1;
      return apiError(400, 'VALIDATION_FAILED', 'the request has invalid fields', { fields: checked.errors });
    }
    const canonical = canonicalRequest(checked.value);
    const existing = this.requests.get(checked.value.requestId);
    if (existing) {
      if (existing.canonical !== canonical) {
        existing.conflicts += 1;
        this.counts.conflicts += 1;
        return apiError(409, 'IDEMPOTENCY_CONFLICT', `requestId ${existing.body.requestId} was already used with a different body`, { fields: [{ field: 'requestId', message: 'already used with a different body' }] });
      }
      existing.posts += 1;
      this.counts.repeats += 1;
      return { status: 200, body: this.resource(existing) };
    }
    const now = new Date().toISOString();
    const prefix = this.kind === 'wms' ? 'FR' : 'SO';
    const stored: StoredRequest = {
      id: `${prefix}-${this.run}-${String(++this.requestSeq).padStart(6, '0')}`, body: checked.value, canonical,
      createdAt: now, updatedAt: now, done: new Map(), pickup: null, posts: 1, conflicts: 0, cancelledAt: null, cancels: 0,
    };
    this.requests.set(stored.body.requestId, stored);
    this.counts.created += 1;
    this.scheduleAuto(stored);
    return { status: 201, headers: { location: `${req.url.origin}${PATHS[this.kind]}/${encodeURIComponent(stored.body.requestId)}` }, body: this.resource(stored), committed: true };
  }

  /**
   * Idempotent: a cancelled request answers 200 again. What shipped stays shipped; what is
   * left is not sent. 409 when nothing is left to stop.
   */
  private cancel(requestId: string): Reply {
    const request = this.requests.get(requestId);
    if (!request) return apiError(404, 'NOT_FOUND', 'no such request');
    if (request.cancelledAt === null) {
      if (remaining(request).size === 0) return apiError(409, 'NOT_CANCELLABLE', `request ${requestId} is ${statusOf(request)}: nothing is left to cancel`);
      request.cancelledAt = new Date().toISOString();
      request.updatedAt = request.cancelledAt;
      this.counts.cancelled += 1;
    }
    request.cancels += 1;
    return { status: 200, body: this.resource(request), committed: true };
  }

  private resource(r: StoredRequest): Json {
    const { requestId, orderRef, orderNumber, locationRef, method } = r.body;
    return {
      id: r.id, requestId, status: statusOf(r), method, orderRef, orderNumber, locationRef, createdAt: r.createdAt, updatedAt: r.updatedAt, cancelledAt: r.cancelledAt,
      lines: r.body.lines.map((l) => ({ ...l, fulfilledQuantity: r.done.get(l.lineRef) ?? 0 })),
    };
  }

  private adminRequest(r: StoredRequest): Json {
    return {
      ...this.resource(r), shipTo: r.body.shipTo, posts: r.posts, conflicts: r.conflicts, cancels: r.cancels,
      pickup: r.pickup && { shipmentId: r.pickup.shipmentId, waiting: Object.fromEntries(r.pickup.waiting) },
      events: [...this.shipping.events.values()].filter((e) => e.body.requestId === r.body.requestId).map((e) => e.body.eventId),
    };
  }

  private async shipAction(request: StoredRequest, body: Json): Promise<Reply> {
    if (request.body.method === 'PICKUP_IN_STORE') return adminError(409, 'a pickup is handed over, not shipped: use ready-for-pickup and picked-up');
    const left = remaining(request);
    if (left.size === 0) return adminError(409, 'nothing left to ship');
    const parcels = body.parcels === undefined ? planParcels(left, 1) : readParcels(body.parcels, left);
    if (!Array.isArray(parcels) && !parcels.ok) return adminError(400, 'invalid parcels', parcels.errors);
    const sent = await this.shipping.ship(request, Array.isArray(parcels) ? parcels : parcels.parcels);
    return { status: 200, body: { request: this.adminRequest(request), events: sent.map(adminEvent) } };
  }

  private async readyAction(request: StoredRequest): Promise<Reply> {
    if (request.body.method !== 'PICKUP_IN_STORE') return adminError(409, `a ${request.body.method} request is shipped, not picked up`);
    if (request.pickup) return adminError(409, `already ready for pickup as ${request.pickup.shipmentId}`);
    const event = await this.shipping.ready(request);
    return { status: 200, body: { request: this.adminRequest(request), events: [adminEvent(event)] } };
  }

  private async pickedUpAction(request: StoredRequest, body: Json): Promise<Reply> {
    if (!request.pickup || request.pickup.waiting.size === 0) return adminError(409, 'nothing is waiting at the counter: make it ready for pickup first');
    const chosen = body.lines === undefined ? undefined : readParcels([{ lines: body.lines }], request.pickup.waiting);
    if (chosen && !chosen.ok) return adminError(400, 'invalid lines', chosen.errors);
    const event = await this.shipping.pickedUp(request, chosen ? chosen.parcels[0].lines : undefined);
    return { status: 200, body: { request: this.adminRequest(request), events: [adminEvent(event)] } };
  }

  /**
   * Goods of this request come back: `{ "type"?: "return.received" | "return.inspected", "rmaRef"?,
   * "lines"?: [{ "lineRef", "quantity", "condition"?, "disposition"? }] }`; by default everything
   * shipped is received. An inspection names a disposition per line (RESTOCK when not given).
   */
  private async returnAction(request: StoredRequest, body: Json): Promise<Reply> {
    const type = body.type ?? 'return.received';
    if (type !== 'return.received' && type !== 'return.inspected') return adminError(400, 'type must be return.received or return.inspected');
    const rmaRef = typeof body.rmaRef === 'string' && body.rmaRef !== '' ? body.rmaRef : null;
    const shipped = [...request.done].map(([lineRef, quantity]) => ({ lineRef, quantity }));
    const asked = body.lines === undefined ? shipped : body.lines;
    if (!Array.isArray(asked) || asked.length === 0) return adminError(400, type === 'return.received' && shipped.length === 0 ? 'nothing was shipped to come back' : 'lines must be a non-empty array');
    const known = new Set(request.body.lines.map((l) => l.lineRef));
    const lines: Omit<ReturnEventLine, 'sku'>[] = [];
    for (const [i, raw] of asked.entries()) {
      const line: Json = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Json) : {};
      const quantity = line.quantity;
      if (typeof line.lineRef !== 'string' || !known.has(line.lineRef)) return adminError(400, `lines[${i}].lineRef is not a line of this request`);
      if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity <= 0) return adminError(400, `lines[${i}].quantity must be a positive whole number`);
      const disposition = typeof line.disposition === 'string' ? line.disposition : type === 'return.inspected' ? 'RESTOCK' : null;
      const condition = typeof line.condition === 'string' ? line.condition : null;
      lines.push({ lineRef: line.lineRef, quantity, condition: condition as ReturnEventLine['condition'], disposition: disposition as ReturnEventLine['disposition'] });
    }
    const event = await this.shipping.returned(request, type, rmaRef, lines);
    return { status: 200, body: { request: this.adminRequest(request), events: [adminEvent(event)] } };
  }

  private async redeliver(eventId: string): Promise<Reply> {
    const sent = await this.shipping.redeliver(eventId);
    return sent ? { status: 200, body: { event: adminEvent(sent.event), delivery: sent.delivery } } : adminError(404, `no event ${eventId}`);
  }

  private scheduleAuto(request: StoredRequest): void {
    const auto = this.settings.autoShip;
    if (!auto) return;
    const later = (step: () => Promise<unknown>): void => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.requests.get(request.body.requestId) === request && request.cancelledAt === null) void step().catch(() => undefined);
      }, auto.afterMs);
      this.timers.add(timer);
    };
    if (request.body.method === 'PICKUP_IN_STORE') {
      later(async () => {
        await this.shipping.ready(request);
        later(() => this.shipping.pickedUp(request));
      });
    } else {
      later(() => this.shipping.ship(request, planParcels(remaining(request), auto.parcels)));
    }
  }
}

async function start(kind: SystemKind, options: FulfillmentSandboxOptions): Promise<FulfillmentSandbox> {
  const apiKey = options.apiKey ?? (kind === 'wms' ? DEFAULT_WMS_API_KEY : DEFAULT_STORE_API_KEY);
  const context = new SandboxContext<unknown>({ concurrency: 0, ...options.knobs });
  const settings: Settings = {
    autoShip: options.autoShip ?? null,
    callback: {
      url: options.callbackUrl ?? null, secret: options.callbackSecret ?? null, retries: options.callbackRetries ?? 2,
      retryDelayMs: options.callbackRetryDelayMs ?? 500, timeoutMs: options.callbackTimeoutMs ?? 5000,
    },
  };
  const variant = new FulfillmentVariant(kind, context, Buffer.from(apiKey, 'utf8'), settings, options.defaultCarrier ?? (kind === 'wms' ? 'UPS' : 'USPS'));
  const running = await startSandboxServer(variant, context, { ...options, bodyLimitBytes: 5 * 1024 * 1024, extraKnobs: autoShipKnobs(settings) });
  return {
    ...running,
    kind,
    apiKey,
    requestsUrl: `${running.url}${PATHS[kind]}`,
    close: async () => {
      variant.clear();
      await running.close();
    },
  };
}

export const startWmsSandbox = (options: FulfillmentSandboxOptions = {}): Promise<FulfillmentSandbox> => start('wms', options);
export const startStoreSandbox = (options: FulfillmentSandboxOptions = {}): Promise<FulfillmentSandbox> => start('store', options);
