/**
 * Tracking back to Amazon for merchant-fulfilled (MFN) orders: confirmShipment with the carrier,
 * the tracking number and the order items shipped. Amazon's own (FBA) shipments never come here:
 * the hub records them from the order and tells nobody. The package reference is derived from
 * the hub's shipment id, so every attempt names the same package; after an ambiguous outcome the
 * order's items are read first, and a package whose units are already shipped is not sent again.
 */
import { createHash } from 'node:crypto';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { transportError } from '../../erp/shared/http-errors.js';
import type { ChannelApiAccess, ChannelFulfilments, TrackingBack } from '../channel-port.js';
import { amazonCarrier } from './amazon-carriers.js';
import { marketplaces } from './amazon-pull.js';
import { AmazonSetupError, spApiFor } from './sp-api-access.js';
import { AmazonApiError, type SpApiClient } from './sp-api-client.js';
import { LwaAuthError } from './lwa-token.js';

/** Amazon takes only positive numbers as package references, unique within the order. */
export function packageReferenceOf(shipmentId: string): string {
  const digest = createHash('sha256').update(shipmentId).digest();
  // 48 bits: unique enough within one order, and exact as a JavaScript number.
  return String(digest.readUIntBE(0, 6) + 1);
}

export const amazonFulfilments: ChannelFulfilments = {
  async sendTracking(access, shipment, { lookupFirst, timeoutMs, context }) {
    const orderId = shipment.orderExternalId;
    const packageRef = packageReferenceOf(shipment.shipmentId);
    const reference = `${orderId}/${packageRef}`;
    const trackingNumber = shipment.trackingNumbers[0];
    if (!trackingNumber) {
      throw new DeliveryError('PERMANENT', `Amazon confirms a shipment only with a tracking number; shipment ${shipment.shipmentId} has none`, { field: 'trackingNumbers' });
    }
    const api = client(access, context, timeoutMs);
    const timedCall = <T>(write: boolean, call: () => Promise<T>) => amazonCall(write, timeoutMs, call);
    if (lookupFirst && (await timedCall(false, () => alreadyShipped(api, shipment)))) return reference;
    const marketplaceId = await timedCall(false, () => marketplaceOf(api, access, orderId));
    await timedCall(true, () => api.confirmShipment(orderId, {
      marketplaceId,
      packageDetail: {
        packageReferenceId: packageRef,
        ...amazonCarrier(shipment.carrier),
        trackingNumber,
        shipDate: shipment.shippedAt,
        orderItems: shipment.lines.map((line) => ({ orderItemId: line.lineRef, quantity: line.quantity })),
      },
    }));
    return reference;
  },
  missingAccess: (account) => `no Selling Partner API access is configured for seller ${account} (channel account adminApiUrl and refresh token)`,
};

function client(access: ChannelApiAccess, context: Parameters<typeof spApiFor>[1], timeoutMs: number): SpApiClient {
  try {
    return spApiFor(access, context, timeoutMs);
  } catch (error) {
    if (error instanceof AmazonSetupError) throw new DeliveryError('MISSING_DEPENDENCY', error.message);
    throw error;
  }
}

/** The account's only marketplace, else the order's own (one getOrder). */
async function marketplaceOf(api: SpApiClient, access: ChannelApiAccess, orderId: string): Promise<string> {
  const configured = marketplaces(access.settings);
  if (configured.length === 1) return configured[0];
  const order = await api.getOrder(orderId);
  if (typeof order?.MarketplaceId !== 'string') throw new DeliveryError('PERMANENT', `Amazon order ${orderId} names no marketplace`);
  return order.MarketplaceId;
}

/**
 * The package is on record when no line of it has as many units left unshipped as it carries:
 * Amazon would have refused a package for more than is left, so the units went with this one.
 */
async function alreadyShipped(api: SpApiClient, shipment: TrackingBack): Promise<boolean> {
  const items = await api.getOrderItems(shipment.orderExternalId);
  const unshipped = new Map(items.map((item) => [String(item.OrderItemId), Number(item.QuantityOrdered ?? 0) - Number(item.QuantityShipped ?? 0)]));
  return shipment.lines.every((line) => (unshipped.get(line.lineRef) ?? 0) < line.quantity);
}

/** One Selling Partner API call as DeliveryError kinds: throttling past the budget retries, a refused token is AUTH, a refusal is PERMANENT. */
async function amazonCall<T>(write: boolean, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    if (error instanceof LwaAuthError) throw new DeliveryError(error.status >= 500 ? 'RETRYABLE' : 'AUTH', error.message, { status: error.status });
    if (error instanceof AmazonApiError) {
      const kind = error.retryable ? 'RETRYABLE' : error.status === 401 || error.status === 403 ? 'AUTH' : 'PERMANENT';
      throw new DeliveryError(kind, `Amazon: ${error.message}`, { status: error.status, code: error.code });
    }
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw transportError(error, { peer: 'Amazon', write, timedOut, cancelled: !timedOut && error instanceof Error && error.name === 'AbortError', timeoutMs });
  }
}
