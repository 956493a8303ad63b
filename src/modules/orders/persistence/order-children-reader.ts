import { Inject, Injectable } from '@nestjs/common';
import { groupRows } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';

type Row = Record<string, unknown>;

/**
 * The order's own child tables, each read for a whole page of orders in one statement
 * (WHERE order_id = ANY) and grouped by order id; the field resolvers batch the page's ids.
 */
@Injectable()
export class OrderChildrenReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  lines(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    return this.grouped('SELECT * FROM order_lines WHERE order_id = ANY($1) ORDER BY position', orderIds);
  }

  shippingLines(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    return this.grouped('SELECT * FROM order_shipping_lines WHERE order_id = ANY($1) ORDER BY position', orderIds);
  }

  tenders(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    return this.grouped('SELECT * FROM order_tenders WHERE order_id = ANY($1) ORDER BY position', orderIds);
  }

  history(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    return this.grouped('SELECT * FROM order_history WHERE order_id = ANY($1) ORDER BY id', orderIds);
  }

  /** When each delivery arrived is the inbox's to tell (ingestion's SourceEvent resolver). */
  sourceEvents(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    return this.grouped('SELECT * FROM order_source_events WHERE order_id = ANY($1) ORDER BY id', orderIds);
  }

  unmappedKeys(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    return this.grouped('SELECT * FROM order_unmapped_keys WHERE order_id = ANY($1) ORDER BY kind, source_value', orderIds);
  }

  private async grouped(sql: string, orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    return groupRows(await this.reads.query<Row>(sql, [orderIds]), 'order_id');
  }
}
