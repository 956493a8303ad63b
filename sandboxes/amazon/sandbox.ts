/**
 * Amazon Selling Partner API sandbox: Login with Amazon tokens and the Orders API v0 calls the
 * hub makes, with Amazon's usage plans (429 QuotaExceeded, x-amzn-RateLimit-Limit), its error
 * bodies, NextToken paging and hidden prices while an order is Pending. Built from the shapes of
 * the models' x-amzn-api-sandbox examples (../shared/contracts/amazon/ordersV0.json).
 *
 *   POST /auth/o2/token                               grant_type=refresh_token (form) → access_token, expires_in
 *   GET  /orders/v0/orders?MarketplaceIds&LastUpdatedAfter|NextToken   getOrders
 *   GET  /orders/v0/orders/{orderId}                  getOrder
 *   GET  /orders/v0/orders/{orderId}/orderItems       getOrderItems
 *   POST /orders/v0/orders/{orderId}/shipmentConfirmation              confirmShipment → 204
 *   POST /tokens/2021-03-01/restrictedDataToken      createRestrictedDataToken (restrictedResources) → restrictedDataToken
 *   GET  /orders/v0/orders/{orderId}/address          getOrderAddress: the whole address, only with a Restricted Data Token
 *
 * Orders and their items show the shipping address without its restricted fields (name, street,
 * phone), as the API does for a caller without a Restricted Data Token.
 *
 * Admin: POST /_sandbox/sellers/{sellerId}/orders {order, items}, POST /_sandbox/orders/{id}/change
 * {order, items} (a new LastUpdateDate), GET /_sandbox/orders, GET /_sandbox/confirmations,
 * POST /_sandbox/knobs {burstScale, tokenTtlSeconds, throttleNext, throttleOperation}, POST /_sandbox/expire-tokens,
 * POST /_sandbox/reset, GET /_sandbox/stats.
 */
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrderBook, presentItems, presentOrder, type Json, type SandboxOrder } from './orders.js';
import { ORDER_PLANS, RateLimits } from './rate-limits.js';

export interface AmazonSandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Refresh token → selling partner id. */
  readonly sellers?: Readonly<Record<string, string>>;
}

export interface AmazonSandbox {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly sellers: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

interface Token {
  sellerId: string;
  expiresAt: number;
  /** A Restricted Data Token: the paths it opens (the operation's own path, as Amazon checks it). */
  restricted?: string[];
}

const ORDER = /^\/orders\/v0\/orders\/([^/]+)$/;
const ITEMS = /^\/orders\/v0\/orders\/([^/]+)\/orderItems$/;
const CONFIRM = /^\/orders\/v0\/orders\/([^/]+)\/shipmentConfirmation$/;
const ADDRESS = /^\/orders\/v0\/orders\/([^/]+)\/address$/;
const RDT_PATH = '/tokens/2021-03-01/restrictedDataToken';
const RDT_TTL_SECONDS = 3600;
const SELLER_ORDERS = /^\/_sandbox\/sellers\/([^/]+)\/orders$/;
const CHANGE = /^\/_sandbox\/orders\/([^/]+)\/change$/;
const PAGE_SIZE = 100;

const spError = (status: number, code: string, message: string, details = ''): Reply => ({ status, body: { errors: [{ code, message, details }] } });

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

class AmazonApi {
  readonly book = new OrderBook();
  readonly limits = new RateLimits();
  readonly tokens = new Map<string, Token>();
  readonly confirmations: Json[] = [];
  readonly requests: Record<string, number> = {};
  readonly throttled: Record<string, number> = {};
  tokensIssued = 0;
  expiredRefusals = 0;
  repeatedConfirmations = 0;
  restrictedTokensIssued = 0;
  tokenTtlSeconds = 3600;
  /** Answer the next n calls of throttleOperation (any, when null) 429 whatever the bucket holds. */
  throttleNext = 0;
  throttleOperation: string | null = null;

  constructor(private readonly options: Required<Pick<AmazonSandboxOptions, 'clientId' | 'clientSecret' | 'sellers'>>) {}

  reset(): void {
    this.book.reset();
    this.limits.reset();
    this.tokens.clear();
    this.confirmations.length = 0;
    for (const record of [this.requests, this.throttled]) for (const key of Object.keys(record)) delete record[key];
    this.tokensIssued = 0;
    this.expiredRefusals = 0;
    this.repeatedConfirmations = 0;
    this.restrictedTokensIssued = 0;
    this.tokenTtlSeconds = 3600;
    this.throttleNext = 0;
    this.throttleOperation = null;
  }

