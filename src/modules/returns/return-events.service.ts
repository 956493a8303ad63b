import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { CanonicalReturnEvent, KeyedReturnEvent, ReturnIdentity } from '../../canonical/return.js';
import { afterCommit } from '../../platform/database/sql.js';
import { DomainEventBus } from '../../platform/events/domain-event-bus.js';
import { OrderService, type OrderRefundBasis } from '../orders/order.service.js';
import type { CaseFlag } from './domain/case-status.js';
import { refundReadiness, refundTotal } from './domain/refund-money.js';
import { CaseStore, type CaseRow } from './persistence/case-store.js';
import { exchangeLineTotal, exchangeOrder } from './domain/exchange-order.js';
import { ExchangeStore } from './persistence/exchange-store.js';
import { RefundStore } from './persistence/refund-store.js';
import { restateCase, type Restated } from './persistence/restate-case.js';
import { ReturnMetrics } from './return-metrics.js';

export interface ReturnLineage {
  readonly inboxId: string | null;
  readonly correlationId: string;
}

export type ReturnOutcome =
  | { readonly outcome: 'APPLIED'; readonly caseId: string; readonly status: string; readonly note: string | null }
  | { readonly outcome: 'DUPLICATE'; readonly caseId: string; readonly note: string }
  | { readonly outcome: 'REFUSED'; readonly note: string };

/** Flags each whole-case event sets, and the ones it clears. */
const CASE_FLAGS: Partial<Record<CanonicalReturnEvent['kind'], { set: CaseFlag | null; clear: CaseFlag[] }>> = {
  DECLINED: { set: 'DECLINED', clear: [] },
  CANCELLED: { set: 'CANCELLED', clear: [] },
  CLOSED: { set: 'CLOSED', clear: [] },
  REOPENED: { set: null, clear: ['CLOSED'] },
};

/**
 * The returns module's intake: every return event, from any source, moves its case inside the
 * caller's transaction. An event the source sent before changes nothing. A refund is stored
 * once with its parts and judged by the finance rules (refund-money.ts); one whose money moved
 * is announced as RefundSucceeded for the ERP credit.
 */
@Injectable()
export class ReturnEventsService {
  private readonly cases = new CaseStore();
  private readonly refunds = new RefundStore();
  private readonly exchanges = new ExchangeStore();

  constructor(
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(DomainEventBus) private readonly events: DomainEventBus,
    @Inject(ReturnMetrics) private readonly metrics: ReturnMetrics,
  ) {}

  async apply(runner: QueryRunner, received: CanonicalReturnEvent, lineage: ReturnLineage): Promise<ReturnOutcome> {
    const outcome = await this.applyOnce(runner, received, lineage);
    // Counted once the transaction holds: a rolled-back attempt is retried and would count twice.
    afterCommit(runner, async () => this.metrics.event(received.source.system, received.kind, outcome.outcome));
    return outcome;
  }

  private async applyOnce(runner: QueryRunner, received: CanonicalReturnEvent, lineage: ReturnLineage): Promise<ReturnOutcome> {
    const identity = await this.keyed(runner, received.identity);
    if (!identity) return { outcome: 'REFUSED', note: `orderRef ${(received.identity as { hubOrderId: string }).hubOrderId} is not an order the hub holds` };
    const event: KeyedReturnEvent = { ...received, identity };
    const kase = await this.cases.resolve(runner, event);
    const detail = { lines: event.lines, refund: event.refund?.externalId ?? null, returnRef: event.identity.returnRef, rmaRef: event.identity.rmaRef };
    const eventId = await this.cases.recordEvent(runner, kase.id, event, lineage, detail);
    if (eventId === null) {
      return { outcome: 'DUPLICATE', caseId: kase.id, note: `duplicate: ${event.source.system} event ${event.source.eventKey} was applied before` };
    }
    const { channel, account, orderExternalId } = event.identity;
    const order = await this.orders.refundBasis(runner, channel, account, orderExternalId);
    if (order) await this.cases.linkOrder(runner, kase.id, order.id, order.currency);
    if (event.exchangeLines.length > 0) {
      await this.exchanges.save(runner, kase.id, event.exchangeLines);
      // A refund that came first, its parts above the money paid back, may be the exchange's: judged again now.
      if (order) for (const held of await this.refunds.heldOnMismatch(runner, kase.id)) await this.judge(runner, kase, held, order, lineage);
    }

    const flags = CASE_FLAGS[event.kind];
    if (flags?.set) await this.cases.addFlag(runner, kase.id, flags.set);
    if (flags && flags.clear.length > 0) await this.cases.removeFlags(runner, kase.id, flags.clear);

    let note: string | null = null;
    if (event.refund) {
      const applied = await this.applyRefund(runner, kase, event, order, lineage);
      note = applied.note;
      if (applied.created) await this.cases.applyUnits(runner, kase.id, eventId, event);
    } else {
      await this.cases.applyUnits(runner, kase.id, eventId, event);
    }
    const restated = await restateCase(runner, kase.id);
    this.observeCompletion(runner, restated);
    return { outcome: 'APPLIED', caseId: kase.id, status: restated.status, note };
  }

