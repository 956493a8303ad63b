import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CHANNEL_CODES } from '../../../adapters/channels/registry.js';
import { PAYMENT_PROVIDER_CODES } from '../../../adapters/payments/providers.js';
import { HOLD_REASONS, ORDER_STATUSES } from '../domain/order-state.js';

const asEnum = (values: readonly string[]) => Object.fromEntries(values.map((v) => [v, v]));

/** The order channels, and the payment providers whose settlements (fees, mappings, breaks) are keyed by their own code. */
export const ChannelEnum = asEnum([...CHANNEL_CODES, ...PAYMENT_PROVIDER_CODES]);
export const OrderStatusEnum = asEnum(ORDER_STATUSES);
export const HoldReasonEnum = asEnum(HOLD_REASONS);
export const FulfillmentMethodEnum = asEnum(['SHIP', 'PICKUP_IN_STORE', 'SHIP_FROM_STORE', 'DROP_SHIP', 'DIGITAL']);
registerEnumType(ChannelEnum, { name: 'Channel' });
registerEnumType(OrderStatusEnum, { name: 'OrderStatus' });
registerEnumType(HoldReasonEnum, { name: 'HoldReason' });
registerEnumType(FulfillmentMethodEnum, { name: 'FulfillmentMethod' });

@ObjectType({ description: 'An amount as a decimal string in its currency, e.g. { amount: "12.34", currencyCode: "USD" }.' })
export class MoneyModel {
  @Field() amount: string;
  @Field() currencyCode: string;
}

@ObjectType('OrderCharge', { description: 'Money on the order beside its lines and shipping: a tip, duties, a rounding.' })
export class OrderChargeModel {
  @Field({ description: 'TIP, DUTY, ROUNDING or OTHER.' }) kind: string;
  @Field() title: string;
  @Field(() => MoneyModel) amount: MoneyModel;
}

@ObjectType('OrderTotals')
export class OrderTotalsModel {
  @Field(() => MoneyModel) subtotal: MoneyModel;
  @Field(() => MoneyModel) discounts: MoneyModel;
  @Field(() => MoneyModel) tax: MoneyModel;
  @Field(() => MoneyModel) shipping: MoneyModel;
  @Field(() => MoneyModel) grandTotal: MoneyModel;
}

@ObjectType('LineProperty', { description: 'What the buyer typed on a line at checkout (an engraving, a gift message).' })
export class LinePropertyModel {
  @Field() name: string;
  @Field() value: string;
}

@ObjectType('OrderLine')
export class OrderLineModel {
  @Field(() => ID) id: string;
  @Field() externalId: string;
  @Field(() => String, { nullable: true }) sku: string | null;
  @Field() title: string;
  @Field(() => Int) quantity: number;
  @Field(() => MoneyModel) unitPrice: MoneyModel;
  @Field(() => MoneyModel, { description: 'Discounts allocated to the line, all units together.' }) discount: MoneyModel;
  @Field(() => MoneyModel, { description: 'Tax on the line, all units together.' }) tax: MoneyModel;
  @Field(() => FulfillmentMethodEnum) fulfillmentMethod: string;
  @Field(() => String, { nullable: true }) locationRef: string | null;
  @Field(() => [LinePropertyModel]) properties: LinePropertyModel[];
}

@ObjectType('ShippingLine')
export class ShippingLineModel {
  @Field() title: string;
  @Field(() => String, { nullable: true }) code: string | null;
  @Field(() => MoneyModel) price: MoneyModel;
  @Field(() => MoneyModel) discount: MoneyModel;
  @Field(() => MoneyModel) tax: MoneyModel;
}

@ObjectType('Tender')
export class TenderModel {
  @Field() kind: string;
  @Field() gateway: string;
  @Field(() => MoneyModel) authorized: MoneyModel;
  @Field(() => MoneyModel) captured: MoneyModel;
}

@ObjectType('HoldDetail')
export class HoldDetailModel {
  @Field(() => HoldReasonEnum) reason: string;
  @Field() detail: string;
}

