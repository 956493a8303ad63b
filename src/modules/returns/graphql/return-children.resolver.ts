import { Inject } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { loadBatched } from '../../../platform/graphql/batch-loader.js';
import { OrderModel } from '../../orders/graphql/order.model.js';
import { ReturnReader } from './return-reader.js';
import { caseModel, componentModel, eventModel, exchangeLineModel, lineModel, refundModel, transactionModel } from './return-rows.js';
import {
  ExchangeLineModel, RefundComponentModel, RefundModel, RefundTransactionModel, ReturnCaseModel, ReturnEventModel, ReturnLineModel,
} from './return.model.js';

const none = (): Record<string, unknown>[] => [];

/** A case's lines, refunds and timeline, read for every case of the request at once, and only when selected. */
@Resolver(() => ReturnCaseModel)
export class ReturnChildrenResolver {
  constructor(@Inject(ReturnReader) private readonly reader: ReturnReader) {}

  @ResolveField('lines', () => [ReturnLineModel])
  async lines(@Parent() c: ReturnCaseModel, @Context() context: object): Promise<ReturnLineModel[]> {
    return (await loadBatched(context, this.reader, this.reader.lines, c.id, none)).map(lineModel);
  }

  @ResolveField('exchangeLines', () => [ExchangeLineModel], { description: 'New items taken in exchange; once the exchange is settled they are the order <orderExternalId>-EX-….' })
  async exchangeLines(@Parent() c: ReturnCaseModel, @Context() context: object): Promise<ExchangeLineModel[]> {
    return (await loadBatched(context, this.reader, this.reader.exchangeLines, c.id, none)).map(exchangeLineModel);
  }

  @ResolveField('refunds', () => [RefundModel])
  async refunds(@Parent() c: ReturnCaseModel, @Context() context: object): Promise<RefundModel[]> {
    return (await loadBatched(context, this.reader, this.reader.refunds, c.id, none)).map(refundModel);
  }

  @ResolveField('events', () => [ReturnEventModel], { description: 'The timeline: every event, in the order it happened at its source.' })
  async events(@Parent() c: ReturnCaseModel, @Context() context: object): Promise<ReturnEventModel[]> {
    return (await loadBatched(context, this.reader, this.reader.events, c.id, none)).map(eventModel);
  }
}

@Resolver(() => RefundModel)
export class RefundChildrenResolver {
  constructor(@Inject(ReturnReader) private readonly reader: ReturnReader) {}

  @ResolveField('components', () => [RefundComponentModel])
  async components(@Parent() r: RefundModel, @Context() context: object): Promise<RefundComponentModel[]> {
    return (await loadBatched(context, this.reader, this.reader.components, r.id, none)).map(componentModel);
  }

  @ResolveField('transactions', () => [RefundTransactionModel])
  async transactions(@Parent() r: RefundModel, @Context() context: object): Promise<RefundTransactionModel[]> {
    return (await loadBatched(context, this.reader, this.reader.transactions, r.id, none)).map(transactionModel);
  }
}

/** Order.returns: the order's return cases. */
@Resolver(() => OrderModel)
export class OrderReturnsResolver {
  constructor(@Inject(ReturnReader) private readonly reader: ReturnReader) {}

  @ResolveField('returns', () => [ReturnCaseModel])
  async returns(@Parent() order: OrderModel, @Context() context: object): Promise<ReturnCaseModel[]> {
    return (await loadBatched(context, this.reader, this.reader.byOrders, order.id, none)).map(caseModel);
  }
}