  /** The channel's key of the event's order; a hub order id that names no order is null. */
  private async keyed(runner: QueryRunner, identity: CanonicalReturnEvent['identity']): Promise<ReturnIdentity | null> {
    if (!('hubOrderId' in identity)) return identity;
    const order = await this.orders.forDelivery(identity.hubOrderId, runner);
    if (!order) return null;
    return { channel: order.channel, account: order.account, orderExternalId: order.externalId, returnRef: identity.returnRef, rmaRef: identity.rmaRef };
  }

  private async applyRefund(
    runner: QueryRunner, kase: CaseRow, event: KeyedReturnEvent, order: OrderRefundBasis | null, lineage: ReturnLineage,
  ): Promise<{ created: boolean; note: string | null }> {
    const refund = event.refund!;
    const currency = order?.currency ?? refund.components[0]?.amount.currency ?? refund.transactions[0]?.amount.currency ?? 'XXX';
    const foreign = [...refund.components.map((c) => c.amount.currency), ...refund.transactions.map((t) => t.amount.currency)].find((c) => c !== currency);
    const total = foreign ? 0n : refundTotal(refund, currency, order?.taxesIncluded ?? false).amount;
    const stored = await this.refunds.upsert(runner, kase.id, kase.channel, kase.account, refund, currency, total);
    if (stored.state === 'CREDITED' || stored.state === 'SETTLED' || stored.state === 'READY') {
      return { created: stored.created, note: stored.created ? null : `refund ${refund.externalId} already ${stored.state.toLowerCase()}` };
    }
    if (foreign) {
      await this.refunds.setState(runner, stored.id, 'HELD', 'REFUND_CURRENCY_MISMATCH', `the refund names ${foreign}, the order is in ${currency}`);
      return { created: stored.created, note: `the refund names ${foreign}, the order is in ${currency}` };
    }
    if (!order) {
      const detail = `order ${event.identity.orderExternalId} is not in the hub yet`;
      await this.refunds.setState(runner, stored.id, 'WAITING', 'ORDER_UNKNOWN', detail);
      return { created: stored.created, note: detail };
    }
    const detail = await this.judge(runner, kase, stored.id, order, lineage);
    return { created: stored.created, note: detail };
  }

