import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { ConfirmationOrderRef } from '../../canonical/fulfillment.js';
import { orderStateMachine, type HoldReason, type OrderStatus } from './domain/order-state.js';
import { ORDER_DOCUMENT_ROW_SQL, type OrderDocumentRow } from './persistence/order-document-row.js';

/** What other modules may know of an order when they act on it. */
export interface OrderHead {
  readonly id: string;
  readonly status: OrderStatus;
  readonly channel: string;
  readonly account: string;
}

/** What the returns module measures a refund against. */
export interface OrderRefundBasis {
  readonly id: string;
  readonly currency: string;
  readonly grandTotal: bigint;
  readonly captured: bigint;
  /** The channel's line prices include tax: a refund's line subtotal then includes its tax too. */
  readonly taxesIncluded: boolean;
}

/** One part of what the hub expects a channel to settle for an order, in minor units. */
export interface SettlementExpectation {
  readonly orderId: string;
  readonly channel: string;
  readonly externalId: string;
  readonly component: 'PRINCIPAL' | 'DISCOUNT' | 'SHIPPING' | 'TAX';
  readonly amount: bigint;
  readonly currency: string;
}

export interface HistoryLineage {
  readonly correlationId: string;
  readonly inboxId?: string | null;
}

/** An order as a fulfilment system or channel needs it to act on a request or a shipment. */
export interface OrderForDelivery {
  readonly id: string;
  readonly channel: string;
  readonly account: string;
  readonly externalId: string;
  readonly orderNumber: string;
  readonly shippingAddress: unknown;
  readonly customer: unknown;
}

/**
 * The orders module's door for the other modules: they lock, read and move orders through
 * this service, inside their own transaction (the runner comes first), never through the
 * orders tables. Moves are checked against the order state machine and recorded in the
 * order's history.
 */
