/**
 * Loop Returns sandbox: Loop's side of a return, which the hub hears about by webhook.
 *
 *   GET /api/v1/warehouse/return/details?return_id={id}   (X-Authorization: the API key) → the return
 *
 * Admin (each action sends its webhook, signed, to the webhookUrl knob, and answers with what the
 * hub said):
 *   POST /_sandbox/returns                  { orderId, orderName?, currency?, state?: open|review, lines: [{ lineItemId, quantity?, reason? }] } → return.created
 *   POST /_sandbox/returns/{id}/state       { state } → return.updated
 *   POST /_sandbox/returns/{id}/close       → return.closed
 *   POST /_sandbox/returns/{id}/label       { status?, carrier?, trackingNumber? } → label.created, then label.updated
 *   POST /_sandbox/returns/{id}/restock     { items: [{ lineItemId, quantity, locationId }] } → restock.requested
 *   POST /_sandbox/returns/{id}/giftcard    { amount } → giftcard.requested
 *   GET  /_sandbox/returns, GET /_sandbox/events, POST /_sandbox/events/{seq}/redeliver (the same bytes)
 * Knobs beside the common ones: webhookUrl, webhookSecret (write-only), signature: valid|wrong-secret|none.
 */
import { timingSafeEqual } from 'node:crypto';
import { SandboxContext } from '../erp/shared/context.js';
import { header, jsonObject, type Reply, type SandboxRequest } from '../erp/shared/http.js';
import { KnobError, type Knobs } from '../erp/shared/knobs.js';
import { startSandboxServer, type ExtraKnobs, type FaultReplyKind, type RunningSandbox, type SandboxVariant } from '../erp/shared/server.js';
import { readId, shopifyJson } from '../shopify/json.js';
import { giftcardBody, labelBody, restockBody, returnBody, type LoopLine, type LoopReturn, type RestockItem } from './payloads.js';
import { deliver, type SentWebhook, type SignatureMode, type WebhookSettings } from './sender.js';

export const DEFAULT_LOOP_API_KEY = 'loop-sandbox-key-0001';

export interface LoopSandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly apiKey?: string;
  /** The hub's endpoint for this shop, e.g. http://hub/webhooks/loop/example-shop.myshopify.com. */
  readonly webhookUrl?: string | null;
  readonly webhookSecret?: string | null;
  readonly shopId?: number;
  readonly knobs?: Partial<Knobs>;
}

export interface LoopSandbox extends RunningSandbox<unknown> {
  readonly apiKey: string;
}

type Json = Record<string, unknown>;
const RETURN_ACTION = /^\/_sandbox\/returns\/(\d+)\/(state|close|label|restock|giftcard)$/;
const REDELIVER = /^\/_sandbox\/events\/(\d+)\/redeliver$/;
const SIGNATURES: readonly SignatureMode[] = ['valid', 'wrong-secret', 'none'];
const adminError = (status: number, error: string): Reply => ({ status, body: { error } });
const loopError = (status: number, message: string): Reply => ({ status, body: { errors: [{ message }] } });
const str = (v: unknown, fallback: string): string => (typeof v === 'string' && v.trim() !== '' ? v.trim() : fallback);
const MONEY = /^\d+(\.\d{1,2})?$/;

class LoopVariant implements SandboxVariant<unknown> {
  readonly name = 'loop';
  private readonly returns = new Map<string, LoopReturn>();
  private readonly sent: SentWebhook[] = [];
  private returnSeq = 0;
  private unitSeq = 0;
  private giftcardSeq = 0;

  constructor(context: SandboxContext<unknown>, private readonly apiKey: Buffer, private readonly settings: WebhookSettings, private readonly shopId: number) {
    context.onReset(() => this.clear());
  }

  clear(): void {
    this.returns.clear();
    this.sent.length = 0;
    this.returnSeq = 0;
    this.unitSeq = 0;
    this.giftcardSeq = 0;
  }

  classify(): 'api' {
    return 'api';
  }

  authenticate(req: SandboxRequest): Reply | undefined {
    const given = Buffer.from(header(req, 'x-authorization') ?? '', 'utf8');
    return given.length === this.apiKey.length && timingSafeEqual(given, this.apiKey) ? undefined : loopError(401, 'Unauthenticated.');
  }

