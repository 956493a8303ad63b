import { randomUUID } from 'node:crypto';
import { getJson, startFulfillmentWorld, FULFILLMENT_SECRET, type FulfillmentWorld } from './fulfillment-world.js';
import { graphql } from './shopify-delivery.js';
import { freshDatabase } from './test-database.js';
import { READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FulfillmentSuite {
  readonly hub: TestHub;
  readonly world: FulfillmentWorld;
  /** The order by its Shopify id, as `query` (taking `$id`) asks for it. */
  order(id: string): Promise<Json>;
  /** Polls the order until `check` holds; the failure names `what` and shows the order. */
  orderWhen(id: string, check: (o: Json) => boolean, what: string): Promise<Json>;
  /** Puts the order into the Shopify sandbox, as the shop holds it. */
  seedShopify(body: string): Promise<Json>;
}

/**
 * A hub on a fresh database with the fulfilment world around it (both ERPs, Shopify, WMS,
 * store), started before the describe block's tests and stopped after them.
 */
export function useFulfillmentSuite(database: string, query: string): FulfillmentSuite {
  const prefix = `e2e-${database}-${randomUUID()}`;
  let hub: TestHub | null = null;
  let world: FulfillmentWorld | null = null;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase(database), queuePrefix: prefix, env: { FULFILLMENT_WEBHOOK_SECRET: FULFILLMENT_SECRET } });
    await hub.app.listen(0, '127.0.0.1');
    world = await startFulfillmentWorld(hub, await hub.app.getUrl());
  });

  afterAll(async () => {
    await hub?.close();
    await world?.close();
    await dropQueueKeys(prefix);
  });

  const suite: FulfillmentSuite = {
    get hub(): TestHub {
      if (!hub) throw new Error('the hub starts in beforeAll');
      return hub;
    },
    get world(): FulfillmentWorld {
      if (!world) throw new Error('the fulfilment world starts in beforeAll');
      return world;
    },
    order: async (id) => (await graphql(suite.hub.app, READER_KEY, query, { id })).body.data.orderBySource as Json,
    orderWhen: (id, check, what) =>
      eventually(async () => {
        const o = await suite.order(id);
        if (!o || !check(o)) throw new Error(`${what}: ${JSON.stringify(o)}`);
        return o;
      }, 30_000),
    seedShopify: (body) => getJson(`${suite.world.shopify.url}/_sandbox/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
  };
  return suite;
}
