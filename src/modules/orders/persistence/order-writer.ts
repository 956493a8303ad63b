import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import type { CanonicalOrder } from '../../../canonical/order.js';
import { valuesClause } from '../../../platform/database/sql.js';
import type { LineFacts } from '../domain/line-edits.js';
import type { HoldReason, OrderStatus } from '../domain/order-state.js';
import {
  ADJUSTMENT_COLUMNS, LINE_COLUMNS, SHIPPING_COLUMNS, TENDER_COLUMNS, orderChildRows,
} from './order-rows.js';
import { storedOrderDates } from './order-dates.js';
import { describeRounding } from '../../../canonical/conversion.js';
import type { OrderCharge } from '../../../canonical/order.js';
import { storedPresentment } from './order-money-view.js';

interface StoredCharge {
  readonly kind: string;
  readonly title: string;
  readonly amount: string;
}
import { storedCharges, wholeOrderInsert, type NewOrderState } from './whole-order-insert.js';
import type { UnmappedIdentifier } from '../order-events.service.js';

export interface StoredOrderHead {
  readonly id: string;
  readonly status: OrderStatus;
  readonly holdReasons: HoldReason[];
  readonly sourceUpdatedAt: Date;
}

export interface HistoryEntry {
  readonly from: OrderStatus | null;
  readonly to: OrderStatus;
  readonly holdReasons: readonly HoldReason[];
  readonly reason: string;
}

export interface EventLineage {
  readonly inboxId: string;
  readonly topic: string;
  readonly correlationId: string;
}

/** SQL for the order aggregate. Every call runs on the caller's transaction. */
export class OrderWriter {
  constructor(readonly runner: QueryRunner) {}

  /** Locks the order's row for the rest of the transaction, so events for one order apply one at a time. */
  async lock(order: CanonicalOrder): Promise<StoredOrderHead | null> {
    const rows: { id: string; status: OrderStatus; hold_reasons: HoldReason[]; source_updated_at: Date }[] = await this.runner.query(
      `SELECT id, status, hold_reasons, source_updated_at FROM orders
       WHERE channel = $1 AND account = $2 AND external_id = $3 FOR UPDATE`,
      [order.source.system, order.source.account, order.source.externalId],
    );
    const row = rows[0];
    return row ? { id: row.id, status: row.status, holdReasons: row.hold_reasons, sourceUpdatedAt: new Date(row.source_updated_at) } : null;
  }

  /** The stored lines as an edit compares them, in position order. */
  async lineFacts(id: string): Promise<LineFacts[]> {
    const rows: { external_id: string; quantity: number; unit_price: string; discount_total: string }[] = await this.runner.query(
      'SELECT external_id, quantity, unit_price::text, discount_total::text FROM order_lines WHERE order_id = $1 ORDER BY position',
      [id],
    );
    return rows.map((r) => ({ lineRef: r.external_id, quantity: r.quantity, unitPrice: BigInt(r.unit_price), discount: BigInt(r.discount_total) }));
  }

