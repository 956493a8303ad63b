import { Inject, Injectable } from '@nestjs/common';
import { formatDecimal } from '../../../canonical/money.js';
import { toBigInt } from '../../../platform/database/sql.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';
import type { MoneyModel, OrderModel, UnmappedValueModel } from '../graphql/order.model.js';

type Row = Record<string, unknown>;

export interface OrderPageQuery {
  readonly channel?: string;
  readonly status?: string;
  readonly placedFrom?: Date;
  readonly placedTo?: Date;
  readonly first: number;
  readonly after?: { placedAt: Date; id: string };
}

export function money(amount: unknown, currency: string): MoneyModel {
  return { amount: formatDecimal({ amount: toBigInt(amount), currency }), currencyCode: currency };
}

function headModel(head: Row): OrderModel {
  const currency = (head.currency_code as string).trim();
  const m = (value: unknown) => money(value, currency);
  return {
    id: head.id as string,
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
    charges: ((head.charges as { kind: string; title: string; amount: string }[] | null) ?? []).map((c) => ({ kind: c.kind, title: c.title, amount: m(c.amount) })),
    taxStatus: head.tax_status as string,
    note: (head.note as string | null) ?? null,
    poNumber: (head.po_number as string | null) ?? null,
    test: head.test === true,
    presentmentCurrency: typeof head.presentment_currency === 'string' ? head.presentment_currency.trim() : null,
    totals: {
      subtotal: m(head.subtotal), discounts: m(head.discounts), tax: m(head.tax), shipping: m(head.shipping), grandTotal: m(head.grand_total),
    },
  };
}

/**
 * Reads order heads for the API in one statement; the children a query selects come from
 * their field resolvers, a statement per table for the whole page (OrderChildrenReader and
 * the readers of the modules that own the other tables). Through GraphQL's own read pool,
 * under its statement timeout.
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

  /** The worklist: missing mappings by how many held orders wait for them, oldest first among equals (suggestions: master data's resolver). */
  async unmappedValues(limit: number): Promise<UnmappedValueModel[]> {
    const rows = await this.reads.query<Row>(
      `SELECT u.kind, u.channel, u.account, u.source_value, count(DISTINCT u.order_id)::int AS order_count, min(u.since) AS since
       FROM order_unmapped_keys u JOIN orders o ON o.id = u.order_id AND o.status = 'ON_HOLD'
       GROUP BY u.kind, u.channel, u.account, u.source_value
       ORDER BY order_count DESC, since ASC, u.kind, u.source_value
       LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      kind: r.kind as string, channel: r.channel as string, account: r.account as string, sourceValue: r.source_value as string,
      orderCount: r.order_count as number, since: new Date(r.since as string),
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
    return heads.map(headModel);
  }
}
