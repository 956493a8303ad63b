import { Inject } from '@nestjs/common';
import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { loadBatched } from '../../../platform/graphql/batch-loader.js';
import { userError } from '../../../platform/graphql/graphql-errors.js';
import { OrderModel } from '../../orders/graphql/order.model.js';
import { SettlementReader, orderTrailKey } from './settlement-reader.js';
import { actionModel, breakModel, lineModel, matchModel, payoutModel } from './settlement-rows.js';
import {
  OrderSettlementModel, PayoutModel, SettlementBreakActionModel, SettlementBreakModel, SettlementLineModel, SettlementMatchModel, SettlementModel,
} from './settlement.model.js';

type Row = Record<string, unknown>;
const none = (): Row[] => [];
const MAX_LINES = 1000;

/** A report's lines (a page of them: a report may hold a million) and its breaks. */
@Resolver(() => SettlementModel)
export class SettlementChildrenResolver {
  constructor(@Inject(SettlementReader) private readonly reader: SettlementReader) {}

  @ResolveField('lines', () => [SettlementLineModel], { description: 'The first lines of the report, in file order.' })
  async lines(@Parent() s: SettlementModel, @Context() context: object, @Args('first', { type: () => Int, defaultValue: 100 }) first = 100): Promise<SettlementLineModel[]> {
    if (first < 1 || first > MAX_LINES) throw userError('INVALID_PAGE_SIZE', `first must be between 1 and ${MAX_LINES}`, 'first');
    return (await loadBatched(context, this.reader, this.reader.linesOfSettlements, `${s.id}@${first}`, none)).map(lineModel);
  }

  @ResolveField('breaks', () => [SettlementBreakModel], { description: 'Breaks the import itself opened (control totals, unknown line types).' })
  async breaks(@Parent() s: SettlementModel, @Context() context: object): Promise<SettlementBreakModel[]> {
    return (await loadBatched(context, this.reader, this.reader.breaksOfSettlements, s.id, none)).map(breakModel);
  }
}

@Resolver(() => PayoutModel)
export class PayoutChildrenResolver {
  constructor(@Inject(SettlementReader) private readonly reader: SettlementReader) {}

  @ResolveField('lines', () => [SettlementLineModel], { description: 'The report lines this payout pays out.' })
  async lines(@Parent() p: PayoutModel, @Context() context: object): Promise<SettlementLineModel[]> {
    return (await loadBatched(context, this.reader, this.reader.linesOfPayouts, `${p.channel}|${p.payoutRef}`, none)).map(lineModel);
  }

  @ResolveField('bankLines', () => [SettlementLineModel], { description: 'The bank line(s) matched to this payout.' })
  async bankLines(@Parent() p: PayoutModel, @Context() context: object): Promise<SettlementLineModel[]> {
    return (await loadBatched(context, this.reader, this.reader.bankLinesOfPayouts, p.id, none)).map(lineModel);
  }

  @ResolveField('match', () => SettlementMatchModel, { nullable: true })
  async match(@Parent() p: PayoutModel, @Context() context: object): Promise<SettlementMatchModel | null> {
    return matchOf(context, this.reader, p.matchId);
  }
}

@Resolver(() => SettlementLineModel)
export class SettlementLineResolver {
  constructor(@Inject(SettlementReader) private readonly reader: SettlementReader) {}

  @ResolveField('match', () => SettlementMatchModel, { nullable: true, description: 'The match that consumed this line, with every item of it.' })
  async match(@Parent() line: SettlementLineModel, @Context() context: object): Promise<SettlementMatchModel | null> {
    return matchOf(context, this.reader, line.matchId);
  }
}

@Resolver(() => SettlementMatchModel)
export class SettlementMatchResolver {
  constructor(@Inject(SettlementReader) private readonly reader: SettlementReader) {}

  @ResolveField('items', () => [SettlementLineModel])
  async items(@Parent() m: SettlementMatchModel, @Context() context: object): Promise<SettlementLineModel[]> {
    return (await loadBatched(context, this.reader, this.reader.matchItems, m.id, none)).map(lineModel);
  }
}

@Resolver(() => SettlementBreakModel)
export class SettlementBreakResolver {
  constructor(@Inject(SettlementReader) private readonly reader: SettlementReader) {}

  @ResolveField('actions', () => [SettlementBreakActionModel], { description: 'Who acknowledged, resolved or auto-closed it, oldest first.' })
  async actions(@Parent() b: SettlementBreakModel, @Context() context: object): Promise<SettlementBreakActionModel[]> {
    return (await loadBatched(context, this.reader, this.reader.breakActions, b.id, none)).map(actionModel);
  }
}

/** Order.settlement and the legs of its trail the ledger holds; the ERP leg is erp-sync's. */
@Resolver(() => OrderSettlementModel)
export class OrderSettlementResolver {
  constructor(@Inject(SettlementReader) private readonly reader: SettlementReader) {}

  @ResolveField('expected', () => [SettlementLineModel], { description: 'What the hub expects the channel to settle, per component.' })
  async expected(@Parent() s: OrderSettlementModel, @Context() context: object): Promise<SettlementLineModel[]> {
    return (await this.lines(s, context)).filter((r) => r.side === 'EXPECTED').map(lineModel);
  }

  @ResolveField('settled', () => [SettlementLineModel], { description: 'The report lines naming the order: captures, fees, refunds, chargebacks, in any payout.' })
  async settled(@Parent() s: OrderSettlementModel, @Context() context: object): Promise<SettlementLineModel[]> {
    return (await this.lines(s, context)).filter((r) => r.side === 'REPORTED').map(lineModel);
  }

  @ResolveField('payouts', () => [PayoutModel], { description: 'The payouts carrying those lines; each with its bank lines.' })
  async payouts(@Parent() s: OrderSettlementModel, @Context() context: object): Promise<PayoutModel[]> {
    return (await loadBatched(context, this.reader, this.reader.payoutsOfOrders, orderTrailKey(s), none)).map(payoutModel);
  }

  private lines(s: OrderSettlementModel, context: object): Promise<Row[]> {
    return loadBatched(context, this.reader, this.reader.linesOfOrders, orderTrailKey(s), none);
  }
}

@Resolver(() => OrderModel)
export class OrderSettlementFieldResolver {
  @ResolveField('settlement', () => OrderSettlementModel, { description: "The order's money trail from the channel through the ERP to the bank." })
  settlement(@Parent() order: OrderModel): OrderSettlementModel {
    return { orderId: order.id, channel: order.channel, externalId: order.externalId, orderNumber: order.orderNumber, currencyCode: order.currencyCode };
  }
}

async function matchOf(context: object, reader: SettlementReader, matchId: string | null): Promise<SettlementMatchModel | null> {
  if (!matchId) return null;
  const [row] = await loadBatched(context, reader, reader.matches, matchId, none);
  return row ? matchModel(row) : null;
}
