import { Inject, Injectable } from '@nestjs/common';
import { groupRows } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';

type Row = Record<string, unknown>;

/** The fulfilment side of a page of orders for GraphQL: a statement per table, grouped by order id. */
@Injectable()
export class OrderFulfillmentReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  /** Each request with the delivery state of its outbound messages: the request, and any cancel. */
  async requests(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>(
      `SELECT r.*, m.status AS delivery_status, m.last_error AS delivery_error, c.status AS cancel_status, c.last_error AS cancel_error
       FROM fulfillment_requests r
       LEFT JOIN outbound_messages m ON m.kind = 'FULFILLMENT_REQUEST' AND m.subject_id = r.id
       LEFT JOIN outbound_messages c ON c.kind = 'FULFILLMENT_CANCEL' AND c.subject_id = r.id
       WHERE r.order_id = ANY($1) ORDER BY r.created_at, r.location_ref`,
      [orderIds],
    );
    return groupRows(rows, 'order_id');
  }

  async shipments(orderIds: readonly string[]): Promise<Map<string, Row[]>> {
    const rows = await this.reads.query<Row>('SELECT * FROM shipments WHERE order_id = ANY($1) ORDER BY shipped_at, received_at', [orderIds]);
    return groupRows(rows, 'order_id');
  }
}
