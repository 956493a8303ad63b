import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { DomainEventBus } from '../../platform/events/domain-event-bus.js';
import { describeRounding } from '../../canonical/conversion.js';
import type { CanonicalOrder } from '../../canonical/order.js';
import { HOLD_REASON_MESSAGES, orderStateMachine, type HoldReason, type OrderStatus } from './domain/order-state.js';
import { describeLineEdit, lineFactsOf } from './domain/line-edits.js';
import { decideTransition, evaluateReleaseGates, type ReleaseGateFailure } from './domain/release-gates.js';
import { OrderWriter, type EventLineage, type HistoryEntry, type StoredOrderHead } from './persistence/order-writer.js';

export type OrderEventKind = 'PLACED' | 'UPDATED' | 'CANCELLED';

/** States in which the order's documents are (or are being) written: an edit then changes them. */
const EDITABLE_AFTER_RELEASE: readonly OrderStatus[] = ['RELEASED', 'POSTED', 'PARTIALLY_FULFILLED', 'FULFILLED'];

/** An identifier of the order the ERP has no mapping for yet (resolved by master data). */
export interface UnmappedIdentifier {
  readonly kind: string;
  readonly channel: string;
  readonly account: string;
  readonly sourceValue: string;
}

export interface OrderEventInput {
  readonly order: CanonicalOrder;
  readonly kind: OrderEventKind;
  readonly lineage: EventLineage;
  /** What master data could not resolve; each holds the order with UNMAPPED. */
  readonly unmapped?: readonly UnmappedIdentifier[];
}

export interface OrderEventResult {
  readonly orderId: string;
  readonly outcome: 'CREATED' | 'APPLIED' | 'STALE';
  readonly status: OrderStatus;
  readonly holdReasons: readonly HoldReason[];
}

interface Decision {
  readonly to: OrderStatus;
  readonly holdReasons: readonly HoldReason[];
  readonly gates: readonly ReleaseGateFailure[];
}

/**
 * Applies one channel event to the order aggregate, inside the caller's transaction.
 * A new order is decided (release gates, state) before it is written, then written whole
 * in one statement. An existing one is locked, compared by source version, replaced and
 * transitioned. Applying the same event again changes nothing; an older version than the
 * one held is recorded as stale and changes nothing.
 */
/** Statuses in which an order's release has already recorded its fulfilments done at the channel. */
const SHIPPED_AT_SOURCE_AFTER: readonly OrderStatus[] = ['RELEASED', 'POSTED', 'PARTIALLY_FULFILLED'];

@Injectable()
export class OrderEventsService {
  constructor(@Inject(DomainEventBus) private readonly events: DomainEventBus) {}

  async apply(runner: QueryRunner, input: OrderEventInput): Promise<OrderEventResult> {
    const writer = new OrderWriter(runner);
    // orders/create is nearly always new: try the one-statement insert before any lock.
    let head = input.kind === 'PLACED' ? null : await writer.lock(input.order);
    if (!head) {
      const created = await this.create(writer, input);
      if (created) return created;
      head = await writer.lock(input.order);
      if (!head) throw new Error(`order ${input.order.source.externalId} neither inserted nor found`);
    }
    return this.update(writer, head, input);
  }

  private async create(writer: OrderWriter, input: OrderEventInput): Promise<OrderEventResult | null> {
    const decision = this.decide('RECEIVED', input);
    const rounding = describeRounding(input.order);
    const history: HistoryEntry[] = [
      { from: null, to: 'RECEIVED', holdReasons: [], reason: `received via ${input.lineage.topic}` },
      ...(rounding ? [{ from: 'RECEIVED' as const, to: 'RECEIVED' as const, holdReasons: [], reason: rounding }] : []),
      ...this.transitions('RECEIVED', [], decision, input.lineage.topic),
    ];
    const id = await writer.create(
      input.order,
      { status: decision.to, holdReasons: decision.holdReasons, holdDetails: details(decision.gates), history, unmapped: input.unmapped ?? [] },
      input.lineage,
    );
    if (!id) return null;
    if (decision.to === 'RELEASED') await this.released(writer, id, input);
    return { orderId: id, outcome: 'CREATED', status: decision.to, holdReasons: decision.holdReasons };
  }

