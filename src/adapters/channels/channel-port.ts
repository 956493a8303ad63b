import type { ShipmentCancellation, ShipmentConfirmation, ShipmentLine } from '../../canonical/fulfillment.js';
import type { CanonicalOrder } from '../../canonical/order.js';
import type { CanonicalReturnEvent } from '../../canonical/return.js';
import type { StoreDayClose, TillTransaction } from '../../canonical/store-day.js';
import type { AppConfig } from '../../platform/config/app-config.js';
import type { RedisTokenBuckets } from '../../platform/queue/redis-token-bucket.js';
import type { ChannelPoller, PolledEvent } from '../../modules/ingestion/polling/channel-poller.js';

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
  /** `till`: a store sale's effect on its store day's cash drawer, beside the order. */
  | { ok: true; type: 'order'; value: ChannelOrderEvent; till?: TillTransaction }
  /** A till transaction that is no order (a return, void, no-sale, paid in or out): kept for its store day. */
  | { ok: true; type: 'till'; transaction: TillTransaction; reason: string }
  /** The cash count that closes a store day. */
  | { ok: true; type: 'dayClose'; close: StoreDayClose }
  | { ok: true; type: 'shipment'; confirmation: ShipmentConfirmation }
  | { ok: true; type: 'cancellation'; cancellation: ShipmentCancellation }
  | { ok: true; type: 'return'; event: CanonicalReturnEvent }
  /**
   * Several return events of one delivery, applied in order in one transaction (a return at a till:
   * the goods taken back, then the money paid back); `till` is its effect on the store day's cash.
   */
  | { ok: true; type: 'returns'; events: readonly CanonicalReturnEvent[]; till?: TillTransaction }
  /** The delivery only says something changed (a marketplace notification): the hub fetches `ref` from the channel (pull). */
  | { ok: true; type: 'fetch'; ref: string; reason: string }
  | { ok: true; type: 'nothing'; reason: string }
  | { ok: false; reason: string };

