import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { roleAllows } from '../../../platform/auth/api-keys.js';
import type { AuthenticatedRequest } from '../../../platform/auth/roles.guard.js';
import type { ApiKey } from '../../../platform/config/app-config.js';
import { checkDate, userError } from '../../../platform/graphql/graphql-errors.js';
import { ApiError } from '../../../platform/http/api-error.js';
import { money } from '../../orders/persistence/order-reader.js';
import { BreakActionsService, type BreakAction } from '../break-actions.service.js';
import { SettlementReader } from './settlement-reader.js';
import { breakModel, payoutModel, settlementModel } from './settlement-rows.js';
import {
  BreakActionResultModel, BreakFilterInput, PayoutConnectionModel, PayoutFilterInput, ReconciliationModel, ReconciliationPeriodInput,
  SettlementBreakConnectionModel, SettlementConnectionModel, SettlementFilterInput,
} from './settlement.model.js';

const MAX_PAGE = 100;
const MAX_PERIOD_DAYS = 366;

interface GraphQLContext {
  readonly reply?: { readonly request?: AuthenticatedRequest };
  readonly req?: AuthenticatedRequest;
}

function checkPage(first: number, after: string | undefined | null): string | undefined {
  if (first < 1 || first > MAX_PAGE) throw userError('INVALID_PAGE_SIZE', `first must be between 1 and ${MAX_PAGE}`, 'first');
  if (after === undefined || after === null) return undefined;
  const id = Buffer.from(after, 'base64url').toString('utf8');
  if (!/^\d{1,18}$/.test(id)) throw userError('INVALID_CURSOR', 'after is not a cursor this API gave out', 'after');
  return id;
}

function connection<T extends { id: string }>(rows: readonly Record<string, unknown>[], first: number, model: (r: Record<string, unknown>) => T) {
  const nodes = rows.slice(0, first).map(model);
  const last = nodes[nodes.length - 1];
  return { nodes, pageInfo: { hasNextPage: rows.length > first, endCursor: last ? Buffer.from(last.id).toString('base64url') : null } };
}

/** Settlements, payouts, breaks and the period's variance: every role reads; break actions need the operator role. */
@Resolver()
export class SettlementsResolver {
  constructor(
    @Inject(SettlementReader) private readonly reader: SettlementReader,
    @Inject(BreakActionsService) private readonly actions: BreakActionsService,
  ) {}

  @Query(() => SettlementConnectionModel, { description: 'Imported reports, newest first; pass pageInfo.endCursor as after for the next page.' })
  async settlements(
    @Args('filter', { nullable: true, type: () => SettlementFilterInput }) filter?: SettlementFilterInput,
    @Args('first', { type: () => Int, defaultValue: 20 }) first = 20,
    @Args('after', { nullable: true, type: () => String }) after?: string,
  ): Promise<SettlementConnectionModel> {
    const afterId = checkPage(first, after);
    return connection(await this.reader.settlements({ ...filter }, { first, afterId }), first, settlementModel);
  }

  @Query(() => PayoutConnectionModel, { description: 'Payouts as the reports state them, newest first.' })
  async payouts(
    @Args('filter', { nullable: true, type: () => PayoutFilterInput }) filter?: PayoutFilterInput,
    @Args('first', { type: () => Int, defaultValue: 20 }) first = 20,
    @Args('after', { nullable: true, type: () => String }) after?: string,
  ): Promise<PayoutConnectionModel> {
    const afterId = checkPage(first, after);
    return connection(await this.reader.payouts({ channel: filter?.channel ?? undefined, matched: filter?.matched ?? undefined }, { first, afterId }), first, payoutModel);
  }

  @Query(() => SettlementBreakConnectionModel, { description: 'Breaks, newest first; without a status, those not resolved.' })
  async breaks(
    @Args('filter', { nullable: true, type: () => BreakFilterInput }) filter?: BreakFilterInput,
    @Args('first', { type: () => Int, defaultValue: 20 }) first = 20,
    @Args('after', { nullable: true, type: () => String }) after?: string,
  ): Promise<SettlementBreakConnectionModel> {
    const afterId = checkPage(first, after);
    if (filter?.minAge !== undefined && filter.minAge !== null && (filter.minAge < 0 || filter.minAge > 3650)) {
      throw userError('VALIDATION_FAILED', 'minAge must be between 0 and 3650 days', 'filter.minAge');
    }
    const given = Object.fromEntries(Object.entries(filter ?? {}).filter(([, v]) => v !== null && v !== undefined));
    return connection(await this.reader.breaks(given, { first, afterId }), first, breakModel);
  }

  @Query(() => ReconciliationModel, { description: 'Expected against reported per channel, component and currency, for lines whose event falls in the period.' })
  async reconciliation(@Args('period', { type: () => ReconciliationPeriodInput }) period: ReconciliationPeriodInput): Promise<ReconciliationModel> {
    checkDate(period.from, 'period.from');
    checkDate(period.to, 'period.to');
    if (!(period.from < period.to)) throw userError('VALIDATION_FAILED', 'period.from must be before period.to', 'period');
    if (period.to.getTime() - period.from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw userError('VALIDATION_FAILED', `a period spans at most ${MAX_PERIOD_DAYS} days`, 'period');
    const { rows, openBreaks } = await this.reader.reconciliation(period.from, period.to);
    return {
      from: period.from, to: period.to, openBreaks,
      rows: rows.map((r) => {
        const currency = r.currency as string;
        const expected = BigInt(r.expected as string);
        const reported = BigInt(r.reported as string);
        return {
          channel: r.channel as string, component: r.component as string, currency, expected: money(expected, currency), reported: money(reported, currency),
          matched: money(r.matched, currency), unmatched: money(r.unmatched, currency), variance: money(reported - expected, currency),
        };
      }),
    };
  }

  @Mutation(() => BreakActionResultModel, { description: 'Acknowledge a break (operator role; the note is required and audited).' })
  acknowledgeBreak(@Context() context: GraphQLContext, @Args('id', { type: () => ID }) id: string, @Args('note') note: string): Promise<BreakActionResultModel> {
    return this.act(context, id, 'ACKNOWLEDGE', note);
  }

  @Mutation(() => BreakActionResultModel, { description: 'Resolve a break with a note saying why (operator role; audited).' })
  resolveBreak(@Context() context: GraphQLContext, @Args('id', { type: () => ID }) id: string, @Args('note') note: string): Promise<BreakActionResultModel> {
    return this.act(context, id, 'RESOLVE', note);
  }

  private async act(context: GraphQLContext, id: string, action: BreakAction, note: string): Promise<BreakActionResultModel> {
    try {
      return await this.actions.act(id, action, operator(context).name, note);
    } catch (error) {
      if (error instanceof ApiError) throw userError(error.code, error.message, error.field);
      throw error;
    }
  }
}

function operator(context: GraphQLContext): ApiKey {
  const key = context.reply?.request?.apiKey ?? context.req?.apiKey;
  if (!key) throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required: Authorization: Bearer <key>', 'Authorization');
  if (!roleAllows(key.role, 'operator')) throw new ApiError(403, 'FORBIDDEN', `this needs the operator role; the key has ${key.role}`, 'Authorization');
  return key;
}
