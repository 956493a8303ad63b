import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { amazonFulfilments, packageReferenceOf } from '../src/adapters/channels/amazon/amazon-fulfilments.js';
import type { ChannelApiAccess, TrackingBack } from '../src/adapters/channels/channel-port.js';
import type { AppConfig } from '../src/platform/config/app-config.js';
import { DeliveryError } from '../src/platform/delivery/delivery-error.js';
import { startAmazonSandbox, type AmazonSandbox } from '../sandboxes/amazon/sandbox.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SELLER = 'A3SANDBOXSELLER';
const REFRESH = 'Atzr|sandbox-refresh-token';
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/amazon/order-mfn.json', import.meta.url)), 'utf8')) as { order: Json; items: Json[] };

/** Amazon's confirmShipment through the channel port against the Amazon sandbox (no hub): one package per shipment, whatever happens. */
describe('Amazon confirmShipment (Amazon sandbox)', () => {
  let amazon: AmazonSandbox;
  let access: ChannelApiAccess;
  let options: Parameters<typeof amazonFulfilments.sendTracking>[2];
  const admin = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${amazon.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.status === 204 ? {} : ((await res.json()) as Json);
  };
  const shipment = (id: string, over: Partial<TrackingBack> = {}): TrackingBack => ({
    orderExternalId: id, lines: fixture.items.map((i) => ({ lineRef: i.OrderItemId as string, sku: null, quantity: i.QuantityOrdered as number })),
    carrier: 'Royal Mail', trackingNumbers: ['RM123456785GB'], trackingUrl: null, notifyCustomer: true, shippedAt: '2026-12-01T10:00:00.000Z', shipmentId: `ship-${id}`, ...over,
  });
  const confirmations = async (id: string): Promise<Json[]> => (await admin('GET', '/_sandbox/confirmations')).confirmations.filter((c: Json) => c.amazonOrderId === id);

  beforeAll(async () => {
    amazon = await startAmazonSandbox({ sellers: { [REFRESH]: SELLER } });
    access = { account: SELLER, apiUrl: amazon.url, accessToken: REFRESH, settings: { marketplaceIds: ['ATVPDKIKX0DER'] } };
    const config = { amazonLwa: { clientId: amazon.clientId, clientSecret: amazon.clientSecret, tokenUrl: `${amazon.url}/auth/o2/token` } } as unknown as AppConfig;
    options = { lookupFirst: false, timeoutMs: 5000, context: { buckets: null, config } };
  });

  afterAll(async () => {
    await amazon?.close();
  });

  it('names the carrier as Amazon lists it, keys the package by the shipment, and a look-up after an ambiguous outcome sends nothing twice', async () => {
    const id = '113-0000000-0000101';
    await admin('POST', `/_sandbox/sellers/${SELLER}/orders`, { order: { ...fixture.order, AmazonOrderId: id, OrderStatus: 'Unshipped' }, items: fixture.items });
    const reference = await amazonFulfilments.sendTracking(access, shipment(id), options);
    expect(reference).toBe(`${id}/${packageReferenceOf(`ship-${id}`)}`);
    const [sent] = await confirmations(id);
    expect(sent).toMatchObject({ marketplaceId: 'ATVPDKIKX0DER', packageDetail: { carrierCode: 'Royal Mail', trackingNumber: 'RM123456785GB', shipDate: '2026-12-01T10:00:00.000Z' } });
    expect((await admin('GET', '/_sandbox/orders')).orders.find((o: Json) => o.order.AmazonOrderId === id).order.OrderStatus).toBe('Shipped');

    // The answer was lost: the retry looks first, finds the units shipped, and sends nothing.
    expect(await amazonFulfilments.sendTracking(access, shipment(id), { ...options, lookupFirst: true })).toBe(reference);
    expect(await confirmations(id)).toHaveLength(1);
    expect((await admin('GET', '/_sandbox/stats')).requests.confirmShipment).toBe(1);
  });

  it('a carrier Amazon does not list goes as Other with its name; a partial shipment leaves the order PartiallyShipped', async () => {
    const id = '113-0000000-0000102';
    await admin('POST', `/_sandbox/sellers/${SELLER}/orders`, { order: { ...fixture.order, AmazonOrderId: id, OrderStatus: 'Unshipped' }, items: fixture.items });
    const first = fixture.items[0];
    await amazonFulfilments.sendTracking(access, shipment(id, { carrier: 'Bob\'s Courier', lines: [{ lineRef: first.OrderItemId as string, sku: null, quantity: 1 }] }), options);
    const [sent] = await confirmations(id);
    expect(sent.packageDetail).toMatchObject({ carrierCode: 'Other', carrierName: 'Bob\'s Courier', orderItems: [{ orderItemId: first.OrderItemId, quantity: 1 }] });
    expect((await admin('GET', '/_sandbox/orders')).orders.find((o: Json) => o.order.AmazonOrderId === id).order.OrderStatus).toBe('PartiallyShipped');
  });

  it('refuses a shipment without a tracking number as permanent, and waits when the hub has no Login with Amazon application', async () => {
    const id = '113-0000000-0000103';
    await expect(amazonFulfilments.sendTracking(access, shipment(id, { trackingNumbers: [] }), options)).rejects.toMatchObject({ kind: 'PERMANENT' });
    const noApp = { ...options, context: { buckets: null, config: { amazonLwa: null } as unknown as AppConfig } };
    const error = await amazonFulfilments.sendTracking(access, shipment(id), noApp).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ kind: 'MISSING_DEPENDENCY' });
    // Amazon refuses more units than are left: permanent, with Amazon's message.
    await admin('POST', `/_sandbox/sellers/${SELLER}/orders`, { order: { ...fixture.order, AmazonOrderId: id, OrderStatus: 'Unshipped' }, items: fixture.items });
    const tooMany = shipment(id, { lines: [{ lineRef: fixture.items[0].OrderItemId as string, sku: null, quantity: 99 }] });
    await expect(amazonFulfilments.sendTracking(access, tooMany, options)).rejects.toMatchObject({ kind: 'PERMANENT', details: { status: 400 } });
  });
});
