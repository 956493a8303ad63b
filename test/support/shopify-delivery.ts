import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { SHOPIFY_SECRET } from './test-hub.js';

export const SHOP = 'example-shop.myshopify.com';

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/shopify/${name}`, import.meta.url)), 'utf8');
}

/** The order id as text, read without JSON.parse (Shopify ids pass 2^53). */
export function orderIdOf(body: string): string {
  const match = /^\s*\{[\s\S]*?"id"\s*:\s*"?(\d+)"?/.exec(body);
  if (!match) throw new Error('no id in body');
  return match[1];
}

/** Rewrites top-level text fields of a fixture without parsing its big ids. */
export function withField(body: string, field: string, value: string | number | boolean | null): string {
  const pattern = new RegExp(`("${field}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?\\d+(?:\\.\\d+)?|true|false|null)`);
  if (!pattern.test(body)) throw new Error(`fixture has no field ${field}`);
  return body.replace(pattern, `$1${JSON.stringify(value)}`);
}

export function sign(body: string | Buffer, secret = SHOPIFY_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export interface Delivery {
  readonly topic?: string;
  readonly body: string | Buffer;
  readonly webhookId?: string;
  readonly signature?: string | null;
  readonly shop?: string;
}

export function deliver(app: NestFastifyApplication, delivery: Delivery) {
  const req = request(app.getHttpServer())
    .post('/webhooks/shopify')
    .set('Content-Type', 'application/json')
    .set('X-Shopify-Topic', delivery.topic ?? 'orders/create')
    .set('X-Shopify-Shop-Domain', delivery.shop ?? SHOP)
    .set('X-Shopify-Webhook-Id', delivery.webhookId ?? randomUUID())
    .set('X-Shopify-API-Version', '2026-04')
    .set('X-Shopify-Triggered-At', new Date().toISOString());
  if (delivery.signature !== null) req.set('X-Shopify-Hmac-Sha256', delivery.signature ?? sign(delivery.body));
  // A string, not a Buffer: superagent's Buffer check fails across Jest's realms and would JSON-encode it.
  return req.send(typeof delivery.body === 'string' ? delivery.body : delivery.body.toString('utf8'));
}

export function graphql(app: NestFastifyApplication, key: string | null, query: string, variables: Record<string, unknown> = {}) {
  const req = request(app.getHttpServer()).post('/graphql').set('Content-Type', 'application/json');
  if (key) req.set('Authorization', `Bearer ${key}`);
  return req.send({ query, variables });
}

/** The same signed delivery, to a hub running as its own process. */
export async function deliverTo(baseUrl: string, delivery: Delivery): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = typeof delivery.body === 'string' ? delivery.body : delivery.body.toString('utf8');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Shopify-Topic': delivery.topic ?? 'orders/create',
    'X-Shopify-Shop-Domain': delivery.shop ?? SHOP,
    'X-Shopify-Webhook-Id': delivery.webhookId ?? randomUUID(),
    'X-Shopify-API-Version': '2026-04',
    'X-Shopify-Triggered-At': new Date().toISOString(),
  };
  if (delivery.signature !== null) headers['X-Shopify-Hmac-Sha256'] = delivery.signature ?? sign(body);
  const res = await fetch(`${baseUrl}/webhooks/shopify`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
