/**
 * Sets the hub up the way an integration team would, through its own admin REST API only:
 * the NetSuite target, the shop's channel account (webhook secret and Admin API access for
 * tracking), the two fulfilment locations and the master-data mappings from a CSV file.
 */
import { NEW_PRODUCT, NEW_PRODUCT_ITEM_ID, SHOP, SHOP_EU, STORE, WAREHOUSE } from './catalog.js';
import type { HubClient, Json } from './http.js';
import { MARKETPLACE, SELLER, SELLER_REFRESH_TOKEN } from './marketplace.js';
import { POS_STORE } from './stores.js';
import { readFixture } from './template.js';
import type { World } from './world.js';

export const ERP_TARGET = 'netsuite-demo';

export async function configureHub(world: World, log: (line: string) => void): Promise<void> {
  const { hub, netsuite, shopify, wms, store } = world;
  await hub.admin('PUT', `/admin/erp-targets/${ERP_TARGET}`, {
    variant: 'netsuite', baseUrl: netsuite.url, credentials: netsuite.credentials, concurrencyCap: 4, timeoutMs: 5000,
    routing: { channels: ['SHOPIFY', 'AMAZON', 'POS'] },
    // Settlement journals are booked in the US subsidiary.
    settings: { journalSubsidiaryId: '1' },
  });
  log(`  ERP target ${ERP_TARGET} → NetSuite sandbox ${netsuite.url}`);
  await hub.admin('PUT', '/admin/channel-accounts', {
    channel: 'SHOPIFY', account: SHOP, webhookSecret: world.keys.shopifySecret, adminApiUrl: shopify.adminApiUrl, adminAccessToken: shopify.accessToken,
  });
  log(`  channel account ${SHOP} (webhook secret, Admin API ${shopify.adminApiUrl})`);
  // The EU storefront is a shop of its own (euros, VAT in its prices); the demo's Shopify sandbox serves both.
  await hub.admin('PUT', '/admin/channel-accounts', {
    channel: 'SHOPIFY', account: SHOP_EU, webhookSecret: world.keys.shopifySecret, adminApiUrl: shopify.adminApiUrl, adminAccessToken: shopify.accessToken,
  });
  log(`  channel account ${SHOP_EU} (the EU shop: EUR, VAT included)`);
  await hub.admin('PUT', `/admin/fulfillment-locations/${WAREHOUSE}`, {
    name: 'Newark warehouse', kind: 'WAREHOUSE', system: 'wms', baseUrl: wms.url, apiKey: wms.apiKey, isDefault: true,
  });
  await hub.admin('PUT', `/admin/fulfillment-locations/${STORE}`, { name: 'Brooklyn store', kind: 'STORE', system: 'store', baseUrl: store.url, apiKey: store.apiKey });
  log(`  fulfilment locations ${WAREHOUSE} warehouse (WMS, default) and ${STORE} store`);
  const imported = await hub.importCsv(readFixture('mappings.csv'));
  log(`  mappings imported from demo/fixtures/mappings.csv: ${imported.created} created (${NEW_PRODUCT.sku} deliberately left out)`);
  const eu = await hub.importCsv(readFixture('mappings-eu.csv'));
  log(`  mappings imported from demo/fixtures/mappings-eu.csv: ${eu.created} created for the EU shop`);
  await hub.admin('PUT', '/admin/channel-accounts', {
    channel: 'AMAZON', account: SELLER, webhookSecret: world.amazonWebhookSecret, adminApiUrl: world.amazon.url, adminAccessToken: SELLER_REFRESH_TOKEN,
    settings: { marketplaceIds: [MARKETPLACE] },
  });
  log(`  channel account AMAZON ${SELLER} (EventBridge secret, Selling Partner API ${world.amazon.url}, marketplace ${MARKETPLACE})`);
  await hub.admin('PUT', '/admin/channel-accounts', { channel: 'POS', account: POS_STORE, webhookSecret: world.posSecret, timezone: 'America/New_York' });
  log(`  channel account POS ${POS_STORE} (the Brooklyn store's tills, batches signed with its secret)`);
  const others = await hub.importCsv(readFixture('mappings-amazon-pos.csv'));
  log(`  mappings imported from demo/fixtures/mappings-amazon-pos.csv: ${others.created} created (Amazon by SKU and one by ASIN, FBA location, the store)`);
}

/** What a merchandiser does once the UNMAPPED worklist shows the new product. */
export function mapNewProduct(hub: HubClient): Promise<Json> {
  return hub.admin('POST', '/admin/mappings', {
    kind: 'ITEM', channel: 'SHOPIFY', account: SHOP, sourceValue: NEW_PRODUCT.sku, target: { itemId: NEW_PRODUCT_ITEM_ID },
    note: 'demo: new product added to the item master',
  });
}
