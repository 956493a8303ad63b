import { Inject, Injectable } from '@nestjs/common';
import { groupRows } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';
import { money } from '../../orders/persistence/order-reader.js';
import { StoreDayStatus, type StoreDayModel } from './store-day.model.js';

type Row = Record<string, unknown>;

/** The status a day shows, from its close, its variances and its journals (see StoreDayStatus). */
const STATUS_SQL = `CASE
  WHEN NOT d.closed THEN 'OPEN'
  WHEN EXISTS (SELECT 1 FROM store_day_journals j WHERE j.store_day_id = d.id AND j.state = 'HELD') THEN 'CLOSED'
  WHEN NOT EXISTS (SELECT 1 FROM store_day_cash c WHERE c.store_day_id = d.id AND c.variance <> 0) THEN 'BALANCED'
  WHEN NOT EXISTS (SELECT 1 FROM store_day_journals j WHERE j.store_day_id = d.id AND j.state <> 'POSTED') THEN 'POSTED'
  WHEN (SELECT sum(c.variance) FROM store_day_cash c WHERE c.store_day_id = d.id) > 0 THEN 'OVER'
  ELSE 'SHORT' END`;

export interface StoreDayQuery {
  readonly storeId?: string;
  readonly channel?: string;
  readonly from?: string;
  readonly to?: string;
  readonly status?: StoreDayStatus;
  readonly first: number;
}

/** Store days for GraphQL: the page of days, then one statement per child table for all of them. */
@Injectable()
export class StoreDayReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  async storeDays(q: StoreDayQuery): Promise<StoreDayModel[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
    if (q.storeId !== undefined) add('d.store = ?', q.storeId);
    if (q.channel !== undefined) add('d.channel = ?', q.channel);
    if (q.from !== undefined) add('d.business_date >= ?::date', q.from);
    if (q.to !== undefined) add('d.business_date <= ?::date', q.to);
    if (q.status !== undefined) add(`(${STATUS_SQL}) = ?`, q.status);
    params.push(q.first);
    const days = await this.reads.query<Row>(`
      SELECT d.id, d.channel, d.store, d.business_date::text AS business_date, d.closed_at, d.registers, d.restatements, ${STATUS_SQL} AS status
      FROM store_days d ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY d.business_date DESC, d.store, d.channel LIMIT $${params.length}`, params);
    if (days.length === 0) return [];
    const ids = days.map((d) => d.id as string);
    const [cash, counts, journals, events] = await Promise.all([
      this.reads.query<Row>('SELECT store_day_id, currency, opening_float, expected, counted, variance FROM store_day_cash WHERE store_day_id = ANY($1) ORDER BY currency', [ids]),
      this.reads.query<Row>('SELECT store_day_id, kind, count(*)::int AS count FROM store_day_transactions WHERE store_day_id = ANY($1) GROUP BY 1, 2 ORDER BY kind', [ids]),
      this.reads.query<Row>('SELECT store_day_id, id, external_id, seq, currency, amount, state, hold_reason FROM store_day_journals WHERE store_day_id = ANY($1) ORDER BY currency, seq', [ids]),
      this.reads.query<Row>('SELECT store_day_id, kind, note, at FROM store_day_events WHERE store_day_id = ANY($1) ORDER BY id', [ids]),
    ]).then((sets) => sets.map((rows) => groupRows(rows, 'store_day_id')));
    return days.map((d) => {
      const id = d.id as string;
      const lines = (cash.get(id) ?? []).map((c) => {
        const currency = (c.currency as string).trim();
        return { currency, openingFloat: money(c.opening_float, currency), expected: money(c.expected, currency), counted: money(c.counted, currency), variance: money(c.variance, currency) };
      });
      return {
        id, channel: d.channel as string, storeId: d.store as string, businessDate: d.business_date as string, status: d.status as StoreDayStatus,
        closedAt: d.closed_at ? new Date(d.closed_at as string) : null, registers: (d.registers as string[] | null) ?? [], restatements: d.restatements as number,
        expected: lines.map((l) => l.expected), counted: lines.map((l) => l.counted), variance: lines.map((l) => l.variance), cash: lines,
        transactionCounts: (counts.get(id) ?? []).map((c) => ({ type: c.kind as string, count: c.count as number })),
        journals: (journals.get(id) ?? []).map((j) => ({
          id: j.id as string, externalId: j.external_id as string, seq: j.seq as number, amount: money(j.amount, (j.currency as string).trim()),
          state: j.state as string, holdReason: j.hold_reason as string | null,
        })),
        events: (events.get(id) ?? []).map((e) => ({ kind: e.kind as string, note: e.note as string, at: new Date(e.at as string) })),
      };
    });
  }
}
