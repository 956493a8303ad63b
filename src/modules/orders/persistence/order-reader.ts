import { Inject, Injectable } from '@nestjs/common';
import { requestModel, shipmentModel } from './fulfillment-rows.js';
import { formatDecimal } from '../../../canonical/money.js';
import { toBigInt } from '../../../platform/database/sql.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';
import type {
  MoneyModel, OrderHistoryModel, UnmappedValueModel, OrderLineModel, OrderModel, ShippingLineModel, SourceEventModel, TenderModel,
} from '../graphql/order.model.js';

type Row = Record<string, unknown>;

export interface OrderPageQuery {
  readonly channel?: string;
  readonly status?: string;
  readonly placedFrom?: Date;
  readonly placedTo?: Date;
  readonly first: number;
  readonly after?: { placedAt: Date; id: string };
}

function money(amount: unknown, currency: string): MoneyModel {
  return { amount: formatDecimal({ amount: toBigInt(amount), currency }), currencyCode: currency };
}

function groupBy(rows: Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = row.order_id as string;
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/**
 * Reads orders for the API in a fixed number of queries: the heads, then each child
 * table once for the whole page (WHERE order_id = ANY), never a query per order. Through
 * GraphQL's own read pool, under its statement timeout.
 */
@Injectable()
export class OrderReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  async byId(id: string): Promise<OrderModel | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return (await this.load('o.id = $1', [id], 1))[0] ?? null;
  }

  async bySource(channel: string, externalId: string, account?: string): Promise<OrderModel | null> {
    const where = account ? 'o.channel = $1 AND o.external_id = $2 AND o.account = $3' : 'o.channel = $1 AND o.external_id = $2';
    return (await this.load(where, account ? [channel, externalId, account] : [channel, externalId], 1))[0] ?? null;
  }

  /** The worklist: missing mappings by how many held orders wait for them, oldest first among equals. */
  async unmappedValues(limit: number): Promise<UnmappedValueModel[]> {
    const rows = await this.reads.query<Row>(
      `SELECT u.kind, u.channel, u.account, u.source_value, count(DISTINCT u.order_id)::int AS order_count, min(u.since) AS since,
         coalesce((SELECT array_agg(DISTINCT m.target->>'itemId') FROM mappings m
                   WHERE u.kind = 'ITEM' AND m.kind = 'ITEM' AND m.valid_to IS NULL AND NOT m.retired
                     AND upper(m.target->>'itemId') = upper(u.source_value)), '{}') AS suggestions
       FROM order_unmapped_keys u JOIN orders o ON o.id = u.order_id AND o.status = 'ON_HOLD'
       GROUP BY u.kind, u.channel, u.account, u.source_value
       ORDER BY order_count DESC, since ASC, u.kind, u.source_value
       LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      kind: r.kind as string, channel: r.channel as string, account: r.account as string, sourceValue: r.source_value as string,
      orderCount: r.order_count as number, since: new Date(r.since as string), suggestions: r.suggestions as string[],
    }));
  }

  /** One more row than asked for tells whether a next page exists. */
  async page(query: OrderPageQuery): Promise<OrderModel[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      clauses.push(sql.replace('?', `$${params.length}`));
    };
    if (query.channel) add('o.channel = ?', query.channel);
    if (query.status) add('o.status = ?', query.status);
    if (query.placedFrom) add('o.placed_at >= ?', query.placedFrom);
    if (query.placedTo) add('o.placed_at < ?', query.placedTo);
    if (query.after) {
      params.push(query.after.placedAt, query.after.id);
      clauses.push(`(o.placed_at, o.id) < ($${params.length - 1}, $${params.length})`);
    }
    return this.load(clauses.length ? clauses.join(' AND ') : 'true', params, query.first + 1);
  }

  private async load(where: string, params: unknown[], limit: number): Promise<OrderModel[]> {
    const heads = await this.reads.query<Row>(
      `SELECT * FROM orders o WHERE ${where} ORDER BY o.placed_at DESC, o.id DESC LIMIT ${Math.trunc(limit)}`,
      params,
    );
    if (heads.length === 0) return [];
    const ids = heads.map((h) => h.id as string);
    const [lines, shipping, tenders, history, events, unmapped, postings, requests, shipments] = await Promise.all([
      this.reads.query('SELECT * FROM order_lines WHERE order_id = ANY($1) ORDER BY position', [ids]),
      this.reads.query('SELECT * FROM order_shipping_lines WHERE order_id = ANY($1) ORDER BY position', [ids]),
      this.reads.query('SELECT * FROM order_tenders WHERE order_id = ANY($1) ORDER BY position', [ids]),
      this.reads.query('SELECT * FROM order_history WHERE order_id = ANY($1) ORDER BY id', [ids]),
      this.reads.query(
        `SELECT e.*, i.received_at FROM order_source_events e JOIN inbox i ON i.id = e.inbox_id
         WHERE e.order_id = ANY($1) ORDER BY e.id`,
        [ids],
      ),
      this.reads.query('SELECT * FROM order_unmapped_keys WHERE order_id = ANY($1) ORDER BY kind, source_value', [ids]),
      this.reads.query('SELECT * FROM postings WHERE order_id = ANY($1) ORDER BY target_id, document_type, created_at', [ids]),
      this.reads.query(
        `SELECT r.*, m.status AS delivery_status, m.last_error AS delivery_error, c.status AS cancel_status, c.last_error AS cancel_error
         FROM fulfillment_requests r
         LEFT JOIN outbound_messages m ON m.kind = 'FULFILLMENT_REQUEST' AND m.subject_id = r.id
         LEFT JOIN outbound_messages c ON c.kind = 'FULFILLMENT_CANCEL' AND c.subject_id = r.id
         WHERE r.order_id = ANY($1) ORDER BY r.created_at, r.location_ref`,
        [ids],
      ),
      this.reads.query('SELECT * FROM shipments WHERE order_id = ANY($1) ORDER BY shipped_at, received_at', [ids]),
    ]);
    const byOrder = {
      lines: groupBy(lines), shipping: groupBy(shipping), tenders: groupBy(tenders), history: groupBy(history), events: groupBy(events),
      unmapped: groupBy(unmapped), postings: groupBy(postings), requests: groupBy(requests), shipments: groupBy(shipments),
    };
    return heads.map((head) => this.toModel(head, byOrder));
  }

  private toModel(
    head: Row,
    children: Record<'lines' | 'shipping' | 'tenders' | 'history' | 'events' | 'unmapped' | 'postings' | 'requests' | 'shipments', Map<string, Row[]>>,
  ): OrderModel {
    const id = head.id as string;
    const currency = (head.currency_code as string).trim();
    const m = (value: unknown) => money(value, currency);
    return {
      id,
      channel: head.channel as string,
      account: head.account as string,
      externalId: head.external_id as string,
      orderNumber: head.order_number as string,
      status: head.status as string,
      holdReasons: head.hold_reasons as string[],
      holdDetails: (typeof head.hold_details === 'string' ? JSON.parse(head.hold_details) : head.hold_details) as OrderModel['holdDetails'],
      currencyCode: currency,
      placedAt: new Date(head.placed_at as string),
      sourceUpdatedAt: new Date(head.source_updated_at as string),
      paymentStatus: head.payment_status as string,
      taxStatus: head.tax_status as string,
      totals: {
        subtotal: m(head.subtotal), discounts: m(head.discounts), tax: m(head.tax), shipping: m(head.shipping), grandTotal: m(head.grand_total),
      },
      lines: (children.lines.get(id) ?? []).map(
        (r): OrderLineModel => ({
          id: r.id as string,
          externalId: r.external_id as string,
          sku: r.sku as string | null,
          title: r.title as string,
          quantity: r.quantity as number,
          unitPrice: m(r.unit_price),
          discount: m(r.discount_total),
          tax: m(r.tax_total),
          fulfillmentMethod: r.fulfillment_method as string,
          locationRef: r.location_ref as string | null,
        }),
      ),
      shippingLines: (children.shipping.get(id) ?? []).map(
        (r): ShippingLineModel => ({
          title: r.title as string, code: r.code as string | null, price: m(r.price), discount: m(r.discount_total), tax: m(r.tax_total),
        }),
      ),
      tenders: (children.tenders.get(id) ?? []).map(
        (r): TenderModel => ({ kind: r.kind as string, gateway: r.gateway as string, authorized: m(r.authorized), captured: m(r.captured) }),
      ),
      history: (children.history.get(id) ?? []).map(
        (r): OrderHistoryModel => ({
          at: new Date(r.at as string),
          fromStatus: r.from_status as string | null,
          toStatus: r.to_status as string,
          holdReasons: r.hold_reasons as string[],
          reason: r.reason as string,
          correlationId: r.correlation_id as string,
          inboxId: r.inbox_id as string | null,
        }),
      ),
      sourceEvents: (children.events.get(id) ?? []).map(
        (r): SourceEventModel => ({
          inboxId: r.inbox_id as string,
          topic: r.topic as string,
          sourceVersion: new Date(r.source_version as string),
          outcome: r.outcome as string,
          correlationId: r.correlation_id as string,
          receivedAt: new Date(r.received_at as string),
        }),
      ),
      unmappedKeys: (children.unmapped.get(id) ?? []).map((r) => ({
        kind: r.kind as string, channel: r.channel as string, account: r.account as string, sourceValue: r.source_value as string,
      })),
      erpReferences: (children.postings.get(id) ?? []).map((r) => ({
        target: r.target_id as string, documentType: r.document_type as string, documentKey: r.document_key as string, postingStatus: r.status as string,
        internalId: r.erp_internal_id as string | null, documentNumber: r.erp_document_number as string | null,
        attempts: r.attempts as number, lastError: r.last_error as string | null,
        postedAt: r.posted_at ? new Date(r.posted_at as string) : null,
      })),
      fulfillmentRequests: (children.requests.get(id) ?? []).map(requestModel),
      shipments: (children.shipments.get(id) ?? []).map((r) => shipmentModel(r, children.postings.get(id) ?? [])),
    };
  }
}
