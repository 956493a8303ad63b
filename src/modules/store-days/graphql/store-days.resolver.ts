import { Inject } from '@nestjs/common';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { userError } from '../../../platform/graphql/graphql-errors.js';
import { StoreDayReader } from './store-day-reader.js';
import { StoreDayFilterInput, StoreDayModel } from './store-day.model.js';

const MAX_DAYS = 200;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Store days with their cash and status: every role reads. */
@Resolver()
export class StoreDaysResolver {
  constructor(@Inject(StoreDayReader) private readonly reader: StoreDayReader) {}

  @Query(() => [StoreDayModel], { description: 'Store days, latest business date first.' })
  async storeDays(
    @Args('filter', { nullable: true, type: () => StoreDayFilterInput }) filter?: StoreDayFilterInput,
    @Args('first', { type: () => Int, defaultValue: 50 }) first = 50,
  ): Promise<StoreDayModel[]> {
    if (first < 1 || first > MAX_DAYS) throw userError('INVALID_PAGE_SIZE', `first must be between 1 and ${MAX_DAYS}`, 'first');
    for (const field of ['from', 'to'] as const) {
      const value = filter?.[field];
      if (value !== undefined && value !== null && !DATE.test(value)) throw userError('VALIDATION_FAILED', `${field} must be a date YYYY-MM-DD`, `filter.${field}`);
    }
    const clean = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
    return this.reader.storeDays({
      storeId: clean(filter?.storeId), channel: clean(filter?.channel), from: clean(filter?.from), to: clean(filter?.to), status: clean(filter?.status), first,
    });
  }
}