@ObjectType('OrderHistoryEntry')
export class OrderHistoryModel {
  @Field() at: Date;
  @Field(() => OrderStatusEnum, { nullable: true }) fromStatus: string | null;
  @Field(() => OrderStatusEnum) toStatus: string;
  @Field(() => [HoldReasonEnum]) holdReasons: string[];
  @Field() reason: string;
  @Field() correlationId: string;
  @Field(() => ID, { nullable: true }) inboxId: string | null;
}

@ObjectType('SourceEvent', { description: 'A channel delivery that touched the order, and what it did.' })
export class SourceEventModel {
  @Field(() => ID) inboxId: string;
  @Field() topic: string;
  @Field() sourceVersion: Date;
  @Field({ description: 'APPLIED, or STALE when an older version arrived after a newer one.' }) outcome: string;
  @Field() correlationId: string;
  // receivedAt: the inbox's, resolved by ingestion (SourceEventFieldsResolver).
}

@ObjectType('UnmappedKey', { description: 'An identifier of the order with no master-data mapping yet.' })
export class UnmappedKeyModel {
  @Field({ description: 'ITEM, LOCATION, TAX_CODE, TENDER or CUSTOMER' }) kind: string;
  @Field(() => ChannelEnum) channel: string;
  @Field() account: string;
  @Field() sourceValue: string;
}

@ObjectType('UnmappedValue', { description: 'A missing mapping and the held orders waiting for it.' })
export class UnmappedValueModel {
  @Field() kind: string;
  @Field(() => ChannelEnum) channel: string;
  @Field() account: string;
  @Field() sourceValue: string;
  @Field(() => Int, { description: 'Held orders waiting for this mapping' }) orderCount: number;
  @Field({ description: 'When the oldest of them started waiting' }) since: Date;
  // suggestions: master data's, resolved by MappingSuggestionsResolver.
}

@ObjectType('Order')
export class OrderModel {
  @Field(() => ID) id: string;
  @Field(() => ChannelEnum) channel: string;
  @Field() account: string;
  @Field() externalId: string;
  @Field() orderNumber: string;
  @Field(() => OrderStatusEnum) status: string;
  @Field(() => [HoldReasonEnum]) holdReasons: string[];
  @Field(() => [HoldDetailModel]) holdDetails: HoldDetailModel[];
  @Field() currencyCode: string;
  @Field() placedAt: Date;
  @Field() sourceUpdatedAt: Date;
  @Field() paymentStatus: string;
  @Field(() => [OrderChargeModel], { description: "Tips, duties and other charges inside the grand total." }) charges: OrderChargeModel[];
  @Field() taxStatus: string;
  @Field(() => OrderTotalsModel) totals: OrderTotalsModel;
  @Field(() => String, { nullable: true, description: "The buyer's note on the order." }) note: string | null;
  @Field(() => String, { nullable: true, description: "The buyer's purchase order number." }) poNumber: string | null;
  @Field({ description: 'The channel marks it a test order (held as TEST_ORDER unless its channel account allows test orders).' }) test: boolean;
  @Field(() => String, { nullable: true, description: "The buyer's currency when it is not the shop's; an ERP target with currencyBasis PRESENTMENT books the order in it." })
  presentmentCurrency: string | null;
  // The children are field resolvers, each loaded only when a query selects it: lines,
  // shippingLines, tenders, history, sourceEvents, unmappedKeys (OrderChildrenResolver),
  // erpReferences (erp-sync), fulfillmentRequests and shipments (fulfillments).
}

@ObjectType('OrderEdge')
export class OrderEdgeModel {
  @Field() cursor: string;
  @Field(() => OrderModel) node: OrderModel;
}

@ObjectType('PageInfo')
export class PageInfoModel {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

@ObjectType('OrderConnection')
export class OrderConnectionModel {
  @Field(() => [OrderEdgeModel]) edges: OrderEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
}

@InputType('OrderFilter')
export class OrderFilterInput {
  @Field(() => ChannelEnum, { nullable: true }) channel?: string;
  @Field(() => OrderStatusEnum, { nullable: true }) status?: string;
  @Field({ nullable: true }) placedFrom?: Date;
  @Field({ nullable: true }) placedTo?: Date;
}
