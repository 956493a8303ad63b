import { Inject, Injectable } from '@nestjs/common';
import { groupRows } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';

/** The postings of a page of orders for GraphQL, in one statement, grouped by order id. */
@Injectable()
export class OrderPostingsReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  async byOrder(orderIds: readonly string[]): Promise<Map<string, Record<string, unknown>[]>> {
    const rows = await this.reads.query<Record<string, unknown>>(
      // A posting's duplicate documents ride along: few postings ever have any.
      `SELECT p.*, (SELECT json_agg(json_build_object('internalId', d.erp_internal_id, 'documentNumber', d.erp_document_number,
                      'outcome', d.outcome, 'note', d.note, 'foundAt', d.found_at) ORDER BY d.found_at)
                    FROM erp_duplicate_documents d WHERE d.posting_id = p.id) AS duplicates
       FROM postings p WHERE p.order_id = ANY($1) ORDER BY p.target_id, p.document_type, p.created_at`,
      [orderIds],
    );
    return groupRows(rows, 'order_id');
  }
}
