import type { ShipmentCancellation, ShipmentConfirmation } from '../../canonical/fulfillment.js';
import type { CanonicalOrder } from '../../canonical/order.js';
import type { CanonicalReturnEvent } from '../../canonical/return.js';
import type { AppConfig } from '../../platform/config/app-config.js';

/**
 * The port every sales channel implements. The hub's ingestion owns the inbox, the queue
 * and the processor; a channel says only how its deliveries are signed, deduplicated and
 * named, and what they mean in canonical terms. Adding a channel is a folder under
 * src/adapters/channels/ and one line in registry.ts.
 */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A refusal the HTTP layer answers as it is (status, code, message, offending field). */
export interface ChannelRefusal {
  readonly status: 400 | 401 | 409;
  readonly code: string;
  readonly message: string;
  readonly field: string;
}

/** What a delivery is, from its signed bytes and unsigned headers, before any of it is stored. */
export interface DeliveryDescription {
  /** The inbox topic: the channel's name for the event (orders/create, order.upserted, ...). */
  readonly topic: string;
  /** The same on every retry of one event; falls back to the body's hash. */
  readonly dedupeKey: string;
  readonly eventId: string | null;
  /** PENDING to process; IGNORED for a kind the hub does not act on; REJECTED with its reason. */
  readonly status: 'PENDING' | 'IGNORED' | 'REJECTED';
  readonly error: string | null;
  /** Unsigned headers worth keeping; never a signature or a secret. */
  readonly headers: Record<string, string>;
  /** When the channel says the event happened, if it says so plausibly. */
  readonly triggeredAt: Date | null;
}

/** A stored delivery as the worker reads it back. */
export interface StoredDelivery {
  readonly id: string;
  readonly topic: string;
  readonly account: string | null;
  readonly eventId: string | null;
  readonly correlationId: string;
}

export type OrderEventKind = 'PLACED' | 'UPDATED' | 'CANCELLED';

export interface ChannelOrderEvent {
  readonly order: CanonicalOrder;
  readonly kind: OrderEventKind;
  readonly lineage: { readonly inboxId: string; readonly topic: string; readonly correlationId: string };
}

/** What a delivery means in canonical terms, or why it cannot be used. */
export type ChannelMeaning =
  | { ok: true; type: 'order'; value: ChannelOrderEvent }
  | { ok: true; type: 'shipment'; confirmation: ShipmentConfirmation }
  | { ok: true; type: 'cancellation'; cancellation: ShipmentCancellation }
  | { ok: true; type: 'return'; event: CanonicalReturnEvent }
  | { ok: true; type: 'nothing'; reason: string }
  | { ok: false; reason: string };

/** The signing secrets of an account, looked up by the ingestion (cached; no query per delivery). */
export type SecretsLookup = (account: string | null) => Promise<readonly string[]>;

export interface ChannelAdapter {
  /** Upper-case code: the inbox source, orders.channel, mappings.channel. */
  readonly code: string;
  /** The path segment of POST /webhooks/{slug}. */
  readonly slug: string;
  /** Also served at a static POST /webhooks/{slug} route (senders configured before the shared route). */
  readonly dedicatedRoute?: boolean;
  /**
   * The sender sets no account header (Loop): the account is the URL's last segment,
   * POST /webhooks/{slug}/{account}, read from headers[PATH_ACCOUNT] (webhook-headers.ts).
   */
  readonly accountInPath?: boolean;
  /** One line for the API documentation: how the channel signs and names its deliveries. */
  readonly summary: string;
  /** The account as the hub keys it (Shopify shop domains are case-insensitive, so lower-cased). */
  normaliseAccount(raw: string): string;
  /** The quick-start secret from the environment for accounts without their own, if the channel has one. */
  defaultSecret(config: AppConfig): string | null;
  /** The account a delivery names (normalised), before it is authenticated. */
  accountOf(headers: WebhookHeaders): string | null;
  /** Checks the signature over the raw bytes; null when authentic. */
  authenticate(headers: WebhookHeaders, rawBody: Buffer, secrets: SecretsLookup): Promise<ChannelRefusal | null>;
  /**
   * Topic, dedupe key and status of an authentic delivery. `parsed` is the natively parsed
   * body (undefined when it is not JSON; big ids may be rounded: for shape checks only).
   */
  describe(headers: WebhookHeaders, parsed: unknown, bodyHash: string): DeliveryDescription;
  /** The answer when a dedupe key comes again with another body. */
  readonly reusedKey: ChannelRefusal;
  /** The stored body (parsed with big ids kept) in canonical terms. Pure: no I/O. */
  understand(delivery: StoredDelivery, body: unknown): ChannelMeaning;
}

/** Channel codes are upper-case identifiers: the shipments and mappings tables check the same format. */
export const CHANNEL_CODE_FORMAT = /^[A-Z][A-Z0-9_]*$/;

/** The note for a fulfilment the channel withdrew (or reports unshipped) that the hub holds no shipment for. */
export const nothingShipped = (id: string, status: string | null): string => `fulfillment ${id} is ${status ?? 'without a status'}: nothing shipped`;
