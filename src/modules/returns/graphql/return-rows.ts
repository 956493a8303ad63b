import { money } from '../../orders/persistence/order-reader.js';
import type {
  ExchangeLineModel,
  RefundComponentModel, RefundModel, RefundTransactionModel, ReturnCaseModel, ReturnEventModel, ReturnLineModel,
} from './return.model.js';

type Row = Record<string, unknown>;
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const currencyOf = (row: Row): string => (row.currency_code as string).trim();

export const caseModel = (r: Row): ReturnCaseModel => ({
  id: r.id as string, channel: r.channel as string, account: r.account as string, orderExternalId: r.order_external_id as string,
  orderId: text(r.order_id), returnRef: text(r.return_ref), rmaRef: text(r.rma_ref), status: r.status as string,
  holdReason: text(r.hold_reason), flags: (r.flags as string[]) ?? [], openedAt: new Date(r.opened_at as string),
  updatedAt: new Date(r.updated_at as string), completedAt: r.completed_at ? new Date(r.completed_at as string) : null,
});

export const exchangeLineModel = (r: Row): ExchangeLineModel => ({
  externalId: r.external_id as string, sku: text(r.sku), variantId: text(r.variant_id), title: r.title as string, quantity: r.quantity as number,
  total: money(r.total, currencyOf(r)),
});

export const lineModel = (r: Row): ReturnLineModel => ({
  lineRef: r.line_ref as string, requested: r.requested as number, approved: r.approved as number, inTransit: r.in_transit as number,
  received: r.received as number, inspected: r.inspected as number, dispositioned: r.dispositioned as number, refunded: r.refunded as number,
  reason: text(r.reason), condition: text(r.condition),
});

export const refundModel = (r: Row): RefundModel => ({
  id: r.id as string, caseId: r.case_id as string, channel: r.channel as string, externalId: r.external_id as string, state: r.state as string,
  reason: text(r.reason), detail: text(r.detail), total: money(r.total, currencyOf(r)), processedAt: new Date(r.processed_at as string),
  settledAt: r.settled_at ? new Date(r.settled_at as string) : null, settlementRef: text(r.settlement_ref), exception: r.exception === true,
});

export const componentModel = (r: Row): RefundComponentModel => ({
  kind: r.kind as string, amount: money(r.amount, currencyOf(r)), lineRef: text(r.line_ref), quantity: r.quantity as number, restockType: text(r.restock_type),
});

export const transactionModel = (r: Row): RefundTransactionModel => ({
  externalId: r.external_id as string, tender: r.tender as string, gateway: r.gateway as string, status: r.status as string, amount: money(r.amount, currencyOf(r)),
});

export const eventModel = (r: Row): ReturnEventModel => ({
  id: String(r.id), source: r.source_system as string, eventKey: r.event_key as string, kind: r.kind as string,
  occurredAt: new Date(r.occurred_at as string), recordedAt: new Date(r.recorded_at as string), description: r.description as string,
  correlationId: r.correlation_id as string, inboxId: text(r.inbox_id),
});
