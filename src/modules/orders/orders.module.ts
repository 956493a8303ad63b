import { Module } from '@nestjs/common';
import { OrdersResolver } from './graphql/orders.resolver.js';
import { OrderEventsService } from './order-events.service.js';
import { OrderReader } from './persistence/order-reader.js';

@Module({
  providers: [OrderEventsService, OrderReader, OrdersResolver],
  exports: [OrderEventsService],
})
export class OrdersModule {}
