import { Inject } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { loadBatched } from '../../../platform/graphql/batch-loader.js';
import { OrderModel } from '../../orders/graphql/order.model.js';
import { requestModel, shipmentModel } from './fulfillment-rows.js';
import { FulfillmentRequestModel, ShipmentModel } from './fulfillment.model.js';
import { OrderFulfillmentReader } from './order-fulfillment-reader.js';

const none = (): Record<string, unknown>[] => [];

/** An order's fulfilment requests and shipments, read (for the whole request's orders at once) only when selected. */
@Resolver(() => OrderModel)
export class OrderFulfillmentsResolver {
  constructor(@Inject(OrderFulfillmentReader) private readonly reader: OrderFulfillmentReader) {}

  @ResolveField('fulfillmentRequests', () => [FulfillmentRequestModel])
  async fulfillmentRequests(@Parent() order: OrderModel, @Context() context: object): Promise<FulfillmentRequestModel[]> {
    return (await loadBatched(context, this.reader, this.reader.requests, order.id, none)).map(requestModel);
  }

  @ResolveField('shipments', () => [ShipmentModel])
  async shipments(@Parent() order: OrderModel, @Context() context: object): Promise<ShipmentModel[]> {
    return (await loadBatched(context, this.reader, this.reader.shipments, order.id, none)).map(shipmentModel);
  }
}
