import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { deliver, fixture, graphql, orderIdOf, withField } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(60_000);

const SHOP = 'example-shop.myshopify.com';

interface NewMapping {
  readonly kind: string;
  readonly sourceValue: string;
  readonly target: Record<string, string>;
}

/** Everything order-create.json needs except its first SKU and the store location. */
const BASE_MAPPINGS: NewMapping[] = [
  { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '1202' } },
  { kind: 'TAX_CODE', sourceValue: 'NY State Tax', target: { taxCode: 'NY-STATE' } },
  { kind: 'TAX_CODE', sourceValue: 'New York City Tax', target: { taxCode: 'NY-CITY' } },
  { kind: 'TENDER', sourceValue: 'shopify_payments', target: { paymentMethod: 'SHOPIFY', clearingAccount: '1210' } },
  { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: 'WEB-CUSTOMER' } },
];

/** Master data in the flow: unmapped identifiers hold an order visibly; mapping them releases it once. */
describe('orders held for unmapped identifiers', () => {
  let hub: TestHub;
  const prefix = `e2e-unmapped-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('unmapped'), queuePrefix: prefix, env: { MAPPING_REQUIRED: 'ITEM,LOCATION,TAX_CODE,TENDER,CUSTOMER' } });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const createMapping = (mapping: NewMapping) =>
    request(hub.app.getHttpServer())
      .post('/admin/mappings')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', 'application/json')
      .send({ ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'e2e: map what the order needs' });

  const order = async (id: string) => {
    const res = await graphql(hub.app, READER_KEY, `query($id: String!) { orderBySource(channel: SHOPIFY, externalId: $id) {
      status holdReasons unmappedKeys { kind sourceValue } history { fromStatus toStatus reason } } }`, { id });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.orderBySource;
  };

  it('holds the order with each missing key, lists them in the worklist, and releases it once when mapped', async () => {
    for (const mapping of BASE_MAPPINGS) expect((await createMapping(mapping)).status).toBe(201);
    const body = withField(fixture('order-create.json'), 'location_id', 64000000001);
    const id = orderIdOf(body);
    const delivered = await deliver(hub.app, { body });
    expect(delivered.status).toBe(202);

    const held = await eventually(async () => {
      const current = await order(id);
      if (!current) throw new Error('not yet');
      return current;
    });
    expect(held.status).toBe('ON_HOLD');
    expect(held.holdReasons).toEqual(['UNMAPPED']);
    expect(held.unmappedKeys).toEqual([
      { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M' },
      { kind: 'LOCATION', sourceValue: '64000000001' },
    ]);
    const [keys] = await hub.sql<{ n: string }>('SELECT count(*)::text AS n FROM order_unmapped_keys');
    expect(keys.n).toBe('2');

    // A second order missing only the SKU: the worklist puts the most blocking key first.
    const plain = fixture('order-create.json');
    const secondId = '6012345678901299999';
    const second = await deliver(hub.app, { body: plain.replace(new RegExp(orderIdOf(plain), 'g'), secondId) });
    expect(second.status).toBe(202);
    await eventually(async () => {
      const current = await order(secondId);
      if (current?.status !== 'ON_HOLD') throw new Error('second order not held yet');
    });
    const worklist = await graphql(hub.app, READER_KEY, '{ unmappedValues { kind channel account sourceValue orderCount since suggestions } }');
    expect(worklist.body.data.unmappedValues.map((v: { kind: string; sourceValue: string; orderCount: number }) => [v.kind, v.sourceValue, v.orderCount])).toEqual([
      ['ITEM', 'MER-CREW-NVY-M', 2],
      ['LOCATION', '64000000001', 1],
    ]);
    expect(worklist.body.data.unmappedValues[0]).toMatchObject({ channel: 'SHOPIFY', account: SHOP });

    // An ERP item a live mapping of another SKU points at, equal but for case, is suggested for the ITEM value only.
    expect((await createMapping({ kind: 'ITEM', sourceValue: 'SUGGEST-ONLY', target: { itemId: 'mer-crew-nvy-m' } })).status).toBe(201);
    const suggested = await graphql(hub.app, READER_KEY, '{ unmappedValues { kind sourceValue suggestions } }');
    expect(suggested.body.data.unmappedValues).toEqual([
      { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', suggestions: ['mer-crew-nvy-m'] },
      { kind: 'LOCATION', sourceValue: '64000000001', suggestions: [] },
    ]);

    // Mapping the SKU releases the second order; the first stays held for its location.
    expect((await createMapping({ kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '1201' } })).status).toBe(201);
    await eventually(async () => {
      const current = await order(secondId);
      if (current.status !== 'RELEASED') throw new Error(`second order ${current.status}`);
    });
    await eventually(async () => {
      const current = await order(id);
      if (current.unmappedKeys.length !== 1) throw new Error(`still ${current.unmappedKeys.length} keys`);
    });
    expect((await order(id)).status).toBe('ON_HOLD');

    expect((await createMapping({ kind: 'LOCATION', sourceValue: '64000000001', target: { locationId: 'WH-EAST', subsidiaryId: '1' } })).status).toBe(201);
    const released = await eventually(async () => {
      const current = await order(id);
      if (current.status !== 'RELEASED') throw new Error(`status ${current.status}`);
      return current;
    });
    expect(released.unmappedKeys).toEqual([]);
    expect(released.holdReasons).toEqual([]);

    // Exactly once: later scans and repeated changes add no second release.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const again = await order(id);
    const releases = again.history.filter((h: { toStatus: string }) => h.toStatus === 'RELEASED');
    expect(releases).toHaveLength(1);
    expect(releases[0].reason).toMatch(/re-evaluated after a mapping change/);
    expect(again.history.map((h: { fromStatus: string | null; toStatus: string }) => `${h.fromStatus}->${h.toStatus}`)).toEqual([
      // The first mapping changed the missing keys but not the hold reason, so no transition.
      'null->RECEIVED', 'RECEIVED->ON_HOLD', 'ON_HOLD->RELEASED',
    ]);
    const worklistAfter = await graphql(hub.app, READER_KEY, '{ unmappedValues { sourceValue } }');
    expect(worklistAfter.body.data.unmappedValues).toEqual([]);
  });
});
