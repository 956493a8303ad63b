import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { CanonicalOrder } from '../../canonical/order.js';
import { HOLD_REASON_MESSAGES, orderStateMachine, type HoldReason, type OrderStatus } from './domain/order-state.js';
import { decideTransition, evaluateReleaseGates, type ReleaseGateFailure } from './domain/release-gates.js';
import { OrderWriter, type EventLineage, type HistoryEntry } from './persistence/order-writer.js';

export type OrderEventKind = 'PLACED' | 'UPDATED' | 'CANCELLED';

export interface OrderEventInput {
  readonly order: CanonicalOrder;
  readonly kind: OrderEventKind;
  readonly lineage: EventLineage;
}

export interface OrderEventResult {
  readonly orderId: string;
  readonly outcome: 'CREATED' | 'APPLIED' | 'STALE';
  readonly status: OrderStatus;
  readonly holdReasons: readonly HoldReason[];
}

/**
 * Applies one channel event to the order aggregate, inside the caller's transaction:
 * lock → compare source versions → write → run the release gates → transition → record.
 * Applying the same event again changes nothing; an older version than the one held is
 * recorded as stale and changes nothing.
 */
@Injectable()
export class OrderEventsService {
  async apply(runner: QueryRunner, input: OrderEventInput): Promise<OrderEventResult> {
    const writer = new OrderWriter(runner);
    const { order, lineage } = input;
    let head = await writer.lock(order);
    let created = false;
    if (!head) {
      const id = await writer.insert(order);
      if (id) {
        created = true;
        head = { id, status: 'RECEIVED', holdReasons: [], sourceUpdatedAt: new Date(order.sourceUpdatedAt) };
        await writer.recordHistory(id, [{ from: null, to: 'RECEIVED', holdReasons: [], reason: `received via ${lineage.topic}` }], lineage);
      } else {
        head = await writer.lock(order);
      }
    }
    if (!head) throw new Error(`order ${order.source.externalId} neither inserted nor found`);

    const incoming = new Date(order.sourceUpdatedAt);
    if (!created && incoming.getTime() < head.sourceUpdatedAt.getTime()) {
      await writer.recordSourceEvent(head.id, order.sourceUpdatedAt, 'STALE', lineage);
      return { orderId: head.id, outcome: 'STALE', status: head.status, holdReasons: head.holdReasons };
    }
    if (!created) await writer.replace(head.id, order);

    const cancelled = input.kind === 'CANCELLED' || order.cancelledAt !== null;
    // A cancelled order stays cancelled; its gates no longer mean anything.
    const gates = cancelled || head.status === 'CANCELLED' ? [] : evaluateReleaseGates(order);
    const decision = cancelled ? { to: 'CANCELLED' as const, holdReasons: [] } : decideTransition(head.status, gates);
    const entries = this.transitions(head.status, head.holdReasons, decision.to, decision.holdReasons, gates, lineage.topic);
    await writer.setStatus(head.id, decision.to, decision.holdReasons, gates.map((g) => ({ reason: g.reason, detail: g.detail })));
    await writer.recordHistory(head.id, entries, lineage);
    await writer.recordSourceEvent(head.id, order.sourceUpdatedAt, 'APPLIED', lineage);
    return { orderId: head.id, outcome: created ? 'CREATED' : 'APPLIED', status: decision.to, holdReasons: decision.holdReasons };
  }

  /** The history rows for a move, checked against the transition table; none when nothing changed. */
  private transitions(
    from: OrderStatus,
    fromReasons: readonly HoldReason[],
    to: OrderStatus,
    toReasons: readonly HoldReason[],
    gates: readonly ReleaseGateFailure[],
    topic: string,
  ): HistoryEntry[] {
    const sameReasons = fromReasons.length === toReasons.length && fromReasons.every((r) => toReasons.includes(r));
    if (from === to && (to !== 'ON_HOLD' || sameReasons)) return [];
    orderStateMachine.assertTransition(from, to, { holdReasons: toReasons });
    const reason =
      to === 'CANCELLED'
        ? `cancelled by the channel (${topic})`
        : to === 'RELEASED'
          ? `all release gates passed (${topic})`
          : `held (${topic}): ${gates.map((g) => `${HOLD_REASON_MESSAGES[g.reason]}: ${g.detail}`).join('; ')}`;
    return [{ from, to, holdReasons: toReasons, reason }];
  }
}
