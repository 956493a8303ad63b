import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { channelFulfilments } from '../../../adapters/channels/registry.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { FulfillmentSystemClient } from '../../../adapters/fulfillment/fulfillment-system.client.js';
import type { ShipmentLine } from '../../../canonical/fulfillment.js';
import { ChannelAdminApiService } from '../../channel-accounts/channel-admin-api.service.js';
import { OrderService } from '../../orders/order.service.js';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config.js';
import { ChannelRateBudgets } from '../../../platform/queue/channel-rate-budgets.js';
import type { ClaimedMessage } from './outbound-store.js';

type Row = Record<string, unknown>;
const TIMEOUT_MS = 15_000;
const CANCEL_WAIT_MS = 1000;
/** The external reference of a cancel the system answered 404: it never had the request. */
const NEVER_RECEIVED = 'NOT_FOUND';

/**
 * What each outbound message says and where it goes. Returns the receiver's reference
 * (the fulfilment system's request id, the channel's fulfilment id); throws DeliveryError kinds
 * the backoff understands.
 */
@Injectable()
export class OutboundSenders {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(ChannelAdminApiService) private readonly channels: ChannelAdminApiService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChannelRateBudgets) private readonly budgets: ChannelRateBudgets,
  ) {}

  send(message: ClaimedMessage): Promise<string> {
    if (message.kind === 'FULFILLMENT_REQUEST') return this.request(message);
    if (message.kind === 'FULFILLMENT_CANCEL') return this.cancel(message);
    return this.channelFulfillment(message);
  }

  /** A request to the location's system; the system is idempotent on our request id, so resending is safe. */
  private async request(message: ClaimedMessage): Promise<string> {
    const [row]: Row[] = await this.dataSource.query(
      `SELECT r.id, r.order_id, r.location_ref, r.method, r.lines, r.status, l.system, l.base_url, l.api_key, l.enabled
       FROM fulfillment_requests r LEFT JOIN fulfillment_locations l ON l.location_ref = r.location_ref
       WHERE r.id = $1`,
      [message.subjectId],
    );
    const order = row ? await this.orders.forDelivery(row.order_id as string) : null;
    if (!row || !order) throw new DeliveryError('PERMANENT', `fulfilment request ${message.subjectId} does not exist`);
    if (row.status === 'CANCELLED') return 'CANCELLED';
    if (!row.base_url || !row.enabled) throw new DeliveryError('MISSING_DEPENDENCY', `location ${row.location_ref as string} has no enabled fulfilment system`);
    const client = new FulfillmentSystemClient({ kind: row.system as 'wms' | 'store', baseUrl: row.base_url as string, apiKey: row.api_key as string, timeoutMs: TIMEOUT_MS });
    const accepted = await client.sendRequest({
      requestId: row.id as string,
      orderRef: order.id,
      orderNumber: order.orderNumber,
      locationRef: row.location_ref as string,
      method: row.method as 'SHIP',
      shipTo: shipTo(order.shippingAddress, order.customer),
      lines: (row.lines as { lineRef: string; sku: string | null; quantity: number }[]).map((l) => ({ lineRef: l.lineRef, sku: l.sku ?? '', quantity: l.quantity })),
    });
    return accepted.externalId;
  }

  /**
   * A cancelled request, to its system. The cancel waits while the request itself is being
   * sent: that send read the request before it was cancelled and may still land. Once no
   * send is in flight, none will start (a request's sender skips a CANCELLED request), so a
   * 404 then means the system never got it and there is nothing to stop. A 409 (it shipped
   * everything first) is PERMANENT: a person sees it among the DEAD messages.
   */
  private async cancel(message: ClaimedMessage): Promise<string> {
    const [row]: Row[] = await this.dataSource.query(
      `SELECT r.id, r.location_ref, l.system, l.base_url, l.api_key, l.enabled, m.status AS request_delivery
       FROM fulfillment_requests r LEFT JOIN fulfillment_locations l ON l.location_ref = r.location_ref
       LEFT JOIN outbound_messages m ON m.kind = 'FULFILLMENT_REQUEST' AND m.subject_id = r.id
       WHERE r.id = $1`,
      [message.subjectId],
    );
    if (!row) throw new DeliveryError('PERMANENT', `fulfilment request ${message.subjectId} does not exist`);
    if (row.request_delivery === 'IN_FLIGHT') {
      throw new DeliveryError('MISSING_DEPENDENCY', `request ${row.id as string} is being sent right now; it is cancelled after`, { retryAfterMs: CANCEL_WAIT_MS });
    }
    if (!row.base_url || !row.enabled) throw new DeliveryError('MISSING_DEPENDENCY', `location ${row.location_ref as string} has no enabled fulfilment system`);
    const client = new FulfillmentSystemClient({ kind: row.system as 'wms' | 'store', baseUrl: row.base_url as string, apiKey: row.api_key as string, timeoutMs: TIMEOUT_MS });
    const cancelled = await client.cancelRequest(row.id as string);
    return cancelled?.externalId ?? NEVER_RECEIVED;
  }

  /**
   * Tracking to the order's channel, through the channel port's optional fulfilments
   * operation. A channel without it takes no tracking (its shipments are NOT_REQUIRED; a
   * message for one is PERMANENT).
   */
  private async channelFulfillment(message: ClaimedMessage): Promise<string> {
    const [row]: Row[] = await this.dataSource.query(
      `SELECT s.lines, s.carrier, s.tracking_numbers, s.tracking_url, s.kind, s.order_id, s.shipped_at FROM shipments s WHERE s.id = $1 AND s.order_id IS NOT NULL`,
      [message.subjectId],
    );
    const order = row ? await this.orders.forDelivery(row.order_id as string) : null;
    if (!row || !order) throw new DeliveryError('PERMANENT', `shipment ${message.subjectId} does not exist`);
    const fulfilments = channelFulfilments(order.channel);
    if (!fulfilments) throw new DeliveryError('PERMANENT', `no channel fulfilment for ${order.channel}`);
    const access = await this.channels.adminApiOf(order.channel, order.account);
    if (!access) throw new DeliveryError('MISSING_DEPENDENCY', fulfilments.missingAccess(order.account));
    return fulfilments.sendTracking(
      { account: order.account, apiUrl: access.adminApiUrl, accessToken: access.adminAccessToken, settings: access.settings },
      {
        orderExternalId: order.externalId,
        lines: row.lines as ShipmentLine[],
        carrier: row.carrier as string | null,
        trackingNumbers: row.tracking_numbers as string[],
        trackingUrl: row.tracking_url as string | null,
        notifyCustomer: row.kind === 'SHIPMENT',
        shippedAt: new Date(row.shipped_at as string | Date).toISOString(),
        shipmentId: message.subjectId,
      },
      { lookupFirst: message.lookupFirst, timeoutMs: TIMEOUT_MS, context: { buckets: this.budgets.get(), config: this.config } },
    );
  }
}

/** The address the parcel goes to; a pickup has none. Names only as the channel gave them. */
function shipTo(address: unknown, customer: unknown): Record<string, string | null> | null {
  if (!address || typeof address !== 'object') return null;
  const a = address as Record<string, string | null>;
  const c = (customer ?? {}) as Record<string, string | null>;
  return {
    name: a.name ?? ([c.firstName, c.lastName].filter(Boolean).join(' ') || null), company: a.company ?? null, line1: a.line1 ?? null,
    line2: a.line2 ?? null, city: a.city ?? null, region: a.region ?? null, postalCode: a.postalCode ?? null, countryCode: a.countryCode ?? null,
    phone: a.phone ?? null,
  };
}
