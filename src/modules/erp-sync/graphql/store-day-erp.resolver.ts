import { Inject, Injectable } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { loadBatched, groupRows } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';
import { StoreDayJournalModel } from '../../store-days/graphql/store-day.model.js';
import { ErpReferenceModel } from './erp-reference.model.js';
import { referenceOf } from './order-erp.resolver.js';

/** The postings of a page of store day journals (subject STORE_DAY), in one statement. */
@Injectable()
export class StoreDayPostingsReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  async byJournal(ids: readonly string[]): Promise<Map<string, Record<string, unknown>[]>> {
    const rows = await this.reads.query<Record<string, unknown>>(
      `SELECT p.*, p.subject_id::text AS journal_id, NULL::json AS duplicates FROM postings p
       WHERE p.subject_type = 'STORE_DAY' AND p.subject_id = ANY($1::uuid[]) ORDER BY p.target_id, p.created_at`, [ids]);
    return groupRows(rows, 'journal_id');
  }
}

/** A store day's variance journal in the ERP targets. */
@Resolver(() => StoreDayJournalModel)
export class StoreDayErpResolver {
  constructor(@Inject(StoreDayPostingsReader) private readonly reader: StoreDayPostingsReader) {}

  @ResolveField('erp', () => [ErpReferenceModel], { description: 'The journal in each ERP target: posting status and, once posted, its ids.' })
  async erp(@Parent() journal: StoreDayJournalModel, @Context() context: object): Promise<ErpReferenceModel[]> {
    return (await loadBatched(context, this.reader, this.reader.byJournal, journal.id, () => [])).map(referenceOf);
  }
}
