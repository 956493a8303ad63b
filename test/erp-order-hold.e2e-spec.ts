import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { erpSandboxAdmin } from './support/sandbox-admin.js';
import { deliver, fixture, orderIdOf, withField } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHOP = 'example-shop.myshopify.com';
const MAPPINGS = [
  { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '501' } },
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
];

interface PostingRow {
  id: string;
  status: string;
  attempts: number;
  last_error_kind: string | null;
  last_error_code: string | null;
  waits_minutes: number;
}

/** The fixture order under another id, at a later channel version with the given field values. */
function version(id: string, minute: number, fields: Record<string, string | null>): string {
  const base = fixture('order-create.json');
  let body = base.replace(new RegExp(orderIdOf(base), 'g'), id);
  body = withField(body, 'updated_at', `2026-03-14T10:${String(minute).padStart(2, '0')}:00-04:00`);
  for (const [field, value] of Object.entries(fields)) body = withField(body, field, value);
  return body;
}

async function documents(sb: NetSuiteSandbox): Promise<Json> {
  return (await fetch(`${sb.url}/_sandbox/documents`)).json() as Promise<Json>;
}

/** An order that changes its mind between its release and its posting: the ERP gets it once, or never. */
describe('ERP posting of an order held or cancelled before it was sent', () => {
  let hub: TestHub;
  let sandbox: NetSuiteSandbox;
  const prefix = `e2e-erp-hold-${randomUUID()}`;

  const posting = async (externalId: string): Promise<PostingRow | undefined> => {
    const [row] = await hub.sql<PostingRow>(
      `SELECT p.id, p.status, p.attempts, p.last_error_kind, p.last_error_code,
              floor(extract(epoch FROM p.next_attempt_at - now()) / 60)::int AS waits_minutes
       FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 AND p.document_type = 'SALES_ORDER'`,
      [externalId],
    );
    return row;
  };
  const orderStatus = async (externalId: string): Promise<string> =>
    (await hub.sql<{ status: string }>('SELECT status FROM orders WHERE external_id = $1', [externalId]))[0]?.status ?? 'NONE';
  const until = <T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> =>
    eventually(async () => {
      const value = await check();
      if (!value) throw new Error(`not yet: ${what}`);
      return value;
    }, 30_000);
  /** The sandbox answers every call with a 5xx before storing anything: the posting is left RETRYING, unsent. */
  const erpDown = async (down: boolean) => erpSandboxAdmin(sandbox, 'knobs', { errorRate: down ? 1 : 0 });
  const replay = (postingId: string) =>
    request(hub.app.getHttpServer()).post(`/admin/postings/${postingId}/replay`).set('Authorization', `Bearer ${ADMIN_KEY}`).send({});

  /** Released, then left waiting for the ERP: the sales order posting exists and has not gone out. */
  async function releasedButUnsent(id: string): Promise<PostingRow> {
    await erpDown(true);
    expect((await deliver(hub.app, { body: version(id, 20, {}) })).status).toBe(202);
    return until('a failed first attempt', async () => {
      const row = await posting(id);
      return row?.status === 'RETRYING' && row.last_error_kind === 'RETRYABLE' && row;
    });
  }

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ port: 0 });
    hub = await startHub({ databaseUrl: await freshDatabase('erphold'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,CUSTOMER' } });
    const admin = (method: 'put' | 'post', path: string, body: object) =>
      request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    const target = await admin('put', '/admin/erp-targets/netsuite-main', {
      variant: 'netsuite', baseUrl: sandbox.url, credentials: sandbox.credentials, concurrencyCap: 4, timeoutMs: 5000,
    });
    expect(target.status).toBe(200);
    for (const mapping of MAPPINGS) {
      expect((await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e' })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await sandbox?.close();
    await dropQueueKeys(prefix);
  });

  it('sends nothing while a released order is held again, and exactly one sales order once it is released again', async () => {
    const id = '6012345678900044001';
    const first = await releasedButUnsent(id);

    // The channel says the payment is pending again: the order is held before its sales order went out.
    expect((await deliver(hub.app, { topic: 'orders/updated', body: version(id, 21, { financial_status: 'pending' }) })).status).toBe(202);
    await until('the order held', async () => (await orderStatus(id)) === 'ON_HOLD');
    await erpDown(false);
    expect((await replay(first.id)).status).toBe(201);
    const parked = await until('the posting parked for the hold', async () => {
      const row = await posting(id);
      return row?.last_error_code === 'ORDER_HELD' && row;
    });
    expect(parked.status).toBe('RETRYING');
    expect(parked.last_error_kind).toBe('MISSING_DEPENDENCY');
    expect(parked.waits_minutes).toBeGreaterThanOrEqual(5);
    const held = await documents(sandbox);
    expect(held.documents.filter((d: Json) => d.key === `SHOPIFY-${id}`)).toEqual([]);

    // Paid after all: the release makes the parked posting due now, not in ten minutes.
    expect((await deliver(hub.app, { topic: 'orders/updated', body: version(id, 22, { financial_status: 'paid' }) })).status).toBe(202);
    await until('the sales order posted', async () => (await posting(id))?.status === 'POSTED');
    const after = await documents(sandbox);
    const sent = after.documents.filter((d: Json) => d.key === `SHOPIFY-${id}`);
    expect(sent).toHaveLength(1);
    expect(sent[0].creates).toBe(1);
    expect((sent[0].document.item.items as Json[]).map((line) => [line.item.id, line.quantity])).toEqual([['501', 2], ['502', 1]]);
    expect(after.duplicateKeys).toEqual([]);
    const history = await hub.sql<{ to_status: string }>(
      'SELECT h.to_status FROM order_history h JOIN orders o ON o.id = h.order_id WHERE o.external_id = $1 ORDER BY h.id', [id]);
    expect(history.map((h) => h.to_status)).toEqual(['RECEIVED', 'RELEASED', 'ON_HOLD', 'RELEASED', 'POSTED']);
  });

  it('withdraws the sales order of an order cancelled before it was sent: the ERP never gets it', async () => {
    const id = '6012345678900044002';
    const first = await releasedButUnsent(id);
    expect((await deliver(hub.app, {
      topic: 'orders/cancelled', body: version(id, 23, { cancelled_at: '2026-03-14T10:23:00-04:00', cancel_reason: 'customer' }),
    })).status).toBe(202);
    await until('the order cancelled', async () => (await orderStatus(id)) === 'CANCELLED');
    await erpDown(false);

    const [withdrawn] = await hub.sql<{ status: string; last_error_code: string }>('SELECT status, last_error_code FROM postings WHERE id = $1', [first.id]);
    expect(withdrawn).toEqual({ status: 'WITHDRAWN', last_error_code: 'ORDER_CANCELLED' });
    // Nothing follows a sales order that never went out: no line change to cancel it.
    const others = await hub.sql<{ document_type: string }>(
      `SELECT p.document_type FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 AND p.document_type <> 'SALES_ORDER'`, [id]);
    expect(others).toEqual([]);
    // A replay does not bring a withdrawn posting back.
    expect((await replay(first.id)).status).toBe(409);
    // Another posting that does go out shows the workers are running and this one stayed out.
    const witness = '6012345678900044003';
    expect((await deliver(hub.app, { body: version(witness, 24, {}) })).status).toBe(202);
    await until('the witness posted', async () => (await posting(witness))?.status === 'POSTED');
    const docs = await documents(sandbox);
    expect(docs.documents.filter((d: Json) => d.key === `SHOPIFY-${id}`)).toEqual([]);
    expect(docs.documents.filter((d: Json) => d.key === `SHOPIFY-${witness}`)).toHaveLength(1);
    expect((await posting(id))?.status).toBe('WITHDRAWN');
  });

  it('closes the whole NetSuite order, shipping and tax included, when an order none of which shipped is cancelled after posting', async () => {
    const id = '6012345678900044004';
    expect((await deliver(hub.app, { body: version(id, 20, {}) })).status).toBe(202);
    await until('the sales order posted', async () => (await posting(id))?.status === 'POSTED');
    const before = (await documents(sandbox)).documents.find((d: Json) => d.key === `SHOPIFY-${id}`);
    expect(before.document.shippingCost).toBe(9.95);

    expect((await deliver(hub.app, {
      topic: 'orders/cancelled', body: version(id, 25, { cancelled_at: '2026-03-14T10:25:00-04:00', cancel_reason: 'customer' }),
    })).status).toBe(202);
    await until('the line change posted', async () => {
      const [row] = await hub.sql<{ status: string }>(
        `SELECT p.status FROM postings p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1 AND p.document_type = 'SALES_ORDER_CHANGE'`, [id]);
      return row?.status === 'POSTED';
    });
    const after = (await documents(sandbox)).documents.filter((d: Json) => d.key === `SHOPIFY-${id}`);
    expect(after).toHaveLength(1);
    const closed = after[0].document as Json;
    expect((closed.item.items as Json[]).map((l) => [l.item.id, l.quantity, l.amount, l.isClosed])).toEqual([['501', 0, 0, true], ['502', 0, 0, true]]);
    expect(closed.shippingCost).toBe(0);
    // The channel's tax went as an override; it comes off too, so the order owes nothing.
    expect(closed.taxDetails.items).toEqual([]);
    expect(closed.total).toBe(0);
  });
});
