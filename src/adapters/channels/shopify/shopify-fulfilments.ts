import type { ChannelFulfilments } from '../channel-port.js';
import { SHOPIFY_ADMIN_API_VERSION, ShopifyAdminClient } from './shopify-admin.client.js';

/**
 * Tracking back to Shopify: a fulfilment of the shipped line items through the shop's Admin
 * API. After an ambiguous outcome it looks for the fulfilment by tracking number first, so
 * the customer gets one.
 */
export const shopifyFulfilments: ChannelFulfilments = {
  async sendTracking(access, shipment, { lookupFirst, timeoutMs }) {
    const shop = access.account;
    const client = new ShopifyAdminClient({
      shopDomain: shop, baseUrl: access.apiUrl ?? `https://${shop}/admin/api/${SHOPIFY_ADMIN_API_VERSION}`, accessToken: access.accessToken, timeoutMs,
    });
    if (lookupFirst && shipment.trackingNumbers.length > 0) {
      const found = await client.findFulfillment(shipment.orderExternalId, shipment.trackingNumbers);
      if (found) return found.fulfillmentId;
    }
    const created = await client.createFulfillment({
      orderId: shipment.orderExternalId,
      lines: shipment.lines.map((l) => ({ lineItemId: l.lineRef, quantity: l.quantity })),
      trackingCompany: shipment.carrier,
      trackingNumbers: shipment.trackingNumbers,
      trackingUrl: shipment.trackingUrl,
      notifyCustomer: shipment.notifyCustomer,
    });
    return created.fulfillmentId;
  },
  missingAccess: (account) => `no Shopify Admin API access is configured for ${account} (channel account adminAccessToken)`,
};