  /**
   * The finance rules on a stored refund of an order the hub holds: READY (announced for its
   * credit) or why not. A refund of a case with exchange items pays back less than its returned
   * parts (the channel's refund is net of the exchange): the difference, up to what the exchange
   * items cost, is the exchange credit, and once the money moved the items become a linked order.
   */
  private async judge(runner: QueryRunner, kase: Pick<CaseRow, 'id' | 'channel' | 'account' | 'order_external_id'>, refundId: string, order: OrderRefundBasis, lineage: ReturnLineage): Promise<string | null> {
    const readiness = async () => {
      const current = await this.refunds.load(runner, refundId);
      const before = await this.refunds.refundedBefore(runner, kase.channel, kase.account, kase.order_external_id, refundId);
      return { current, verdict: refundReadiness(current, order.currency, { amount: order.captured - before, currency: order.currency }, order.taxesIncluded) };
    };
    let { current, verdict } = await readiness();
    // Totalled again with the order's own rule: where prices include tax, the tax parts are inside the subtotals.
    await this.refunds.setTotal(runner, refundId, refundTotal(current, order.currency, order.taxesIncluded).amount);
    const exchange = await this.exchanges.load(runner, kase.id);
    if (verdict.state === 'HELD' && verdict.reason === 'REFUND_COMPONENTS_MISMATCH' && exchange.length > 0) {
      const parts = refundTotal(current, order.currency, order.taxesIncluded).amount;
      const paid = current.transactions.reduce((n, t) => n + t.amount.amount, 0n);
      const items = exchange.reduce((n, l) => n + exchangeLineTotal(l, order.taxesIncluded), 0n);
      if (parts > paid && parts - paid <= items && (await this.refunds.addExchangeCredit(runner, refundId, parts - paid, order.currency))) {
        ({ current, verdict } = await readiness());
      }
    }
    const [reason, detail] = verdict.state === 'READY' ? [null, null] : [verdict.reason, verdict.detail];
    await this.refunds.setState(runner, refundId, verdict.state, reason, detail);
    if (verdict.state === 'READY') {
      await this.events.publish(runner, {
        type: 'RefundSucceeded', correlationId: lineage.correlationId,
        payload: { refundId, caseId: kase.id, orderId: order.id, channel: kase.channel, account: kase.account },
      });
      const credit = current.components.filter((c) => c.kind === 'EXCHANGE_CREDIT').reduce((n, c) => n - c.amount.amount, 0n);
      if (exchange.length > 0) await this.requestExchangeOrder(runner, kase.id, order, exchange, credit, current.processedAt, lineage);
    }
    return detail;
  }

  /** The exchange items as an order of the original's channel and customer, paid by the exchange credit (the rest is owed). */
  private async requestExchangeOrder(
    runner: QueryRunner, caseId: string, basis: OrderRefundBasis, lines: Awaited<ReturnType<ExchangeStore['load']>>, credit: bigint, at: string, lineage: ReturnLineage,
  ): Promise<void> {
    const original = await this.orders.forDelivery(basis.id, runner);
    if (!original) return;
    const order = exchangeOrder({ original, caseId, lines, credit, currency: basis.currency, taxesIncluded: basis.taxesIncluded, at });
    // A refund judged when its order arrived has no delivery of its own: the case's last one is the lineage.
    const inboxId = lineage.inboxId ?? (await this.cases.lastInboxId(runner, caseId));
    await this.events.publish(runner, { type: 'ExchangeOrderRequested', correlationId: lineage.correlationId, payload: { caseId, order, inboxId } });
  }

  /**
   * The order a refund waited for (ORDER_UNKNOWN) has arrived and was released: each waiting
   * refund joins it and is judged now, not only when its case hears of something else.
   */
  async orderArrived(runner: QueryRunner, channel: string, account: string, orderExternalId: string, correlationId: string): Promise<number> {
    const waiting = await this.refunds.waitingForOrder(runner, channel, account, orderExternalId);
    if (waiting.length === 0) return 0;
    const order = await this.orders.refundBasis(runner, channel, account, orderExternalId);
    if (!order) return 0;
    for (const refund of waiting) {
      await this.cases.linkOrder(runner, refund.caseId, order.id, order.currency);
      await this.judge(runner, { id: refund.caseId, channel, account, order_external_id: orderExternalId }, refund.id, order, { inboxId: null, correlationId });
      this.observeCompletion(runner, await restateCase(runner, refund.caseId));
    }
    return waiting.length;
  }

  private observeCompletion(runner: QueryRunner, restated: Restated): void {
    const done = restated.completed;
    if (done) afterCommit(runner, async () => this.metrics.completed(done.channel, done.openedAt, done.completedAt));
  }
}
