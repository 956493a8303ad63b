import { Inject } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { checkDate, userError } from '../../../platform/graphql/graphql-errors.js';
import { mergeWorklist, UnmappedWorklist } from '../../master-data/unmapped-worklist.js';
import { OrderReader } from '../persistence/order-reader.js';
import { ChannelEnum, OrderConnectionModel, OrderFilterInput, OrderModel, UnmappedValueModel } from './order.model.js';

const MAX_PAGE = 100;

function encodeCursor(order: OrderModel): string {
  return Buffer.from(`${order.placedAt.toISOString()}|${order.id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Only what encodeCursor makes: anything else would reach SQL as a malformed uuid or timestamp. */
function decodeCursor(cursor: string): { placedAt: Date; id: string } {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [placedAt = '', id = ''] = parts;
  const at = new Date(placedAt);
  if (parts.length !== 2 || !ISO_INSTANT.test(placedAt) || Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1 || !UUID.test(id)) {
    throw userError('INVALID_CURSOR', 'after is not a cursor this API gave out', 'after');
  }
  return { placedAt: at, id };
}

/** Read side of orders; every role may read. Authentication happens before GraphQL runs. */
@Resolver(() => OrderModel)
export class OrdersResolver {
  constructor(
    @Inject(OrderReader) private readonly reader: OrderReader,
    @Inject(UnmappedWorklist) private readonly worklist: UnmappedWorklist,
  ) {}

  @Query(() => OrderModel, { nullable: true })
  order(@Args('id', { type: () => ID }) id: string): Promise<OrderModel | null> {
    return this.reader.byId(id);
  }

  @Query(() => OrderModel, { nullable: true, description: 'An order by its id in the channel (and the account, when ids may repeat across accounts).' })
  orderBySource(
    @Args('channel', { type: () => ChannelEnum }) channel: string,
    @Args('externalId') externalId: string,
    @Args('account', { nullable: true, type: () => String }) account?: string,
  ): Promise<OrderModel | null> {
    return this.reader.bySource(channel, externalId, account ?? undefined);
  }

  @Query(() => [UnmappedValueModel], { description: 'Missing mappings holding orders, most blocking first; then those other modules wait for (fee types a settlement carries).' })
  async unmappedValues(@Args('first', { type: () => Int, defaultValue: 50 }) first = 50): Promise<UnmappedValueModel[]> {
    if (first < 1 || first > 500) throw userError('INVALID_PAGE_SIZE', 'first must be between 1 and 500', 'first');
    const [orders, others] = await Promise.all([this.reader.unmappedValues(first), this.worklist.others(first)]);
    return others.length ? mergeWorklist([orders, others], first) : orders;
  }

  @Query(() => OrderConnectionModel, { description: 'Newest first; pass pageInfo.endCursor as after for the next page.' })
  async orders(
    @Args('filter', { nullable: true, type: () => OrderFilterInput }) filter?: OrderFilterInput,
    @Args('first', { type: () => Int, defaultValue: 20 }) first = 20,
    @Args('after', { nullable: true, type: () => String }) after?: string,
  ): Promise<OrderConnectionModel> {
    if (first < 1 || first > MAX_PAGE) throw userError('INVALID_PAGE_SIZE', `first must be between 1 and ${MAX_PAGE}`, 'first');
    checkDate(filter?.placedFrom, 'filter.placedFrom');
    checkDate(filter?.placedTo, 'filter.placedTo');
    const rows = await this.reader.page({ ...filter, first, after: after ? decodeCursor(after) : undefined });
    const page = rows.slice(0, first);
    return {
      edges: page.map((node) => ({ cursor: encodeCursor(node), node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]) : null },
    };
  }
}
