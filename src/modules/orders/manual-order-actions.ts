import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { CanonicalOrder } from '../../canonical/order.js';
import { HOLD_REASON_MESSAGES, orderStateMachine, type HoldReason, type OrderStatus } from './domain/order-state.js';
import { evaluateReleaseGates, type ReleaseGateFailure } from './domain/release-gates.js';
import { OrderEventsService, type UnmappedIdentifier } from './order-events.service.js';

/** Who acted and why: the caller's API key name and the note they gave. */
export interface ManualAction {
  readonly actor: string;
  readonly note: string;
  readonly correlationId: string;
}

/** The order as its latest channel delivery says it, re-read for the release gates. */
export interface LatestOrder {
  readonly order: CanonicalOrder;
  readonly unmapped: readonly UnmappedIdentifier[];
}

export type ManualOutcome =
  | { readonly kind: 'DONE'; readonly orderId: string; readonly from: OrderStatus; readonly status: OrderStatus; readonly holdReasons: readonly HoldReason[]; readonly overridden: readonly HoldReason[] }
  | { readonly kind: 'NOT_FOUND' }
  | { readonly kind: 'NOT_ALLOWED'; readonly status: OrderStatus }
  | { readonly kind: 'NO_DELIVERY' }
  | { readonly kind: 'GATES_FAILED'; readonly gates: readonly ReleaseGateFailure[] };

interface LockedOrder {
  readonly id: string;
  readonly status: OrderStatus;
  readonly hold_reasons: HoldReason[];
}

/**
 * A person's release or hold of one order, inside the caller's transaction. A release runs the
 * release gates again over the order's latest delivery; the gates the person names are
 * overridden, and the override is kept in the order's history with who and why. A hold
 * (MANUAL_HOLD) outlasts the channel's updates until a manual release.
 */
@Injectable()
export class ManualOrderActions {
  constructor(@Inject(OrderEventsService) private readonly events: OrderEventsService) {}

  /** The inbox id of the order's latest applied delivery; null when it has none or does not exist. */
  async latestDelivery(runner: QueryRunner, orderId: string): Promise<string | null> {
    const [row]: { inbox_id: string }[] = await runner.query(
      `SELECT inbox_id FROM order_source_events WHERE order_id = $1 AND outcome = 'APPLIED' ORDER BY id DESC LIMIT 1`,
      [orderId],
    );
    return row?.inbox_id ?? null;
  }

  async release(
    runner: QueryRunner, orderId: string, overrideGates: readonly HoldReason[], by: ManualAction,
    latest: (inboxId: string) => Promise<LatestOrder | null>,
  ): Promise<ManualOutcome> {
    const head = await this.lock(runner, orderId);
    if (!head) return { kind: 'NOT_FOUND' };
    if (head.status === 'RELEASED' || !orderStateMachine.canTransition(head.status, 'RELEASED')) return { kind: 'NOT_ALLOWED', status: head.status };
    const inboxId = await this.latestDelivery(runner, orderId);
    const current = inboxId ? await latest(inboxId) : null;
    if (!current) return { kind: 'NO_DELIVERY' };
    const gates = [...evaluateReleaseGates(current.order)];
    if (current.unmapped.length > 0) gates.push({ reason: 'UNMAPPED', detail: current.unmapped.map((u) => `${u.kind} ${u.sourceValue}`).join(', ') });
    const open = gates.filter((g) => !overrideGates.includes(g.reason));
    if (open.length > 0) return { kind: 'GATES_FAILED', gates: open };
    const overridden = gates.filter((g) => overrideGates.includes(g.reason));
    const override = overridden.length > 0
      ? `; gates overridden: ${overridden.map((g) => `${g.reason} (${HOLD_REASON_MESSAGES[g.reason].replace(/\.$/, '')}: ${g.detail})`).join('; ')}`
      : '';
    await this.move(runner, head, 'RELEASED', [], [], `released by ${by.actor}: ${by.note}${override}`, by.correlationId);
    await this.events.publishReleased(runner, orderId, current.order, by.correlationId);
    return { kind: 'DONE', orderId, from: head.status, status: 'RELEASED', holdReasons: [], overridden: overridden.map((g) => g.reason) };
  }

  async hold(runner: QueryRunner, orderId: string, by: ManualAction): Promise<ManualOutcome> {
    const head = await this.lock(runner, orderId);
    if (!head) return { kind: 'NOT_FOUND' };
    // A posted order is in the ERP already; there is nothing left to hold back.
    if (!orderStateMachine.canTransition(head.status, 'ON_HOLD')) return { kind: 'NOT_ALLOWED', status: head.status };
    const reasons = head.hold_reasons.includes('MANUAL_HOLD') ? head.hold_reasons : [...head.hold_reasons, 'MANUAL_HOLD' as const];
    const detail = `held by ${by.actor}: ${by.note}`;
    await this.move(runner, head, 'ON_HOLD', reasons, [{ reason: 'MANUAL_HOLD', detail }], detail, by.correlationId);
    return { kind: 'DONE', orderId, from: head.status, status: 'ON_HOLD', holdReasons: reasons, overridden: [] };
  }

  private async lock(runner: QueryRunner, orderId: string): Promise<LockedOrder | null> {
    const [row]: LockedOrder[] = await runner.query('SELECT id, status, hold_reasons FROM orders WHERE id = $1::uuid FOR UPDATE', [orderId]);
    return row ?? null;
  }

  private async move(
    runner: QueryRunner, head: LockedOrder, to: OrderStatus, reasons: readonly HoldReason[], added: readonly { reason: string; detail: string }[],
    why: string, correlationId: string,
  ): Promise<void> {
    orderStateMachine.assertTransition(head.status, to, { holdReasons: reasons });
    await runner.query(
      `WITH moved AS (
         UPDATE orders SET status = $2, hold_reasons = $3,
                hold_details = CASE WHEN $2 = 'RELEASED' THEN '[]'::jsonb ELSE hold_details || $4::jsonb END, updated_at = now()
         WHERE id = $1 RETURNING id)
       INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id)
       SELECT id, $5, $2, $3, $6, $7 FROM moved`,
      [head.id, to, [...reasons], JSON.stringify(added), head.status, why, correlationId],
    );
  }
}
