/**
 * Shopify Admin sandbox: the REST Admin API 2026-04 fulfillment-order flow, behind
 * X-Shopify-Access-Token, with Shopify's error bodies, 429 + Retry-After and ids beyond 2^53
 * written as bare integers.
 *
 *   GET  /admin/api/2026-04/orders/{order_id}/fulfillment_orders.json
 *   GET  /admin/api/2026-04/fulfillment_orders/{id}.json
 *   POST /admin/api/2026-04/fulfillments.json                     → 201 { fulfillment }
 *   GET  /admin/api/2026-04/orders/{order_id}/fulfillments.json   (?limit, Link rel="next" paging)
 *   GET  /admin/api/2026-04/orders/{order_id}/fulfillments/{id}.json
 *   GET  /admin/api/2026-04/fulfillment_orders/{id}/fulfillments.json
 *   POST /admin/api/2026-04/graphql.json   return(id:), reverseFulfillmentOrder(id:), reverseDelivery(id:) (returns-graphql.ts)
 *
 * Admin: POST /_sandbox/orders (an orders/create body → its fulfillment orders, one per
 * location), GET /_sandbox/orders[/{id}], POST /_sandbox/fulfillment_orders/{id}/split,
 * GET /_sandbox/fulfillments, POST /_sandbox/returns-graph (objects the GraphQL reads answer), plus the
 * common stats, knobs and reset.
 */
import { timingSafeEqual } from 'node:crypto';
import { parseJsonPreservingBigIds } from '../../src/adapters/channels/shopify/shopify-webhook.js';
import { ReturnsGraph } from './returns-graphql.js';
import { SandboxContext } from '../erp/shared/context.js';
import { header, type Reply, type SandboxRequest } from '../erp/shared/http.js';
import type { Knobs } from '../erp/shared/knobs.js';
import { startSandboxServer, type FaultReplyKind, type RunningSandbox, type SandboxVariant } from '../erp/shared/server.js';
import { internalError, invalidToken, notFound, shopifyError, throttled } from './errors.js';
import { createFulfillment, parseFulfillmentRequest, type Located } from './fulfill.js';
import { IdSequence, shopifyJson } from './json.js';
import { seedOrder, splitFulfillmentOrder, type Fulfillment, type ShopIds, type ShopOrder } from './orders.js';
import { asInteger, asText, presentFulfillment, presentFulfillmentOrder, type ShopSettings } from './present.js';

export const SHOPIFY_API_VERSION = '2026-04';
export const DEFAULT_SHOPIFY_ACCESS_TOKEN = 'shpat_sandbox0000000000000000000000';

export interface ShopifySandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly accessToken?: string;
  readonly shopDomain?: string;
  readonly shopId?: string;
  /** Where lines with no location of their own (and no order location) are assigned. */
  readonly defaultLocationId?: string;
  readonly locations?: ShopSettings['locations'];
  readonly knobs?: Partial<Knobs>;
}

export interface ShopifySandbox extends RunningSandbox<unknown> {
  readonly accessToken: string;
  readonly shopDomain: string;
  readonly defaultLocationId: string;
  /** {url}/admin/api/2026-04: the client's baseUrl (real Shopify: https://{shop}/admin/api/2026-04). */
  readonly adminApiUrl: string;
}

type Json = Record<string, unknown>;

const API = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/(.+)$/;
const ORDER_FOS = /^orders\/(\d+)\/fulfillment_orders\.json$/;
const ORDER_FULFILLMENTS = /^orders\/(\d+)\/fulfillments\.json$/;
const ORDER_FULFILLMENT = /^orders\/(\d+)\/fulfillments\/(\d+)\.json$/;
const FO = /^fulfillment_orders\/(\d+)\.json$/;
const FO_FULFILLMENTS = /^fulfillment_orders\/(\d+)\/fulfillments\.json$/;
const ADMIN_ORDER = /^\/_sandbox\/orders\/(\d+)$/;
const ADMIN_SPLIT = /^\/_sandbox\/fulfillment_orders\/(\d+)\/split$/;

