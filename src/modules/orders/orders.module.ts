import { Module } from '@nestjs/common';
import { OrderChildrenResolver } from './graphql/order-children.resolver.js';
import { OrdersResolver } from './graphql/orders.resolver.js';
import { OrderEventsService } from './order-events.service.js';
import { OrderChildrenReader } from './persistence/order-children-reader.js';
import { OrderReader } from './persistence/order-reader.js';

@Module({
  providers: [OrderEventsService, OrderReader, OrderChildrenReader, OrdersResolver, OrderChildrenResolver],
  exports: [OrderEventsService],
})
export class OrdersModule {}
