import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { deliver, fixture, sign } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

describe('channel accounts: per-shop webhook secrets through the admin API', () => {
  let hub: TestHub;
  const prefix = `e2e-accounts-${randomUUID()}`;
  const shop = 'second-shop.myshopify.com';
  const shopSecret = 'second-shop-secret-value';

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('accounts'), queuePrefix: prefix });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const put = (key: string | null, body: object) => {
    const req = request(hub.app.getHttpServer()).put('/admin/channel-accounts').set('Content-Type', 'application/json');
    if (key) req.set('Authorization', `Bearer ${key}`);
    return req.send(body);
  };

  it('lets only admins set a secret, validates the input and never returns the secret', async () => {
    expect((await put(null, { channel: 'SHOPIFY', account: shop, webhookSecret: shopSecret })).status).toBe(401);
    const reader = await put(READER_KEY, { channel: 'SHOPIFY', account: shop, webhookSecret: shopSecret });
    expect(reader.status).toBe(403);
    expect(reader.body.code).toBe('FORBIDDEN');
    const invalid = await put(ADMIN_KEY, { channel: 'MYSPACE', account: shop, webhookSecret: shopSecret });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'channel' });
    const short = await put(ADMIN_KEY, { channel: 'SHOPIFY', account: shop, webhookSecret: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.field).toBe('webhookSecret');
    expect(await hub.sql('SELECT id FROM channel_accounts')).toHaveLength(0);

    const created = await put(ADMIN_KEY, { channel: 'SHOPIFY', account: shop.toUpperCase(), webhookSecret: shopSecret });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ channel: 'SHOPIFY', account: shop, enabled: true });
    expect(JSON.stringify(created.body)).not.toContain(shopSecret);
    const listed = await request(hub.app.getHttpServer()).get('/admin/channel-accounts').set('Authorization', `Bearer ${READER_KEY}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(shopSecret);
  });

  it("verifies that shop's deliveries with its own secret, not the default one", async () => {
    const body = fixture('order-create.json');
    const own = await deliver(hub.app, { body, shop, signature: sign(body, shopSecret) });
    expect(own.status).toBe(202);
    const withDefault = await deliver(hub.app, { body, shop });
    expect(withDefault.status).toBe(401);
    const [row] = await hub.sql<{ account: string }>('SELECT account FROM inbox WHERE id = $1', [own.body.inboxId]);
    expect(row.account).toBe(shop);

    // A disabled account receives nothing.
    await put(ADMIN_KEY, { channel: 'SHOPIFY', account: shop, webhookSecret: shopSecret, enabled: false });
    const disabled = await deliver(hub.app, { body, shop, signature: sign(body, shopSecret) });
    expect(disabled.status).toBe(401);
    expect(disabled.body.code).toBe('SECRET_NOT_CONFIGURED');
  });
});