  token(form: URLSearchParams): Reply {
    if (form.get('grant_type') !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token' } };
    if (form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    const refresh = form.get('refresh_token') ?? '';
    const sellerId = this.options.sellers[refresh];
    if (!sellerId) return { status: 400, body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' } };
    const accessToken = `Atza|${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, { sellerId, expiresAt: Date.now() + this.tokenTtlSeconds * 1000 });
    this.tokensIssued += 1;
    return { status: 200, body: { access_token: accessToken, refresh_token: refresh, token_type: 'bearer', expires_in: this.tokenTtlSeconds } };
  }

  api(method: string, url: URL, accessToken: string | undefined, body: Json | undefined): Reply {
    const operation = operationOf(method, url.pathname);
    if (!operation) return spError(404, 'NotFound', `Resource not found: ${method} ${url.pathname}`);
    const token = accessToken ? this.tokens.get(accessToken) : undefined;
    if (!token) return spError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The access token you provided is revoked, malformed or invalid.');
    if (operation === 'getOrderAddress' && !token.restricted?.includes(url.pathname)) {
      return spError(403, 'Unauthorized', 'Access to requested resource is denied.', 'This operation returns restricted data: call it with a Restricted Data Token for this path.');
    }
    if (token.restricted && operation !== 'getOrderAddress') return spError(403, 'Unauthorized', 'Access to requested resource is denied.', 'A Restricted Data Token opens only its own resources.');
    if (token.expiresAt <= Date.now()) {
      this.expiredRefusals += 1;
      return spError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The access token you provided has expired.');
    }
    this.requests[operation] = (this.requests[operation] ?? 0) + 1;
    const limit = { 'x-amzn-ratelimit-limit': String(ORDER_PLANS[operation]?.rate ?? 1) };
    const forced = this.throttleNext > 0 && (this.throttleOperation === null || this.throttleOperation === operation);
    if (forced || !this.limits.take(token.sellerId, operation)) {
      if (forced) this.throttleNext -= 1;
      this.throttled[operation] = (this.throttled[operation] ?? 0) + 1;
      return { ...spError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.'), headers: limit };
    }
    const reply = this.operate(operation, url, token.sellerId, body);
    return { ...reply, headers: { ...limit, ...reply.headers } };
  }

  private operate(operation: string, url: URL, sellerId: string, body: Json | undefined): Reply {
    if (operation === 'getOrders') return this.getOrders(url, sellerId);
    if (operation === 'createRestrictedDataToken') return this.restrictedToken(sellerId, body);
    const id = decodeURIComponent((ORDER.exec(url.pathname) ?? ITEMS.exec(url.pathname) ?? CONFIRM.exec(url.pathname) ?? ADDRESS.exec(url.pathname))![1]);
    const found = this.book.get(id);
    if (!found || found.sellerId !== sellerId) return spError(404, 'NotFound', `Order ${id} not found.`);
    if (operation === 'getOrder') return { status: 200, body: { payload: presentOrder(found) } };
    if (operation === 'getOrderAddress') return { status: 200, body: { payload: { AmazonOrderId: id, ShippingAddress: found.order.ShippingAddress ?? null } } };
    if (operation === 'getOrderItems') return { status: 200, body: { payload: { AmazonOrderId: id, OrderItems: presentItems(found) } } };
    const problem = confirmationProblem(body);
    if (problem) return spError(400, 'InvalidInput', problem);
    return this.confirm(found, body!);
  }

  /**
   * A package as Amazon books it: MFN only, items of the order, never more than is left
   * unshipped; the order moves to PartiallyShipped or Shipped (a new LastUpdateDate). A package
   * reference already confirmed with the same items answers 204 again and books nothing
   * (the sandbox's reading of packageReferenceId as the package's identity in the order).
   */
  private confirm(found: SandboxOrder, body: Json): Reply {
    const id = String(found.order.AmazonOrderId);
    const pkg = body.packageDetail as Json;
    const items = pkg.orderItems as { orderItemId?: unknown; quantity?: unknown }[];
    const same = this.confirmations.find((c) => c.amazonOrderId === id && (c.packageDetail as Json).packageReferenceId === pkg.packageReferenceId);
    if (same) {
      if (JSON.stringify((same.packageDetail as Json).orderItems) !== JSON.stringify(items)) return spError(400, 'InvalidInput', `Package ${String(pkg.packageReferenceId)} was confirmed with other items.`);
      this.repeatedConfirmations += 1;
      return { status: 204 };
    }
    if (found.order.FulfillmentChannel === 'AFN') return spError(400, 'InvalidInput', `Order ${id} is fulfilled by Amazon.`);
    if (!['Unshipped', 'PartiallyShipped'].includes(String(found.order.OrderStatus))) return spError(400, 'InvalidInput', `Order ${id} is ${String(found.order.OrderStatus)}.`);
    const byId = new Map(found.items.map((item) => [String(item.OrderItemId), item]));
    for (const item of items) {
      const known = byId.get(String(item.orderItemId));
      const left = known ? Number(known.QuantityOrdered ?? 0) - Number(known.QuantityShipped ?? 0) : 0;
      if (!known) return spError(400, 'InvalidInput', `Order item ${String(item.orderItemId)} is not in order ${id}.`);
      if (!Number.isInteger(item.quantity) || Number(item.quantity) <= 0 || Number(item.quantity) > left) {
        return spError(400, 'InvalidInput', `Order item ${String(item.orderItemId)}: quantity ${String(item.quantity)} is more than the ${left} left to ship.`);
      }
    }
    const shipped = new Map(items.map((item) => [String(item.orderItemId), Number(item.quantity)]));
    found.items = found.items.map((item) => ({ ...item, QuantityShipped: Number(item.QuantityShipped ?? 0) + (shipped.get(String(item.OrderItemId)) ?? 0) }));
    const done = found.items.every((item) => Number(item.QuantityShipped ?? 0) >= Number(item.QuantityOrdered ?? 0));
    this.book.change(id, { OrderStatus: done ? 'Shipped' : 'PartiallyShipped' });
    this.confirmations.push({ amazonOrderId: id, ...body });
    return { status: 204 };
  }

  /** A Restricted Data Token for GET paths of the seller's orders (the address here). */
  private restrictedToken(sellerId: string, body: Json | undefined): Reply {
    const resources = Array.isArray(body?.restrictedResources) ? (body.restrictedResources as Json[]) : [];
    if (resources.length === 0 || !resources.every((r) => r.method === 'GET' && typeof r.path === 'string' && ADDRESS.test(r.path))) {
      return spError(400, 'InvalidInput', 'restrictedResources must list GET paths of restricted operations (/orders/v0/orders/{orderId}/address).');
    }
    const token = `Atz.sprdt|${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { sellerId, expiresAt: Date.now() + RDT_TTL_SECONDS * 1000, restricted: resources.map((r) => String(r.path)) });
    this.restrictedTokensIssued += 1;
    return { status: 200, body: { restrictedDataToken: token, expiresIn: RDT_TTL_SECONDS } };
  }

  private getOrders(url: URL, sellerId: string): Reply {
    const next = url.searchParams.get('NextToken');
    let after: string;
    let marketplaces: string[];
    let offset = 0;
    if (next) {
      try {
        ({ after, marketplaces, offset } = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as { after: string; marketplaces: string[]; offset: number });
      } catch {
        return spError(400, 'InvalidInput', 'Invalid NextToken.');
      }
    } else {
      marketplaces = (url.searchParams.get('MarketplaceIds') ?? '').split(',').filter((m) => m !== '');
      if (marketplaces.length === 0) return spError(400, 'InvalidInput', 'MarketplaceIds is required.');
      const since = url.searchParams.get('LastUpdatedAfter');
      if (!since || Number.isNaN(Date.parse(since))) return spError(400, 'InvalidInput', 'Either CreatedAfter or LastUpdatedAfter must be given, in ISO 8601 format.');
      after = `${new Date(Date.parse(since)).toISOString().slice(0, 19)}Z`;
    }
    const all = this.book.updatedSince(sellerId, after, marketplaces);
    const page = all.slice(offset, offset + PAGE_SIZE);
    const more = offset + PAGE_SIZE < all.length;
    const nextToken = more ? Buffer.from(JSON.stringify({ after, marketplaces, offset: offset + PAGE_SIZE })).toString('base64url') : undefined;
    return { status: 200, body: { payload: { Orders: page.map(presentOrder), ...(nextToken && { NextToken: nextToken }), LastUpdatedBefore: `${new Date().toISOString().slice(0, 19)}Z` } } };
  }
}

function operationOf(method: string, path: string): string | undefined {
  if (method === 'GET' && path === '/orders/v0/orders') return 'getOrders';
  if (method === 'GET' && ORDER.test(path)) return 'getOrder';
  if (method === 'GET' && ITEMS.test(path)) return 'getOrderItems';
  if (method === 'POST' && CONFIRM.test(path)) return 'confirmShipment';
  if (method === 'GET' && ADDRESS.test(path)) return 'getOrderAddress';
  if (method === 'POST' && path === RDT_PATH) return 'createRestrictedDataToken';
  return undefined;
}

/** confirmShipment's required fields (ConfirmShipmentRequest). */
function confirmationProblem(body: Json | undefined): string | undefined {
  if (!body) return 'The request body is required.';
  const pkg = body.packageDetail as Json | undefined;
  if (!body.marketplaceId) return 'marketplaceId is required.';
  if (!pkg || typeof pkg.packageReferenceId !== 'string' || typeof pkg.carrierCode !== 'string' || typeof pkg.trackingNumber !== 'string' || !pkg.shipDate) {
    return 'packageDetail with packageReferenceId, carrierCode, trackingNumber and shipDate is required.';
  }
  if (!Array.isArray(pkg.orderItems) || pkg.orderItems.length === 0) return 'packageDetail.orderItems must list the shipped items.';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'x-amzn-requestid': randomBytes(8).toString('hex'), ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(reply.body));
}

function jsonOf(body: Buffer): Json | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

function admin(api: AmazonApi, method: string, url: URL, body: Json | undefined): Reply | undefined {
  const path = url.pathname;
  const seller = SELLER_ORDERS.exec(path);
  if (seller && method === 'POST') {
    if (!body || typeof (body.order as Json | undefined)?.AmazonOrderId !== 'string' || !Array.isArray(body.items)) return { status: 400, body: { error: 'order (with AmazonOrderId) and items are required' } };
    return { status: 201, body: api.book.upsert(decodeURIComponent(seller[1]), body.order as Json, body.items as Json[]) };
  }
  const change = CHANGE.exec(path);
  if (change && method === 'POST') {
    const changed = api.book.change(decodeURIComponent(change[1]), (body?.order as Json | undefined) ?? {}, body?.items as Json | undefined);
    return changed ? { status: 200, body: changed } : { status: 404, body: { error: 'no such order' } };
  }
  if (path === '/_sandbox/orders' && method === 'GET') return { status: 200, body: { orders: api.book.all() } };
  if (path === '/_sandbox/confirmations' && method === 'GET') return { status: 200, body: { confirmations: api.confirmations } };
  if (path === '/_sandbox/stats' && method === 'GET') {
    return { status: 200, body: { requests: api.requests, throttled: api.throttled, tokensIssued: api.tokensIssued, expiredRefusals: api.expiredRefusals, repeatedConfirmations: api.repeatedConfirmations, restrictedTokensIssued: api.restrictedTokensIssued } };
  }
  if (path === '/_sandbox/expire-tokens' && method === 'POST') {
    for (const token of api.tokens.values()) token.expiresAt = 0;
    return { status: 204 };
  }
  if (path === '/_sandbox/reset' && method === 'POST') {
    api.reset();
    return { status: 204 };
  }
  if (path === '/_sandbox/knobs' && method === 'POST') {
    if (typeof body?.burstScale === 'number' && body.burstScale > 0) api.limits.burstScale = body.burstScale;
    if (typeof body?.tokenTtlSeconds === 'number' && body.tokenTtlSeconds > 0) api.tokenTtlSeconds = body.tokenTtlSeconds;
    if (typeof body?.throttleNext === 'number' && body.throttleNext >= 0) api.throttleNext = body.throttleNext;
    if (body && 'throttleOperation' in body) api.throttleOperation = typeof body.throttleOperation === 'string' ? body.throttleOperation : null;
    return { status: 200, body: { burstScale: api.limits.burstScale, tokenTtlSeconds: api.tokenTtlSeconds, throttleNext: api.throttleNext, throttleOperation: api.throttleOperation } };
  }
  return undefined;
}

export async function startAmazonSandbox(options: AmazonSandboxOptions = {}): Promise<AmazonSandbox> {
  const settings = {
    clientId: options.clientId ?? 'amzn1.application-oa2-client.sandbox',
    clientSecret: options.clientSecret ?? 'amzn1.oa2-cs.v1.sandbox-secret',
    sellers: options.sellers ?? { 'Atzr|sandbox-refresh-token': 'A3SANDBOXSELLER' },
  };
  const api = new AmazonApi(settings);
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const raw = await readBody(req);
      const method = req.method ?? 'GET';
      if (url.pathname === '/auth/o2/token' && method === 'POST') return send(res, api.token(new URLSearchParams(raw.toString('utf8'))));
      if (url.pathname.startsWith('/_sandbox/')) {
        return send(res, admin(api, method, url, jsonOf(raw)) ?? { status: 404, body: { error: 'unknown sandbox route' } });
      }
      const token = req.headers['x-amz-access-token'];
      send(res, api.api(method, url, typeof token === 'string' ? token : undefined, raw.length > 0 ? jsonOf(raw) : undefined));
    })().catch((error: unknown) => send(res, spError(500, 'InternalFailure', error instanceof Error ? error.message : String(error))));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`, ...settings,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
