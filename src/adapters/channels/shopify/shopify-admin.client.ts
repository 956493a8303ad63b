/**
 * The hub telling Shopify an order shipped, through the REST Admin API 2026-04 fulfillment-order flow:
 *
 *   GET  {base}/orders/{order_id}/fulfillment_orders.json   which fulfillment order lines hold the units
 *   POST {base}/fulfillments.json                           one fulfillment, one location, tracking info
 *   GET  {base}/orders/{order_id}/fulfillments.json         look-up after an ambiguous outcome
 *
 * {base} is https://{shop}/admin/api/2026-04 (a sandbox passes its own). Ids stay strings end
 * to end: answers are parsed bigint-safe and ids are written back as bare integers. One call is
 * one attempt: retries, backoff and the look-up belong to the caller, guided by DeliveryError.kind.
 * @since 0.5.0
 */
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { allocateFulfillment, type FulfillmentOrderView } from './fulfillment-allocation.js';
import { parseShopifyError, shopifyTransportError } from './shopify-admin.errors.js';
import { parseJsonPreservingBigIds } from './shopify-webhook.js';

export const SHOPIFY_ADMIN_API_VERSION = '2026-04';

export interface ShopifyAdminConnection {
  /** example-shop.myshopify.com */
  readonly shopDomain: string;
  /** Defaults to https://{shopDomain}/admin/api/2026-04. */
  readonly baseUrl?: string;
  readonly accessToken: string;
  /** Per request; a POST that takes longer is an ambiguous outcome. */
  readonly timeoutMs: number;
}

export interface CreateFulfillmentInput {
  readonly orderId: string;
  /** Units per order line item (Shopify line item id); not cumulative. */
  readonly lines: readonly { readonly lineItemId: string; readonly quantity: number }[];
  readonly trackingCompany: string | null;
  readonly trackingNumbers: readonly string[];
  readonly trackingUrl?: string | null;
  readonly notifyCustomer: boolean;
  /** The Shopify location the parcel left from, when known: tried first. */
  readonly locationId?: string | null;
}

export interface ShopifyFulfillmentRef {
  readonly fulfillmentId: string;
  readonly status: string;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string | undefined;
}