  /** The rounding note of the order as stored (its ROUNDING charges), to tell whether an update changed it. */
  async roundingNote(id: string): Promise<string | null> {
    const rows: { charges: StoredCharge[] | null; presentment: { currency: string; charges?: StoredCharge[] } | null; currency_code: string }[] =
      await this.runner.query('SELECT charges, presentment, currency_code FROM orders WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) return null;
    const charges = (list: StoredCharge[] | null | undefined, currency: string) =>
      (list ?? []).map((c) => ({ kind: c.kind as OrderCharge['kind'], title: c.title, amount: { amount: BigInt(c.amount), currency } }));
    const presentment = row.presentment ? { presentment: { charges: charges(row.presentment.charges, row.presentment.currency) } } : {};
    return describeRounding({ charges: charges(row.charges, row.currency_code.trim()), ...presentment });
  }

  /** Writes a new order whole in one statement; null when it already exists. */
  async create(order: CanonicalOrder, state: NewOrderState, lineage: EventLineage): Promise<string | null> {
    const { sql, params } = wholeOrderInsert(randomUUID(), order, state, lineage);
    const rows: { id: string }[] = await this.runner.query(sql, params);
    return rows[0]?.id ?? null;
  }

  /** Replaces the order's content with a newer version from the channel. */
  async replace(id: string, order: CanonicalOrder): Promise<void> {
    const t = order.sourceTotals;
    const dates = storedOrderDates(order);
    await this.runner.query(
      `UPDATE orders SET order_number = $2, currency_code = $3, placed_at = $4, source_updated_at = $5, cancelled_at = $6,
         payment_status = $7, risk_recommendation = $8, tax_status = $9, taxes_included = $10, subtotal = $11,
         discounts = $12, tax = $13, shipping = $14, grand_total = $15, customer = $16, billing_address = $17,
         shipping_address = $18, tags = $19, accounting_date = $20, time_zone = $21, charges = $22::jsonb,
         note = $23, po_number = $24, test = $25, presentment_currency = $26, presentment = $27::jsonb, counter_sale = $28, version = version + 1, updated_at = now()
       WHERE id = $1`,
      [
        id, order.orderNumber, order.currency, order.placedAt, order.sourceUpdatedAt, order.cancelledAt, order.paymentStatus,
        order.risk.recommendation, order.taxStatus, order.taxesIncluded, t.subtotal.amount.toString(),
        t.discounts.amount.toString(), t.tax.amount.toString(), t.shipping.amount.toString(), t.grandTotal.amount.toString(),
        jsonOrNull(order.customer), jsonOrNull(order.billingAddress), jsonOrNull(order.shippingAddress), [...order.tags],
        dates.accountingDate, dates.timeZone, storedCharges(order),
        order.note ?? null, order.poNumber ?? null, order.test === true, order.presentmentCurrency ?? null, storedPresentment(order),
        order.counterSale === true,
      ],
    );
    // Adjustments cascade from lines and shipping lines.
    await this.runner.query('DELETE FROM order_lines WHERE order_id = $1', [id]);
    await this.runner.query('DELETE FROM order_shipping_lines WHERE order_id = $1', [id]);
    await this.runner.query('DELETE FROM order_tenders WHERE order_id = $1', [id]);
    await this.insertChildren(id, order);
  }

  async setStatus(id: string, status: OrderStatus, holdReasons: readonly HoldReason[], holdDetails: readonly { reason: string; detail: string }[]): Promise<void> {
    await this.runner.query(
      `UPDATE orders SET status = $2, hold_reasons = $3, hold_details = $4, updated_at = now() WHERE id = $1`,
      [id, status, [...holdReasons], JSON.stringify(holdDetails)],
    );
  }

  /** Keeps `since` for keys still missing, drops the ones now mapped, adds new ones. */
  async replaceUnmapped(id: string, keys: readonly UnmappedIdentifier[]): Promise<void> {
    await this.runner.query(
      `DELETE FROM order_unmapped_keys WHERE order_id = $1
       AND (kind, source_value) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [id, keys.map((k) => k.kind), keys.map((k) => k.sourceValue)],
    );
    if (keys.length === 0) return;
    await this.runner.query(
      `INSERT INTO order_unmapped_keys (order_id, kind, channel, account, source_value)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING`,
      [id, keys.map((k) => k.kind), keys.map((k) => k.channel), keys.map((k) => k.account), keys.map((k) => k.sourceValue)],
    );
  }

  async recordHistory(id: string, entries: readonly HistoryEntry[], lineage: EventLineage): Promise<void> {
    if (entries.length === 0) return;
    const params: unknown[] = [];
    for (const e of entries) params.push(id, e.from, e.to, [...e.holdReasons], e.reason, lineage.correlationId, lineage.inboxId);
    await this.runner.query(
      `INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id, inbox_id)
       VALUES ${valuesClause(entries.length, 7)}`,
      params,
    );
  }

  async recordSourceEvent(id: string, version: string, outcome: 'APPLIED' | 'STALE', lineage: EventLineage): Promise<void> {
    await this.runner.query(
      `INSERT INTO order_source_events (order_id, inbox_id, topic, source_version, outcome, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id, inbox_id) DO NOTHING`,
      [id, lineage.inboxId, lineage.topic, version, outcome, lineage.correlationId],
    );
  }

  private async insertChildren(id: string, order: CanonicalOrder): Promise<void> {
    const rows = orderChildRows(id, order);
    await this.insertMany('order_lines', LINE_COLUMNS, rows.lines);
    await this.insertMany('order_shipping_lines', SHIPPING_COLUMNS, rows.shippingLines);
    await this.insertMany('order_adjustments', ADJUSTMENT_COLUMNS, rows.adjustments);
    await this.insertMany('order_tenders', TENDER_COLUMNS, rows.tenders);
  }

  private async insertMany(table: string, columns: readonly string[], rows: unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    await this.runner.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesClause(rows.length, columns.length)}`,
      rows.flat(),
    );
  }
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
