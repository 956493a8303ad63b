import { Inject, Injectable } from '@nestjs/common';
import { groupRows } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';

/** The postings of a page of orders for GraphQL, in one statement, grouped by order id. */
@Injectable()
export class OrderPostingsReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  async byOrder(orderIds: readonly string[]): Promise<Map<string, Record<string, unknown>[]>> {
    const rows = await this.reads.query<Record<string, unknown>>(
      'SELECT * FROM postings WHERE order_id = ANY($1) ORDER BY target_id, document_type, created_at',
      [orderIds],
    );
    return groupRows(rows, 'order_id');
  }
}
