import { Inject, Injectable } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { loadBatched } from '../../../platform/graphql/batch-loader.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';
import { UnmappedValueModel } from '../../orders/graphql/order.model.js';

/** ERP items a live ITEM mapping already points at whose id matches an unmapped SKU but for case. */
@Injectable()
export class MappingSuggestionsReader {
  constructor(@Inject(GraphQLReads) private readonly reads: GraphQLReads) {}

  async items(sourceValues: readonly string[]): Promise<Map<string, string[]>> {
    // upper() and the DISTINCT's order in SQL, as the worklist has always compared and sorted them.
    const rows = await this.reads.query<{ value: string; suggestions: string[] }>(
      `SELECT v.value, array_agg(DISTINCT m.target->>'itemId') AS suggestions
       FROM unnest($1::text[]) AS v(value)
       JOIN mappings m ON m.kind = 'ITEM' AND m.valid_to IS NULL AND NOT m.retired AND upper(m.target->>'itemId') = upper(v.value)
       GROUP BY v.value`,
      [sourceValues],
    );
    return new Map(rows.map((r) => [r.value, r.suggestions]));
  }
}

/** The worklist's suggestions, for every unmapped SKU of the answer in one statement. */
@Resolver(() => UnmappedValueModel)
export class MappingSuggestionsResolver {
  constructor(@Inject(MappingSuggestionsReader) private readonly reader: MappingSuggestionsReader) {}

  @ResolveField('suggestions', () => [String], { description: 'ERP references the hub can see that may fit; applied only by a person' })
  async suggestions(@Parent() value: UnmappedValueModel, @Context() context: object): Promise<string[]> {
    if (value.kind !== 'ITEM') return [];
    return loadBatched(context, this.reader, this.reader.items, value.sourceValue, () => []);
  }
}