const ok = (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  ({ status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: shopifyJson(body) });

function parseBody(req: SandboxRequest): unknown {
  if (req.body.length === 0) return undefined;
  try {
    return parseJsonPreservingBigIds(req.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

class ShopifyVariant implements SandboxVariant<unknown> {
  readonly name = 'shopify';
  private readonly orders = new Map<string, ShopOrder>();
  private readonly fulfillmentOrders = new Map<string, Located>();
  private readonly ids: ShopIds = {
    fulfillmentOrder: new IdSequence(9_100_000_000_000_000_001n),
    fulfillmentOrderLine: new IdSequence(9_200_000_000_000_000_001n),
    fulfillment: new IdSequence(9_300_000_000_000_000_001n),
  };
  private refused = 0;
  private readonly graph = new ReturnsGraph();

  constructor(
    private readonly context: SandboxContext<unknown>,
    private readonly token: Buffer,
    private readonly shop: ShopSettings,
    private readonly defaultLocationId: string,
  ) {
    context.onReset(() => {
      this.orders.clear();
      this.fulfillmentOrders.clear();
      for (const seq of Object.values(this.ids)) seq.reset();
      this.refused = 0;
      this.graph.reset();
    });
  }

  classify(): 'api' {
    return 'api';
  }

  authenticate(req: SandboxRequest): Reply | undefined {
    const given = Buffer.from(header(req, 'x-shopify-access-token') ?? '', 'utf8');
    return given.length === this.token.length && timingSafeEqual(given, this.token) ? undefined : invalidToken();
  }

  handle(req: SandboxRequest): Reply {
    const api = API.exec(req.url.pathname);
    if (!api || api[1] !== SHOPIFY_API_VERSION) return notFound();
    const path = api[2];
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === 'fulfillments.json') return this.fulfill(req);
    if (req.method === 'POST' && path === 'graphql.json') return ok(200, this.graph.answer(parseBody(req)));
    if (req.method !== 'GET') return notFound();
    if ((m = ORDER_FOS.exec(path))) {
      const order = this.orders.get(m[1]);
      return order ? ok(200, { fulfillment_orders: order.fulfillmentOrders.map((fo) => presentFulfillmentOrder(fo, this.shop, asInteger)) }) : notFound();
    }
    if ((m = FO.exec(path))) {
      const found = this.fulfillmentOrders.get(m[1]);
      return found ? ok(200, { fulfillment_order: presentFulfillmentOrder(found.fo, this.shop, asInteger) }) : notFound();
    }
    if ((m = ORDER_FULFILLMENTS.exec(path))) {
      const order = this.orders.get(m[1]);
      return order ? this.page(req, order, order.fulfillments) : notFound();
    }
    if ((m = ORDER_FULFILLMENT.exec(path))) {
      const order = this.orders.get(m[1]);
      const f = order?.fulfillments.find((x) => x.id === m?.[2]);
      return order && f ? ok(200, { fulfillment: presentFulfillment(f, order, asInteger) }) : notFound();
    }
    if ((m = FO_FULFILLMENTS.exec(path))) {
      const found = this.fulfillmentOrders.get(m[1]);
      if (!found) return notFound();
      const foId = m[1];
      return ok(200, { fulfillments: found.order.fulfillments.filter((f) => f.fulfillmentOrderIds.includes(foId)).map((f) => presentFulfillment(f, found.order, asInteger)) });
    }
    return notFound();
  }

  /** Shopify answers a request over its limit with the same 429 as any throttled one. */
  fault(kind: FaultReplyKind): Reply {
    return kind === 'server-error' ? internalError() : throttled(this.context.knobs.retryAfterSeconds);
  }

  error(status: number, message: string): Reply {
    return status === 413 ? shopifyError(413, message) : internalError();
  }

  admin(req: SandboxRequest): Reply | undefined {
    const path = req.url.pathname;
    const route = `${req.method} ${path}`;
    if (route === 'POST /_sandbox/orders') return this.seed(req);
    if (route === 'GET /_sandbox/orders') {
      return { status: 200, body: { count: this.orders.size, orders: [...this.orders.values()].map((o) => this.adminOrder(o)) } };
    }
    if (route === 'GET /_sandbox/fulfillments') return this.adminFulfillments(req.url.searchParams.get('order_id'));
    if (route === 'POST /_sandbox/returns-graph') return this.graph.seed(parseBody(req));
    const order = ADMIN_ORDER.exec(path);
    if (order && req.method === 'GET') {
      const found = this.orders.get(order[1]);
      return found ? { status: 200, body: this.adminOrder(found) } : { status: 404, body: { error: `no order ${order[1]}` } };
    }
    const split = ADMIN_SPLIT.exec(path);
    if (split && req.method === 'POST') return this.split(req, split[1]);
    return undefined;
  }

  stats(): Record<string, unknown> {
    const fos = [...this.orders.values()].flatMap((o) => o.fulfillmentOrders);
    return {
      orders: this.orders.size,
      fulfillmentOrders: fos.length,
      fulfillments: [...this.orders.values()].reduce((n, o) => n + o.fulfillments.length, 0),
      refusedFulfillments: this.refused,
      graphqlReads: this.graph.reads,
    };
  }

  private fulfill(req: SandboxRequest): Reply {
    const type = (header(req, 'content-type') ?? '').toLowerCase();
    const parsed = parseFulfillmentRequest(type.startsWith('application/json') ? parseBody(req) : undefined);
    const outcome = parsed.ok
      ? createFulfillment(parsed.value, (id) => this.fulfillmentOrders.get(id), this.ids, new Date().toISOString())
      : parsed;
    if (!outcome.ok) {
      this.refused += 1;
      return outcome.reply;
    }
    return { ...ok(201, { fulfillment: presentFulfillment(outcome.fulfillment, outcome.order, asInteger) }), committed: true };
  }

  /** Shopify's cursor paging: limit (1–250, default 50) and an opaque page_info in Link rel="next". */
  private page(req: SandboxRequest, order: ShopOrder, all: readonly Fulfillment[]): Reply {
    const q = req.url.searchParams;
    const limit = q.get('limit') === null ? 50 : Number(q.get('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) return shopifyError(400, { limit: 'Invalid limit' });
    const cursor = q.get('page_info');
    const offset = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) return shopifyError(400, { page_info: 'Invalid value' });
    const slice = all.slice(offset, offset + limit);
    const headers: Record<string, string> = {};
    if (offset + limit < all.length) {
      const next = new URL(req.url.pathname, req.url.origin);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('page_info', Buffer.from(String(offset + limit), 'utf8').toString('base64url'));
      headers.link = `<${next.href}>; rel="next"`;
    }
    return ok(200, { fulfillments: slice.map((f) => presentFulfillment(f, order, asInteger)) }, headers);
  }

  private seed(req: SandboxRequest): Reply {
    const seeded = seedOrder(parseBody(req), this.ids, this.defaultLocationId, new Date().toISOString());
    if (!seeded.ok) return { status: 400, body: { error: seeded.error } };
    const existing = this.orders.get(seeded.value.id);
    // orders/create arrives more than once; the shop still has one order.
    if (existing) return { status: 200, body: this.adminOrder(existing) };
    this.orders.set(seeded.value.id, seeded.value);
    for (const fo of seeded.value.fulfillmentOrders) this.fulfillmentOrders.set(fo.id, { order: seeded.value, fo });
    return { status: 201, body: this.adminOrder(seeded.value) };
  }

  private split(req: SandboxRequest, foId: string): Reply {
    const found = this.fulfillmentOrders.get(foId);
    if (!found) return { status: 404, body: { error: `no fulfillment order ${foId}` } };
    const outcome = splitFulfillmentOrder(found.order, found.fo, parseBody(req), this.ids, new Date().toISOString());
    if (!outcome.ok) return { status: 422, body: { error: outcome.error } };
    this.fulfillmentOrders.set(outcome.value.id, { order: found.order, fo: outcome.value });
    return { status: 201, body: { original: presentFulfillmentOrder(found.fo, this.shop, asText), created: presentFulfillmentOrder(outcome.value, this.shop, asText) } };
  }

  private adminOrder(order: ShopOrder): Json {
    return {
      id: order.id,
      name: order.name,
      seeded_at: order.seededAt,
      fulfillment_orders: order.fulfillmentOrders.map((fo) => presentFulfillmentOrder(fo, this.shop, asText)),
      fulfillments: order.fulfillments.map((f) => presentFulfillment(f, order, asText)),
    };
  }

  private adminFulfillments(orderId: string | null): Reply {
    const orders = [...this.orders.values()].filter((o) => orderId === null || o.id === orderId);
    const fulfillments = orders.flatMap((o) => o.fulfillments.map((f) => ({ ...presentFulfillment(f, o, asText), notify_customer: f.notifyCustomer, fulfillment_order_ids: f.fulfillmentOrderIds })));
    const byOrder = Object.fromEntries(orders.filter((o) => o.fulfillments.length > 0).map((o) => [o.id, o.fulfillments.length]));
    return { status: 200, body: { count: fulfillments.length, byOrder, fulfillments } };
  }
}

export async function startShopifySandbox(options: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  const accessToken = options.accessToken ?? DEFAULT_SHOPIFY_ACCESS_TOKEN;
  const defaultLocationId = options.defaultLocationId ?? '65000000001';
  const shop: ShopSettings = { shopId: options.shopId ?? '69000000001', locations: options.locations ?? {} };
  const context = new SandboxContext<unknown>({ concurrency: 0, retryAfterSeconds: 2, ...options.knobs });
  const variant = new ShopifyVariant(context, Buffer.from(accessToken, 'utf8'), shop, defaultLocationId);
  const running = await startSandboxServer(variant, context, { ...options, bodyLimitBytes: 5 * 1024 * 1024 });
  return {
    ...running,
    accessToken,
    shopDomain: options.shopDomain ?? 'example-shop.myshopify.com',
    defaultLocationId,
    adminApiUrl: `${running.url}/admin/api/${SHOPIFY_API_VERSION}`,
  };
}

