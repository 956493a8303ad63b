import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { OrderCancelled, OrderLinesChanged, OrderReleased, RefundSucceeded, ShipmentConfirmed, StoreDaySummaryDue } from '../../../canonical/domain-events.js';
import { returnedRows } from '../../../platform/database/sql.js';
import { OnDomainEvent } from '../../../platform/events/on-domain-event.js';
import { EDIT_CHANGE_PREFIX } from './pending-line-changes.js';
import { ORDER_HELD } from '../../orders/documents/sales-order.builder.js';
import { COUNTER_SALES_SETTING } from '../../../adapters/erp/erp-variant.js';

/** The documents an order's release writes, one per target: everything else about the order follows one of them. */
export const ORDER_DOCUMENTS: readonly string[] = ['SALES_ORDER', 'CASH_SALE'];

/**
 * PostgreSQL NOTIFY channel: postings became due (delivered only when the transaction
 * commits). Each payload names one posting as `target id/posting id/attempts`, so the relay
 * can queue it without reading the table; an empty payload means "look".
 */
export const POSTINGS_DUE_CHANNEL = 'erp_postings_due';

/** The payload of one due posting; SQL builds the same text (see DUE_PAYLOAD_SQL). */
export function duePayload(targetId: string, postingId: string, attempts: number): string {
  return `${targetId}/${postingId}/${attempts}`;
}

/** `duePayload` in SQL, over a row with target_id, id and attempts. */
export const DUE_PAYLOAD_SQL = `target_id || '/' || id || '/' || attempts`;

/**
 * The outbox half of ERP sync, used by the order aggregate inside its own transaction:
 * releasing an order writes one posting row per enabled ERP target whose routing takes the
 * order. Postings are keyed by (target, subject type, subject id, document type, document key),
 * so a second release is a no-op. The order is the subject of the order's document types here;
 * their builders live with the orders module (src/modules/orders/documents).
 * New rows notify the workers' relays, which queue them as soon as the transaction commits.
 */
@Injectable()
export class PostingOutbox {
  /** First among the release's subscribers: item fulfilments of held shipments hang on these rows. */
  @OnDomainEvent('OrderReleased', { order: 10 })
  async onOrderReleased(runner: QueryRunner, event: OrderReleased): Promise<void> {
    const { orderId, channel, account, counterSale } = event.payload;
    await this.released(runner, { id: orderId, channel, account, counterSale, correlationId: event.correlationId });
    await this.redriveHeld(runner, orderId);
  }

  @OnDomainEvent('OrderCancelled', { order: 10 })
  async onOrderCancelled(runner: QueryRunner, event: OrderCancelled): Promise<void> {
    await this.cancelled(runner, event.payload.orderId, event.correlationId);
  }

  @OnDomainEvent('OrderLinesChanged', { order: 10 })
  async onOrderLinesChanged(runner: QueryRunner, event: OrderLinesChanged): Promise<void> {
    await this.edited(runner, event.payload.orderId, event.payload.version, event.correlationId);
  }

  @OnDomainEvent('ShipmentConfirmed', { order: 10 })
  async onShipmentConfirmed(runner: QueryRunner, event: ShipmentConfirmed): Promise<void> {
    await this.shipped(runner, event.payload.orderId, event.payload.shipmentId, event.correlationId);
  }

  /**
   * A refund whose money moved becomes one credit memo (subject REFUND) per target that takes the
   * order's sales order or cash sale, waiting for it to land (depends_on): a refund of an order
   * the ERP does not hold yet is parked, never dropped. (A cash sale's credit is refused by its
   * builder with the reason, for a person: the cash refund it needs is not built.)
   */
  @OnDomainEvent('RefundSucceeded', { order: 10 })
  async onRefundSucceeded(runner: QueryRunner, event: RefundSucceeded): Promise<void> {
    const { refundId, orderId } = event.payload;
    await runner.query(
      `WITH inserted AS (
         INSERT INTO postings (id, target_id, subject_type, subject_id, document_type, document_key, order_id, depends_on, status, correlation_id)
         SELECT gen_random_uuid(), p.target_id, 'REFUND', $2, 'CREDIT_MEMO', '', p.order_id, p.id, 'PENDING', $3
         FROM postings p WHERE p.subject_type = 'ORDER' AND p.subject_id = $1 AND p.document_type = ANY($5::text[]) AND p.status <> 'WITHDRAWN'
         ON CONFLICT (target_id, subject_type, subject_id, document_type, document_key) DO NOTHING
         RETURNING id, target_id, attempts
       )
       SELECT id, pg_notify($4, ${DUE_PAYLOAD_SQL}) FROM inserted`,
      [orderId, refundId, event.correlationId, POSTINGS_DUE_CHANNEL, ORDER_DOCUMENTS],
    );
  }

