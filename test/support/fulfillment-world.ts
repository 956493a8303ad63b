import request from 'supertest';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { startStoreSandbox, startWmsSandbox, type FulfillmentSandbox } from '../../sandboxes/fulfillment/sandbox.js';
import { startShopifySandbox, type ShopifySandbox } from '../../sandboxes/shopify/sandbox.js';
import { fixture, orderIdOf, SHOP } from './shopify-delivery.js';
import { ADMIN_KEY, SHOPIFY_SECRET, type TestHub } from './test-hub.js';

export const FULFILLMENT_SECRET = 'fulfillment-secret-for-tests';
export const WAREHOUSE = '70001';
export const STORE = '70002';
export const LINE_SWEATER = '1612345678901234501';
export const LINE_SOCKS = '1612345678901234502';

export interface FulfillmentWorld {
  readonly netsuite: NetSuiteSandbox;
  readonly bc: BusinessCentralSandbox;
  readonly shopify: ShopifySandbox;
  readonly wms: FulfillmentSandbox;
  readonly store: FulfillmentSandbox;
  close(): Promise<void>;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Every system of the worked example around one hub: NetSuite, Business Central, Shopify's Admin API, a WMS
 * for the warehouse and a store system, configured through the hub's admin API as an
 * integration team would. Orders go to both ERPs. The hub must be listening, so the WMS and store can call back.
 */
/** The world's two ERP targets as `PUT /admin/erp-targets/{id}` takes them, switched on or off. */
export function erpTargets(erps: Pick<FulfillmentWorld, 'netsuite' | 'bc'>, enabled: boolean): Record<string, object> {
  const { netsuite, bc } = erps;
  return {
    'netsuite-main': { variant: 'netsuite', baseUrl: netsuite.url, credentials: netsuite.credentials, concurrencyCap: 4, timeoutMs: 5000, enabled },
    'bc-main': {
      variant: 'dynamics365-bc', baseUrl: bc.url, concurrencyCap: 4, timeoutMs: 5000, enabled,
      credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId },
      settings: { localCurrency: 'USD', shippingAccountNumber: '40250', taxAccountNumber: '22100' },
    },
  };
}

export async function startFulfillmentWorld(hub: TestHub, hubUrl: string): Promise<FulfillmentWorld> {
  const callback = { callbackUrl: `${hubUrl}/webhooks/wms/shipments`, callbackSecret: FULFILLMENT_SECRET };
  const [netsuite, bc, shopify, wms, store] = await Promise.all([
    startNetSuiteSandbox({ port: 0 }),
    startBusinessCentralSandbox({ port: 0 }),
    startShopifySandbox({ port: 0, shopDomain: SHOP }),
    startWmsSandbox({ port: 0, ...callback }),
    startStoreSandbox({ port: 0, ...callback }),
  ]);
  const admin = async (method: 'put' | 'post', path: string, body: object): Promise<Json> => {
    const res = await request(hub.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json').send(body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Json;
  };
  for (const [id, target] of Object.entries(erpTargets({ netsuite, bc }, true))) await admin('put', `/admin/erp-targets/${id}`, target);
  await admin('put', '/admin/channel-accounts', {
    channel: 'SHOPIFY', account: SHOP, webhookSecret: SHOPIFY_SECRET, adminApiUrl: shopify.adminApiUrl, adminAccessToken: shopify.accessToken,
  });
  await admin('put', `/admin/fulfillment-locations/${WAREHOUSE}`, { name: 'Newark DC', kind: 'WAREHOUSE', system: 'wms', baseUrl: wms.url, apiKey: wms.apiKey, isDefault: true });
  await admin('put', `/admin/fulfillment-locations/${STORE}`, { name: 'Brooklyn store', kind: 'STORE', system: 'store', baseUrl: store.url, apiKey: store.apiKey });
  for (const mapping of [
    { kind: 'ITEM', sourceValue: 'MER-CREW-NVY-M', target: { itemId: '501' } },
    { kind: 'ITEM', sourceValue: 'SOCK-TRAIL-3PK', target: { itemId: '502' } },
    { kind: 'ITEM', sourceValue: 'GRIND-CONICAL-SS', target: { itemId: '503' } },
    { kind: 'ITEM', sourceValue: 'DESCALE-TABS-12', target: { itemId: '504' } },
    { kind: 'CUSTOMER', sourceValue: '*', target: { customerId: '107' } },
    { kind: 'LOCATION', sourceValue: WAREHOUSE, target: { locationId: '11', subsidiaryId: '1' } },
    { kind: 'LOCATION', sourceValue: STORE, target: { locationId: '12', subsidiaryId: '1' } },
  ]) {
    await admin('post', '/admin/mappings', { ...mapping, channel: 'SHOPIFY', account: SHOP, note: 'fulfilment e2e' });
  }
  return {
    netsuite, bc, shopify, wms, store,
    async close() {
      await Promise.all([netsuite.close(), bc.close(), shopify.close(), wms.close(), store.close()]);
    },
  };
}

/** The fixture order under a new id, its sweater line (2 units) from the warehouse and its socks (1 unit) from the store. */
export function splitOrder(id: string): string {
  const base = fixture('order-create.json');
  return base
    .replace(new RegExp(orderIdOf(base), 'g'), id)
    .replace(`"id": ${LINE_SWEATER},`, `"id": ${LINE_SWEATER},\n      "location_id": ${WAREHOUSE},`)
    .replace(`"id": ${LINE_SOCKS},`, `"id": ${LINE_SOCKS},\n      "location_id": ${STORE},`);
}

export async function getJson(url: string, init?: RequestInit): Promise<Json> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

export const postJson = (url: string, body: unknown = {}): Promise<Json> =>
  getJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The pickup fixture under a new id, collected at the store. */
export function pickupOrder(id: string): string {
  const base = fixture('order-pickup.json');
  return base.replace(new RegExp(orderIdOf(base), 'g'), id).replace('"location_id": null', `"location_id": ${STORE}`);
}

/** Every ERP target (both of this world) holds the shipment's item fulfilment. */
export const allPosted = (shipment: Json): boolean => shipment.erp.length === 2 && shipment.erp.every((e: Json) => e.postingStatus === 'POSTED');

/** The split order merchant-fulfilled: its lines at a location no fulfilment system serves, so only Shopify confirms them. */
export function channelFulfilledOrder(id: string): string {
  return splitOrder(id).replace(`"location_id": ${WAREHOUSE}`, '"location_id": 79999').replace(`"location_id": ${STORE}`, '"location_id": 79999');
}

/** A Shopify fulfilment of the whole channel-fulfilled order (fulfillments/create and /update bodies). */
export function shopifyFulfillment(
  id: string, orderId: string, options: { status?: string; tracking?: string; updatedAt?: string } = {},
): string {
  const { status = 'success', tracking = '7777000033', updatedAt = '2026-11-27T10:00:00-05:00' } = options;
  return `{"id": ${id}, "order_id": ${orderId}, "status": "${status}", "created_at": "2026-11-27T10:00:00-05:00", "updated_at": "${updatedAt}",
    "tracking_company": "FedEx", "tracking_number": "${tracking}", "tracking_numbers": ["${tracking}"], "location_id": 79999,
    "line_items": [{"id": ${LINE_SWEATER}, "quantity": 2, "sku": "MER-CREW-NVY-M"}, {"id": ${LINE_SOCKS}, "quantity": 1, "sku": "SOCK-TRAIL-3PK"}]}`;
}
