import { money } from '../../orders/persistence/order-reader.js';
import type {
  PayoutModel, SettlementBreakActionModel, SettlementBreakModel, SettlementLineModel, SettlementMatchModel, SettlementModel,
} from './settlement.model.js';

type Row = Record<string, unknown>;
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const at = (v: unknown): Date | null => (v ? new Date(v as string) : null);

export const lineModel = (r: Row): SettlementLineModel => ({
  id: r.id as string, side: r.side as string, component: r.component as string, feeType: text(r.fee_type), providerKey: r.provider_key as string,
  lineage: r.lineage as string, channel: r.channel as string, orderRef: text(r.order_ref), transactionRef: text(r.transaction_ref),
  pspReference: text(r.psp_reference), payoutRef: text(r.payout_ref), amount: money(r.amount, r.currency as string),
  eventAt: at(r.event_at), postedAt: at(r.posted_at), matchId: text(r.match_id),
});

export const payoutModel = (r: Row): PayoutModel => ({
  id: r.id as string, payoutRef: r.payout_ref as string, channel: r.channel as string, status: text(r.payout_status),
  amount: money(r.amount, r.currency as string), at: at(r.posted_at) ?? at(r.event_at), settlementId: r.import_id as string, matchId: text(r.match_id),
});

export const settlementModel = (r: Row): SettlementModel => ({
  id: r.id as string, format: r.format as string, reportId: r.report_id as string, channel: r.channel as string, status: r.status as string,
  controlExpected: money(r.control_expected, r.currency as string), controlActual: money(r.control_actual, r.currency as string),
  lineCount: r.line_count as number, importedBy: r.imported_by as string, importedAt: new Date(r.imported_at as string),
});

export const breakModel = (r: Row): SettlementBreakModel => ({
  id: r.id as string, category: r.category as string, status: r.status as string, amount: money(r.amount, r.currency as string),
  channel: r.channel as string, explanation: r.explanation as string, ageDays: r.age_days as number, openedAt: new Date(r.opened_at as string),
  statusAt: new Date(r.status_at as string), statusBy: text(r.status_by), note: text(r.note), settlementId: text(r.import_id),
  lineId: text(r.component_id), matchId: text(r.match_id),
});

export const matchModel = (r: Row): SettlementMatchModel => ({
  id: r.id as string, rule: r.rule as string, kind: r.kind as string, toleranceUsed: r.tolerance_used as string, matchedAt: new Date(r.matched_at as string),
});

export const actionModel = (r: Row): SettlementBreakActionModel => ({
  action: r.action as string, actor: r.actor as string, note: text(r.note), actedAt: new Date(r.acted_at as string),
});