  /**
   * One sales order per routed target; a counter sale goes as a cash sale (CASH_SALE) instead to a
   * target whose counterSales setting says so: sale, payment and inventory relief in one document,
   * so no item fulfilment follows it (those follow sales orders only). A target that already has
   * the order's document (a release seen again after its setting changed) gets no second one.
   */
  async released(runner: QueryRunner, order: { id: string; channel: string; account: string; correlationId: string; counterSale?: boolean }): Promise<number> {
    const rows: unknown[] = await runner.query(
      `WITH inserted AS (
         INSERT INTO postings (id, target_id, subject_type, subject_id, document_type, order_id, status, correlation_id)
         SELECT gen_random_uuid(), t.id, 'ORDER', $1,
                CASE WHEN $6 AND t.settings->>'${COUNTER_SALES_SETTING}' = 'CASH_SALE' THEN 'CASH_SALE' ELSE 'SALES_ORDER' END, $1, 'PENDING', $2
         FROM erp_targets t
         WHERE t.enabled
           AND (NOT (t.routing ? 'channels') OR t.routing->'channels' ? $3)
           AND (NOT (t.routing ? 'accounts') OR t.routing->'accounts' ? $4)
           AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.target_id = t.id AND p.subject_type = 'ORDER' AND p.subject_id = $1 AND p.document_type = ANY($7::text[]))
           -- A target that books counter sales as a daily summary takes this one with its store's day (onStoreDaySummaryDue).
           AND NOT ($6 AND coalesce(t.settings->>'${COUNTER_SALES_SETTING}', '') = 'DAILY_SUMMARY')
         ON CONFLICT (target_id, subject_type, subject_id, document_type, document_key) DO NOTHING
         RETURNING id, target_id, attempts
       )
       SELECT id, pg_notify($5, ${DUE_PAYLOAD_SQL}) FROM inserted`,
      [order.id, order.correlationId, order.channel, order.account, POSTINGS_DUE_CHANNEL, order.counterSale === true, ORDER_DOCUMENTS],
    );
    return rows.length;
  }

  /**
   * A store day's sales due in one summary: a cash sale (subject STORE_DAY_SALES, keyed by the summary's
   * number) for each enabled target that routes the store and books counter sales as a daily summary.
   */
  @OnDomainEvent('StoreDaySummaryDue', { order: 10 })
  async onStoreDaySummaryDue(runner: QueryRunner, event: StoreDaySummaryDue): Promise<void> {
    const { storeDayId, seq, channel, store } = event.payload;
    await runner.query(
      `WITH inserted AS (
         INSERT INTO postings (id, target_id, subject_type, subject_id, document_type, document_key, status, correlation_id)
         SELECT gen_random_uuid(), t.id, 'STORE_DAY_SALES', $1, 'CASH_SALE', $2, 'PENDING', $3
         FROM erp_targets t
         WHERE t.enabled AND t.settings->>'${COUNTER_SALES_SETTING}' = 'DAILY_SUMMARY'
           AND (NOT (t.routing ? 'channels') OR t.routing->'channels' ? $4)
           AND (NOT (t.routing ? 'accounts') OR t.routing->'accounts' ? $5)
         ON CONFLICT (target_id, subject_type, subject_id, document_type, document_key) DO NOTHING
         RETURNING id, target_id, attempts
       )
       SELECT id, pg_notify($6, ${DUE_PAYLOAD_SQL}) FROM inserted`,
      [storeDayId, String(seq), event.correlationId, channel, store, POSTINGS_DUE_CHANNEL],
    );
  }

  /**
   * A cancelled order the ERP may already hold: one line change per target that has (or
   * will have) its sales order, taking off every unit not shipped. It waits for the sales
   * order to be posted first.
   */
  async cancelled(runner: QueryRunner, orderId: string, correlationId: string): Promise<number> {
    await this.withdrawSalesOrders(runner, orderId, 'the order was cancelled before its sales order was sent');
    return this.follows(runner, orderId, 'SALES_ORDER_CHANGE', 'cancel', correlationId);
  }

  /**
   * An order edited after release: one line change per target that has (or will have) its sales
   * order, bringing its lines to the order's lines as they now are (added, changed, taken off).
   * One per edit (keyed by the channel's version); each is absolute, so applying an older one
   * after a newer one still leaves the ERP as the order is. Item fulfilments wait for them.
   */
  async edited(runner: QueryRunner, orderId: string, version: string, correlationId: string): Promise<number> {
    return this.follows(runner, orderId, 'SALES_ORDER_CHANGE', `${EDIT_CHANGE_PREFIX}${new Date(version).getTime()}`, correlationId);
  }

