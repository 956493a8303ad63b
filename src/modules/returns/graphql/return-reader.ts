import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config.js';
import { groupRows } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';

type Row = Record<string, unknown>;

export interface ReturnPageQuery {
  readonly status?: string;
  readonly channel?: string;
  readonly orderId?: string;
  readonly olderThan?: Date;
  readonly hasException?: boolean;
  readonly first: number;
  readonly after?: { openedAt: Date; id: string };
}

/** A refund is an exception when its money moved this long ago and no settlement reported it. */
const UNSETTLED = `(r.state IN ('READY', 'CREDITED') AND r.settled_at IS NULL AND r.processed_at < now() - make_interval(days => $DAYS))`;
const unsettled = (param: number) => UNSETTLED.replace('$DAYS', `$${param}`);

/** The returns module's GraphQL reads, on GraphQL's own pool; children a statement per table, grouped. */
@Injectable()
export class ReturnReader {
  constructor(
    @Inject(GraphQLReads) private readonly reads: GraphQLReads,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async page(q: ReturnPageQuery): Promise<Row[]> {
    const where: string[] = [];
    const params: unknown[] = [this.config.refundSettlementDays];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (q.status) add((p) => `c.status = ${p}`, q.status);
    if (q.channel) add((p) => `c.channel = ${p}`, q.channel);
    if (q.orderId) add((p) => `c.order_id = ${p}::uuid`, q.orderId);
    if (q.olderThan) add((p) => `c.opened_at < ${p}`, q.olderThan);
    if (q.after) {
      params.push(q.after.openedAt, q.after.id);
      where.push(`(c.opened_at, c.id) < ($${params.length - 1}, $${params.length}::uuid)`);
    }
    if (q.hasException !== undefined) {
      const exists = `EXISTS (SELECT 1 FROM return_refunds r WHERE r.case_id = c.id AND (r.state IN ('HELD', 'FAILED') OR ${unsettled(1)}))`;
      where.push(q.hasException ? exists : `NOT ${exists}`);
    }
    params.push(q.first + 1);
    return this.reads.query<Row>(
      `SELECT c.* FROM return_cases c ${where.length ? `WHERE ${where.join(' AND ')}` : 'WHERE $1::int IS NOT NULL'}
       ORDER BY c.opened_at DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async byId(id: string): Promise<Row | null> {
    const [row] = await this.reads.query<Row>('SELECT * FROM return_cases WHERE id = $1::uuid', [id]);
    return row ?? null;
  }

  async byOrders(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>('SELECT * FROM return_cases WHERE order_id = ANY($1::uuid[]) ORDER BY opened_at', [orderIds]);
    return groupRows(rows, 'order_id');
  }

  async lines(caseIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>('SELECT * FROM return_lines WHERE case_id = ANY($1::uuid[]) ORDER BY line_ref', [caseIds]);
    return groupRows(rows, 'case_id');
  }

  async exchangeLines(caseIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>(
      'SELECT case_id, external_id, sku, variant_id, title, quantity, currency_code, total::text AS total FROM return_exchange_lines WHERE case_id = ANY($1::uuid[]) ORDER BY external_id',
      [caseIds],
    );
    return groupRows(rows, 'case_id');
  }

  async refunds(caseIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>(
      `SELECT r.*, r.total::text AS total, ${unsettled(2)} AS exception FROM return_refunds r WHERE r.case_id = ANY($1::uuid[]) ORDER BY r.processed_at, r.external_id`,
      [caseIds, this.config.refundSettlementDays],
    );
    return groupRows(rows, 'case_id');
  }

  async events(caseIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>('SELECT * FROM return_events WHERE case_id = ANY($1::uuid[]) ORDER BY occurred_at, id', [caseIds]);
    return groupRows(rows, 'case_id');
  }

  async components(refundIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>('SELECT *, amount::text AS amount FROM return_refund_components WHERE refund_id = ANY($1::uuid[]) ORDER BY position', [refundIds]);
    return groupRows(rows, 'refund_id');
  }

  async transactions(refundIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>('SELECT *, amount::text AS amount FROM return_refund_transactions WHERE refund_id = ANY($1::uuid[]) ORDER BY external_id', [refundIds]);
    return groupRows(rows, 'refund_id');
  }

  /** Refunds held, failed, or unsettled past REFUND_SETTLEMENT_DAYS: oldest first. */
  async refundExceptions(first: number): Promise<Row[]> {
    return this.reads.query<Row>(
      `SELECT r.*, r.total::text AS total, ${unsettled(1)} AS exception FROM return_refunds r
       WHERE r.state IN ('HELD', 'FAILED') OR ${unsettled(1)} ORDER BY r.processed_at LIMIT $2`,
      [this.config.refundSettlementDays, first],
    );
  }
}
