/**
 * The canonical events: what the hub's own modules say about the hub's own records,
 * published on the domain event bus (src/platform/events). They carry the hub's ids, so a
 * subscriber acts on the subject without asking the publisher's tables. What a channel
 * delivery means arrives as canonical records instead (CanonicalOrder, ShipmentConfirmation,
 * CanonicalReturnEvent), through the channel port. They are tested where they are used
 * (test/domain-events.e2e-spec.ts and each subscriber's e2e test).
 */
import type { CanonicalOrder } from './order.js';
import type { ChannelCode } from './references.js';

interface HubEventEnvelope<T extends string, P> {
  readonly type: T;
  /** Follows the cause from the webhook to every document it leads to. */
  readonly correlationId: string;
  readonly payload: P;
}

/** The order whose release gates all passed, in the transaction that released it. */
export type OrderReleased = HubEventEnvelope<
  'OrderReleased',
  {
    readonly orderId: string; readonly channel: ChannelCode; readonly account: string; readonly order: CanonicalOrder;
    /** The order is a counter sale (CanonicalOrder.counterSale): a target may take it as a cash sale. */
    readonly counterSale: boolean;
  }
>;

/** The channel cancelled an order the hub had (released or not). */
export type OrderCancelled = HubEventEnvelope<'OrderCancelled', { readonly orderId: string }>;

/**
 * The order's lines changed after release (an edit: quantities, lines added or taken off);
 * subscribers bring their documents in line. `version` is the channel's version of the order
 * that made the change (Shopify updated_at), one change per version.
 */
export type OrderLinesChanged = HubEventEnvelope<'OrderLinesChanged', { readonly orderId: string; readonly reason: string; readonly version: string }>;

/**
 * A released order's new version says the channel itself shipped units (a marketplace's own
 * warehouse, FBA): its fulfilments done at the channel are recorded as shipments.
 */
export type OrderShippedAtSource = HubEventEnvelope<'OrderShippedAtSource', { readonly orderId: string; readonly order: CanonicalOrder }>;

/** A parcel or handover of an order was confirmed and recorded as a shipment. */
export type ShipmentConfirmed = HubEventEnvelope<'ShipmentConfirmed', { readonly orderId: string; readonly shipmentId: string }>;

/**
 * A refund whose money moved (every transaction succeeded, within what was captured): the
 * returns module's word that an ERP credit for it may be built.
 */
export type RefundSucceeded = HubEventEnvelope<
  'RefundSucceeded',
  { readonly refundId: string; readonly caseId: string; readonly orderId: string; readonly channel: ChannelCode; readonly account: string }
>;

/**
 * A settlement or payout was imported whole and its control totals hold: its summary journal
 * (`settlementJournalId`, the subject SETTLEMENT) may go to the ERPs that take its channel.
 */
export type SettlementJournalDue = HubEventEnvelope<
  'SettlementJournalDue',
  { readonly settlementJournalId: string; readonly importId: string; readonly channel: string; readonly reportId: string }
>;

/** A store day's cash variance changed (closed over or short, recounted, restated by a late transaction): one journal of the change is due. */
export type StoreDayJournalDue = HubEventEnvelope<
  'StoreDayJournalDue',
  { readonly storeDayJournalId: string; readonly storeDayId: string; readonly channel: string; readonly store: string; readonly businessDate: string }
>;

/**
 * A return's exchange is settled (its refund, net of the exchange, moved): the new items become
 * an order of their own, linked to the original and the case, taken like any order of its
 * channel (gates, mappings, ERP). `inboxId` is the delivery that settled it (the order's lineage).
 */
export type ExchangeOrderRequested = HubEventEnvelope<
  'ExchangeOrderRequested',
  { readonly caseId: string; readonly order: CanonicalOrder; readonly inboxId: string | null }
>;

/**
 * A store day's sales are due in one summary (`seq` 1 at the close, then one per sale after it):
 * the targets that book counter sales as a daily summary get a cash sale of them.
 */
export type StoreDaySummaryDue = HubEventEnvelope<
  'StoreDaySummaryDue',
  { readonly storeDayId: string; readonly seq: number; readonly channel: string; readonly store: string; readonly businessDate: string }
>;

export type DomainEvent =
  | OrderReleased | OrderCancelled | OrderLinesChanged | OrderShippedAtSource | ShipmentConfirmed | RefundSucceeded | ExchangeOrderRequested
  | SettlementJournalDue | StoreDayJournalDue | StoreDaySummaryDue;

export type DomainEventType = DomainEvent['type'];

export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { readonly type: T }>;

/** Every type a handler may subscribe to; a handler for anything else stops the boot. */
export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  'OrderReleased', 'OrderCancelled', 'OrderLinesChanged', 'OrderShippedAtSource', 'ShipmentConfirmed', 'RefundSucceeded', 'ExchangeOrderRequested',
  'SettlementJournalDue', 'StoreDayJournalDue', 'StoreDaySummaryDue',
];