  handle(req: SandboxRequest): Reply {
    if (req.method === 'GET' && req.url.pathname === '/api/v1/warehouse/return/details') {
      const found = this.returns.get(req.url.searchParams.get('return_id') ?? '');
      return found ? { status: 200, headers: { 'content-type': 'application/json' }, body: returnBody(found, 'return.details') } : loopError(404, 'Return not found.');
    }
    return loopError(404, `no endpoint ${req.method} ${req.url.pathname}`);
  }

  fault(kind: FaultReplyKind): Reply {
    return kind === 'server-error' ? loopError(500, 'Server Error') : { ...loopError(429, 'Too Many Attempts.'), headers: { 'retry-after': '1' } };
  }

  error(status: number, message: string): Reply {
    return loopError(status, message);
  }

  stats(): Record<string, unknown> {
    const deliveries = this.sent.flatMap((s) => s.deliveries);
    return { returns: this.returns.size, webhooks: this.sent.length, deliveries: deliveries.length, accepted: deliveries.filter((d) => d.status !== null && d.status < 300).length };
  }

  admin(req: SandboxRequest): Reply | Promise<Reply> | undefined {
    const path = req.url.pathname.replace(/\/+$/, '');
    const body = jsonObject(req.body) ?? {};
    if (path === '/_sandbox/returns' && req.method === 'POST') return this.create(body);
    if (path === '/_sandbox/returns' && req.method === 'GET') return { status: 200, body: { count: this.returns.size, returns: [...this.returns.values()].map((r) => JSON.parse(returnBody(r, 'return.details')) as unknown) } };
    if (path === '/_sandbox/events' && req.method === 'GET') return { status: 200, body: { count: this.sent.length, events: this.sent.map(show) } };
    const redeliver = REDELIVER.exec(path);
    if (redeliver && req.method === 'POST') return this.redeliver(Number(redeliver[1]));
    const m = RETURN_ACTION.exec(path);
    if (!m || req.method !== 'POST') return undefined;
    const found = this.returns.get(m[1]);
    if (!found) return adminError(404, `no return ${m[1]}`);
    switch (m[2]) {
      case 'state': return this.state(found, body);
      case 'close': return this.close(found);
      case 'label': return this.label(found, body);
      case 'restock': return this.restock(found, body);
      default: return this.giftcard(found, body);
    }
  }

