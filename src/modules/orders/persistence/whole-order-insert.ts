import type { CanonicalOrder } from '../../../canonical/order.js';
import type { HoldReason, OrderStatus } from '../domain/order-state.js';
import {
  ADJUSTMENT_COLUMNS, ADJUSTMENT_TYPES, LINE_COLUMNS, LINE_TYPES, SHIPPING_COLUMNS, SHIPPING_TYPES, TENDER_COLUMNS, TENDER_TYPES,
  orderChildRows,
} from './order-rows.js';
import { storedOrderDates } from './order-dates.js';
import { storedPresentment } from './order-money-view.js';
import type { EventLineage, HistoryEntry } from './order-writer.js';
import type { UnmappedIdentifier } from '../order-events.service.js';

export interface NewOrderState {
  readonly status: OrderStatus;
  readonly holdReasons: readonly HoldReason[];
  readonly holdDetails: readonly { reason: string; detail: string }[];
  readonly history: readonly HistoryEntry[];
  readonly unmapped: readonly UnmappedIdentifier[];
}

/**
 * One statement that writes a new order whole: the head, its lines, shipping lines,
 * adjustments, tenders, history and source event, as data-modifying CTEs. Child rows are
 * passed column-wise and unnested, so the statement has a fixed number of parameters
 * whatever the order's size. When the order already exists (ON CONFLICT), nothing is
 * written and no row comes back.
 */
/** The order's charges as orders.charges keeps them: amounts as text minor units. */
export function storedCharges(order: CanonicalOrder): string {
  return JSON.stringify((order.charges ?? []).map((c) => ({ kind: c.kind, title: c.title, amount: c.amount.amount.toString() })));
}

export function wholeOrderInsert(id: string, order: CanonicalOrder, state: NewOrderState, lineage: EventLineage): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown, cast = ''): string => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  const t = order.sourceTotals;
  const dates = storedOrderDates(order);
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  const head = [
    p(id), p(order.source.system), p(order.source.account), p(order.source.externalId), p(order.orderNumber), p(state.status),
    p([...state.holdReasons], '::text[]'), p(JSON.stringify(state.holdDetails), '::jsonb'), p(order.currency), p(order.placedAt),
    p(order.sourceUpdatedAt), p(order.cancelledAt), p(order.paymentStatus), p(order.risk.recommendation), p(order.taxStatus),
    p(order.taxesIncluded), p(t.subtotal.amount.toString()), p(t.discounts.amount.toString()), p(t.tax.amount.toString()),
    p(t.shipping.amount.toString()), p(t.grandTotal.amount.toString()), p(json(order.customer), '::jsonb'),
    p(json(order.billingAddress), '::jsonb'), p(json(order.shippingAddress), '::jsonb'), p([...order.tags], '::text[]'),
    p(dates.accountingDate, '::date'), p(dates.timeZone), p(storedCharges(order), '::jsonb'),
    p(order.note ?? null), p(order.poNumber ?? null), p(order.test === true), p(order.presentmentCurrency ?? null), p(storedPresentment(order), '::jsonb'),
    p(order.counterSale === true),
  ];
  const rows = orderChildRows(id, order);
  const children = (table: string, columns: readonly string[], types: readonly string[], data: unknown[][]) => {
    if (data.length === 0) return null;
    const arrays = columns.map((_, column) => p(data.map((row) => row[column]), `::${types[column]}[]`));
    return `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')}) WHERE EXISTS (SELECT 1 FROM o)`;
  };
  const history = state.history.map(
    (entry) => `((SELECT id FROM o), ${p(entry.from)}, ${p(entry.to)}, ${p([...entry.holdReasons], '::text[]')}, ${p(entry.reason)}, ${p(lineage.correlationId)}, ${p(lineage.inboxId, '::uuid')})`,
  );
  const ctes = [
    `o AS (INSERT INTO orders (id, channel, account, external_id, order_number, status, hold_reasons, hold_details, currency_code,
        placed_at, source_updated_at, cancelled_at, payment_status, risk_recommendation, tax_status, taxes_included, subtotal,
        discounts, tax, shipping, grand_total, customer, billing_address, shipping_address, tags, accounting_date, time_zone, charges,
        note, po_number, test, presentment_currency, presentment, counter_sale)
      VALUES (${head.join(', ')}) ON CONFLICT (channel, account, external_id) DO NOTHING RETURNING id)`,
    children('order_lines', LINE_COLUMNS, LINE_TYPES, rows.lines),
    children('order_shipping_lines', SHIPPING_COLUMNS, SHIPPING_TYPES, rows.shippingLines),
    children('order_adjustments', ADJUSTMENT_COLUMNS, ADJUSTMENT_TYPES, rows.adjustments),
    children('order_tenders', TENDER_COLUMNS, TENDER_TYPES, rows.tenders),
    history.length
      ? `INSERT INTO order_history (order_id, from_status, to_status, hold_reasons, reason, correlation_id, inbox_id)
         SELECT * FROM (VALUES ${history.join(', ')}) AS h WHERE EXISTS (SELECT 1 FROM o)`
      : null,
    state.unmapped.length
      ? `INSERT INTO order_unmapped_keys (order_id, kind, channel, account, source_value)
         SELECT (SELECT id FROM o), * FROM unnest(${p(state.unmapped.map((u) => u.kind), '::text[]')}, ${p(state.unmapped.map((u) => u.channel), '::text[]')},
           ${p(state.unmapped.map((u) => u.account), '::text[]')}, ${p(state.unmapped.map((u) => u.sourceValue), '::text[]')})
         WHERE EXISTS (SELECT 1 FROM o)`
      : null,
    `INSERT INTO order_source_events (order_id, inbox_id, topic, source_version, outcome, correlation_id)
     SELECT id, ${p(lineage.inboxId, '::uuid')}, ${p(lineage.topic)}, ${p(order.sourceUpdatedAt, '::timestamptz')}, 'APPLIED', ${p(lineage.correlationId)} FROM o`,
  ]
    .filter((cte): cte is string => cte !== null)
    .map((cte, index) => (index === 0 ? cte : `c${index} AS (${cte})`));
  return { sql: `WITH ${ctes.join(',\n')} SELECT id FROM o`, params };
}
