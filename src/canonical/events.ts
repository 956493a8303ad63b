/**
 * The canonical events: what adapters produce and domain modules consume, one
 * discriminated union on `type`. Payloads are deliberately lean; they grow as each
 * module needs more. Every amount is {@link Money} (bigint minor units), every id a string.
 *
 * @since 0.1.0
 */
import type { Money } from './money.js';
import type { CanonicalOrder, RiskAssessment, TenderKind } from './order.js';
import type { ErpRef, SourceRef } from './references.js';

/** What every canonical event carries besides its payload. */
export interface CanonicalEventEnvelope<T extends string, P> {
  readonly type: T;
  /** Follows the event from the webhook to the ERP and back (logs, jobs, postings). */
  readonly correlationId: string;
  /** The record in the source system this event was read from. */
  readonly source: SourceRef;
  /** ISO-8601 instant at which it happened in the source (not when the hub received it). */
  readonly occurredAt: string;
  readonly payload: P;
}

/** A quantity of one order line. */
export interface LineQuantity {
  readonly orderLineExternalId: string;
  readonly sku: string | null;
  readonly quantity: number;
}

export type Disposition = 'RESTOCK' | 'SCRAP' | 'VENDOR_RETURN' | 'REFURBISH';

export const DISPOSITIONS: readonly Disposition[] = ['RESTOCK', 'SCRAP', 'VENDOR_RETURN', 'REFURBISH'];

// ---- orders and payments -------------------------------------------------------------

export type OrderPlaced = CanonicalEventEnvelope<'OrderPlaced', { readonly order: CanonicalOrder }>;

export type OrderUpdated = CanonicalEventEnvelope<'OrderUpdated', { readonly order: CanonicalOrder }>;

export type OrderCancelled = CanonicalEventEnvelope<
  'OrderCancelled',
  { readonly order: CanonicalOrder; readonly reason: string | null }
>;

export type PaymentAuthorized = CanonicalEventEnvelope<
  'PaymentAuthorized',
  {
    readonly orderRef: SourceRef;
    readonly tender: TenderKind;
    readonly gateway: string;
    readonly amount: Money;
    readonly authorizationId: string | null;
  }
>;

export type PaymentCaptured = CanonicalEventEnvelope<
  'PaymentCaptured',
  {
    readonly orderRef: SourceRef;
    readonly tender: TenderKind;
    readonly gateway: string;
    readonly amount: Money;
    readonly captureId: string | null;
  }
>;

export type RiskAssessed = CanonicalEventEnvelope<'RiskAssessed', { readonly orderRef: SourceRef; readonly risk: RiskAssessment }>;

// ---- fulfilment ----------------------------------------------------------------------

export type FulfillmentRequested = CanonicalEventEnvelope<
  'FulfillmentRequested',
  {
    readonly orderRef: SourceRef;
    readonly fulfillmentId: string;
    readonly locationRef: string | null;
    readonly lines: readonly LineQuantity[];
  }
>;

export type ShipmentConfirmed = CanonicalEventEnvelope<
  'ShipmentConfirmed',
  {
    readonly orderRef: SourceRef;
    readonly fulfillmentId: string | null;
    readonly lines: readonly LineQuantity[];
    readonly carrier: string | null;
    readonly trackingNumbers: readonly string[];
    readonly shippedAt: string;
  }
>;

// ---- returns and refunds -------------------------------------------------------------

export type ReturnAuthorized = CanonicalEventEnvelope<
  'ReturnAuthorized',
  {
    readonly orderRef: SourceRef;
    readonly rmaNumber: string;
    readonly lines: readonly (LineQuantity & { readonly reason: string | null })[];
  }
>;

export type ReturnInTransit = CanonicalEventEnvelope<
  'ReturnInTransit',
  { readonly rmaNumber: string; readonly carrier: string | null; readonly trackingNumber: string | null }
>;

export type ReturnReceived = CanonicalEventEnvelope<
  'ReturnReceived',
  { readonly rmaNumber: string; readonly locationRef: string | null; readonly lines: readonly LineQuantity[] }
>;