type Json = Record<string, unknown>;
const DIGITS = /^\d+$/;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Ids arrive as numbers (up to 15 digits) or, from the bigint-safe parse, as strings. */
const idText = (v: unknown): string | undefined =>
  (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' && DIGITS.test(v) ? v : undefined);
const normalise = (n: string): string => n.trim().toUpperCase();
/** Shopify's statuses for fulfillments that did not or no longer ship anything. */
const VOID_STATUSES = new Set(['cancelled', 'error', 'failure']);
const MAX_PAGES = 20;

export class ShopifyAdminClient {
  private readonly base: string;

  constructor(private readonly connection: ShopifyAdminConnection) {
    this.base = (connection.baseUrl ?? `https://${connection.shopDomain}/admin/api/${SHOPIFY_ADMIN_API_VERSION}`).replace(/\/+$/, '');
  }

  /** Reads the order's fulfillment orders, draws the units from them, and creates one fulfillment. */
  async createFulfillment(input: CreateFulfillmentInput, signal?: AbortSignal): Promise<ShopifyFulfillmentRef> {
    this.checkInput(input);
    const fos = await this.fulfillmentOrders(input.orderId, signal);
    const allocation = allocateFulfillment(fos, input.lines, input.locationId);
    if (!allocation.ok) throw new DeliveryError('PERMANENT', `Shopify order ${input.orderId}: ${allocation.message}`, { code: allocation.code });

    const numbers = input.trackingNumbers.map((n) => n.trim()).filter((n) => n !== '');
    const tracking: Json = {
      ...(input.trackingCompany ? { company: input.trackingCompany } : {}),
      ...(numbers.length === 1 ? { number: numbers[0] } : numbers.length > 1 ? { numbers } : {}),
      ...(input.trackingUrl ? { url: input.trackingUrl } : {}),
    };
    const body = {
      fulfillment: {
        line_items_by_fulfillment_order: allocation.byFulfillmentOrder.map((p) => ({
          fulfillment_order_id: p.fulfillmentOrderId,
          fulfillment_order_line_items: p.lines.map((l) => ({ id: l.id, quantity: l.quantity })),
        })),
        ...(Object.keys(tracking).length > 0 ? { tracking_info: tracking } : {}),
        notify_customer: input.notifyCustomer,
      },
    };
    // Ids go out as bare integers, as Shopify documents them; they are digit strings here, so no precision is at stake.
    const json = JSON.stringify(body).replace(/"(fulfillment_order_id|id)":"(\d+)"/g, '"$1":$2');
    const answer = await this.send('POST', new URL(`${this.base}/fulfillments.json`), json, signal);
    if (answer.status !== 201 && answer.status !== 200) throw parseShopifyError(answer.status, answer.text, answer.headers, { write: true });
    const created = this.read(answer)?.fulfillment;
    const id = isObject(created) ? idText(created.id) : undefined;
    if (!isObject(created) || id === undefined) {
      throw new DeliveryError('AMBIGUOUS', `Shopify accepted the fulfillment of order ${input.orderId} but its id could not be read`, { status: answer.status, code: 'UNREADABLE_ANSWER' });
    }
    return { fulfillmentId: id, status: typeof created.status === 'string' ? created.status : 'success' };
  }

  /**
   * The order's live fulfillment that carries every given tracking number (case and spaces
   * ignored); with no tracking numbers, the untracked one with exactly the given units. For
   * the look-up after an ambiguous createFulfillment, before creating it again.
   */
  async findFulfillment(
    orderId: string,
    trackingNumbers: readonly string[],
    lines?: readonly { readonly lineItemId: string; readonly quantity: number }[],
    signal?: AbortSignal,
  ): Promise<ShopifyFulfillmentRef | null> {
    this.checkOrderId(orderId);
    const wanted = new Set(trackingNumbers.map(normalise).filter((n) => n !== ''));
    if (wanted.size === 0 && !lines?.length) return null;
    const units = new Map<string, number>();
    for (const l of lines ?? []) units.set(l.lineItemId, (units.get(l.lineItemId) ?? 0) + l.quantity);

    for (const f of await this.fulfillments(orderId, signal)) {
      const id = idText(f.id);
      const status = typeof f.status === 'string' ? f.status : '';
      if (id === undefined || VOID_STATUSES.has(status)) continue;
      const numbers = new Set([...(Array.isArray(f.tracking_numbers) ? f.tracking_numbers : []), f.tracking_number]
        .filter((n): n is string => typeof n === 'string').map(normalise));
      const match = wanted.size > 0
        ? [...wanted].every((n) => numbers.has(n))
        : numbers.size === 0 && sameUnits(f.line_items, units);
      if (match) return { fulfillmentId: id, status };
    }
    return null;
  }

  /** The order's fulfillment orders, every status, as Shopify lists them. */
  async fulfillmentOrders(orderId: string, signal?: AbortSignal): Promise<FulfillmentOrderView[]> {
    this.checkOrderId(orderId);
    const answer = await this.send('GET', new URL(`${this.base}/orders/${orderId}/fulfillment_orders.json`), undefined, signal);
    if (answer.status !== 200) throw parseShopifyError(answer.status, answer.text, answer.headers, { write: false });
    const list = this.read(answer)?.fulfillment_orders;
    if (!Array.isArray(list)) throw new DeliveryError('RETRYABLE', `Shopify listed the fulfillment orders of ${orderId} in an unreadable form`, { status: 200, code: 'UNREADABLE_ANSWER' });
    return list.filter(isObject).map((fo) => ({
      id: idText(fo.id) ?? '',
      locationId: idText(fo.assigned_location_id) ?? '',
      status: typeof fo.status === 'string' ? fo.status : '',
      lines: (Array.isArray(fo.line_items) ? fo.line_items : []).filter(isObject).map((l) => ({
        id: idText(l.id) ?? '',
        lineItemId: idText(l.line_item_id) ?? '',
        fulfillableQuantity: typeof l.fulfillable_quantity === 'number' ? l.fulfillable_quantity : 0,
      })).filter((l) => l.id !== '' && l.lineItemId !== ''),
    })).filter((fo) => fo.id !== '');
  }

  private async fulfillments(orderId: string, signal: AbortSignal | undefined): Promise<Json[]> {
    const all: Json[] = [];
    let url: URL | undefined = new URL(`${this.base}/orders/${orderId}/fulfillments.json?limit=250`);
    for (let page = 0; url && page < MAX_PAGES; page += 1) {
      const answer = await this.send('GET', url, undefined, signal);
      if (answer.status !== 200) throw parseShopifyError(answer.status, answer.text, answer.headers, { write: false });
      const list = this.read(answer)?.fulfillments;
      if (!Array.isArray(list)) throw new DeliveryError('RETRYABLE', `Shopify listed the fulfillments of ${orderId} in an unreadable form`, { status: 200, code: 'UNREADABLE_ANSWER' });
      all.push(...list.filter(isObject));
      url = this.nextPage(answer.headers.get('link'));
    }
    return all;
  }

  /** Link: <…page_info=…>; rel="next", followed only on the shop's own origin (the token goes with it). */
  private nextPage(link: string | null): URL | undefined {
    const href = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link ?? '')?.[1];
    if (!href) return undefined;
    try {
      const next = new URL(href, this.base);
      return next.origin === new URL(this.base).origin ? next : undefined;
    } catch {
      return undefined;
    }
  }

  private read(answer: Answer): Json | undefined {
    try {
      const value = parseJsonPreservingBigIds(answer.text ?? '');
      return isObject(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  private checkOrderId(orderId: string): void {
    if (!DIGITS.test(orderId)) throw new DeliveryError('PERMANENT', `Shopify order id must be digits, got ${JSON.stringify(orderId)}`, { code: 'INVALID_INPUT', field: 'orderId' });
  }

  private checkInput(input: CreateFulfillmentInput): void {
    this.checkOrderId(input.orderId);
    if (input.lines.length === 0) throw new DeliveryError('PERMANENT', 'a fulfillment needs at least one line', { code: 'INVALID_INPUT', field: 'lines' });
    input.lines.forEach((l, i) => {
      if (!DIGITS.test(l.lineItemId)) throw new DeliveryError('PERMANENT', `lines[${i}].lineItemId must be digits`, { code: 'INVALID_INPUT', field: `lines[${i}].lineItemId` });
      if (!Number.isSafeInteger(l.quantity) || l.quantity <= 0) throw new DeliveryError('PERMANENT', `lines[${i}].quantity must be a positive whole number`, { code: 'INVALID_INPUT', field: `lines[${i}].quantity` });
    });
  }

  private async send(method: 'GET' | 'POST', url: URL, body: string | undefined, signal: AbortSignal | undefined): Promise<Answer> {
    const write = method === 'POST';
    if (signal?.aborted) throw new DeliveryError('RETRYABLE', 'the request to Shopify was cancelled before it was sent', { code: 'ABORTED' });
    const timeout = AbortSignal.timeout(this.connection.timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    const headers: Record<string, string> = { 'x-shopify-access-token': this.connection.accessToken, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: combined, redirect: 'manual' });
    } catch (err) {
      throw shopifyTransportError(err, { write, timedOut: timeout.aborted, cancelled: signal?.aborted ?? false, timeoutMs: this.connection.timeoutMs });
    }
    let text: string | undefined;
    try {
      text = await response.text();
    } catch (err) {
      // The status line arrived but the body did not: for a 2xx write the fulfillment exists.
      if (write && response.ok) throw shopifyTransportError(err, { write, timedOut: timeout.aborted, cancelled: signal?.aborted ?? false, timeoutMs: this.connection.timeoutMs });
      text = undefined;
    }
    return { status: response.status, headers: response.headers, text };
  }
}

function sameUnits(lineItems: unknown, units: ReadonlyMap<string, number>): boolean {
  if (!Array.isArray(lineItems)) return false;
  const got = new Map<string, number>();
  for (const l of lineItems.filter(isObject)) {
    const id = idText(l.id);
    if (id === undefined || typeof l.quantity !== 'number') return false;
    got.set(id, (got.get(id) ?? 0) + l.quantity);
  }
  return got.size === units.size && [...units].every(([id, q]) => got.get(id) === q);
}