  private async update(writer: OrderWriter, head: StoredOrderHead, input: OrderEventInput): Promise<OrderEventResult> {
    const { order, lineage } = input;
    if (new Date(order.sourceUpdatedAt).getTime() < head.sourceUpdatedAt.getTime()) {
      await writer.recordSourceEvent(head.id, order.sourceUpdatedAt, 'STALE', lineage);
      return { orderId: head.id, outcome: 'STALE', status: head.status, holdReasons: head.holdReasons };
    }
    const linesBefore = EDITABLE_AFTER_RELEASE.includes(head.status) ? await writer.lineFacts(head.id) : null;
    // Read only when there is a rounding to note: most updates have none and cost no extra statement.
    const rounding = describeRounding(order);
    const roundingBefore = rounding ? await writer.roundingNote(head.id) : null;
    await writer.replace(head.id, order);
    if (rounding && rounding !== roundingBefore) {
      await writer.recordHistory(head.id, [{ from: head.status, to: head.status, holdReasons: head.holdReasons, reason: rounding }], lineage);
    }
    const decision = this.decide(head.status, input, head.holdReasons.includes('MANUAL_HOLD'));
    await writer.setStatus(head.id, decision.to, decision.holdReasons, details(decision.gates));
    await writer.replaceUnmapped(head.id, decision.to === 'CANCELLED' ? [] : (input.unmapped ?? []));
    await writer.recordHistory(head.id, this.transitions(head.status, head.holdReasons, decision, lineage.topic), lineage);
    await writer.recordSourceEvent(head.id, order.sourceUpdatedAt, 'APPLIED', lineage);
    if (decision.to === 'RELEASED' && head.status !== 'RELEASED') await this.released(writer, head.id, input);
    if (decision.to === 'CANCELLED' && head.status !== 'CANCELLED') await this.cancelled(writer, head.id, lineage.correlationId);
    const edit = linesBefore && decision.to !== 'CANCELLED' ? describeLineEdit(linesBefore, lineFactsOf(order)) : null;
    if (edit) await this.linesChanged(writer, { id: head.id, status: decision.to }, edit, input);
    // Released before: what the channel shipped itself since is recorded now (on release it goes with OrderReleased).
    if (SHIPPED_AT_SOURCE_AFTER.includes(head.status) && decision.to !== 'CANCELLED' && (order.fulfilledAtSource?.length ?? 0) > 0) {
      await this.events.publish(writer.runner, { type: 'OrderShippedAtSource', correlationId: lineage.correlationId, payload: { orderId: head.id, order } });
    }
    return { orderId: head.id, outcome: 'APPLIED', status: decision.to, holdReasons: decision.holdReasons };
  }

  /** Subscribers (ERP postings, fulfilment requests, held shipments) write their rows in this transaction. */
  private async released(writer: OrderWriter, orderId: string, input: OrderEventInput): Promise<void> {
    const { source } = input.order;
    await this.events.publish(writer.runner, {
      type: 'OrderReleased',
      correlationId: input.lineage.correlationId,
      payload: { orderId, channel: source.system, account: source.account, order: input.order, counterSale: input.order.counterSale === true },
    });
  }

  /** An edit after release: recorded in the history, and its documents (ERP line changes) follow. */
  private async linesChanged(writer: OrderWriter, order: { id: string; status: OrderStatus }, edit: string, input: OrderEventInput): Promise<void> {
    const reason = `order edited (${input.lineage.topic}): ${edit}`;
    await writer.recordHistory(order.id, [{ from: order.status, to: order.status, holdReasons: [], reason }], input.lineage);
    await this.events.publish(writer.runner, {
      type: 'OrderLinesChanged',
      correlationId: input.lineage.correlationId,
      payload: { orderId: order.id, reason, version: input.order.sourceUpdatedAt },
    });
  }

  private async cancelled(writer: OrderWriter, orderId: string, correlationId: string): Promise<void> {
    await this.events.publish(writer.runner, { type: 'OrderCancelled', correlationId, payload: { orderId } });
  }

  private decide(current: OrderStatus, input: OrderEventInput, heldByHand = false): Decision {
    // Everything shipped: a late cancel has nothing left to take back (a return would).
    if (current === 'FULFILLED') return { to: 'FULFILLED', holdReasons: [], gates: [] };
    // A cancelled order stays cancelled; its gates no longer mean anything. Only the order
    // itself (cancelled_at) says it is cancelled, never the event's kind.
    if (input.order.cancelledAt !== null || current === 'CANCELLED') {
      return { to: 'CANCELLED', holdReasons: [], gates: [] };
    }
    const gates = [...evaluateReleaseGates(input.order)];
    const unmapped = input.unmapped ?? [];
    if (unmapped.length > 0) {
      gates.push({ reason: 'UNMAPPED', detail: unmapped.map((u) => `${u.kind} ${u.sourceValue}`).join(', ') });
    }
    // A person's hold outlasts the channel's updates: only a manual release lifts it.
    if (heldByHand) gates.push({ reason: 'MANUAL_HOLD', detail: 'held by an operator' });
    return { ...decideTransition(current, gates), gates };
  }

  /**
   * Publishes OrderReleased for an order released by other means than a channel event (a
   * person's release), in the caller's transaction, so its postings and requests are written.
   */
  async publishReleased(runner: QueryRunner, orderId: string, order: CanonicalOrder, correlationId: string): Promise<void> {
    await this.events.publish(runner, {
      type: 'OrderReleased', correlationId, payload: { orderId, channel: order.source.system, account: order.source.account, order, counterSale: order.counterSale === true },
    });
  }

  /** The history rows for a move, checked against the transition table; none when nothing changed. */
  private transitions(from: OrderStatus, fromReasons: readonly HoldReason[], decision: Decision, topic: string): HistoryEntry[] {
    const { to, holdReasons, gates } = decision;
    const sameReasons = fromReasons.length === holdReasons.length && fromReasons.every((r) => holdReasons.includes(r));
    if (from === to && (to !== 'ON_HOLD' || sameReasons)) return [];
    orderStateMachine.assertTransition(from, to, { holdReasons });
    const reason =
      to === 'CANCELLED'
        ? `cancelled by the channel (${topic})`
        : to === 'RELEASED'
          ? `all release gates passed (${topic})`
          : `held (${topic}): ${gates.map((g) => `${HOLD_REASON_MESSAGES[g.reason].replace(/\.$/, '')}: ${g.detail}`).join('; ')}`;
    return [{ from, to, holdReasons, reason }];
  }
}

function details(gates: readonly ReleaseGateFailure[]): { reason: string; detail: string }[] {
  return gates.map((g) => ({ reason: g.reason, detail: g.detail }));
}