  private async create(body: Json): Promise<Reply> {
    const orderId = readId(body.orderId);
    if (!orderId) return adminError(400, 'orderId must be the Shopify order id');
    const state = str(body.state, 'open');
    if (state !== 'open' && state !== 'review') return adminError(400, 'state must be open or review');
    if (!Array.isArray(body.lines) || body.lines.length === 0) return adminError(400, 'lines must be a non-empty array');
    const lines: LoopLine[] = [];
    for (const [i, raw] of body.lines.entries()) {
      const line = (raw ?? {}) as Json;
      const lineItemId = readId(line.lineItemId);
      const quantity = line.quantity ?? 1;
      if (!lineItemId) return adminError(400, `lines[${i}].lineItemId must be a Shopify line item id`);
      if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) return adminError(400, `lines[${i}].quantity must be a positive whole number`);
      // Loop lists each returned unit on its own.
      for (let n = 0; n < quantity; n += 1) lines.push({ id: String(70_000 + (this.unitSeq += 1)), lineItemId, reason: str(line.reason, 'Too small') });
    }
    const id = String(50_000 + (this.returnSeq += 1));
    const r: LoopReturn = {
      id, shopId: this.shopId, orderId, orderName: str(body.orderName, '#1001'), currency: str(body.currency, 'USD'), state,
      createdAt: new Date().toISOString(), editedAt: null, lines, label: null,
    };
    this.returns.set(id, r);
    return this.send(r, 'return.created', returnBody(r, 'return.created'));
  }

  private state(r: LoopReturn, body: Json): Promise<Reply> {
    r.state = str(body.state, r.state);
    r.editedAt = new Date().toISOString();
    return this.send(r, 'return.updated', returnBody(r, 'return.updated'));
  }

  private close(r: LoopReturn): Promise<Reply> {
    r.state = 'closed';
    r.editedAt = new Date().toISOString();
    return this.send(r, 'return.closed', returnBody(r, 'return.closed'));
  }

  private label(r: LoopReturn, body: Json): Promise<Reply> {
    const trigger = r.label === null ? 'label.created' : 'label.updated';
    r.label = {
      status: str(body.status, r.label?.status ?? 'new'), carrier: str(body.carrier, r.label?.carrier ?? 'USPS'),
      trackingNumber: str(body.trackingNumber, r.label?.trackingNumber ?? `9400${r.id}0001`), updatedAt: new Date().toISOString(),
    };
    return this.send(r, trigger, labelBody(r, trigger));
  }

  private restock(r: LoopReturn, body: Json): Promise<Reply> | Reply {
    const asked = Array.isArray(body.items) ? body.items : [];
    const items: RestockItem[] = [];
    for (const [i, raw] of asked.entries()) {
      const item = (raw ?? {}) as Json;
      const lineItemId = readId(item.lineItemId);
      const locationId = readId(item.locationId);
      if (!lineItemId || !r.lines.some((l) => l.lineItemId === lineItemId)) return adminError(400, `items[${i}].lineItemId is not a line of this return`);
      if (!locationId) return adminError(400, `items[${i}].locationId must be a Shopify location id`);
      if (typeof item.quantity !== 'number' || !Number.isSafeInteger(item.quantity) || item.quantity < 1) return adminError(400, `items[${i}].quantity must be a positive whole number`);
      items.push({ lineItemId, quantity: item.quantity, locationId });
    }
    if (items.length === 0) return adminError(400, 'items must be a non-empty array');
    return this.send(r, 'restock.requested', restockBody(r, items));
  }

  private giftcard(r: LoopReturn, body: Json): Promise<Reply> | Reply {
    if (typeof body.amount !== 'string' || !MONEY.test(body.amount)) return adminError(400, 'amount must be a decimal string, e.g. "25.00"');
    return this.send(r, 'giftcard.requested', giftcardBody(r, 880_000 + (this.giftcardSeq += 1), body.amount));
  }

  private async send(r: LoopReturn, trigger: string, raw: string): Promise<Reply> {
    const sent: SentWebhook = { seq: this.sent.length + 1, trigger, returnId: r.id, raw, deliveries: [] };
    this.sent.push(sent);
    await deliver(sent, this.settings);
    return { status: 200, headers: { 'content-type': 'application/json' }, body: shopifyJson({ return: JSON.parse(returnBody(r, 'return.details')) as unknown, event: show(sent) }) };
  }

  private async redeliver(seq: number): Promise<Reply> {
    const sent = this.sent[seq - 1];
    if (!sent) return adminError(404, `no event ${seq}`);
    await deliver(sent, this.settings);
    return { status: 200, body: { event: show(sent) } };
  }
}

const show = (s: SentWebhook): Json => ({ seq: s.seq, trigger: s.trigger, returnId: s.returnId, body: s.raw, deliveries: s.deliveries });

function webhookKnobs(settings: WebhookSettings): ExtraKnobs {
  return {
    keys: ['webhookUrl', 'webhookSecret', 'signature'],
    prepare(patch) {
      const next = { ...settings };
      for (const [key, value] of Object.entries(patch)) {
        if (key === 'webhookUrl') {
          if (value !== null && (typeof value !== 'string' || !/^https?:\/\//.test(value))) throw new KnobError('webhookUrl must be null or an http(s) URL');
          next.url = value;
        } else if (key === 'webhookSecret') {
          if (value !== null && (typeof value !== 'string' || value === '')) throw new KnobError('webhookSecret must be null or a non-empty string');
          next.secret = value;
        } else if (key === 'signature') {
          if (!SIGNATURES.includes(value as SignatureMode)) throw new KnobError(`signature must be one of ${SIGNATURES.join(', ')}`);
          next.signature = value as SignatureMode;
        }
      }
      return () => Object.assign(settings, next);
    },
    // The secret is write-only, as the hub's own secrets are.
    show: () => ({ webhookUrl: settings.url, webhookSecretSet: settings.secret !== null, signature: settings.signature }),
  };
}

export async function startLoopSandbox(options: LoopSandboxOptions = {}): Promise<LoopSandbox> {
  const apiKey = options.apiKey ?? DEFAULT_LOOP_API_KEY;
  const context = new SandboxContext<unknown>({ concurrency: 0, ...options.knobs });
  const settings: WebhookSettings = { url: options.webhookUrl ?? null, secret: options.webhookSecret ?? null, signature: 'valid' };
  const variant = new LoopVariant(context, Buffer.from(apiKey, 'utf8'), settings, options.shopId ?? 9876);
  const running = await startSandboxServer(variant, context, { ...options, bodyLimitBytes: 1024 * 1024, extraKnobs: webhookKnobs(settings) });
  return { ...running, apiKey };
}
