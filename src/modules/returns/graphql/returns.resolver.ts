import { Inject } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { checkDate, userError } from '../../../platform/graphql/graphql-errors.js';
import { ReturnReader } from './return-reader.js';
import { caseModel, refundModel } from './return-rows.js';
import { RefundModel, ReturnCaseConnectionModel, ReturnCaseModel, ReturnFilterInput } from './return.model.js';

const MAX_PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const encodeCursor = (c: ReturnCaseModel): string => Buffer.from(`${c.openedAt.toISOString()}|${c.id}`).toString('base64url');

function decodeCursor(cursor: string): { openedAt: Date; id: string } {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [openedAt = '', id = ''] = parts;
  const at = new Date(openedAt);
  if (parts.length !== 2 || !ISO_INSTANT.test(openedAt) || Number.isNaN(at.getTime()) || !UUID.test(id)) {
    throw userError('INVALID_CURSOR', 'after is not a cursor this API gave out', 'after');
  }
  return { openedAt: at, id };
}

function checkId(value: string | undefined, field: string): void {
  if (value !== undefined && !UUID.test(value)) throw userError('VALIDATION_FAILED', `${field} must be a hub id (uuid)`, field);
}

/** Read side of return cases; every role may read. */
@Resolver(() => ReturnCaseModel)
export class ReturnsResolver {
  constructor(@Inject(ReturnReader) private readonly reader: ReturnReader) {}

  @Query(() => ReturnCaseModel, { name: 'return', nullable: true })
  async returnCase(@Args('id', { type: () => ID }) id: string): Promise<ReturnCaseModel | null> {
    checkId(id, 'id');
    const row = await this.reader.byId(id);
    return row ? caseModel(row) : null;
  }

  @Query(() => ReturnCaseConnectionModel, { description: 'Newest first; pass pageInfo.endCursor as after for the next page.' })
  async returns(
    @Args('filter', { nullable: true, type: () => ReturnFilterInput }) filter?: ReturnFilterInput,
    @Args('first', { type: () => Int, defaultValue: 20 }) first = 20,
    @Args('after', { nullable: true, type: () => String }) after?: string,
  ): Promise<ReturnCaseConnectionModel> {
    if (first < 1 || first > MAX_PAGE) throw userError('INVALID_PAGE_SIZE', `first must be between 1 and ${MAX_PAGE}`, 'first');
    checkDate(filter?.olderThan, 'filter.olderThan');
    checkId(filter?.orderId, 'filter.orderId');
    const rows = await this.reader.page({ ...filter, first, after: after ? decodeCursor(after) : undefined });
    const page = rows.slice(0, first).map(caseModel);
    return {
      edges: page.map((node) => ({ cursor: encodeCursor(node), node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]) : null },
    };
  }

  @Query(() => [RefundModel], { description: 'Refunds held or failed, and refunds whose money moved over REFUND_SETTLEMENT_DAYS ago with no settlement: oldest first.' })
  async refundExceptions(@Args('first', { type: () => Int, defaultValue: 50 }) first = 50): Promise<RefundModel[]> {
    if (first < 1 || first > 500) throw userError('INVALID_PAGE_SIZE', 'first must be between 1 and 500', 'first');
    return (await this.reader.refundExceptions(first)).map(refundModel);
  }
}
