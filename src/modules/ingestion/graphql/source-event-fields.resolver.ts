import { Inject } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { loadBatched } from '../../../platform/graphql/batch-loader.js';
import { SourceEventModel } from '../../orders/graphql/order.model.js';
import { InboxReader } from './inbox-reader.js';

/** A source event is an inbox delivery applied to an order; when it arrived is the inbox's to tell. */
@Resolver(() => SourceEventModel)
export class SourceEventFieldsResolver {
  constructor(@Inject(InboxReader) private readonly reader: InboxReader) {}

  @ResolveField('receivedAt', () => Date)
  async receivedAt(@Parent() event: SourceEventModel, @Context() context: object): Promise<Date> {
    const at = await loadBatched<string, Date | null>(context, this.reader, this.reader.receivedAt, event.inboxId, () => null);
    // order_source_events.inbox_id references the inbox ON DELETE RESTRICT: only a broken database lands here.
    if (!at) throw new Error(`inbox row ${event.inboxId} of a source event is missing`);
    return at;
  }
}
