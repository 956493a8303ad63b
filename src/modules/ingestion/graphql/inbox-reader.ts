import { Inject, Injectable } from '@nestjs/common';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';

/** What GraphQL shows of the inbox: when deliveries arrived, for many at once. */
@Injectable()
export class InboxReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  async receivedAt(inboxIds: readonly string[]): Promise<Map<string, Date>> {
    const rows = await this.reads.query<{ id: string; received_at: string | Date }>('SELECT id, received_at FROM inbox WHERE id = ANY($1)', [inboxIds]);
    return new Map(rows.map((r) => [r.id, new Date(r.received_at)]));
  }
}
