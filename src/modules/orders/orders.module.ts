import { Module } from '@nestjs/common';
import { ErpOutboxModule } from '../erp-sync/outbox/erp-outbox.module.js';
import { FulfillmentOutboxModule } from '../fulfillments/outbox/fulfillment-outbox.module.js';
import { ShipmentEventsModule } from '../fulfillments/shipments/shipment-events.module.js';
import { OrdersResolver } from './graphql/orders.resolver.js';
import { OrderEventsService } from './order-events.service.js';
import { OrderReader } from './persistence/order-reader.js';

@Module({
  imports: [ErpOutboxModule, FulfillmentOutboxModule, ShipmentEventsModule],
  providers: [OrderEventsService, OrderReader, OrdersResolver],
  exports: [OrderEventsService],
})
export class OrdersModule {}