/** A pull channel's account as the hub keeps it: the API base, its token (write-only) and its non-secret settings. */
export interface PullAccount {
  readonly account: string;
  readonly apiUrl: string | null;
  readonly accessToken: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** What the hub lends a channel's API client: a shared rate budget and the application's own credentials. */
export interface ChannelContext {
  readonly buckets: RedisTokenBuckets | null;
  readonly config: AppConfig;
  readonly signal?: AbortSignal;
}

export type PullContext = ChannelContext;

/**
 * A channel the hub pulls from (a marketplace): a poller per account, run on an interval as the
 * safety net, and a fetch of one object a notification named. Both write into the same inbox
 * with the same dedupe keys, so a notified change and a polled one are one event.
 */
export interface ChannelPull {
  /** Checks an account's settings when it is saved; throws an Error naming the field. */
  checkSettings(settings: Readonly<Record<string, unknown>>): void;
  /** Absent for a channel whose webhooks are the feed and which is read only for what a webhook names (Shopify's reverse logistics). */
  poller?(account: PullAccount, context: PullContext): ChannelPoller;
  fetchOne(account: PullAccount, context: PullContext, ref: string): Promise<PolledEvent[]>;
}

/** One item of a batch (a store system's transaction), stored as an inbox row of its own. */
export interface ChannelBatchItem {
  /** How the answer names it (the transaction id). */
  readonly ref: string;
  readonly topic: string;
  readonly dedupeKey: string;
  readonly eventId: string | null;
  /** What the row keeps and the processor reads (JSON). */
  readonly body: Buffer;
  /**
   * The bytes a repeat is compared by (hashed into body_hash), when not the body: the item without
   * the batch it came in, so the same transaction in another batch or a file is a duplicate.
   */
  readonly identity?: Buffer;
  /** REJECTED (kept, with the reason) when the item cannot be used; the batch's other items still go through. */
  readonly status: 'PENDING' | 'REJECTED';
  readonly error: string | null;
}

/** A channel that sends batches (store systems): the authenticated batch, split into items. */
export interface ChannelBatches {
  split(parsed: unknown, account: string): { ok: true; batchId: string; items: ChannelBatchItem[] } | { ok: false; refusal: ChannelRefusal };
  /**
   * A file dropped in the channel's watched folder (CSV, NDJSON, ...) as the batches `split` takes;
   * each then goes through the same intake. Refused whole (with why) when it cannot be read at all.
   */
  fromFile?(file: { readonly name: string; readonly content: Buffer }, account: string): { ok: true; batches: unknown[] } | { ok: false; reason: string };
}

/** The signing secrets of an account, looked up by the ingestion (cached; no query per delivery). */
export type SecretsLookup = (account: string | null) => Promise<readonly string[]>;

/** An account's access to the channel's own API (channel_accounts admin_api_url and token). */
export interface ChannelApiAccess {
  readonly account: string;
  /** The API base the account configured; null for the channel's default. */
  readonly apiUrl: string | null;
  readonly accessToken: string;
  /** The account's non-secret settings (Amazon's marketplace ids). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** A shipment the hub passes on to the order's channel, so the channel can tell the customer. */
export interface TrackingBack {
  /** The channel's order id (orders.external_id). */
  readonly orderExternalId: string;
  /** Units per order line (lineRef is the channel's line id); not cumulative. */
  readonly lines: readonly ShipmentLine[];
  readonly carrier: string | null;
  readonly trackingNumbers: readonly string[];
  readonly trackingUrl: string | null;
  /** A parcel is announced to the customer; goods picked up at a counter are not. */
  readonly notifyCustomer: boolean;
  /** When it left (ISO 8601): marketplaces date the shipment by it. */
  readonly shippedAt: string;
  /** The hub's shipment id: stable across attempts, so a channel can key the package by it. */
  readonly shipmentId: string;
}

export interface TrackingOptions {
  readonly lookupFirst: boolean;
  readonly timeoutMs: number;
  /** Rate budgets shared across processes and the hub's application credentials (Login with Amazon). */
  readonly context: ChannelContext;
}

/**
 * Optional outbound operation: tracking back to the channel. A channel without it gets no
 * channel message for shipments (NOT_REQUIRED); one with it gets a CHANNEL_FULFILLMENT
 * outbound message for every shipment confirmed by someone else (a WMS, a store). One call
 * is one attempt; failures are DeliveryError kinds the outbox's backoff understands.
 */
export interface ChannelFulfilments {
  /**
   * Records the shipment on the channel; returns the channel's fulfilment id. With
   * lookupFirst (after an ambiguous outcome) it looks for one already recorded first, so
   * the customer hears of the parcel once.
   */
  sendTracking(access: ChannelApiAccess, shipment: TrackingBack, options: TrackingOptions): Promise<string>;
  /** Why a shipment waits when the account has no API access configured (MISSING_DEPENDENCY). */
  missingAccess(account: string): string;
}

export interface ChannelAdapter {
  /** Upper-case code: the inbox source, orders.channel, mappings.channel. */
  readonly code: string;
  /** The channel's name in notes people read ("Shopify cancelled fulfilment ..."). */
  readonly label: string;
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
  /** Tracking back to the channel, when the channel takes it. */
  readonly fulfilments?: ChannelFulfilments;
  /** Channels that send batches of events at POST /webhooks/{slug}/{account}/batches. */
  readonly batches?: ChannelBatches;
  /** Marketplaces the hub pulls from; absent for channels that only push. */
  readonly pull?: ChannelPull;
}

/** Channel codes are upper-case identifiers: the shipments and mappings tables check the same format. */
export const CHANNEL_CODE_FORMAT = /^[A-Z][A-Z0-9_]*$/;

/** The note for a fulfilment the channel withdrew (or reports unshipped) that the hub holds no shipment for. */
export const nothingShipped = (id: string, status: string | null): string => `fulfillment ${id} is ${status ?? 'without a status'}: nothing shipped`;
