import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { seed, type Seeded } from '../bench/redriver/seed.js';
import { HeldOrderRedriver } from '../src/modules/ingestion/held-order-redriver.js';
import { deliver, fixture, orderIdOf } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(90_000);

const SHOP = 'example-shop.myshopify.com';
/** No periodic sweep during a test: only start-up, the changes announced, and what the test calls. */
const NO_SWEEP = { MAPPING_REQUIRED: 'ITEM', SWEEP_INTERVAL_MS: '3600000' };

interface OrderTrace {
  readonly status: string;
  readonly version: number;
  readonly updated_at: string;
  readonly history: string;
  readonly events: string;
  readonly keys: string;
}

/** Everything a re-evaluation writes to, so "not touched" can be checked row for row. */
async function trace(hub: TestHub, externalId: string): Promise<OrderTrace | undefined> {
  const [row] = await hub.sql<OrderTrace>(
    `SELECT o.status, o.version, o.updated_at::text,
            (SELECT string_agg(coalesce(h.from_status, '-') || '>' || h.to_status || ':' || h.reason, ' | ' ORDER BY h.id) FROM order_history h WHERE h.order_id = o.id) AS history,
            (SELECT string_agg(e.id::text || ':' || e.inbox_id, ',' ORDER BY e.id) FROM order_source_events e WHERE e.order_id = o.id) AS events,
            (SELECT string_agg(u.kind || ':' || u.source_value, ',' ORDER BY u.kind, u.source_value) FROM order_unmapped_keys u WHERE u.order_id = o.id) AS keys
       FROM orders o WHERE o.external_id = $1`,
    [externalId],
  );
  return row;
}

const releases = (t: OrderTrace | undefined) => (t?.history ?? '').split(' | ').filter((h) => h.includes('>RELEASED:')).length;

describe('the held-order redriver', () => {
  describe('after a mapping change', () => {
    let hub: TestHub;
    const prefix = `e2e-redriver-keys-${randomUUID()}`;

    beforeAll(async () => {
      hub = await startHub({ databaseUrl: await freshDatabase('redriver_keys'), queuePrefix: prefix, env: NO_SWEEP });
    });

    afterAll(async () => {
      await hub?.close();
      await dropQueueKeys(prefix);
    });

    const createMapping = (sourceValue: string, itemId: string) =>
      request(hub.app.getHttpServer())
        .post('/admin/mappings')
        .set('Authorization', `Bearer ${ADMIN_KEY}`)
        .set('Content-Type', 'application/json')
        .send({ kind: 'ITEM', channel: 'SHOPIFY', account: SHOP, sourceValue, target: { itemId }, note: 'e2e: redriver' });

    it('re-evaluates only the orders held on the keys it changed, and each order is released once', async () => {
      expect((await createMapping('SOCK-TRAIL-3PK', '1202')).status).toBe(201);
      // A waits for MER-CREW-NVY-M; B for OTHER-SKU-1 instead.
      const bodyA = fixture('order-create.json');
      const idA = orderIdOf(bodyA);
      const idB = '6012345678901288888';
      const bodyB = bodyA.replace(new RegExp(idA, 'g'), idB).replace(/MER-CREW-NVY-M/g, 'OTHER-SKU-1');
      expect((await deliver(hub.app, { body: bodyA })).status).toBe(202);
      expect((await deliver(hub.app, { body: bodyB })).status).toBe(202);
      await eventually(async () => {
        for (const id of [idA, idB]) if ((await trace(hub, id))?.status !== 'ON_HOLD') throw new Error(`${id} not held yet`);
      });
      expect((await trace(hub, idA))?.keys).toBe('ITEM:MER-CREW-NVY-M');
      expect((await trace(hub, idB))?.keys).toBe('ITEM:OTHER-SKU-1');

      // B's key gets a mapping nobody announces (as if written while no worker listened):
      // the pass for A's key must not look at B.
      const keyB = randomUUID();
      await hub.sql(
        `INSERT INTO mappings (id, mapping_key, kind, channel, account, source_value, target, version, valid_from, changed_by, note)
         VALUES ($1, $2, 'ITEM', 'SHOPIFY', $3, 'OTHER-SKU-1', '{"itemId":"1299"}', 1, clock_timestamp(), 'e2e', 'written behind the hub''s back')`,
        [randomUUID(), keyB, SHOP],
      );
      const before = await trace(hub, idB);

      expect((await createMapping('MER-CREW-NVY-M', '1201')).status).toBe(201);
      await eventually(async () => {
        if ((await trace(hub, idA))?.status !== 'RELEASED') throw new Error('A not released yet');
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await trace(hub, idB)).toEqual(before);

      // Announced (a new version through the API), B's key releases B.
      const update = await request(hub.app.getHttpServer())
        .put(`/admin/mappings/${keyB}`)
        .set('Authorization', `Bearer ${ADMIN_KEY}`)
        .set('Content-Type', 'application/json')
        .send({ target: { itemId: '1203' }, note: 'e2e: announce it' });
      expect(update.status).toBe(200);
      await eventually(async () => {
        if ((await trace(hub, idB))?.status !== 'RELEASED') throw new Error('B not released yet');
      });

      // Exactly once each, however many passes follow.
      const redriver = hub.app.get(HeldOrderRedriver);
      expect(await redriver.redriveAll()).toMatchObject({ orders: 0, complete: true });
      expect(await redriver.redriveKeys([{ kind: 'ITEM', channel: 'SHOPIFY', sourceValue: 'MER-CREW-NVY-M' }])).toMatchObject({ orders: 0, complete: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const id of [idA, idB]) {
        const final = await trace(hub, id);
        expect(final?.keys).toBeNull();
        expect(releases(final)).toBe(1);
      }
      expect((await trace(hub, idB))?.history).toMatch(/ON_HOLD>RELEASED:.*re-evaluated after a mapping change/);
    });
  });

  describe('over a backlog of held orders', () => {
    let hub: TestHub | null = null;
    let seeded: Seeded;
    const prefix = `e2e-redriver-backlog-${randomUUID()}`;

    beforeAll(async () => {
      hub = await startHub({ databaseUrl: await freshDatabase('redriver_backlog'), queuePrefix: prefix, env: NO_SWEEP });
      if (!hub.db) throw new Error('needs PostgreSQL');
      // 6000 held orders, 4 keys each; a few wait for SKUs mapped while no worker ran.
      seeded = await seed(hub.db, { mappings: 100, keys: 24_000 });
    });

    afterAll(async () => {
      await hub?.close();
      await dropQueueKeys(prefix);
    });

    it('the full pass finds exactly the held orders with a key now mapped, in batches', async () => {
      expect(seeded.stale).toBeGreaterThan(0);
      const result = await hub!.app.get(HeldOrderRedriver).redriveAll({ batchSize: 400 });
      expect(result).toMatchObject({ orders: seeded.stale, batches: Math.ceil(seeded.orders / 400), complete: true });
    });

    it('stops a long pass at its next batch when the hub shuts down', async () => {
      const batchSize = 5;
      const batchesInAll = Math.ceil(seeded.orders / batchSize);
      const pass = hub!.app.get(HeldOrderRedriver).redriveAll({ batchSize });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const closing = Date.now();
      const app = hub!;
      hub = null;
      await app.close();
      const closeMs = Date.now() - closing;
      const result = await pass;

      expect(result.complete).toBe(false);
      expect(result.batches).toBeGreaterThan(0);
      expect(result.batches).toBeLessThan(batchesInAll / 2);
      expect(closeMs).toBeLessThan(5000);
    });
  });
});