  /**
   * One item fulfilment per shipment, to every target that takes the order's sales order (a target
   * that took a counter sale as a cash sale gets none: the cash sale relieved the store's stock).
   * Documents that act on the sales order depend on its posting (depends_on): they are sent
   * once it landed, one at a time per sales order.
   */
  async shipped(runner: QueryRunner, orderId: string, shipmentId: string, correlationId: string): Promise<number> {
    return this.follows(runner, orderId, 'ITEM_FULFILLMENT', shipmentId, correlationId);
  }

  /**
   * The item fulfilments of a shipment that have not gone out are WITHDRAWN (terminal, never
   * claimed or replayed); says which targets lost one and how many went out or are going.
   */
  async withdrawItemFulfillments(runner: QueryRunner, shipmentId: string, reason: string): Promise<{ withdrawnTargets: string[]; sent: number }> {
    const withdrawn = returnedRows<{ target_id: string }>(await runner.query(
      `UPDATE postings SET status = 'WITHDRAWN', last_error = $2, last_error_kind = NULL, last_error_code = 'CHANNEL_CANCELLED', updated_at = now()
       WHERE document_type = 'ITEM_FULFILLMENT' AND document_key = $1 AND status IN ('PENDING', 'RETRYING', 'DEAD')
       RETURNING target_id`,
      [shipmentId, reason],
    ));
    const [{ sent }]: { sent: number }[] = await runner.query(
      `SELECT count(*)::int AS sent FROM postings WHERE document_type = 'ITEM_FULFILLMENT' AND document_key = $1 AND status IN ('IN_FLIGHT', 'POSTED')`,
      [shipmentId],
    );
    return { withdrawnTargets: withdrawn.map((w) => w.target_id).sort(), sent };
  }

  /**
   * A released-again order's sales orders (or cash sales) parked while it was held (ORDER_HELD) are
   * due now, not when their long wait ends; the relay hears of them when the release commits.
   */
  async redriveHeld(runner: QueryRunner, orderId: string): Promise<number> {
    const rows: unknown[] = await runner.query(
      `WITH due AS (
         UPDATE postings SET next_attempt_at = now(), updated_at = now()
         WHERE subject_type = 'ORDER' AND subject_id = $1 AND document_type = ANY($4::text[]) AND status = 'RETRYING' AND last_error_code = $2
         RETURNING id, target_id, attempts
       )
       SELECT id, pg_notify($3, ${DUE_PAYLOAD_SQL}) FROM due`,
      [orderId, ORDER_HELD, POSTINGS_DUE_CHANNEL, ORDER_DOCUMENTS],
    );
    return rows.length;
  }

  /**
   * The sales orders (and cash sales) of a cancelled order that have not gone out are WITHDRAWN
   * (terminal): the ERP never gets an order that no longer exists. A sales order in flight may
   * land; its line change cancels it. A cash sale has no line change (it is complete when made):
   * one that landed stays, and is taken back by a return.
   */
  async withdrawSalesOrders(runner: QueryRunner, orderId: string, reason: string): Promise<string[]> {
    const withdrawn = returnedRows<{ target_id: string }>(await runner.query(
      `UPDATE postings SET status = 'WITHDRAWN', last_error = $2, last_error_kind = NULL, last_error_code = 'ORDER_CANCELLED', updated_at = now()
       WHERE subject_type = 'ORDER' AND subject_id = $1 AND document_type = ANY($3::text[]) AND status IN ('PENDING', 'RETRYING', 'DEAD')
       RETURNING target_id`,
      [orderId, reason, ORDER_DOCUMENTS],
    ));
    return withdrawn.map((w) => w.target_id).sort();
  }

  private async follows(runner: QueryRunner, orderId: string, documentType: string, documentKey: string, correlationId: string): Promise<number> {
    const rows: unknown[] = await runner.query(
      `WITH inserted AS (
         INSERT INTO postings (id, target_id, subject_type, subject_id, document_type, document_key, order_id, depends_on, status, correlation_id)
         SELECT gen_random_uuid(), p.target_id, p.subject_type, p.subject_id, $2, $3, p.order_id, p.id, 'PENDING', $4
         FROM postings p WHERE p.subject_type = 'ORDER' AND p.subject_id = $1 AND p.document_type = 'SALES_ORDER' AND p.status <> 'WITHDRAWN'
         ON CONFLICT (target_id, subject_type, subject_id, document_type, document_key) DO NOTHING
         RETURNING id, target_id, attempts
       )
       SELECT id, pg_notify($5, ${DUE_PAYLOAD_SQL}) FROM inserted`,
      [orderId, documentType, documentKey, correlationId, POSTINGS_DUE_CHANNEL],
    );
    return rows.length;
  }
}
