import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { signFulfillmentEvent } from '../../../src/adapters/fulfillment/shipment-confirmation.js';
import { sign, SHOP } from '../../support/shopify-delivery.js';
import { freshDatabase } from '../../support/test-database.js';
import { dropQueueKeys, startHub, type TestHub } from '../../support/test-hub.js';
import { findCardData } from './card-data.js';

export const FULFILLMENT_SECRET = 'fulfillment-secret-for-attack-tests';

export interface AttackHub {
  readonly hub: TestHub;
  close(): Promise<void>;
}

export async function startAttackHub(label: string): Promise<AttackHub> {
  const prefix = `e2e-attack-${label}-${randomUUID()}`;
  const hub = await startHub({ databaseUrl: await freshDatabase(`attack_${label}`), queuePrefix: prefix, env: { FULFILLMENT_WEBHOOK_SECRET: FULFILLMENT_SECRET } });
  return {
    hub,
    async close() {
      await hub.close();
      await dropQueueKeys(prefix);
    },
  };
}

export function securityFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');
}

export interface Sent {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A Shopify delivery with every header under the caller's control (Shopify signs none of them). */
export async function postShopify(
  hub: TestHub,
  body: string,
  options: { topic: string; webhookId: string; signature: string | null; headers?: Record<string, string> },
): Promise<Sent> {
  const req = request(hub.app.getHttpServer()).post('/webhooks/shopify').set('Content-Type', 'application/json')
    .set('X-Shopify-Topic', options.topic).set('X-Shopify-Shop-Domain', SHOP).set('X-Shopify-Webhook-Id', options.webhookId)
    .set('X-Shopify-API-Version', '2026-04');
  for (const [name, value] of Object.entries(options.headers ?? {})) req.set(name, value);
  if (options.signature !== null) req.set('X-Shopify-Hmac-Sha256', options.signature);
  const res = await req.send(body);
  return { status: res.status, body: res.body as Record<string, unknown> };
}

export async function postFulfillment(
  hub: TestHub,
  body: string,
  options: { source: 'wms' | 'store'; eventId: string; signature: string | null },
): Promise<Sent> {
  const req = request(hub.app.getHttpServer()).post('/webhooks/wms/shipments').set('Content-Type', 'application/json')
    .set('X-Fulfillment-Source', options.source).set('X-Fulfillment-Event-Id', options.eventId);
  if (options.signature !== null) req.set('X-Fulfillment-Hmac-Sha256', options.signature);
  const res = await req.send(body);
  return { status: res.status, body: res.body as Record<string, unknown> };
}

export const signShopify = (body: string): string => sign(body);
export const signFulfillment = (body: string): string => signFulfillmentEvent(body, FULFILLMENT_SECRET);

/** How a forged delivery is wrong: no signature, a made-up one, another key, or a signature over other bytes. */
export type Forgery = 'missing' | 'garbage' | 'wrong-secret' | 'other-body' | 'truncated-digest';
export const FORGERIES: Forgery[] = ['missing', 'garbage', 'wrong-secret', 'other-body', 'truncated-digest'];

export function forge(kind: Forgery, body: string, signWith: (body: string) => string, wrongSecretSign: (body: string) => string): string | null {
  switch (kind) {
    case 'missing': return null;
    case 'garbage': return `${Buffer.from(randomUUID() + randomUUID()).toString('base64').slice(0, 43)}=`;
    case 'wrong-secret': return wrongSecretSign(body);
    case 'other-body': return signWith(`${body} `);
    case 'truncated-digest': return signWith(body).slice(0, 40);
  }
}

/** What a run sent, to check the inbox against once the worker has drained. */
export interface LedgerEntry {
  readonly source: string;
  readonly dedupeKey: string;
  readonly authentic: boolean;
  readonly label: string;
  readonly status: number;
}

export class Ledger {
  readonly entries: LedgerEntry[] = [];
  add(entry: LedgerEntry): void {
    this.entries.push(entry);
  }
}

type Row = { id: string; source: string; dedupe_key: string; topic: string; status: string; error: string | null; attempts: number };

/**
 * Waits for the worker: every row of the ledger's sources out of PENDING, or the time is up.
 * Returns the rows as they stand, so the caller can name the stuck or FAILED ones.
 */
export async function drained(hub: TestHub, timeoutMs: number): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await hub.sql<Row>('SELECT id, source, dedupe_key, topic, status, error, attempts FROM inbox');
    if (!rows.some((r) => r.status === 'PENDING') || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Card data anywhere the hub keeps what it was sent: inbox bodies, errors, headers, and every other table's rows. */
export async function cardDataFindings(hub: TestHub): Promise<string[]> {
  const findings: string[] = [];
  const inbox = await hub.sql<{ id: string; topic: string; raw_body: Buffer; error: string | null; headers: unknown }>('SELECT id, topic, raw_body, error, headers FROM inbox');
  for (const row of inbox) {
    for (const [column, text] of [['raw_body', row.raw_body.toString('utf8')], ['error', row.error], ['headers', JSON.stringify(row.headers)]] as const) {
      const found = findCardData(text);
      if (found) findings.push(`inbox ${row.id} (${row.topic}) ${column}: ${found}`);
    }
  }
  const tables = await hub.sql<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('inbox', 'migrations')`,
  );
  for (const { table_name: table } of tables) {
    const rows = await hub.sql<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    for (const { row } of rows) {
      const found = findCardData(row);
      if (found) findings.push(`${table}: ${found} in ${row.slice(0, 120)}…`);
    }
  }
  return findings;
}

/** A short, readable list for a failure message. */
export function sample<T>(items: T[], max = 8): string {
  return items.slice(0, max).map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n') + (items.length > max ? `\n… and ${items.length - max} more` : '');
}
