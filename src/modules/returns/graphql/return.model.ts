import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { MoneyModel } from '../../orders/graphql/order.model.js';

@ObjectType('ReturnLine', { description: "One order line's units, per step of the return; a unit further along has passed the earlier steps." })
export class ReturnLineModel {
  @Field({ description: "The channel's order line id." }) lineRef: string;
  @Field(() => Int) requested: number;
  @Field(() => Int) approved: number;
  @Field(() => Int) inTransit: number;
  @Field(() => Int) received: number;
  @Field(() => Int) inspected: number;
  @Field(() => Int) dispositioned: number;
  @Field(() => Int) refunded: number;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => String, { nullable: true }) condition: string | null;
}

@ObjectType('ExchangeLine', { description: 'A new item the customer takes in exchange; the items become the linked exchange order.' })
export class ExchangeLineModel {
  @Field({ description: "The channel's exchange line id." }) externalId: string;
  @Field(() => String, { nullable: true }) sku: string | null;
  @Field(() => String, { nullable: true }) variantId: string | null;
  @Field() title: string;
  @Field(() => Int) quantity: number;
  @Field(() => MoneyModel, { description: 'What the new item costs, after discounts, with its taxes' }) total: MoneyModel;
}

@ObjectType('RefundComponent')
export class RefundComponentModel {
  @Field({ description: 'LINE_SUBTOTAL, LINE_TAX, SHIPPING, SHIPPING_TAX, DUTIES, RESTOCKING_FEE, ADJUSTMENT or EXCHANGE_CREDIT (negative: the returned value an exchange took).' }) kind: string;
  @Field(() => MoneyModel) amount: MoneyModel;
  @Field(() => String, { nullable: true }) lineRef: string | null;
  @Field(() => Int) quantity: number;
  @Field(() => String, { nullable: true }) restockType: string | null;
}

@ObjectType('RefundTransaction')
export class RefundTransactionModel {
  @Field() externalId: string;
  @Field({ description: 'ORIGINAL_PAYMENT, GIFT_CARD or STORE_CREDIT.' }) tender: string;
  @Field() gateway: string;
  @Field({ description: 'SUCCESS, PENDING or FAILURE.' }) status: string;
  @Field(() => MoneyModel) amount: MoneyModel;
}

@ObjectType('Refund')
export class RefundModel {
  @Field(() => ID) id: string;
  @Field(() => ID) caseId: string;
  @Field() channel: string;
  @Field() externalId: string;
  @Field({ description: 'WAITING, FAILED, HELD, READY (money moved), CREDITED (ERP credit posted) or SETTLED.' }) state: string;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => String, { nullable: true }) detail: string | null;
  @Field(() => MoneyModel) total: MoneyModel;
  @Field() processedAt: Date;
  @Field(() => Date, { nullable: true }) settledAt: Date | null;
  @Field(() => String, { nullable: true }) settlementRef: string | null;
  @Field({ description: 'Money moved more than REFUND_SETTLEMENT_DAYS ago and no settlement reported it.' }) exception: boolean;
  components?: RefundComponentModel[];
  transactions?: RefundTransactionModel[];
}

@ObjectType('ReturnEvent', { description: 'One event on the case timeline, as its source reported it.' })
export class ReturnEventModel {
  @Field(() => ID) id: string;
  @Field() source: string;
  @Field() eventKey: string;
  @Field() kind: string;
  @Field() occurredAt: Date;
  @Field() recordedAt: Date;
  @Field() description: string;
  @Field() correlationId: string;
  @Field(() => ID, { nullable: true }) inboxId: string | null;
}

@ObjectType('ReturnCase')
export class ReturnCaseModel {
  @Field(() => ID) id: string;
  @Field() channel: string;
  @Field() account: string;
  @Field() orderExternalId: string;
  @Field(() => ID, { nullable: true }) orderId: string | null;
  @Field(() => String, { nullable: true, description: "The channel's return id." }) returnRef: string | null;
  @Field(() => String, { nullable: true, description: "A returns platform's RMA." }) rmaRef: string | null;
  @Field() status: string;
  @Field(() => String, { nullable: true }) holdReason: string | null;
  @Field(() => [String]) flags: string[];
  @Field() openedAt: Date;
  @Field() updatedAt: Date;
  @Field(() => Date, { nullable: true }) completedAt: Date | null;
}

@ObjectType('ReturnCaseEdge')
export class ReturnCaseEdgeModel {
  @Field() cursor: string;
  @Field(() => ReturnCaseModel) node: ReturnCaseModel;
}

@ObjectType('ReturnPageInfo')
export class ReturnPageInfoModel {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

@ObjectType('ReturnCaseConnection')
export class ReturnCaseConnectionModel {
  @Field(() => [ReturnCaseEdgeModel]) edges: ReturnCaseEdgeModel[];
  @Field(() => ReturnPageInfoModel) pageInfo: ReturnPageInfoModel;
}

@InputType('ReturnFilter')
export class ReturnFilterInput {
  @Field(() => String, { nullable: true }) status?: string;
  @Field(() => String, { nullable: true }) channel?: string;
  @Field(() => ID, { nullable: true, description: "The hub's order id." }) orderId?: string;
  @Field(() => Date, { nullable: true, description: 'Cases opened before this instant.' }) olderThan?: Date;
  @Field(() => Boolean, { nullable: true, description: 'Cases with a refund held, failed, or unsettled past REFUND_SETTLEMENT_DAYS.' }) hasException?: boolean;
}