export type ReturnInspected = CanonicalEventEnvelope<
  'ReturnInspected',
  { readonly rmaNumber: string; readonly lines: readonly (LineQuantity & { readonly condition: string })[] }
>;

export type DispositionAssigned = CanonicalEventEnvelope<
  'DispositionAssigned',
  { readonly rmaNumber: string; readonly lines: readonly (LineQuantity & { readonly disposition: Disposition })[] }
>;

export type RefundApproved = CanonicalEventEnvelope<
  'RefundApproved',
  { readonly orderRef: SourceRef; readonly rmaNumber: string | null; readonly amount: Money; readonly reason: string | null }
>;

export type RefundSettled = CanonicalEventEnvelope<
  'RefundSettled',
  { readonly orderRef: SourceRef; readonly refundId: string; readonly gateway: string; readonly amount: Money }
>;

export type CreditMemoPosted = CanonicalEventEnvelope<
  'CreditMemoPosted',
  { readonly orderRef: SourceRef; readonly rmaNumber: string | null; readonly erpRef: ErpRef; readonly amount: Money }
>;

// ---- settlement ----------------------------------------------------------------------

export type SettlementReported = CanonicalEventEnvelope<
  'SettlementReported',
  {
    readonly settlementId: string;
    readonly periodStart: string;
    readonly periodEnd: string;
    /** Sales and other credits before fees; fees are positive amounts taken. */
    readonly gross: Money;
    readonly fees: Money;
    readonly net: Money;
  }
>;

export type PayoutReported = CanonicalEventEnvelope<
  'PayoutReported',
  { readonly payoutId: string; readonly settlementIds: readonly string[]; readonly amount: Money; readonly paidAt: string | null }
>;

export type CanonicalEvent =
  | OrderPlaced
  | OrderUpdated
  | PaymentAuthorized
  | PaymentCaptured
  | RiskAssessed
  | OrderCancelled
  | FulfillmentRequested
  | ShipmentConfirmed
  | ReturnAuthorized
  | ReturnInTransit
  | ReturnReceived
  | ReturnInspected
  | DispositionAssigned
  | RefundApproved
  | RefundSettled
  | CreditMemoPosted
  | SettlementReported
  | PayoutReported;

export type CanonicalEventType = CanonicalEvent['type'];

/** The member of the union with the given type, e.g. `EventOfType<'OrderPlaced'>`. */
export type EventOfType<T extends CanonicalEventType> = Extract<CanonicalEvent, { readonly type: T }>;

/** Every event type, in the order DESIGN.md lists them. */
export const CANONICAL_EVENT_TYPES = [
  'OrderPlaced',
  'OrderUpdated',
  'PaymentAuthorized',
  'PaymentCaptured',
  'RiskAssessed',
  'OrderCancelled',
  'FulfillmentRequested',
  'ShipmentConfirmed',
  'ReturnAuthorized',
  'ReturnInTransit',
  'ReturnReceived',
  'ReturnInspected',
  'DispositionAssigned',
  'RefundApproved',
  'RefundSettled',
  'CreditMemoPosted',
  'SettlementReported',
  'PayoutReported',
] as const satisfies readonly CanonicalEventType[];

// Compile-time check that the list names every member of the union.
type UnlistedEventType = Exclude<CanonicalEventType, (typeof CANONICAL_EVENT_TYPES)[number]>;
const everyEventTypeListed: [UnlistedEventType] extends [never] ? true : UnlistedEventType = true;
void everyEventTypeListed;

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(CANONICAL_EVENT_TYPES);

export function isCanonicalEventType(value: unknown): value is CanonicalEventType {
  return typeof value === 'string' && EVENT_TYPE_SET.has(value);
}

/**
 * Exhaustiveness check for switches over a union: the call only compiles when every
 * case is handled, and throws if an unexpected value arrives at run time anyway.
 */
export function assertNever(value: never, message?: string): never {
  throw new Error(message ?? `unexpected value: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'type' in value) return `{ type: ${String(value.type)} }`;
  // JSON.stringify would throw on the bigint amounts events carry.
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