@Injectable()
export class OrderService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The order a reference names, row-locked; another module takes it before its own rows' locks. */
  async lock(runner: QueryRunner, ref: ConfirmationOrderRef): Promise<OrderHead | null> {
    const rows: OrderHead[] =
      ref.by === 'HUB'
        ? await runner.query('SELECT id, status, channel, account FROM orders WHERE id = $1::uuid FOR UPDATE', [ref.orderId])
        : await runner.query('SELECT id, status, channel, account FROM orders WHERE channel = $1 AND account = $2 AND external_id = $3 FOR UPDATE', [
            ref.channel, ref.account, ref.externalId,
          ]);
    return rows[0] ?? null;
  }

  /** Each line's channel reference and ordered quantity. */
  async lineQuantities(runner: QueryRunner, orderId: string): Promise<{ lineRef: string; quantity: number }[]> {
    const rows: { external_id: string; quantity: number }[] = await runner.query('SELECT external_id, quantity FROM order_lines WHERE order_id = $1', [orderId]);
    return rows.map((r) => ({ lineRef: r.external_id, quantity: r.quantity }));
  }

  /** Moves a locked order, as the state machine allows, and records why. */
  async transition(runner: QueryRunner, order: OrderHead, to: OrderStatus, reason: string, lineage: HistoryLineage): Promise<void> {
    orderStateMachine.assertTransition(order.status, to, { holdReasons: [] });
    // One statement: ERP sync moves orders to POSTED on every posting's landing path.
    await runner.query(
      `WITH moved AS (UPDATE orders SET status = $3, updated_at = now() WHERE id = $1 RETURNING id)
       INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id, inbox_id)
       SELECT id, $2, $3, '{}', $4, $5, $6 FROM moved`,
      [order.id, order.status, to, reason, lineage.correlationId, lineage.inboxId ?? null],
    );
  }

  /**
   * Holds a locked order not yet posted (RELEASED or already held) for a reason found after its
   * release, keeping its other reasons; the detail says what was found. Other states are left as
   * they are: a posted or cancelled order has nothing left to hold back.
   */
  async hold(runner: QueryRunner, order: OrderHead, reason: HoldReason, detail: string, lineage: HistoryLineage): Promise<boolean> {
    if (order.status !== 'RELEASED' && order.status !== 'ON_HOLD') return false;
    orderStateMachine.assertTransition(order.status, 'ON_HOLD', { holdReasons: [reason] });
    const rows: unknown[] = await runner.query(
      `WITH held AS (
         UPDATE orders SET status = 'ON_HOLD',
                hold_reasons = CASE WHEN $2 = ANY(hold_reasons) THEN hold_reasons ELSE array_append(hold_reasons, $2) END,
                hold_details = hold_details || jsonb_build_array(jsonb_build_object('reason', $2::text, 'detail', $3::text)),
                updated_at = now()
         WHERE id = $1 RETURNING id, hold_reasons)
       INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id, inbox_id)
       SELECT id, $4, 'ON_HOLD', hold_reasons, $3, $5, $6 FROM held RETURNING order_id`,
      [order.id, reason, detail, order.status, lineage.correlationId, lineage.inboxId ?? null],
    );
    return rows.length > 0;
  }

  /** A line in the order's history that changes nothing: something happened the order's reader should see. */
  async note(runner: QueryRunner, order: OrderHead, reason: string, lineage: HistoryLineage): Promise<void> {
    await this.history(runner, order.id, order.status, order.status, reason, lineage);
  }

  /**
   * Which of the referenced orders exist and are in one of the given states; references are
   * hub ids or channel keys, answered by their position.
   */
  async inStates(refs: readonly ConfirmationOrderRef[], states: readonly OrderStatus[]): Promise<boolean[]> {
    if (refs.length === 0) return [];
    const rows: { i: number }[] = await this.dataSource.query(
      `SELECT r.i FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS r(order_id, channel, account, external_id, i)
       JOIN orders o ON (r.order_id IS NOT NULL AND o.id = r.order_id::uuid)
                     OR (r.order_id IS NULL AND o.channel = r.channel AND o.account = r.account AND o.external_id = r.external_id)
       WHERE o.status = ANY($5::text[])`,
      [
        refs.map((r) => (r.by === 'HUB' ? r.orderId : null)),
        refs.map((r) => (r.by === 'CHANNEL' ? r.channel : null)),
        refs.map((r) => (r.by === 'CHANNEL' ? r.account : null)),
        refs.map((r) => (r.by === 'CHANNEL' ? r.externalId : null)),
        [...states],
      ],
    );
    const hit = new Set(rows.map((r) => Number(r.i) - 1));
    return refs.map((_, index) => hit.has(index));
  }

  /**
   * What the hub expects the channel to settle for these orders, by (channel, external id), from
   * its own totals: grand total = subtotal − discounts + shipping (+ tax when prices exclude it) + charges.
   * Tax inside the prices is part of PRINCIPAL, so it is no separate expectation; so are the order's
   * charges (tips, duties), which a payment provider captures with the rest. Zero parts are left out.
   */
  async settlementExpectations(runner: QueryRunner, refs: readonly { channel: string; externalId: string }[]): Promise<SettlementExpectation[]> {
    if (!refs.length) return [];
    const rows: { order_id: string; channel: string; external_id: string; component: SettlementExpectation['component']; amount: string; currency: string }[] = await runner.query(
      `SELECT order_id, channel, external_id, component, amount::text AS amount, currency FROM (${this.settlementExpectationsQuery('unnest($1::text[], $2::text[]) AS r (channel, external_id)')}) x`,
      [refs.map((ref) => ref.channel), refs.map((ref) => ref.externalId)]);
    return rows.map((row) => ({
      orderId: row.order_id, channel: row.channel, externalId: row.external_id, component: row.component, amount: BigInt(row.amount), currency: row.currency,
    }));
  }

  /**
   * The same expectations as a query the caller embeds in its own statement, so a matching run
   * over a million lines writes them with one INSERT … SELECT instead of shipping every order
   * through the client. `refs` is a FROM item aliased `r` with columns (channel, external_id).
   * Yields (order_id, channel, external_id, component, amount bigint, currency).
   */
  settlementExpectationsQuery(refs: string): string {
    return `
      SELECT o.id AS order_id, o.channel, o.external_id, part.component, part.amount, o.currency_code AS currency
      FROM orders o
      JOIN ${refs} ON o.channel = r.channel AND o.external_id = r.external_id
      CROSS JOIN LATERAL (VALUES ('PRINCIPAL', o.subtotal + (SELECT coalesce(sum((c->>'amount')::bigint), 0) FROM jsonb_array_elements(o.charges) c)),
        ('DISCOUNT', -o.discounts), ('SHIPPING', o.shipping),
        ('TAX', CASE WHEN o.taxes_included THEN 0 ELSE o.tax END)) AS part (component, amount)
      WHERE part.amount <> 0`;
  }

  /**
   * What the orders' tenders captured, per order and per report channel that settles it, in the
   * tender's currency. `gateways` is a FROM item aliased `g` with columns (channel, pattern): a
   * tender belongs to the channel whose pattern its gateway name matches, case-insensitive.
   * `where` narrows the orders (alias `o`); cancelled orders settle nothing and are left out.
   * Yields (order_id, order_channel, external_id, order_number, placed_at, channel, gateways, currency, captured bigint).
   */
  settledTendersQuery(gateways: string, where = 'true'): string {
    return `
      SELECT o.id AS order_id, o.channel AS order_channel, o.external_id, o.order_number, o.placed_at, g.channel,
        string_agg(DISTINCT t.gateway, ', ') AS gateways, t.currency_code::text AS currency, sum(t.captured) AS captured
      FROM orders o
      JOIN order_tenders t ON t.order_id = o.id AND t.captured <> 0
      JOIN ${gateways} ON t.gateway ~* g.pattern
      WHERE o.status <> 'CANCELLED' AND (${where})
      GROUP BY o.id, g.channel, t.currency_code`;
  }

  /** What a fulfilment system or a channel call needs of the order. */
  /** In the caller's transaction when it passes its runner (a query beside it would wait on the embedded database's one connection). */
  async forDelivery(orderId: string, runner?: QueryRunner): Promise<OrderForDelivery | null> {
    const [row]: Record<string, unknown>[] = await (runner ?? this.dataSource).query(
      'SELECT id, channel, account, external_id, order_number, shipping_address, customer FROM orders WHERE id = $1',
      [orderId],
    );
    return row
      ? {
          id: row.id as string, channel: row.channel as string, account: row.account as string, externalId: row.external_id as string,
          orderNumber: row.order_number as string, shippingAddress: row.shipping_address, customer: row.customer,
        }
      : null;
  }

  /** The hub's ids of a channel account's orders, by their channel ids (those the hub holds). */
  async idsOf(channel: string, account: string, externalIds: readonly string[]): Promise<Map<string, string>> {
    const rows: { id: string; external_id: string }[] = await this.dataSource.query(
      'SELECT id, external_id FROM orders WHERE channel = $1 AND account = $2 AND external_id = ANY($3::text[])',
      [channel, account, [...externalIds]],
    );
    return new Map(rows.map((r) => [r.external_id, r.id]));
  }

  /** The order with its lines as the documents built about it need them (ERP sales orders, fulfilments, line changes). */
  async forDocument(orderId: string): Promise<OrderDocumentRow | null> {
    const [row]: { row: OrderDocumentRow }[] = await this.dataSource.query(`SELECT ${ORDER_DOCUMENT_ROW_SQL} AS row FROM orders o WHERE o.id = $1`, [orderId]);
    return row?.row ?? null;
  }

  /**
   * What a refund of the order is measured against: the order's hub id, currency, grand total
   * and the money its tenders captured. Null for an order the hub does not hold (yet).
   */
  async refundBasis(runner: QueryRunner, channel: string, account: string, externalId: string): Promise<OrderRefundBasis | null> {
    const [row]: { id: string; currency_code: string; grand_total: string; captured: string; taxes_included: boolean }[] = await runner.query(
      `SELECT o.id, o.currency_code, o.grand_total::text AS grand_total, o.taxes_included,
              coalesce((SELECT sum(t.captured) FROM order_tenders t WHERE t.order_id = o.id), 0)::text AS captured
       FROM orders o WHERE o.channel = $1 AND o.account = $2 AND o.external_id = $3`,
      [channel, account, externalId],
    );
    return row ? { id: row.id, currency: row.currency_code.trim(), grandTotal: BigInt(row.grand_total), captured: BigInt(row.captured), taxesIncluded: row.taxes_included } : null;
  }

  private async history(runner: QueryRunner, orderId: string, from: OrderStatus, to: OrderStatus, reason: string, lineage: HistoryLineage): Promise<void> {
    await runner.query(
      `INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id, inbox_id) VALUES ($1, $2, $3, '{}', $4, $5, $6)`,
      [orderId, from, to, reason, lineage.correlationId, lineage.inboxId ?? null],
    );
  }
}
