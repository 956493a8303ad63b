/**
 * How the demo talks to the hub and the sandboxes: over HTTP, as Shopify, an integration
 * admin and an internal app would. Nothing reaches into the hub's database.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { SHOP } from './catalog.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

/** No single call may outlast the demo's own deadline by much. */
const CALL_TIMEOUT_MS = 30_000;

async function call(method: string, url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
  return { status: res.status, text: await res.text() };
}

/** JSON in and out; any status from 300 up is an error carrying the answer. */
export async function requestJson(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> {
  const sent = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await call(method, url, { ...(sent !== undefined && { 'content-type': 'application/json' }), ...headers }, sent);
  if (res.status >= 300) throw new HttpError(res.status, `${method} ${url}: ${res.status} ${res.text.slice(0, 500)}`);
  return res.text ? (JSON.parse(res.text) as Json) : {};
}

export interface HubKeys {
  readonly admin: string;
  readonly reader: string;
  readonly shopifySecret: string;
}

export class HubClient {
  constructor(readonly url: string, private readonly keys: HubKeys) {}

  admin(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<Json> {
    return requestJson(method, `${this.url}${path}`, body, { authorization: `Bearer ${this.keys.admin}` });
  }

  /** The CSV import takes text/csv, not JSON. */
  async importCsv(csv: string): Promise<Json> {
    const res = await call('POST', `${this.url}/admin/mappings/import`, { authorization: `Bearer ${this.keys.admin}`, 'content-type': 'text/csv' }, csv);
    if (res.status !== 200) throw new HttpError(res.status, `mappings import: ${res.status} ${res.text.slice(0, 500)}`);
    return JSON.parse(res.text) as Json;
  }

  /** A report upload: the file as the body, its format and column map in the query. */
  async uploadReport(query: Record<string, string>, body: string, contentType: string): Promise<Json> {
    const url = `${this.url}/admin/settlements/imports?${new URLSearchParams(query).toString()}`;
    const res = await call('POST', url, { authorization: `Bearer ${this.keys.admin}`, 'content-type': contentType }, body);
    if (res.status !== 200) throw new HttpError(res.status, `settlement import ${query.format}: ${res.status} ${res.text.slice(0, 500)}`);
    return JSON.parse(res.text) as Json;
  }

  /** A read with the reader key; GraphQL errors are failures here. */
  async graphql(query: string, variables: Record<string, unknown> = {}): Promise<Json> {
    const answer = await requestJson('POST', `${this.url}/graphql`, { query, variables }, { authorization: `Bearer ${this.keys.reader}` });
    if (answer.errors) throw new Error(`GraphQL: ${JSON.stringify(answer.errors).slice(0, 500)}`);
    return answer.data as Json;
  }

  /** One webhook delivery as Shopify sends it: the raw body signed with the shop's secret. */
  async shopifyWebhook(topic: string, body: string, shop: string = SHOP): Promise<Json> {
    const res = await call('POST', `${this.url}/webhooks/shopify`, {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': shop,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-api-version': '2026-04',
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': createHmac('sha256', this.keys.shopifySecret).update(body, 'utf8').digest('base64'),
    }, body);
    if (res.status !== 202) throw new HttpError(res.status, `webhook ${topic}: expected 202, got ${res.status} ${res.text.slice(0, 300)}`);
    return JSON.parse(res.text) as Json;
  }
}

/** Runs `work` over the items with at most `limit` in flight, in order of the items. */
export async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
